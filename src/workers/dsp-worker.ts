/**
 * The Impulse step's worker: generates features for a whole project (feature-job.ts: through
 * StudioStore's feature cache), PCA + likely-mislabel search for the feature explorer, spectral autotune and
 * window previews, off the page's main thread. Sample values are read here from IndexedDB and never
 * travel through the page. Exposes one object (`DspWorkerApi`, see dsp-api.ts) through comlink.
 */
import * as Comlink from 'comlink';
import { StudioError, throwIfAborted } from '../core/errors.ts';
import type { WindowingConfig } from '../core/impulse.ts';
import type { FeatureRecording } from '../dsp/features.ts';
import { axisIndices, extractWindow, windowFrames, windowStarts } from '../dsp/windowing.ts';
import { autotuneSpectral } from '../dsp/autotune.ts';
import { sampleName, sampleProblem, usableSamples } from '../data/store/usable-samples.ts';
import type { DspWorkerApi, FeatureImpulse, FeatureSummary, ProgressFn, WindowPreview } from './dsp-api.ts';
import { generateProjectFeatures } from './feature-job.ts';
import { exposeWorkerApi, jobTable, workerStore } from './worker-kit.ts';

const jobs = jobTable();

function generateFeatures(jobId: string, projectId: string, impulse: FeatureImpulse, onProgress?: ProgressFn): Promise<FeatureSummary> {
  return jobs.run(jobId, async (signal) => {
    const out = await generateProjectFeatures(await workerStore(), jobId, projectId, impulse, { signal, onProgress });
    return Comlink.transfer(out, [out.windowSample.buffer, out.windowStart.buffer, out.windowLabel.buffer, out.points.buffer, out.featureMin.buffer, out.featureMax.buffer]);
  });
}

function autotune(jobId: string, projectId: string, windowing: WindowingConfig, onProgress?: ProgressFn) {
  return jobs.run(jobId, async (signal) => {
    const s = await workerStore();
    const metas = (await usableSamples(s, projectId, windowing, { category: 'training' })).usable;
    const recs: FeatureRecording[] = [];
    for (let i = 0; i < metas.length; i++) {
      throwIfAborted(signal, 'dsp');
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
    const res = autotuneSpectral(recs, windowing, { signal });
    onProgress?.({ stage: 'autotune', fraction: 1 });
    return res;
  });
}

/** The window preview of a long sample shows its first 600,000 frames (≈ 37 s of 16 kHz audio), read alone. */
const PREVIEW_MAX_FRAMES = 600_000;

async function previewWindows(sampleId: string, windowing: WindowingConfig): Promise<WindowPreview> {
  const s = await workerStore();
  const m = await s.getSampleMeta(sampleId);
  const head = m && (await s.readFrames(sampleId, 0, PREVIEW_MAX_FRAMES));
  if (!m || !head) throw new StudioError({ family: 'storage', code: 'not-found', message: 'That sample no longer exists.', remedy: 'Choose another sample.' });
  let problem = sampleProblem(m, windowing);
  let wanted = windowing.axes.filter((a) => m.axes.some((x) => x.name === a));
  if (wanted.length === 0) wanted = m.axes.map((a) => a.name);
  const picked = axisIndices(m.axes, wanted);
  const frames = Math.floor(head.length / Math.max(1, m.axes.length));
  const values = extractWindow(head, m.axes.length, picked, 0, frames);
  let starts: number[] = [];
  let size = 0;
  try {
    size = windowFrames(windowing);
    // the windows of the whole sample, as far as the part shown
    starts = frames === m.length ? windowStarts(frames, windowing) : windowStarts(m.length, windowing).filter((st) => st + size <= frames);
    if (!problem && starts.length === 0) problem = `it lasts ${Math.round(m.length * m.intervalMs)} ms, shorter than one window, and zero-padding is off`;
  } catch (e) {
    problem = e instanceof Error ? e.message : String(e);
  }
  const out: WindowPreview = { sampleId, name: sampleName(m), label: m.label, axes: wanted, intervalMs: m.intervalMs, frames, values, starts, windowFrames: size, problem };
  return Comlink.transfer(out, [values.buffer]);
}

const api: DspWorkerApi = {
  generateFeatures,
  cancel: jobs.cancel,
  autotune,
  previewWindows,
  async clearCache(projectId: string): Promise<void> {
    await (await workerStore()).clearFeatures(projectId);
  },
};

exposeWorkerApi(api);
