/**
 * The Impulse step's state: the draft windowing + DSP block being edited, its validation, saving it
 * as `project.impulse`, and the jobs run in the DSP worker (features + explorer, autotune). Heavy
 * work happens in src/workers/dsp-worker.ts; this module only holds results. UI module.
 *
 * `focusSampleId` is set when the feature explorer asks to open a sample; the Data step may read it
 * (and clear it) to open that sample: `$effect(() => { if (focusSampleId.value) open(focusSampleId.value) })`.
 */
import type { DspBlockId, ImpulseConfig, ParamValue, WindowingConfig } from '../../core/impulse.ts';
import type { Progress } from '../../core/progress.ts';
import * as v from 'valibot';
import { isCancelled, shownError, StudioError, type ShownError } from '../../core/errors.ts';
import { FrequencyHzSchema, IMPULSE_LIMITS, WindowMsSchema } from '../../core/impulse-schema.ts';
import type { SampleMeta } from '../../data/sample.ts';
import { proposedImpulse } from './dataset-facts.ts';
import type { ProjectRecord } from '../../data/store/schema.ts';
import type { DspBlock, ParamSchema } from '../../dsp/block.ts';
import { defaultParams, resolveParams } from '../../dsp/block.ts';
import { dspContext, getDspBlock, listDspBlocks } from '../../dsp/registry.ts';
import { windowFrames } from '../../dsp/windowing.ts';
import type { SpectralAutotune } from '../../dsp/autotune.ts';
import { DEFAULT_LEARN, DEFAULT_TRAINING } from '../../ml/defaults.ts';
import { featureParamsHash } from '../../workers/dsp-api.ts';
import type { FeatureSummary, WindowPreview } from '../../workers/dsp-api.ts';
import { dspWorker, newJobId, progressProxy } from '../../workers/dsp-client.ts';
import { notices } from './notices.svelte.ts';
import { studio } from './studio.svelte.ts';

/** The sample the feature explorer asked to open (and where), for the Data step. */
export const focusSampleId = $state<{ value: string | null; startMs: number | null }>({ value: null, startMs: null });

export { datasetFacts, type DatasetFacts } from './dataset-facts.ts';

/** Canonical text of windowing + DSP choice, for "unsaved changes" checks. */
function configText(w: WindowingConfig, block: string, params: Record<string, ParamValue>): string {
  const p = Object.keys(params)
    .sort()
    .map((k) => [k, params[k]]);
  return JSON.stringify([w.windowMs, w.strideMs, !!w.zeroPad, w.frequencyHz, w.axes, block, p]);
}

function errText(e: unknown): string {
  return e instanceof StudioError ? e.describe() : e instanceof Error ? e.message : String(e);
}

/** Is a parameter shown, given the other parameters' values? */
export function paramVisible(p: ParamSchema, params: Record<string, ParamValue>): boolean {
  if (!p.showIf) return true;
  const v = params[p.showIf.param];
  if (p.showIf.equals !== undefined && String(v) !== String(p.showIf.equals)) return false;
  if (p.showIf.notEquals !== undefined && String(v) === String(p.showIf.notEquals)) return false;
  return true;
}

export class ImpulseState {
  projectId = $state<string | null>(null);
  windowing = $state<WindowingConfig>({ windowMs: 2000, strideMs: 500, zeroPad: true, frequencyHz: 62.5, axes: [] });
  block = $state<DspBlockId>('flatten');
  params = $state<Record<string, ParamValue>>({});
  /** configText of what was loaded or last saved. */
  baseText = $state('');
  /** The project has a saved impulse. */
  hasSaved = $state(false);
  saving = $state(false);
  private paramsByBlock: Partial<Record<DspBlockId, Record<string, ParamValue>>> = {};

  // features job
  genJob = $state<string | null>(null);
  genProgress = $state.raw<Progress | null>(null);
  result = $state.raw<FeatureSummary | null>(null);
  genError = $state.raw<ShownError | null>(null);
  /** Highest progress fraction the last run reported (1 when it completed). */
  lastFraction = $state(0);

  // autotune job
  tuneJob = $state<string | null>(null);
  tune = $state.raw<SpectralAutotune | null>(null);
  tuneError = $state.raw<ShownError | null>(null);

  // window preview
  previewSampleId = $state<string | null>(null);
  preview = $state.raw<WindowPreview | null>(null);
  previewError = $state<string | null>(null);

  readonly blocks: DspBlock[] = listDspBlocks();

  blockDef = $derived<DspBlock>(getDspBlock(this.block));
  text = $derived(configText(this.windowing, this.block, this.params));
  edited = $derived(this.text !== this.baseText);
  dirty = $derived(this.edited || !this.hasSaved);

  /** Per windowing field: what is wrong, or absent. */
  windowingErrors = $derived.by(() => {
    const w = this.windowing;
    const out: Partial<Record<'windowMs' | 'strideMs' | 'frequencyHz' | 'axes', string>> = {};
    // The same ranges as the impulse schema every stored or imported impulse goes through.
    if (!v.is(FrequencyHzSchema, Number(w.frequencyHz))) out.frequencyHz = `Enter the sample rate of your data in Hz (${IMPULSE_LIMITS.minFrequencyHz} to ${IMPULSE_LIMITS.maxFrequencyHz}), e.g. 62.5.`;
    if (!v.is(WindowMsSchema, Number(w.windowMs))) out.windowMs = `Enter a window size in ms (above 0, at most ${IMPULSE_LIMITS.maxWindowMs}), e.g. 2000.`;
    else if (!out.frequencyHz) {
      try {
        windowFrames(w);
      } catch (e) {
        out.windowMs = errText(e);
      }
    }
    if (!v.is(WindowMsSchema, Number(w.strideMs))) out.strideMs = `Enter a window stride in ms (above 0, at most ${IMPULSE_LIMITS.maxWindowMs}), e.g. 500.`;
    if (w.axes.length === 0) out.axes = 'Pick at least one axis.';
    return out;
  });

  /** Per visible parameter: what is wrong, or absent. */
  paramErrors = $derived.by(() => {
    const out: Record<string, string> = {};
    for (const p of this.blockDef.params) {
      if (!paramVisible(p, this.params)) continue;
      try {
        resolveParams([p], { [p.name]: this.params[p.name] });
      } catch (e) {
        out[p.name] = errText(e);
      }
    }
    return out;
  });

  /** The block's own verdict on the whole configuration (e.g. a cut-off masking every FFT bin). */
  blockError = $derived.by((): ShownError | null => {
    if (Object.keys(this.windowingErrors).length || Object.keys(this.paramErrors).length) return null;
    try {
      this.blockDef.validate(dspContext({ windowing: this.windowing, dsp: { block: this.block, params: this.params } }));
      return null;
    } catch (e) {
      return shownError(e);
    }
  });

  valid = $derived(!Object.keys(this.windowingErrors).length && !Object.keys(this.paramErrors).length && !this.blockError);

  /** Output of the block for the draft: feature count and shape, when valid. */
  outputInfo = $derived.by(() => {
    if (!this.valid) return null;
    try {
      const ctx = dspContext({ windowing: this.windowing, dsp: { block: this.block, params: this.params } });
      return { dim: this.blockDef.featureNames(ctx).length, shape: this.blockDef.outputShape(ctx), windowFrames: ctx.windowFrames };
    } catch {
      return null;
    }
  });

  /** Cache hash of the draft (null when invalid). */
  draftHash = $derived.by(() => {
    if (!this.valid) return null;
    try {
      return featureParamsHash(this.snapshot());
    } catch {
      return null;
    }
  });

  /** The features shown were made with other settings than the draft. */
  resultStale = $derived(!!this.result && this.result.paramsHash !== this.draftHash);

  snapshot(): Pick<ImpulseConfig, 'windowing' | 'dsp'> {
    return { windowing: $state.snapshot(this.windowing) as WindowingConfig, dsp: { block: this.block, params: $state.snapshot(this.params) as Record<string, ParamValue> } };
  }

  /** Keeps the draft in step with the selected project (call from an effect). */
  sync(project: ProjectRecord | null, samples: SampleMeta[]): void {
    if (!project) return;
    if (project.id !== this.projectId) {
      this.load(project, samples);
      return;
    }
    const imp = project.impulse;
    if (imp) {
      const t = configText(imp.windowing, imp.dsp.block, { ...defaultParams(getDspBlock(imp.dsp.block).params), ...imp.dsp.params });
      if (t !== this.baseText && !this.edited) this.load(project, samples, false);
    } else if (!this.edited && !this.hasSaved) {
      // defaults follow the samples until the person edits something
      this.load(project, samples, false);
    }
  }

  load(project: ProjectRecord, samples: SampleMeta[], resetResults = true): void {
    const imp = project.impulse;
    const base = imp ?? proposedImpulse(samples);
    const block = getDspBlock(base.dsp.block);
    this.projectId = project.id;
    this.windowing = structuredClone(base.windowing);
    this.block = block.id;
    this.params = { ...defaultParams(block.params), ...structuredClone(base.dsp.params) };
    this.paramsByBlock = {};
    this.hasSaved = !!imp;
    this.baseText = configText(this.windowing, this.block, this.params);
    if (resetResults) {
      if (this.genJob) this.cancelGenerate();
      this.result = null;
      this.genError = null;
      this.tune = null;
      this.tuneError = null;
      this.preview = null;
      this.previewSampleId = samples[0]?.id ?? null;
    }
  }

  setBlock(id: DspBlockId): void {
    if (id === this.block) return;
    this.paramsByBlock[this.block] = $state.snapshot(this.params) as Record<string, ParamValue>;
    const block = getDspBlock(id);
    const saved = studio.project?.impulse?.dsp.block === id ? studio.project.impulse.dsp.params : undefined;
    this.params = { ...defaultParams(block.params), ...(this.paramsByBlock[id] ?? saved ?? {}) };
    this.block = id;
  }

  setParam(name: string, value: ParamValue): void {
    this.params = { ...this.params, [name]: value };
  }

  resetParams(): void {
    this.params = defaultParams(this.blockDef.params);
  }

  async save(): Promise<boolean> {
    const p = studio.project;
    if (!p || !this.valid) return false;
    this.saving = true;
    try {
      const existing = p.impulse;
      const windowing = $state.snapshot(this.windowing) as WindowingConfig;
      windowing.windowMs = Number(windowing.windowMs);
      windowing.strideMs = Number(windowing.strideMs);
      windowing.frequencyHz = Number(windowing.frequencyHz);
      const params = resolveParams(this.blockDef.params, $state.snapshot(this.params) as Record<string, ParamValue>);
      const changed = !existing || configText(existing.windowing, existing.dsp.block, { ...defaultParams(getDspBlock(existing.dsp.block).params), ...existing.dsp.params }) !== configText(windowing, this.block, params);
      const impulse: ImpulseConfig = {
        ...(existing ?? {}),
        version: 1,
        windowing,
        dsp: { block: this.block, params },
        learn: existing?.learn ?? structuredClone(DEFAULT_LEARN),
        training: existing?.training ?? structuredClone(DEFAULT_TRAINING),
        labels: studio.labels,
      };
      // A quantization belongs to a model trained on the old features.
      if (changed) delete impulse.quantization;
      await studio.updateProject({ impulse });
      this.params = params;
      this.windowing = windowing;
      this.hasSaved = true;
      this.baseText = configText(windowing, this.block, params);
      notices.push({ kind: 'success', title: 'Impulse saved', text: `${this.blockDef.title} on ${windowing.windowMs} ms windows every ${windowing.strideMs} ms.` });
      return true;
    } catch (e) {
      notices.error(e, 'Could not save the impulse');
      return false;
    } finally {
      this.saving = false;
    }
  }

  async generate(): Promise<void> {
    const p = studio.project;
    if (!p || !this.valid || this.genJob) return;
    const jobId = newJobId('features');
    this.genJob = jobId;
    this.genError = null;
    this.lastFraction = 0;
    this.genProgress = { stage: 'features', fraction: 0, detail: 'Starting' };
    try {
      const res = await dspWorker().generateFeatures(
        jobId,
        p.id,
        this.snapshot(),
        progressProxy((pr) => {
          if (this.genJob !== jobId) return;
          this.genProgress = pr;
          if (pr.fraction !== undefined) this.lastFraction = Math.max(this.lastFraction, pr.fraction);
        }),
      );
      if (this.genJob === jobId && this.projectId === p.id) this.result = res;
    } catch (e) {
      if (this.genJob !== jobId) return;
      if (isCancelled(e)) notices.info('Feature generation was cancelled; features computed so far are cached.', 'Cancelled');
      else this.genError = shownError(e);
    } finally {
      if (this.genJob === jobId) {
        this.genJob = null;
        this.genProgress = null;
      }
    }
  }

  cancelGenerate(): void {
    if (this.genJob) void dspWorker().cancel(this.genJob);
  }

  async autotune(): Promise<void> {
    const p = studio.project;
    if (!p || this.tuneJob || Object.keys(this.windowingErrors).length) return;
    const jobId = newJobId('autotune');
    this.tuneJob = jobId;
    this.tuneError = null;
    try {
      const res = await dspWorker().autotune(jobId, p.id, $state.snapshot(this.windowing) as WindowingConfig);
      if (this.tuneJob === jobId) this.tune = res;
    } catch (e) {
      if (this.tuneJob === jobId && !isCancelled(e)) this.tuneError = shownError(e);
    } finally {
      if (this.tuneJob === jobId) this.tuneJob = null;
    }
  }

  cancelAutotune(): void {
    if (this.tuneJob) void dspWorker().cancel(this.tuneJob);
  }

  /** Applies autotune proposals (all, or one parameter) to the spectral block. */
  applyTune(param?: string): void {
    if (!this.tune) return;
    this.setBlock('spectral');
    const next = { ...this.params };
    for (const pr of this.tune.proposals) if (!param || pr.param === param) next[pr.param] = pr.value;
    if (!param) Object.assign(next, this.tune.params);
    this.params = next;
  }

  async loadPreview(): Promise<void> {
    const id = this.previewSampleId;
    if (!id) {
      this.preview = null;
      return;
    }
    const w = $state.snapshot(this.windowing) as WindowingConfig;
    try {
      const res = await dspWorker().previewWindows(id, w);
      if (this.previewSampleId === id) {
        this.preview = res;
        this.previewError = null;
      }
    } catch (e) {
      if (this.previewSampleId === id) {
        this.preview = null;
        this.previewError = errText(e);
      }
    }
  }

  /** Opens a sample on the Data step (from the explorer). */
  openSample(sampleId: string, startMs: number | null = null): void {
    focusSampleId.value = sampleId;
    focusSampleId.startMs = startMs;
    studio.step = 'data';
  }
}

export const impulse = new ImpulseState();

// Features, previews and tuning belong to the project they were made for, even when another
// project is opened while the Impulse step is not shown.
studio.onProjectChange(() => {
  if (studio.project) impulse.load(studio.project, studio.samples);
});
