/**
 * The real rate of an event stream, from the events' own timestamps. DOM-free core module.
 *
 * Phones deliver motion events at an uneven rate (≈ 60 Hz with several ms of jitter, some at 50, 100
 * or 200 Hz) and stop entirely while the tab is in the background. The estimate is robust to both:
 *   - the interval is the **median** of the last `window` intervals (a late event and the early one
 *     after it do not move it; neither do a few long pauses),
 *   - jitter is the median absolute deviation of those intervals from the median, scaled by 1.4826 so
 *     it estimates a standard deviation for Gaussian jitter (ms),
 *   - intervals that are gaps (see `isGap`) are not counted at all.
 */

export interface RateEstimate {
  /** 1000 / median interval. */
  hz: number;
  medianIntervalMs: number;
  /** Robust standard deviation of the intervals (1.4826 × MAD), ms. */
  jitterMs: number;
  /** Intervals the estimate rests on. */
  intervals: number;
}

function median(sorted: Float64Array | number[]): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const m = n >> 1;
  return n % 2 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
}

/** Rate and jitter of a list of intervals (ms); null when there are fewer than `min`. */
export function estimateFromIntervals(intervals: ArrayLike<number>, min = 3): RateEstimate | null {
  const xs: number[] = [];
  for (let i = 0; i < intervals.length; i++) if (intervals[i] > 0 && Number.isFinite(intervals[i])) xs.push(intervals[i]);
  if (xs.length < min) return null;
  xs.sort((a, b) => a - b);
  const med = median(xs);
  const dev = xs.map((x) => Math.abs(x - med)).sort((a, b) => a - b);
  return { hz: 1000 / med, medianIntervalMs: med, jitterMs: 1.4826 * median(dev), intervals: xs.length };
}

export interface GapRule {
  /** An interval this many times the median interval or longer is a gap. Default 4. */
  factor: number;
  /** …and at least this long, ms (a few late events are jitter, not a gap). Default 100. */
  minMs: number;
  /** Before a median is known, an interval this long is a gap, ms. Default 250. */
  coldMs: number;
}

export const DEFAULT_GAP_RULE: GapRule = { factor: 4, minMs: 100, coldMs: 250 };

/** Rolling estimate over the last `window` intervals between non-gap events. */
export class RateMeter {
  private readonly ring: Float64Array;
  private n = 0;
  private head = 0;
  private lastT = NaN;
  private cached: RateEstimate | null = null;
  /** Gaps seen (intervals that `isGap` rejected). */
  gaps = 0;

  constructor(
    readonly window = 256,
    readonly rule: GapRule = DEFAULT_GAP_RULE,
  ) {
    this.ring = new Float64Array(window);
  }

  get estimate(): RateEstimate | null {
    if (!this.cached && this.n >= 3) this.cached = estimateFromIntervals(this.ring.subarray(0, this.n));
    return this.cached;
  }

  /** True when an interval of `dtMs` is a gap under the current estimate. */
  isGap(dtMs: number): boolean {
    const e = this.estimate;
    if (!e) return dtMs >= this.rule.coldMs;
    return dtMs >= Math.max(this.rule.minMs, this.rule.factor * e.medianIntervalMs);
  }

  /**
   * Adds an event time; returns the interval to the previous event and whether it was a gap.
   * Timestamps that do not advance (duplicates, clock steps back) are ignored: `dt` is then ≤ 0.
   */
  push(t: number): { dt: number; gap: boolean } {
    const dt = t - this.lastT;
    if (Number.isNaN(dt)) {
      this.lastT = t;
      return { dt: NaN, gap: false };
    }
    if (dt <= 0) return { dt, gap: false };
    this.lastT = t;
    if (this.isGap(dt)) {
      this.gaps++;
      return { dt, gap: true };
    }
    this.ring[this.head] = dt;
    this.head = (this.head + 1) % this.window;
    this.n = Math.min(this.window, this.n + 1);
    this.cached = null;
    return { dt, gap: false };
  }
}
