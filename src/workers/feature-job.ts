/**
 * The Impulse step's feature job over StudioStore, without worker plumbing (runs in Node tests on
 * fake-indexeddb): features of every usable sample through the store's feature cache (computed once
 * per sample version and DSP configuration), the feature explorer's PCA and likely-mislabel search.
 * The DSP worker (dsp-worker.ts) runs it. DOM-free core module.
 */
import { isCancelled, isStudioError, StudioError, throwIfAborted } from '../core/errors.ts';
import type { WindowingConfig } from '../core/impulse.ts';
import { throttleProgress } from '../core/progress.ts';
import type { SampleMeta } from '../data/sample.ts';
import type { StudioStore } from '../data/store/studio-store.ts';
import { sampleName, usableSamples } from '../data/store/usable-samples.ts';
import { dspContext, getDspBlock } from '../dsp/registry.ts';
import { windowStarts } from '../dsp/windowing.ts';
import { pca2d } from '../dsp/pca.ts';
import { findLikelyMislabels, type SuspectWindow } from '../dsp/explorer.ts';
import { sampleFeatures } from './store-features.ts';
import { featureParamsHash, type FeatureImpulse, type FeatureSampleInfo, type FeatureSummary, type ProgressFn } from './dsp-api.ts';

/** Above this many windows the O(n²) mislabel search runs on an evenly spaced subset. */
const MAX_NEIGHBOUR_ROWS = 3000;

function noWindows(w: WindowingConfig, metas: SampleMeta[]): StudioError {
  const shortest = metas.reduce((n, m) => Math.min(n, m.length * m.intervalMs), Infinity);
  return new StudioError({
    family: 'dsp',
    code: 'no-windows',
    message: `No sample gives a ${w.windowMs} ms window${Number.isFinite(shortest) ? ` (the shortest sample lasts ${Math.round(shortest)} ms)` : ''}.`,
    remedy: 'Make the window shorter than your samples, or turn on zero-padding of short samples.',
  });
}

/**
 * Features of every usable sample of a project (through StudioStore's cache), PCA and likely
 * mislabels: the Impulse step's feature summary (`jobId` as given).
 */
export async function generateProjectFeatures(store: StudioStore, jobId: string, projectId: string, impulse: FeatureImpulse, opts: { signal?: AbortSignal; onProgress?: ProgressFn } = {}): Promise<FeatureSummary> {
  const t0 = performance.now();
  const signal = opts.signal;
  const progress = throttleProgress(opts.onProgress, 0.02);
  const block = getDspBlock(impulse.dsp.block);
  const ctx = dspContext(impulse);
  block.validate(ctx);
  const names = block.featureNames(ctx);
  const shape = block.outputShape(ctx);
  const dim = block.createRunner(ctx).dim;
  const hash = featureParamsHash(impulse);
  const w = impulse.windowing;

  const s = store;
  const { usable: fit, skipped, total: looked } = await usableSamples(s, projectId, w);
  if (looked === 0) {
    throw new StudioError({ family: 'dsp', code: 'no-samples', message: 'This project has no samples to generate features from.', remedy: 'Record or import samples on the Data step first.' });
  }
  const usable = fit.map((m) => ({ meta: m, expected: windowStarts(m.length, w).length }));
  const total = usable.reduce((n, u) => n + u.expected, 0);
  if (total === 0) {
    if (usable.length === 0 && skipped.length) {
      throw new StudioError({
        family: 'dsp',
        code: 'no-usable-samples',
        message: `None of the ${looked} samples fits the impulse: "${skipped[0].name}" ${skipped[0].reason}.`,
        remedy: 'Set the impulse frequency and axes to match your samples.',
      });
    }
    throw noWindows(w, usable.map((u) => u.meta));
  }

  const parts: { data: Float32Array; starts: Int32Array }[] = [];
  const samples: FeatureSampleInfo[] = [];
  const stats = { computedSamples: 0, cachedSamples: 0, computedWindows: 0, cachedWindows: 0, ms: 0 };
  let done = 0;
  progress({ stage: 'features', fraction: 0, detail: `0 / ${total} windows` });
  for (const { meta } of usable) {
    throwIfAborted(signal, 'dsp');
    let f;
    try {
      const base = done;
      const expected = windowStarts(meta.length, w).length;
      f = await sampleFeatures(s, meta, impulse, { hash, dim }, {
        signal,
        onProgress: (p) => {
          if (p.stage !== 'features' || p.fraction === undefined) return;
          const at = base + Math.round(p.fraction * expected);
          progress({ stage: 'features', fraction: (0.9 * at) / total, detail: `${at} / ${total} windows` });
        },
      });
    } catch (e) {
      if (isStudioError(e) && !isCancelled(e) && ['rate-mismatch', 'missing-axis', 'bad-recording'].includes(e.code)) {
        skipped.push({ id: meta.id, name: sampleName(meta), reason: e.message });
        continue;
      }
      throw e;
    }
    if (!f) continue; // deleted meanwhile
    const { data, starts, cached } = f;
    if (cached) {
      stats.cachedSamples++;
      stats.cachedWindows += starts.length;
    } else {
      stats.computedSamples++;
      stats.computedWindows += starts.length;
    }
    if (starts.length === 0) continue;
    parts.push({ data, starts });
    samples.push({ id: meta.id, name: sampleName(meta), label: meta.label, category: meta.category, intervalMs: meta.intervalMs, windows: starts.length, cached });
    done += starts.length;
    progress({ stage: 'features', fraction: (0.9 * done) / total, detail: `${done} / ${total} windows` });
  }

  const rows = parts.reduce((n, p) => n + p.starts.length, 0);
  if (rows === 0) throw noWindows(w, usable.map((u) => u.meta));
  const all = new Float32Array(rows * dim);
  const windowSample = new Int32Array(rows);
  const windowStart = new Int32Array(rows);
  let r = 0;
  parts.forEach((p, i) => {
    all.set(p.data.subarray(0, p.starts.length * dim), r * dim);
    windowSample.fill(i, r, r + p.starts.length);
    windowStart.set(p.starts, r);
    r += p.starts.length;
  });
  const labels = [...new Set(samples.map((x) => x.label))].sort();
  const labelIndex = new Map(labels.map((l, i) => [l, i]));
  const windowLabel = new Uint16Array(rows);
  for (let i = 0; i < rows; i++) windowLabel[i] = labelIndex.get(samples[windowSample[i]].label) ?? 0;

  const featureMin = new Float32Array(dim).fill(Infinity);
  const featureMax = new Float32Array(dim).fill(-Infinity);
  for (let i = 0; i < rows; i++) {
    for (let c = 0; c < dim; c++) {
      const v = all[i * dim + c];
      if (v < featureMin[c]) featureMin[c] = v;
      if (v > featureMax[c]) featureMax[c] = v;
    }
  }

  throwIfAborted(signal, 'dsp');
  progress({ stage: 'pca', fraction: 0.92, detail: 'PCA' });
  const pca = pca2d({ data: all, rows, dim }, { signal });

  progress({ stage: 'explorer', fraction: 0.95, detail: 'Looking for likely mislabels' });
  let suspects: SuspectWindow[] = [];
  const sampled = rows > MAX_NEIGHBOUR_ROWS;
  if (rows >= 3) {
    const step = sampled ? rows / MAX_NEIGHBOUR_ROWS : 1;
    const pick = sampled ? Array.from({ length: MAX_NEIGHBOUR_ROWS }, (_, i) => Math.floor(i * step)) : null;
    const sub = pick ? new Float32Array(pick.length * dim) : all;
    if (pick) pick.forEach((row, i) => sub.set(all.subarray(row * dim, (row + 1) * dim), i * dim));
    const subRows = pick ? pick.length : rows;
    const subLabels = Array.from({ length: subRows }, (_, i) => labels[windowLabel[pick ? pick[i] : i]]);
    suspects = findLikelyMislabels({ data: sub, rows: subRows, dim }, subLabels, { signal }).map((x) => ({ ...x, index: pick ? pick[x.index] : x.index }));
  }
  stats.ms = Math.round(performance.now() - t0);
  progress({ stage: 'done', fraction: 1, detail: `${rows} windows` });

  const out: FeatureSummary = {
    jobId,
    paramsHash: hash,
    block: block.id,
    names,
    shape,
    dim,
    rows,
    windowFrames: ctx.windowFrames,
    samples,
    windowSample,
    windowStart,
    labels,
    windowLabel,
    points: pca.points,
    explained: pca.explained,
    suspects,
    suspectsSampled: sampled,
    stats,
    skipped,
    featureMin,
    featureMax,
  };
  return out;

}
