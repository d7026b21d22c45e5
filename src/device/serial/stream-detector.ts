/**
 * Detects the shape of a plain-CSV stream — values per line and sample rate — from about 1–2 s of
 * readings, and watches for a rate change afterwards. DOM-free core module.
 *
 * Timing comes from the host clock: every reading carries the arrival time of its chunk. USB and the OS
 * deliver lines in bursts, so the rate is the least-squares slope of "readings received so far" over
 * chunk arrival times, which averages the bursts out. If the first column looks like a device timestamp
 * (strictly increasing, and in ms, µs or s it agrees with the arrival-time rate within 25 %), the rate is
 * taken from it instead (more precise) and `timestampColumn` is 0 so the recorder can drop that column.
 * When the rate cannot be trusted (too few lines, too short, one burst, irregular delivery) detection
 * fails with a reason and the UI asks the person to type the rate.
 */
import type { CsvReading } from './csv-line-parser.ts';

export interface StreamShape {
  /** Values per line. */
  valueCount: number;
  /** Axes = valueCount minus a timestamp column. */
  axisCount: number;
  /** 0 when the first column is a device timestamp, else null. */
  timestampColumn: 0 | null;
  /** Rounded rate (snapped to a common sensor rate when within 6 %). */
  rateHz: number;
  /** Unrounded estimate. */
  measuredHz: number;
  /** Where the rate came from. */
  rateSource: 'arrival' | 'timestamp';
}

export type DetectFailure =
  | 'too-few-lines' | 'too-short' | 'inconsistent-values' | 'no-timing' | 'irregular-timing';

export type DetectResult = { ok: true; shape: StreamShape } | { ok: false; reason: DetectFailure; message: string; valueCount?: number };

const COMMON_RATES = [1, 2, 5, 10, 12.5, 20, 25, 26, 50, 52, 60, 62.5, 100, 104, 119, 125, 200, 208, 238, 250, 400, 416, 476, 500, 833, 952, 1000, 1600, 2000, 3200, 4000];

/**
 * Snaps to a common sensor rate within 6 % (arrival-time estimates over ~1 s of a busy USB host are
 * several per cent off), else to a whole Hz within 2 %, else one decimal.
 */
export function snapRate(hz: number): number {
  let best = COMMON_RATES[0];
  for (const r of COMMON_RATES) if (Math.abs(r - hz) < Math.abs(best - hz)) best = r;
  if (Math.abs(best - hz) <= 0.06 * best) return best;
  const whole = Math.round(hz);
  if (whole > 0 && Math.abs(whole - hz) <= 0.02 * whole) return whole;
  return Math.round(hz * 10) / 10;
}

/** Least-squares slope of y over x and the RMS residual. */
function fit(x: number[], y: number[]): { slope: number; rms: number } {
  const n = x.length;
  let mx = 0, my = 0;
  for (let i = 0; i < n; i++) { mx += x[i]; my += y[i]; }
  mx /= n; my /= n;
  let sxx = 0, sxy = 0;
  for (let i = 0; i < n; i++) { sxx += (x[i] - mx) ** 2; sxy += (x[i] - mx) * (y[i] - my); }
  const slope = sxx > 0 ? sxy / sxx : NaN;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (y[i] - my - slope * (x[i] - mx)) ** 2;
  return { slope, rms: Math.sqrt(ss / n) };
}

/** Rate from arrival times: slope of cumulative count at each distinct arrival time (per second). */
export function arrivalRate(readings: Pick<CsvReading, 't'>[]): { hz: number; rms: number; bursts: number } | null {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < readings.length; i++) {
    const t = readings[i].t;
    if (i + 1 < readings.length && readings[i + 1].t === t) continue;
    xs.push(t / 1000);
    ys.push(i + 1);
  }
  if (xs.length < 3) return null;
  const { slope, rms } = fit(xs, ys);
  return { hz: slope, rms, bursts: xs.length };
}

export interface DetectOptions {
  /** Minimum readings (default 20). */
  minReadings?: number;
  /** Minimum time span of arrivals (default 800 ms). */
  minSpanMs?: number;
}

export function detectStream(readings: CsvReading[], opts: DetectOptions = {}): DetectResult {
  const minReadings = opts.minReadings ?? 20;
  if (readings.length < minReadings) {
    return { ok: false, reason: 'too-few-lines', message: `Only ${readings.length} readings arrived; need at least ${minReadings}. Is the sketch printing?` };
  }
  // value count: the mode, must cover >= 80 %
  const counts = new Map<number, number>();
  for (const r of readings) counts.set(r.values.length, (counts.get(r.values.length) ?? 0) + 1);
  let valueCount = 0, best = 0;
  for (const [k, c] of counts) if (c > best) { best = c; valueCount = k; }
  if (best < 0.8 * readings.length) {
    return { ok: false, reason: 'inconsistent-values', message: 'The lines have different numbers of values; the stream cannot be recorded as is.' };
  }
  const rs = readings.filter((r) => r.values.length === valueCount);
  const span = rs[rs.length - 1].t - rs[0].t;
  const arr = arrivalRate(rs);
  if (!arr || span <= 0) {
    return { ok: false, reason: 'no-timing', valueCount, message: 'All lines arrived at once, so the sample rate cannot be measured. Type the rate the sketch uses.' };
  }
  if (span < (opts.minSpanMs ?? 800)) {
    return { ok: false, reason: 'too-short', valueCount, message: `Only ${Math.round(span)} ms of stream; need about 1 s to measure the rate.` };
  }
  // irregular: residual of the cumulative count much larger than one burst
  const perBurst = rs.length / arr.bursts;
  if (!(arr.hz > 0) || arr.rms > Math.max(3, 2.5 * perBurst, 0.08 * rs.length)) {
    return { ok: false, reason: 'irregular-timing', valueCount, message: 'Lines arrive too irregularly to measure the rate. Type the rate the sketch uses.' };
  }
  // timestamp column?
  if (valueCount >= 2) {
    const ts = rs.map((r) => r.values[0]);
    let increasing = 0;
    for (let i = 1; i < ts.length; i++) if (ts[i] > ts[i - 1]) increasing++;
    if (increasing >= 0.95 * (ts.length - 1)) {
      const { slope } = fit(ts, ts.map((_, i) => i));
      for (const unit of [1000, 1e6, 1]) {
        const hz = slope * unit;
        if (hz > 0 && Math.abs(hz - arr.hz) <= 0.25 * arr.hz) {
          return { ok: true, shape: { valueCount, axisCount: valueCount - 1, timestampColumn: 0, rateHz: snapRate(hz), measuredHz: hz, rateSource: 'timestamp' } };
        }
      }
    }
  }
  return { ok: true, shape: { valueCount, axisCount: valueCount, timestampColumn: null, rateHz: snapRate(arr.hz), measuredHz: arr.hz, rateSource: 'arrival' } };
}

export interface RateChange {
  fromHz: number;
  toHz: number;
  /** Arrival time (ms) of the window that confirmed the change. */
  atMs: number;
}

/**
 * Watches a running stream: measures the rate over consecutive windows (default 1 s) and reports a
 * change when two windows in a row differ from the expected rate by more than `tolerance` (default 15 %).
 */
export class RateMonitor {
  private win: { t: number }[] = [];
  private winStart = -1;
  private pendingHz: number | null = null;
  constructor(public expectedHz: number, readonly windowMs = 1000, readonly tolerance = 0.15) {}

  /** Feed readings (in arrival order); returns a change when one is confirmed. */
  push(readings: Pick<CsvReading, 't'>[]): RateChange | null {
    let change: RateChange | null = null;
    for (const r of readings) {
      if (this.winStart < 0) this.winStart = r.t;
      if (r.t - this.winStart >= this.windowMs && this.win.length > 0) {
        const c = this.closeWindow(r.t);
        if (c) change = c;
      }
      this.win.push(r);
    }
    return change;
  }

  private closeWindow(now: number): RateChange | null {
    const a = arrivalRate(this.win);
    const hz = a && a.hz > 0 ? a.hz : (this.win.length * 1000) / Math.max(1, now - this.winStart);
    this.win = [];
    this.winStart = now;
    const off = Math.abs(hz - this.expectedHz) > this.tolerance * this.expectedHz;
    if (!off) {
      this.pendingHz = null;
      return null;
    }
    if (this.pendingHz !== null && Math.abs(hz - this.pendingHz) <= this.tolerance * this.pendingHz) {
      const c = { fromHz: this.expectedHz, toHz: snapRate((hz + this.pendingHz) / 2), atMs: now };
      this.expectedHz = c.toHz;
      this.pendingHz = null;
      return c;
    }
    this.pendingHz = hz;
    return null;
  }
}
