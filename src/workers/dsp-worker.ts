/**
 * The Impulse step's worker: generates features for a whole project (with the per-sample feature
 * cache in IndexedDB), PCA + likely-mislabel search for the feature explorer, spectral autotune and
 * window previews, off the page's main thread. Sample values are read here from IndexedDB and never
 * travel through the page. Exposes one object (`DspWorkerApi`, see dsp-api.ts) through comlink.
 */
import * as Comlink from 'comlink';
import { StudioError, isStudioError, throwIfAborted } from '../core/errors.ts';
import type { WindowingConfig } from '../core/impulse.ts';
import { throttleProgress } from '../core/progress.ts';
import type { SampleMeta } from '../data/sample.ts';
import { dspContext, getDspBlock } from '../dsp/registry.ts';
import type { FeatureRecording } from '../dsp/features.ts';
import { axisIndices, extractWindow, windowFrames, windowStarts } from '../dsp/windowing.ts';
import { pca2d } from '../dsp/pca.ts';
import { findLikelyMislabels, type SuspectWindow } from '../dsp/explorer.ts';
import { autotuneSpectral } from '../dsp/autotune.ts';
import { sampleName, sampleProblem, usableSamples } from '../data/store/usable-samples.ts';
import { sampleFeatures } from './store-features.ts';
import {
  featureParamsHash,
  type DspWorkerApi,
  type FeatureImpulse,
  type FeatureSampleInfo,
  type FeatureSummary,
  type ProgressFn,
  type WindowPreview,
} from './dsp-api.ts';
import { exposeWorkerApi, workerStore } from './worker-kit.ts';

/** Above this many windows the O(n²) mislabel search runs on an evenly spaced subset. */
const MAX_NEIGHBOUR_ROWS = 3000;

const jobs = new Map<string, AbortController>();

function startJob(jobId: string): AbortController {
  jobs.get(jobId)?.abort();
  const ac = new AbortController();
  jobs.set(jobId, ac);
  return ac;
}

function endJob(jobId: string, ac: AbortController): void {
  if (jobs.get(jobId) === ac) jobs.delete(jobId);
}

function noWindows(w: WindowingConfig, metas: SampleMeta[]): StudioError {
  const shortest = metas.reduce((n, m) => Math.min(n, m.length * m.intervalMs), Infinity);
  return new StudioError({
    family: 'dsp',
    code: 'no-windows',
    message: `No sample gives a ${w.windowMs} ms window${Number.isFinite(shortest) ? ` (the shortest sample lasts ${Math.round(shortest)} ms)` : ''}.`,
    remedy: 'Make the window shorter than your samples, or turn on zero-padding of short samples.',
  });
}

async function generateFeatures(jobId: string, projectId: string, impulse: FeatureImpulse, onProgress?: ProgressFn): Promise<FeatureSummary> {
  const t0 = performance.now();
  const ac = startJob(jobId);
  const signal = ac.signal;
  const progress = throttleProgress(onProgress, 0.02);
  try {
    const block = getDspBlock(impulse.dsp.block);
    const ctx = dspContext(impulse);
    block.validate(ctx);
    const names = block.featureNames(ctx);
    const shape = block.outputShape(ctx);
    const dim = block.createRunner(ctx).dim;
    const hash = featureParamsHash(impulse);
    const w = impulse.windowing;

    const s = await workerStore();
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
        if (isStudioError(e) && e.code !== 'cancelled' && ['rate-mismatch', 'missing-axis', 'bad-recording'].includes(e.code)) {
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
    return Comlink.transfer(out, [windowSample.buffer, windowStart.buffer, windowLabel.buffer, pca.points.buffer, featureMin.buffer, featureMax.buffer]);
  } finally {
    endJob(jobId, ac);
  }
}

async function autotune(jobId: string, projectId: string, windowing: WindowingConfig, onProgress?: ProgressFn) {
  const ac = startJob(jobId);
  try {
    const s = await workerStore();
    const metas = (await usableSamples(s, projectId, windowing, { category: 'training' })).usable;
    const recs: FeatureRecording[] = [];
    for (let i = 0; i < metas.length; i++) {
      throwIfAborted(ac.signal, 'dsp');
      onProgress?.({ stage: 'read', fraction: (0.5 * i) / metas.length });
      const sample = await s.getSample(metas[i].id);
      if (sample) recs.push({ id: sampleName(metas[i]), label: metas[i].label, values: sample.values, axes: metas[i].axes, intervalMs: metas[i].intervalMs });
    }
    if (recs.length === 0) {
      throw new StudioError({
        family: 'dsp',
        code: 'autotune-no-data',
        message: 'Autotune found no training samples at the impulse frequency with the chosen axes.',
        remedy: 'Check the frequency and axes of the impulse, or add training samples.',
      });
    }
    const res = autotuneSpectral(recs, windowing, { signal: ac.signal });
    onProgress?.({ stage: 'autotune', fraction: 1 });
    return res;
  } finally {
    endJob(jobId, ac);
  }
}

async function previewWindows(sampleId: string, windowing: WindowingConfig): Promise<WindowPreview> {
  const s = await workerStore();
  const sample = await s.getSample(sampleId);
  if (!sample) throw new StudioError({ family: 'storage', code: 'not-found', message: 'That sample no longer exists.', remedy: 'Choose another sample.' });
  const m = sample.meta;
  let problem = sampleProblem(m, windowing);
  let wanted = windowing.axes.filter((a) => m.axes.some((x) => x.name === a));
  if (wanted.length === 0) wanted = m.axes.map((a) => a.name);
  const picked = axisIndices(m.axes, wanted);
  const frames = Math.floor(sample.values.length / Math.max(1, m.axes.length));
  const values = extractWindow(sample.values, m.axes.length, picked, 0, frames);
  let starts: number[] = [];
  let size = 0;
  try {
    size = windowFrames(windowing);
    starts = windowStarts(frames, windowing);
    if (!problem && starts.length === 0) problem = `it lasts ${Math.round(frames * m.intervalMs)} ms, shorter than one window, and zero-padding is off`;
  } catch (e) {
    problem = e instanceof Error ? e.message : String(e);
  }
  const out: WindowPreview = { sampleId, name: sampleName(m), label: m.label, axes: wanted, intervalMs: m.intervalMs, frames, values, starts, windowFrames: size, problem };
  return Comlink.transfer(out, [values.buffer]);
}

const api: DspWorkerApi = {
  generateFeatures,
  cancel(jobId: string): void {
    jobs.get(jobId)?.abort();
  },
  autotune,
  previewWindows,
  async clearCache(projectId: string): Promise<void> {
    await (await workerStore()).clearFeatures(projectId);
  },
};

exposeWorkerApi(api);
