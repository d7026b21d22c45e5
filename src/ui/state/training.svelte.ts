/**
 * The Train step's state: the learning block and training settings being edited, the training job
 * running in the Train/Test worker (stage, backend, per-epoch curves), and the project's stored model
 * versions (current, delete, compare). All heavy work runs in src/workers/ml-worker.ts; this
 * module holds small results only. UI module.
 */
import type { ImpulseConfig, LearnBlockId, LearnConfig, TrainingSettings } from '../../core/impulse.ts';
import { isCancelled, StudioError } from '../../core/errors.ts';
import type { ModelRecord } from '../../data/store/schema.ts';
import { DEFAULT_CONV1D_LEARN, DEFAULT_LEARN, DEFAULT_TRAINING } from '../../ml/defaults.ts';
import { ANOMALY_DEFAULTS, anomalyParams, conv1dParams, denseParams } from '../../ml/models/learn-params.ts';
import type { BackendPref, EpochPoint, ProbeResult, SkippedSample, StoredMetrics, TrainEvent } from '../../workers/ml-api.ts';
import { eventProxy, newTrainJobId, trainWorker } from '../../workers/ml-client.ts';
import { proposedImpulse } from './dataset-facts.ts';
import { notices } from './notices.svelte.ts';
import { studio } from './studio.svelte.ts';

/** The editable form of each learning block's parameters (lists as text). */
export interface LearnDraft {
  block: LearnBlockId;
  /** l2: kept from the impulse (the tuner may set it), 0 = off. */
  dense: { layers: string; dropout: number; l2?: number };
  conv1d: { filters: string; kernel: number; pool: number; head: 'global-avg' | 'flatten'; dense: string; dropout: number; l2?: number };
  anomaly: { clusters: number; features: number[]; percentile: number; thresholdFactor: number };
}

export type ModelSummary = Omit<ModelRecord, 'artifacts'> & { metrics: StoredMetrics; sizes: { tfjs?: number; int8?: number; float?: number } };

const listText = (v: unknown, def: number[]): string => (Array.isArray(v) ? v.join(', ') : typeof v === 'string' ? v : def.join(', '));

export function draftFromLearn(learn: LearnConfig | undefined): LearnDraft {
  const d: LearnDraft = {
    block: learn?.block ?? 'dense',
    dense: { layers: listText(DEFAULT_LEARN.params['layers'], []), dropout: Number(DEFAULT_LEARN.params['dropout'] ?? 0.1) },
    conv1d: { filters: '8, 16', kernel: 5, pool: 2, head: 'global-avg', dense: '', dropout: 0.1 },
    anomaly: { clusters: ANOMALY_DEFAULTS.clusters, features: [], percentile: ANOMALY_DEFAULTS.percentile, thresholdFactor: ANOMALY_DEFAULTS.thresholdFactor },
  };
  const c = conv1dParams(DEFAULT_CONV1D_LEARN.params);
  d.conv1d = { filters: c.filters.join(', '), kernel: c.kernel, pool: c.pool, head: c.head, dense: c.dense.join(', '), dropout: c.dropout };
  if (!learn) return d;
  try {
    if (learn.block === 'dense') {
      const p = denseParams(learn.params);
      d.dense = { layers: p.layers.join(', '), dropout: p.dropout, l2: p.l2 };
    } else if (learn.block === 'conv1d') {
      const p = conv1dParams(learn.params);
      d.conv1d = { filters: p.filters.join(', '), kernel: p.kernel, pool: p.pool, head: p.head, dense: p.dense.join(', '), dropout: p.dropout, l2: p.l2 };
    } else if (learn.block === 'anomaly') {
      const p = anomalyParams(learn.params);
      d.anomaly = { clusters: p.clusters, features: p.features, percentile: p.percentile, thresholdFactor: p.thresholdFactor };
    }
  } catch {
    /* keep defaults for a broken stored config */
  }
  return d;
}

/** The LearnConfig a draft stands for; throws a config StudioError for bad values. */
export function learnFromDraft(d: LearnDraft): LearnConfig {
  if (d.block === 'dense') {
    const p = denseParams({ layers: d.dense.layers, dropout: Number(d.dense.dropout), l2: Number(d.dense.l2 ?? 0) });
    return { block: 'dense', params: { layers: p.layers, dropout: p.dropout, ...(p.l2 > 0 ? { l2: p.l2 } : {}) } };
  }
  if (d.block === 'conv1d') {
    const p = conv1dParams({ filters: d.conv1d.filters, kernel: Number(d.conv1d.kernel), pool: Number(d.conv1d.pool), head: d.conv1d.head, dense: d.conv1d.dense, dropout: Number(d.conv1d.dropout), l2: Number(d.conv1d.l2 ?? 0) });
    return { block: 'conv1d', params: { filters: p.filters, kernel: p.kernel, pool: p.pool, head: p.head, dense: p.dense, dropout: p.dropout, ...(p.l2 > 0 ? { l2: p.l2 } : {}) } };
  }
  const p = anomalyParams({ clusters: Number(d.anomaly.clusters), features: d.anomaly.features, percentile: Number(d.anomaly.percentile), 'threshold-factor': Number(d.anomaly.thresholdFactor) });
  return { block: 'anomaly', params: { clusters: p.clusters, features: p.features, percentile: p.percentile, 'threshold-factor': p.thresholdFactor } };
}

/** Problems with the training settings, by field (empty when all are fine). */
export function settingsErrors(s: TrainingSettings): Partial<Record<keyof TrainingSettings | 'noise' | 'timeShift' | 'amplitudeScale', string>> {
  const out: Partial<Record<keyof TrainingSettings | 'noise' | 'timeShift' | 'amplitudeScale', string>> = {};
  const int = (v: number, lo: number, hi: number) => Number.isInteger(Number(v)) && Number(v) >= lo && Number(v) <= hi;
  if (!int(s.epochs, 1, 10000)) out.epochs = 'A whole number from 1 to 10000.';
  if (!(Number(s.learningRate) > 0 && Number(s.learningRate) < 10)) out.learningRate = 'A number above 0, e.g. 0.005.';
  if (!int(s.batchSize, 1, 65536)) out.batchSize = 'A whole number from 1, e.g. 32.';
  if (!(Number(s.validationSplit) >= 0 && Number(s.validationSplit) < 1)) out.validationSplit = 'From 0 to below 1, e.g. 0.2.';
  if (!int(s.earlyStoppingPatience, 0, 10000)) out.earlyStoppingPatience = '0 (off) or a whole number of epochs.';
  if (!int(s.seed, 0, 2 ** 31 - 1)) out.seed = 'A whole number ≥ 0.';
  const frac = (v: number) => Number(v) >= 0 && Number(v) <= 1;
  if (!frac(s.augmentation.noise)) out.noise = 'From 0 to 1 (× the feature spread).';
  if (!frac(s.augmentation.timeShift)) out.timeShift = 'From 0 to 1 (× the window).';
  if (!frac(s.augmentation.amplitudeScale)) out.amplitudeScale = 'From 0 to 1.';
  return out;
}

function num(v: unknown): number {
  return Number(v);
}

function cleanSettings(s: TrainingSettings): TrainingSettings {
  return {
    epochs: num(s.epochs),
    learningRate: num(s.learningRate),
    batchSize: num(s.batchSize),
    validationSplit: num(s.validationSplit),
    seed: num(s.seed),
    earlyStoppingPatience: num(s.earlyStoppingPatience),
    classWeighting: !!s.classWeighting,
    augmentation: { noise: num(s.augmentation.noise), timeShift: num(s.augmentation.timeShift), amplitudeScale: num(s.augmentation.amplitudeScale) },
  };
}

export function summarize(rec: ModelRecord): ModelSummary {
  const { artifacts, ...rest } = rec;
  return {
    ...rest,
    metrics: (rec.metrics ?? { labels: rec.impulse.labels, training: { backend: '?', probes: [], train_ms: 0, epochs_run: 0, best_epoch: 0, stopped_early: false, windows: { training: 0, test: 0 }, history: [] }, sizes: { tfjs_bytes: 0, parameters: 0 } }) as StoredMetrics,
    sizes: { tfjs: artifacts.tfjs ? artifacts.tfjs.weightData.byteLength : undefined, int8: artifacts.int8Tflite?.byteLength, float: artifacts.floatTflite?.byteLength },
  };
}

/** Minimum time between redraws of the curves while training. */
const REDRAW_MS = 250;

export class TrainingState {
  projectId = $state<string | null>(null);
  draft = $state<LearnDraft>(draftFromLearn(undefined));
  settings = $state<TrainingSettings>(structuredClone(DEFAULT_TRAINING));
  backendPref = $state<BackendPref>('auto');

  // job
  jobId = $state<string | null>(null);
  stage = $state('');
  backend = $state<string | null>(null);
  probes = $state.raw<ProbeResult[]>([]);
  probeMs = $state(0);
  history = $state.raw<EpochPoint[]>([]);
  dataInfo = $state.raw<{ trainRecordings: number; testRecordings: number; skipped: SkippedSample[] } | null>(null);
  error = $state<string | null>(null);
  lastModelId = $state<string | null>(null);
  lastMetrics = $state.raw<StoredMetrics | null>(null);

  // versions
  models = $state.raw<ModelSummary[]>([]);
  compare = $state<string[]>([]);

  running = $derived(this.jobId !== null);
  errors = $derived(settingsErrors(this.settings));
  learnError = $derived.by(() => {
    try {
      learnFromDraft(this.draft);
      return null;
    } catch (e) {
      return e instanceof StudioError ? e.message : String(e);
    }
  });
  valid = $derived(!this.learnError && Object.keys(this.errors).length === 0);

  /** The impulse training would use: the saved one, else defaults fitted to the samples. */
  baseImpulse(): ImpulseConfig {
    const p = studio.project;
    if (p?.impulse) return structuredClone($state.snapshot(p.impulse) as ImpulseConfig);
    return proposedImpulse(studio.samples);
  }

  /** Loads the draft from the project (when the project changed) and its model list. */
  async sync(): Promise<void> {
    const p = studio.project;
    if (!p) return;
    if (p.id !== this.projectId) {
      this.projectId = p.id;
      const imp = this.baseImpulse();
      this.draft = draftFromLearn(imp.learn);
      this.settings = structuredClone(imp.training);
      this.history = [];
      this.backend = null;
      this.error = null;
      this.lastMetrics = null;
      this.compare = [];
    }
    await this.refreshModels();
  }

  async refreshModels(): Promise<void> {
    const p = studio.project;
    if (!p) return;
    const list = await studio.s.listModels(p.id);
    if (studio.project?.id !== p.id) return;
    this.models = list.map(summarize);
  }

  setBlock(b: LearnBlockId): void {
    this.draft.block = b;
  }

  resetDefaults(): void {
    const block = this.draft.block;
    this.draft = draftFromLearn(block === 'conv1d' ? DEFAULT_CONV1D_LEARN : block === 'anomaly' ? { block: 'anomaly', params: {} } : DEFAULT_LEARN);
    this.settings = structuredClone(DEFAULT_TRAINING);
  }

  async train(): Promise<void> {
    const p = studio.project;
    if (!p || this.jobId || !this.valid) return;
    let impulse: ImpulseConfig;
    try {
      impulse = this.baseImpulse();
      impulse.learn = learnFromDraft($state.snapshot(this.draft) as LearnDraft);
      impulse.training = cleanSettings($state.snapshot(this.settings) as TrainingSettings);
    } catch (e) {
      notices.error(e, 'Cannot train with these settings');
      return;
    }
    const jobId = newTrainJobId();
    this.jobId = jobId;
    this.stage = 'starting';
    this.error = null;
    this.history = [];
    this.backend = null;
    this.probes = [];
    this.dataInfo = null;
    this.lastMetrics = null;
    // Epoch logs arrive as small messages; the page redraws the curves and the stage text at most
    // every REDRAW_MS so rendering stays a small share of the main thread while the worker trains.
    let pending: EpochPoint[] = [];
    let timer: ReturnType<typeof setTimeout> | null = null;
    let lastFlush = 0;
    const flush = () => {
      timer = null;
      lastFlush = performance.now();
      if (this.jobId !== jobId || pending.length === 0) return;
      const lastEpoch = pending[pending.length - 1].epoch;
      this.history = [...this.history, ...pending];
      pending = [];
      this.stage = `training: epoch ${lastEpoch} / ${impulse.training.epochs}`;
    };
    const onEvent = (e: TrainEvent) => {
      if (this.jobId !== jobId) return;
      if (e.type === 'epoch') {
        pending.push(e.log);
        if (!timer) timer = setTimeout(flush, Math.max(0, REDRAW_MS - (performance.now() - lastFlush)));
      } else if (e.type === 'backend') {
        this.backend = e.backend;
        this.probes = e.probes;
        this.probeMs = e.probeMs;
      } else if (e.type === 'stage') {
        this.stage = e.detail ? `${e.stage}: ${e.detail}` : e.stage;
      } else if (e.type === 'data') {
        this.dataInfo = { trainRecordings: e.trainRecordings, testRecordings: e.testRecordings, skipped: e.skipped };
      }
    };
    try {
      // Keep the chosen learning block and settings with the project (the Impulse step keeps them).
      await studio.updateProject({ impulse: { ...impulse, quantization: undefined } });
      const w = await trainWorker();
      const res = await w.train({ jobId, projectId: p.id, impulse, backend: this.backendPref }, eventProxy(onEvent));
      if (timer) clearTimeout(timer);
      flush();
      if (this.history.length === 0 && res.metrics.training.history.length) this.history = res.metrics.training.history;
      this.backend = res.backend;
      this.lastMetrics = res.metrics;
      this.lastModelId = res.modelId;
      if (res.modelId && studio.project?.id === p.id) {
        await studio.updateProject({ currentModelId: res.modelId });
        await this.refreshModels();
      }
      const acc = res.metrics.float?.accuracy;
      notices.push({ kind: 'success', title: `Model ${res.name} trained`, text: acc !== undefined ? `Test accuracy ${(acc * 100).toFixed(1)} % (per window). It is now the current model.` : 'Saved as the current model.' });
    } catch (e) {
      if (isCancelled(e)) {
        this.error = null;
        notices.info('Training was cancelled; nothing was saved.');
      } else {
        this.error = e instanceof StudioError ? e.describe() : e instanceof Error ? e.message : String(e);
        notices.error(e, 'Training failed');
      }
    } finally {
      if (this.jobId === jobId) this.jobId = null;
      this.stage = '';
    }
  }

  async cancel(): Promise<void> {
    const id = this.jobId;
    if (!id) return;
    this.stage = 'cancelling…';
    (await trainWorker()).cancel(id);
  }

  async markCurrent(id: string): Promise<void> {
    await studio.updateProject({ currentModelId: id });
  }

  async remove(id: string): Promise<void> {
    const m = this.models.find((x) => x.id === id);
    if (!m) return;
    try {
      await studio.s.deleteModel(id);
      (await trainWorker()).forget(id);
      if (studio.project?.currentModelId === id) {
        const next = this.models.find((x) => x.id !== id);
        await studio.updateProject({ currentModelId: next?.id });
      }
      this.compare = this.compare.filter((x) => x !== id);
      await this.refreshModels();
      notices.push({ kind: 'info', title: 'Model deleted', text: `Model ${m.name} was deleted.` });
    } catch (e) {
      notices.error(e, 'Could not delete the model');
    }
  }

  toggleCompare(id: string): void {
    if (this.compare.includes(id)) this.compare = this.compare.filter((x) => x !== id);
    else this.compare = [...this.compare.slice(-1), id];
  }
}

export const training = new TrainingState();
