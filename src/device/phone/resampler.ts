/**
 * Turns unevenly timed motion events into frames at one fixed rate, and says where data is missing
 * instead of inventing it. DOM-free core module.
 *
 * Method (recorded in each sample's metadata as `method`):
 *   - The output grid is anchored at the first event: frame k sits at event time E0 + k·T (T = 1000 /
 *     rate ms). Stream time of frame k is k·T, so stream time and event time stay in step.
 *   - `linear`: a frame is the linear interpolation between the two events either side of its grid
 *     time. Used when the events come at most 1.5× faster than the output rate (the usual 60 Hz →
 *     50/62.5 Hz case).
 *   - `window-mean`: when events come more than 1.5× faster (100/200 Hz phones resampled to 50 Hz), a
 *     frame is the mean over [g − T/2, g + T/2] of the linear interpolation through the events (exact
 *     trapezoid integral): a boxcar low-pass one output interval wide, so motion faster than half the
 *     output rate is damped instead of folding back as aliasing at full strength (damped, not removed:
 *     a boxcar is a modest filter — a 45 Hz tone sampled at 50 Hz keeps ≈ 11 % of its amplitude). A
 *     window less than half covered by events (next to a gap) falls back to `linear`.
 *   - Gaps: an interval between events that the rate meter calls a gap (≥ 4× the median interval and
 *     ≥ 100 ms; ≥ 250 ms before a rate is known — a backgrounded tab, a screen lock) is never
 *     interpolated across. Frames up to the last event before it are emitted, the grid slots inside it
 *     are skipped (stream time jumps by the missing time) and a `gap` entry says where and how long.
 *   - Events whose timestamp does not advance are dropped (counted in `stats.duplicates`).
 */
import { RateMeter, DEFAULT_GAP_RULE, type GapRule, type RateEstimate } from './rate.ts';
import type { MotionReading } from './motion.ts';

export type ResampleMethod = 'linear' | 'window-mean';

export interface ResampledChunk {
  /** Interleaved frames × axes at the fixed rate. */
  frames: Float32Array;
  /** Stream time of the first frame (frame index × interval, gaps included), ms. */
  t0: number;
  /** Frame index of the first frame on the stream's grid (gaps included). */
  k0: number;
}

export interface GapMark {
  /** Grid index of the first missing frame; stream time = index × interval. */
  atFrame: number;
  /** Frames skipped (grid slots with no data). */
  missingFrames: number;
  /** Time between the events either side of the gap, ms. */
  eventGapMs: number;
}

export interface ResampleOutput {
  chunks: ResampledChunk[];
  gaps: GapMark[];
}

export interface ResamplerStats {
  events: number;
  duplicates: number;
  framesOut: number;
  gaps: number;
  gapMs: number;
}

export interface ResamplerOptions {
  outHz: number;
  axes: number;
  gapRule?: GapRule;
  /** Intervals the rate meter keeps. Default 256. */
  window?: number;
}

interface Ev {
  t: number;
  v: Float64Array;
}

export class Resampler {
  readonly T: number;
  readonly meter: RateMeter;
  readonly stats: ResamplerStats = { events: 0, duplicates: 0, framesOut: 0, gaps: 0, gapMs: 0 };
  /** Which method produced the most recent frame (the first frames are always linear). */
  lastMethod: ResampleMethod = 'linear';
  private usedBox = false;
  private e0 = NaN;
  private k = 0;
  private buf: Ev[] = [];

  constructor(readonly opts: ResamplerOptions) {
    if (!(opts.outHz > 0)) throw new RangeError('outHz must be above 0');
    this.T = 1000 / opts.outHz;
    this.meter = new RateMeter(opts.window ?? 256, opts.gapRule ?? DEFAULT_GAP_RULE);
  }

  get estimate(): RateEstimate | null {
    return this.meter.estimate;
  }

  /** The method to record in metadata: `window-mean` once any frame was made that way. */
  get method(): ResampleMethod {
    return this.usedBox ? 'window-mean' : 'linear';
  }

  /** Grid index of the next frame to emit. */
  get nextFrame(): number {
    return this.k;
  }

  private grid(k: number): number {
    return this.e0 + k * this.T;
  }

  private boxMode(): boolean {
    const e = this.meter.estimate;
    return !!e && e.hz > 1.5 * this.opts.outHz;
  }

  push(r: MotionReading): ResampleOutput {
    const out: ResampleOutput = { chunks: [], gaps: [] };
    const v = Float64Array.from(r.values as ArrayLike<number>);
    if (v.length !== this.opts.axes || !Number.isFinite(r.t)) return out;
    if (Number.isNaN(this.e0)) {
      this.meter.push(r.t);
      this.stats.events++;
      this.e0 = r.t;
      this.k = 0;
      this.buf = [{ t: r.t, v }];
      const frames = new Float32Array(v);
      this.k = 1;
      this.stats.framesOut++;
      out.chunks.push({ frames, t0: 0, k0: 0 });
      return out;
    }
    const { dt, gap } = this.meter.push(r.t);
    if (!(dt > 0)) {
      this.stats.duplicates++;
      return out;
    }
    this.stats.events++;
    const frames: number[] = [];
    const k0 = this.k;
    if (gap) {
      // Finish what the events before the gap cover, then skip the empty grid slots.
      const lastT = this.buf[this.buf.length - 1].t;
      while (this.grid(this.k) <= lastT) {
        this.emitFrame(frames, this.grid(this.k), true);
        this.k++;
      }
      this.flush(out, frames, k0);
      const next = Math.max(this.k, Math.ceil((r.t - this.e0) / this.T - 1e-9));
      const mark: GapMark = { atFrame: this.k, missingFrames: next - this.k, eventGapMs: dt };
      out.gaps.push(mark);
      this.stats.gaps++;
      this.stats.gapMs += mark.missingFrames * this.T;
      this.k = next;
      this.buf = [{ t: r.t, v }];
      const k1 = this.k;
      const after: number[] = [];
      if (this.grid(this.k) <= r.t) {
        this.emitFrame(after, this.grid(this.k), false);
        this.k++;
      }
      this.flush(out, after, k1);
      return out;
    }
    this.buf.push({ t: r.t, v });
    const box = this.boxMode();
    for (;;) {
      const g = this.grid(this.k);
      if (box ? r.t < g + this.T / 2 : r.t < g) break;
      this.emitFrame(frames, g, false);
      this.k++;
    }
    // Keep what the next grid point can still need (its box reaches back T/2; its bracket one event).
    const keepFrom = this.grid(this.k) - this.T;
    let drop = 0;
    while (drop < this.buf.length - 2 && this.buf[drop + 1].t < keepFrom) drop++;
    if (drop) this.buf.splice(0, drop);
    this.flush(out, frames, k0);
    return out;
  }

  private flush(out: ResampleOutput, frames: number[], k0: number): void {
    if (!frames.length) return;
    const f = new Float32Array(frames);
    this.stats.framesOut += f.length / this.opts.axes;
    out.chunks.push({ frames: f, t0: k0 * this.T, k0 });
  }

  /** Appends the frame at grid time `g` (window mean when events come fast enough, else linear). */
  private emitFrame(out: number[], g: number, partial: boolean): void {
    const A = this.opts.axes;
    const buf = this.buf;
    if (this.boxMode()) {
      const lo = g - this.T / 2;
      const hi = g + this.T / 2;
      // Mean of the piecewise-linear signal over [lo, hi] (trapezoids between events), clipped to the
      // events there are: a window cut by a gap needs at least half its width covered.
      const from = Math.max(lo, buf[0].t);
      const to = Math.min(hi, buf[buf.length - 1].t);
      if (to - from >= this.T / 2 - 1e-9 && (!partial || from <= g)) {
        const cuts = [from];
        for (const e of buf) if (e.t > from && e.t < to) cuts.push(e.t);
        cuts.push(to);
        const acc = new Float64Array(A);
        const fa = new Float64Array(A);
        const fb = new Float64Array(A);
        this.lerpAt(cuts[0], fa);
        for (let i = 1; i < cuts.length; i++) {
          this.lerpAt(cuts[i], fb);
          const w = (cuts[i] - cuts[i - 1]) / 2;
          for (let x = 0; x < A; x++) acc[x] += w * (fa[x] + fb[x]);
          fa.set(fb);
        }
        for (let x = 0; x < A; x++) out.push(acc[x] / (to - from));
        this.usedBox = true;
        this.lastMethod = 'window-mean';
        return;
      }
    }
    this.lastMethod = 'linear';
    const v = new Float64Array(A);
    this.lerpAt(g, v);
    for (let x = 0; x < A; x++) out.push(v[x]);
  }

  /** The linear interpolation of the buffered events at time `t` (held at the ends). */
  private lerpAt(t: number, into: Float64Array): void {
    const buf = this.buf;
    let i = buf.length - 1;
    while (i > 0 && buf[i].t > t) i--;
    const a = buf[i];
    const b = buf[Math.min(i + 1, buf.length - 1)];
    const span = b.t - a.t;
    const w = span > 0 ? Math.min(1, Math.max(0, (t - a.t) / span)) : 0;
    for (let x = 0; x < into.length; x++) into[x] = a.v[x] + w * (b.v[x] - a.v[x]);
  }
}
