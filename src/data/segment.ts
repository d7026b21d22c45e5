/**
 * Cutting recordings: crop to a frame range, split into fixed-length pieces, and propose cuts around
 * motion events (energy above the idle level) for the user to adjust before applying. DOM-free core module.
 *
 * Cuts are frame ranges [start, end). Event detection: each axis is high-passed by subtracting a
 * centred moving median (removes gravity and drift without smearing events), the per-frame energy
 * is the sum of squares over axes, smoothed to a moving RMS; the idle level is the median of that
 * RMS (robust as long as events cover less than half the recording) and frames above k × idle are
 * active. Runs closer than the minimum gap are merged, runs shorter than the minimum event length
 * are dropped, then each event is padded.
 */
import { StudioError } from '../core/errors.ts';
import type { RawRecording } from './sample.ts';

export interface Cut {
  start: number;
  end: number;
}

function frames(rec: RawRecording): number {
  return rec.axes.length ? Math.floor(rec.values.length / rec.axes.length) : 0;
}

function badCut(message: string): StudioError {
  return new StudioError({ family: 'dsp', code: 'bad-cut', message, remedy: 'Choose a range inside the recording.' });
}

/** The frames [start, end) of a recording as a new recording (same name unless given). */
export function cropRecording(rec: RawRecording, start: number, end: number, name = rec.name): RawRecording {
  const n = frames(rec);
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > n || end <= start) {
    throw badCut(`Cannot crop frames ${start}–${end} of a recording with ${n} frames.`);
  }
  const a = rec.axes.length;
  return { ...rec, name, axes: rec.axes.map((x) => ({ ...x })), values: rec.values.slice(start * a, end * a) };
}

/** Consecutive pieces of `length` frames (stride = length unless given); a shorter remainder is kept only if asked. */
export function fixedLengthCuts(totalFrames: number, length: number, opts: { stride?: number; keepRemainder?: boolean } = {}): Cut[] {
  const stride = opts.stride ?? length;
  if (!(length >= 1) || !(stride >= 1)) throw badCut('Piece length and stride must be at least one frame.');
  const cuts: Cut[] = [];
  let s = 0;
  for (; s + length <= totalFrames; s += stride) cuts.push({ start: s, end: s + length });
  if (opts.keepRemainder && s < totalFrames && (cuts.length === 0 || cuts[cuts.length - 1].end < totalFrames)) {
    cuts.push({ start: s, end: totalFrames });
  }
  return cuts;
}

/** Each cut as its own recording, named `<name>-1`, `<name>-2`, … */
export function applyCuts(rec: RawRecording, cuts: Cut[]): RawRecording[] {
  return cuts.map((c, i) => cropRecording(rec, c.start, c.end, `${rec.name}-${i + 1}`));
}

export interface MotionOptions {
  /** Moving-RMS window; default 100 ms. */
  smoothMs?: number;
  /** High-pass: moving-average window removed from each axis; default 1000 ms. */
  detrendMs?: number;
  /** Active when RMS > k × idle level; default 3. */
  k?: number;
  /** Shorter events are dropped; default 200 ms. */
  minEventMs?: number;
  /** Events closer than this are merged; default 200 ms. */
  minGapMs?: number;
  /** Added before and after each event; default 100 ms. */
  paddingMs?: number;
  /** Axis indices to use; default all. */
  axes?: number[];
}

export interface MotionEvents {
  cuts: Cut[];
  /** Moving RMS per frame, for plotting under the signal. */
  energy: Float32Array;
  idleLevel: number;
  threshold: number;
}

/** Centred moving average with window w (odd), via a prefix sum; edges use the available frames. */
function movingMean(x: Float64Array, w: number): Float64Array {
  const n = x.length;
  const pre = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) pre[i + 1] = pre[i] + x[i];
  const h = Math.floor(w / 2);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = Math.max(0, i - h);
    const b = Math.min(n, i + h + 1);
    out[i] = (pre[b] - pre[a]) / (b - a);
  }
  return out;
}

/** First index of sorted `a` whose value is not below `v` (binary search). */
function lowerBound(a: number[], v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if (a[m] < v) lo = m + 1;
    else hi = m;
  }
  return lo;
}

/**
 * Centred moving median with window w (odd): robust to a burst covering less than half the window,
 * so the high-passed signal does not leak energy before and after events.
 */
function movingMedian(x: Float64Array, w: number): Float64Array {
  const n = x.length;
  const h = Math.floor(w / 2);
  const out = new Float64Array(n);
  const win: number[] = [];
  const insert = (v: number): void => void win.splice(lowerBound(win, v), 0, v);
  const remove = (v: number): void => void win.splice(lowerBound(win, v), 1);
  for (let i = 0; i < Math.min(n, h); i++) insert(x[i]);
  for (let i = 0; i < n; i++) {
    if (i + h < n) insert(x[i + h]);
    if (i - h - 1 >= 0) remove(x[i - h - 1]);
    const m = win.length;
    out[i] = m % 2 ? win[(m - 1) >> 1] : (win[m / 2 - 1] + win[m / 2]) / 2;
  }
  return out;
}

function median(x: ArrayLike<number>): number {
  const s = Float64Array.from(x).sort();
  const n = s.length;
  if (n === 0) return 0;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/** Proposed cuts around motion events (see the module comment for the method). */
export function detectMotionEvents(rec: RawRecording, opts: MotionOptions = {}): MotionEvents {
  const n = frames(rec);
  const nA = rec.axes.length;
  const ms = (v: number): number => Math.max(1, Math.round(v / rec.intervalMs));
  const smooth = ms(opts.smoothMs ?? 100) | 1;
  const detrend = ms(opts.detrendMs ?? 1000) | 1;
  const k = opts.k ?? 3;
  const minEvent = ms(opts.minEventMs ?? 200);
  const minGap = ms(opts.minGapMs ?? 200);
  const pad = Math.round((opts.paddingMs ?? 100) / rec.intervalMs);
  const axes = opts.axes ?? Array.from({ length: nA }, (_, i) => i);
  const power = new Float64Array(n);
  const col = new Float64Array(n);
  for (const a of axes) {
    if (a < 0 || a >= nA) throw badCut(`Axis ${a} does not exist.`);
    for (let i = 0; i < n; i++) col[i] = rec.values[i * nA + a];
    const trend = movingMedian(col, detrend);
    for (let i = 0; i < n; i++) {
      const d = col[i] - trend[i];
      power[i] += d * d;
    }
  }
  const ms2 = movingMean(power, smooth);
  const energy = new Float32Array(n);
  let max = 0;
  for (let i = 0; i < n; i++) {
    energy[i] = Math.sqrt(ms2[i]);
    if (energy[i] > max) max = energy[i];
  }
  const idleLevel = median(energy);
  // A perfectly still idle level (synthetic data) would make any noise an event: floor at 2 % of the peak.
  const threshold = Math.max(k * idleLevel, 0.02 * max, 1e-12);
  const runs: Cut[] = [];
  let s = -1;
  for (let i = 0; i <= n; i++) {
    const on = i < n && energy[i] > threshold;
    if (on && s < 0) s = i;
    else if (!on && s >= 0) {
      runs.push({ start: s, end: i });
      s = -1;
    }
  }
  const merged: Cut[] = [];
  for (const r of runs) {
    const last = merged[merged.length - 1];
    if (last && r.start - last.end < minGap) last.end = r.end;
    else merged.push({ ...r });
  }
  const cuts: Cut[] = [];
  for (const r of merged) {
    if (r.end - r.start < minEvent) continue;
    const c = { start: Math.max(0, r.start - pad), end: Math.min(n, r.end + pad) };
    const last = cuts[cuts.length - 1];
    if (last && c.start <= last.end) last.end = c.end;
    else cuts.push(c);
  }
  return { cuts, energy, idleLevel, threshold };
}
