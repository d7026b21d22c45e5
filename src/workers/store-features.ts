/**
 * Features of stored samples through StudioStore's feature cache (one entry per sample version and
 * DSP configuration): a sample's features are computed once — by whichever step asks first, Impulse,
 * Train or Test — and read from the cache afterwards; sample values are read only to compute. The
 * one way every worker gets features of stored samples. DOM-free core module.
 */
import { throwIfAborted } from '../core/errors.ts';
import type { OpOptions } from '../core/progress.ts';
import type { SampleMeta } from '../data/sample.ts';
import type { StudioStore } from '../data/store/studio-store.ts';
import { sampleName } from '../data/store/usable-samples.ts';
import { checkImpulseRate, computeFeaturesAsync, featureParamsHash, type FeatureImpulse, type FeatureSet, type FeatureWindow } from '../dsp/features.ts';
import { dspContext, getDspBlock } from '../dsp/registry.ts';
import { axisIndices, extractWindow, windowStarts } from '../dsp/windowing.ts';
import type { FeatureSource } from '../ml/train/pipeline.ts';

export interface SampleFeatures {
  /** rows × dim. */
  data: Float32Array;
  /** First frame of each window. */
  starts: Int32Array;
  cached: boolean;
}

/** The DSP output of an impulse: names, shape, dim and the cache hash (throws a dsp StudioError for bad params). */
export function featureLayout(impulse: FeatureImpulse): { names: string[]; shape: number[]; dim: number; hash: string } {
  const block = getDspBlock(impulse.dsp.block);
  const ctx = dspContext(impulse);
  block.validate(ctx);
  return { names: block.featureNames(ctx), shape: block.outputShape(ctx), dim: block.createRunner(ctx).dim, hash: featureParamsHash(impulse) };
}

/**
 * One sample's features: cached ones when the store has them for this sample version and `hash`,
 * else computed from the sample's values and cached. null when the sample was deleted meanwhile.
 */
export async function sampleFeatures(store: StudioStore, meta: SampleMeta, impulse: FeatureImpulse, layout: { hash: string; dim: number }, opts: OpOptions = {}): Promise<SampleFeatures | null> {
  const hit = await store.getSampleFeatures(meta, layout.hash);
  if (hit && hit.data.length === hit.rows * layout.dim && hit.starts.length === hit.rows) return { data: hit.data, starts: hit.starts, cached: true };
  if (meta.length * meta.axes.length > LONG_SAMPLE_VALUES) {
    const f = await segmentedSampleFeatures(store, meta, impulse, opts);
    if (!f) return null;
    await store.putSampleFeatures(meta, layout.hash, { data: f.data, rows: f.starts.length, starts: f.starts });
    return { ...f, cached: false };
  }
  const sample = await store.getSample(meta.id);
  if (!sample) return null;
  const fs = await computeFeaturesAsync([{ id: sampleName(meta), label: meta.label, values: sample.values, axes: meta.axes, intervalMs: meta.intervalMs }], impulse, opts);
  const starts = Int32Array.from(fs.windows, (w) => w.start);
  await store.putSampleFeatures(meta, layout.hash, { data: fs.data, rows: fs.rows, starts });
  return { data: fs.data, starts, cached: false };
}

/** Above this many values (16 MB) a sample's features are computed from windows read stretch by stretch. */
export const LONG_SAMPLE_VALUES = 4_000_000;

/**
 * A long sample's features (the same windows and values as computeFeatures on the whole sample),
 * reading only about `segmentValues` values at a time from the store. null when the sample is gone.
 */
export async function segmentedSampleFeatures(
  store: StudioStore,
  meta: SampleMeta,
  impulse: FeatureImpulse,
  opts: OpOptions = {},
  segmentValues = LONG_SAMPLE_VALUES / 4,
): Promise<{ data: Float32Array; starts: Int32Array } | null> {
  const fs = impulse.windowing.frequencyHz;
  checkImpulseRate(sampleName(meta), meta.intervalMs, fs);
  const block = getDspBlock(impulse.dsp.block);
  const ctx = dspContext(impulse);
  const runner = block.createRunner(ctx);
  const dim = runner.dim;
  const A = meta.axes.length;
  const picked = axisIndices(meta.axes, impulse.windowing.axes);
  const starts = windowStarts(meta.length, impulse.windowing);
  const size = ctx.windowFrames;
  const data = new Float32Array(starts.length * dim);
  const win = new Float32Array(size * ctx.axesCount);
  const seg = Math.max(size, Math.floor(segmentValues / Math.max(1, A)));
  for (let i = 0; i < starts.length; ) {
    throwIfAborted(opts.signal, 'dsp');
    const s0 = starts[i];
    let j = i + 1;
    while (j < starts.length && starts[j] + size - s0 <= seg) j++;
    const values = await store.readFrames(meta.id, s0, starts[j - 1] + size);
    if (!values) return null;
    for (let k = i; k < j; k++) {
      extractWindow(values, A, picked, starts[k] - s0, size, win);
      runner.run(win, data.subarray(k * dim, (k + 1) * dim));
    }
    opts.onProgress?.({ stage: 'features', fraction: j / starts.length, detail: `${j} / ${starts.length} windows` });
    i = j;
  }
  return { data, starts: Int32Array.from(starts) };
}

/** The feature set of `metas` (window `recording` = index into `metas`) through the cache. */
export async function storedFeatureSet(store: StudioStore, metas: SampleMeta[], impulse: FeatureImpulse, opts: OpOptions = {}): Promise<FeatureSet> {
  const layout = featureLayout(impulse);
  const parts: { data: Float32Array; rows: number }[] = [];
  const windows: FeatureWindow[] = [];
  for (let i = 0; i < metas.length; i++) {
    throwIfAborted(opts.signal, 'dsp');
    const f = await sampleFeatures(store, metas[i], impulse, layout, { signal: opts.signal });
    if (!f) continue;
    parts.push({ data: f.data, rows: f.starts.length });
    for (const start of f.starts) windows.push({ recording: i, start, label: metas[i].label });
  }
  const data = new Float32Array(windows.length * layout.dim);
  let r = 0;
  for (const p of parts) {
    data.set(p.data.subarray(0, p.rows * layout.dim), r * layout.dim);
    r += p.rows;
  }
  return { names: layout.names, shape: layout.shape, dim: layout.dim, rows: windows.length, data, windows };
}

/** A stored sample as the train job sees it (no values: features come from the cache). */
export interface StoredRecording {
  name: string;
  label: string;
  category: SampleMeta['category'];
  meta: SampleMeta;
}

export function storedRecordings(metas: SampleMeta[]): StoredRecording[] {
  return metas.map((meta) => ({ name: sampleName(meta), label: meta.label, category: meta.category, meta }));
}

/** The train job's feature source over stored samples. */
export function storeFeatureSource(store: StudioStore): FeatureSource<StoredRecording> {
  return (recs, impulse, opts) => storedFeatureSet(store, recs.map((r) => r.meta), impulse, opts);
}
