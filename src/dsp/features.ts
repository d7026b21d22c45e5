/**
 * Turns a set of recordings into a feature matrix for an impulse. DOM-free core module.
 *
 * Each recording is cut into windows (windowing.ts), the impulse's axes are picked by name, and the
 * DSP block runs on every window into one preallocated rows × dim Float32Array. Recordings must
 * already be at the impulse's sample rate (within 1 %); resampling happens elsewhere. Progress is
 * reported per window batch; `computeFeaturesAsync` also yields to the event loop between batches so
 * that an AbortSignal raised from another task (e.g. a worker message) is seen.
 */
import type { ImpulseConfig } from '../core/impulse.ts';
import type { OpOptions } from '../core/progress.ts';
import { throttleProgress } from '../core/progress.ts';
import { StudioError, throwIfAborted } from '../core/errors.ts';
import { resolveParams } from './block.ts';
import { dspContext, getDspBlock } from './registry.ts';
import { axisIndices, extractWindow, windowStarts } from './windowing.ts';

/** Throws `rate-mismatch` unless a recording's rate is within 1 % of the impulse's `fs`. */
export function checkImpulseRate(name: string, intervalMs: number, fs: number): void {
  const rate = 1000 / intervalMs;
  if (!(intervalMs > 0) || Math.abs(rate - fs) > 0.01 * fs) {
    throw new StudioError({
      family: 'dsp',
      code: 'rate-mismatch',
      message: `Recording "${name}" is sampled at ${Number.isFinite(rate) ? rate.toFixed(2) : '?'} Hz but the impulse expects ${fs} Hz.`,
      remedy: 'Resample the dataset to the impulse rate, or set the impulse sample rate to match the recordings.',
    });
  }
}

export interface FeatureRecording {
  id: string;
  label: string;
  values: Float32Array;
  axes: { name: string }[];
  intervalMs: number;
}

export interface FeatureWindow {
  /** Index into the recordings array. */
  recording: number;
  /** First frame of the window in the recording. */
  start: number;
  label: string;
}

export interface FeatureSet {
  names: string[];
  /** Output shape of one row, e.g. [n] or [frames, bins]. */
  shape: number[];
  dim: number;
  rows: number;
  /** rows × dim, row-major. */
  data: Float32Array;
  windows: FeatureWindow[];
}

const BATCH = 512;

function* computeSteps(recordings: FeatureRecording[], impulse: Pick<ImpulseConfig, 'windowing' | 'dsp'>, opts: OpOptions): Generator<void, FeatureSet> {
  const block = getDspBlock(impulse.dsp.block);
  const ctx = dspContext(impulse);
  const runner = block.createRunner(ctx);
  const names = block.featureNames(ctx);
  const shape = block.outputShape(ctx);
  const dim = runner.dim;
  const fs = impulse.windowing.frequencyHz;
  const progress = throttleProgress(opts.onProgress);
  throwIfAborted(opts.signal, 'dsp');

  const plans: { picked: number[]; starts: number[] }[] = [];
  const windows: FeatureWindow[] = [];
  recordings.forEach((r, i) => {
    checkImpulseRate(r.id, r.intervalMs, fs);
    if (r.axes.length === 0 || r.values.length % r.axes.length !== 0) {
      throw new StudioError({
        family: 'dsp',
        code: 'bad-recording',
        message: `Recording "${r.id}" has ${r.values.length} values, not a whole number of frames of ${r.axes.length} axes.`,
        remedy: 'Re-import the recording.',
      });
    }
    const picked = axisIndices(r.axes, impulse.windowing.axes);
    const starts = windowStarts(r.values.length / r.axes.length, impulse.windowing);
    plans.push({ picked, starts });
    for (const s of starts) windows.push({ recording: i, start: s, label: r.label });
  });

  const rows = windows.length;
  const data = new Float32Array(rows * dim);
  const win = new Float32Array(ctx.windowFrames * ctx.axesCount);
  progress({ stage: 'features', fraction: 0, detail: `0 / ${rows} windows` });
  let row = 0;
  for (let i = 0; i < recordings.length; i++) {
    const r = recordings[i];
    const { picked, starts } = plans[i];
    for (const s of starts) {
      extractWindow(r.values, r.axes.length, picked, s, ctx.windowFrames, win);
      runner.run(win, data.subarray(row * dim, (row + 1) * dim));
      row++;
      if (row % BATCH === 0) {
        progress({ stage: 'features', fraction: row / rows, detail: `${row} / ${rows} windows` });
        yield;
        throwIfAborted(opts.signal, 'dsp');
      }
    }
  }
  progress({ stage: 'features', fraction: 1, detail: `${rows} / ${rows} windows` });
  return { names, shape, dim, rows, data, windows };
}

/** Features of every window of every recording (synchronous). */
export function computeFeatures(
  recordings: FeatureRecording[],
  impulse: Pick<ImpulseConfig, 'windowing' | 'dsp'>,
  opts: OpOptions = {},
): FeatureSet {
  const it = computeSteps(recordings, impulse, opts);
  for (;;) {
    const s = it.next();
    if (s.done) return s.value;
  }
}

/** As computeFeatures, yielding to the event loop every few hundred windows so cancellation can arrive. */
export async function computeFeaturesAsync(
  recordings: FeatureRecording[],
  impulse: Pick<ImpulseConfig, 'windowing' | 'dsp'>,
  opts: OpOptions = {},
): Promise<FeatureSet> {
  const it = computeSteps(recordings, impulse, opts);
  for (;;) {
    const s = it.next();
    if (s.done) return s.value;
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
  }
}

// ---- the feature cache's configuration hash (StudioStore keys entries by sample version + this) ---

/** Bump when a DSP block's output changes for the same parameters, so old cache entries are ignored. */
export const FEATURE_CACHE_VERSION = 1;

export type FeatureImpulse = Pick<ImpulseConfig, 'windowing' | 'dsp'>;

/** Two FNV-1a 32-bit passes with different offsets: 16 hex digits, stable across runs and engines. */
function hash64(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 13);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

/** The canonical text hashed for the cache: windowing + block + resolved params, keys sorted. */
export function featureParamsText(impulse: FeatureImpulse): string {
  const w = impulse.windowing;
  const block = getDspBlock(impulse.dsp.block);
  const params = resolveParams(block.params, impulse.dsp.params);
  const sorted = Object.keys(params)
    .sort()
    .map((k) => [k, params[k]]);
  return JSON.stringify({
    v: FEATURE_CACHE_VERSION,
    w: [w.windowMs, w.strideMs, !!w.zeroPad, w.frequencyHz, w.axes],
    b: block.id,
    p: sorted,
  });
}

/** Hash of the parameters that decide a sample's features (throws a dsp StudioError for bad params). */
export function featureParamsHash(impulse: FeatureImpulse): string {
  return hash64(featureParamsText(impulse));
}
