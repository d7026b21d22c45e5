/**
 * Live classification: slides the impulse window over a stream of frames, runs DSP + model every
 * stride, and smooths the decision. DOM-free core module.
 *
 * Frames arrive in chunks (interleaved, frame-major) with the arrival time of the chunk's newest
 * frame. A ring buffer keeps the last window; once `windowFrames` frames are in, a result is produced
 * every `strideFrames` frames. The smoothed decision is the moving average of the last `smoothing`
 * probability vectors with hysteresis: a class becomes the decision when its average reaches
 * `threshold` and beats the current decision by `hysteresis`; the decision falls back to null
 * ("uncertain") when its own average drops below `threshold − hysteresis`.
 * Latency = time the result is ready − arrival time of the newest frame in the window.
 */
import { StudioError } from '../../core/errors.ts';
import { argmax } from '../metrics/argmax.ts';

export interface LiveClassifierOptions {
  windowFrames: number;
  strideFrames: number;
  axes: number;
  labels: string[];
  /** DSP: window (windowFrames × axes, interleaved) → features. */
  features: (window: Float32Array) => Float32Array;
  /** Model: features → class probabilities (labels order). */
  classify: (features: Float32Array) => Float32Array | Promise<Float32Array>;
  /** Results averaged for the smoothed decision (default 3). */
  smoothing?: number;
  /** Minimum averaged probability for a decision (default 0.6). */
  threshold?: number;
  /** Margin to switch decisions / to drop one (default 0.1). */
  hysteresis?: number;
  /** Clock in ms (default performance.now). */
  now?: () => number;
}

export interface LiveResult {
  /** Index (in the stream) of the window's first frame. */
  startFrame: number;
  probs: Float32Array;
  smoothed: Float32Array;
  /** Top class of this window alone. */
  top: string;
  /** Smoothed decision with hysteresis; null = uncertain. */
  decision: string | null;
  latencyMs: number;
  dspMs: number;
  modelMs: number;
}

export class LiveClassifier {
  private readonly o: Required<Omit<LiveClassifierOptions, 'now'>> & { now: () => number };
  private readonly ring: Float32Array;
  private readonly arrival: Float64Array;
  private readonly window: Float32Array;
  private written = 0;
  private nextEmit: number;
  private history: Float32Array[] = [];
  private current: number | null = null;

  constructor(opts: LiveClassifierOptions) {
    const bad = (what: string) => new StudioError({ family: 'config', code: 'bad-live-config', message: `Live classification: ${what}.`, remedy: 'Check the impulse window, stride and axes.' });
    if (!(Number.isInteger(opts.windowFrames) && opts.windowFrames > 0)) throw bad('the window must be at least one frame');
    if (!(Number.isInteger(opts.strideFrames) && opts.strideFrames > 0)) throw bad('the stride must be at least one frame');
    if (!(Number.isInteger(opts.axes) && opts.axes > 0)) throw bad('at least one axis is needed');
    this.o = {
      ...opts,
      smoothing: opts.smoothing ?? 3,
      threshold: opts.threshold ?? 0.6,
      hysteresis: opts.hysteresis ?? 0.1,
      now: opts.now ?? (() => performance.now()),
    };
    this.ring = new Float32Array(opts.windowFrames * opts.axes);
    this.arrival = new Float64Array(opts.windowFrames);
    this.window = new Float32Array(opts.windowFrames * opts.axes);
    this.nextEmit = opts.windowFrames;
  }

  /** Forget the stream (e.g. after a reconnect). */
  reset(): void {
    this.written = 0;
    this.nextEmit = this.o.windowFrames;
    this.history = [];
    this.current = null;
  }

  /** Adds frames (interleaved); returns the results of every window completed by them. */
  async push(frames: Float32Array, arrivalMs: number = this.o.now()): Promise<LiveResult[]> {
    const { axes, windowFrames, strideFrames } = this.o;
    const n = Math.floor(frames.length / axes);
    const results: LiveResult[] = [];
    for (let f = 0; f < n; f++) {
      const slot = this.written % windowFrames;
      this.ring.set(frames.subarray(f * axes, (f + 1) * axes), slot * axes);
      this.arrival[slot] = arrivalMs;
      this.written++;
      if (this.written === this.nextEmit) {
        this.nextEmit += strideFrames;
        results.push(await this.classifyWindow());
      }
    }
    return results;
  }

  private async classifyWindow(): Promise<LiveResult> {
    const { axes, windowFrames, labels } = this.o;
    const start = this.written - windowFrames;
    const head = this.written % windowFrames; // oldest slot
    const tail = windowFrames - head;
    this.window.set(this.ring.subarray(head * axes), 0);
    if (head > 0) this.window.set(this.ring.subarray(0, head * axes), tail * axes);
    const newest = this.arrival[(this.written - 1) % windowFrames];
    const t0 = this.o.now();
    const feats = this.o.features(this.window);
    const t1 = this.o.now();
    const probs = Float32Array.from(await this.o.classify(feats));
    const t2 = this.o.now();
    this.history.push(probs);
    if (this.history.length > this.o.smoothing) this.history.shift();
    const k = labels.length;
    const smoothed = new Float32Array(k);
    for (const h of this.history) for (let j = 0; j < k; j++) smoothed[j] += h[j] / this.history.length;
    const top = argmax(probs);
    const best = argmax(smoothed);
    const { threshold, hysteresis } = this.o;
    if (this.current !== null && smoothed[this.current] < threshold - hysteresis) this.current = null;
    if (smoothed[best] >= threshold && (this.current === null || (best !== this.current && smoothed[best] >= smoothed[this.current] + hysteresis))) {
      this.current = best;
    }
    return {
      startFrame: start,
      probs,
      smoothed,
      top: labels[top],
      decision: this.current === null ? null : labels[this.current],
      latencyMs: this.o.now() - newest,
      dspMs: t1 - t0,
      modelMs: t2 - t1,
    };
  }
}
