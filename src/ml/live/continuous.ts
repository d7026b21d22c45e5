/**
 * Continuous keyword recognition over an audio stream. DOM-free core module (runs in the keyword
 * worker, src/workers/kws-worker.ts, and in Node for calibration and benchmarks).
 *
 * Two stages, so calibration can run the expensive one once and sweep the cheap one:
 * - `WindowScorer`: int16 chunks in, one probability vector per hop out. It keeps the last
 *   `windowSamples` samples in a ring and, every `hopSamples` once the first window is full, runs the
 *   impulse's DSP + classifier on the window (e.g. 1 s every 250 ms: windows overlap by 750 ms).
 * - `KeywordDetector`: the moving average of the last `averaging` probability vectors; a detection
 *   fires when a keyword class (any label not listed as background) reaches `threshold` in that
 *   average and leads it (no background class above it: matters below 0.5), the detector is armed,
 *   and `refractoryMs` have passed since the last detection. Firing
 *   disarms the detector; it re-arms once every keyword's average is below the threshold again, so
 *   one utterance held over several hops gives one detection (the refractory time covers the
 *   flicker of the average around the threshold).
 *
 * Times are stream times (samples since the start ÷ rate), not wall-clock: a result's `timeMs` is the
 * end of its window, which is when a board would have the last sample of it.
 */
import { StudioError } from '../../core/errors.ts';
import { argmax } from '../metrics/argmax.ts';

export interface DetectorSettings {
  /** Probability vectors averaged (moving average, ≥ 1). */
  averaging: number;
  /** Averaged probability a keyword must reach (0 … 1]. */
  threshold: number;
  /** No second detection within this time after one, ms (≥ 0). */
  refractoryMs: number;
}

export const DEFAULT_DETECTOR: DetectorSettings = { averaging: 3, threshold: 0.8, refractoryMs: 1000 };

export interface Detection {
  label: string;
  /** Class index in the labels. */
  index: number;
  /** Averaged probability when it fired. */
  score: number;
  /** End of the window that fired, ms of stream time. */
  timeMs: number;
}

export interface DetectorStep {
  averaged: Float32Array;
  /** Top class of the average (any class, background included). */
  top: number;
  detection: Detection | null;
}

function configError(what: string): StudioError {
  return new StudioError({ family: 'config', code: 'bad-kws-config', message: `Keyword recognition: ${what}.`, remedy: 'Check the averaging, threshold, refractory time, hop and background labels.' });
}

/** Checks detector settings; throws `bad-kws-config`. */
export function checkDetector(s: DetectorSettings): void {
  if (!(Number.isInteger(s.averaging) && s.averaging >= 1 && s.averaging <= 100)) throw configError('the averaging must be a whole number of results from 1 to 100');
  if (!(s.threshold > 0 && s.threshold <= 1)) throw configError('the threshold must be above 0 and at most 1');
  if (!(s.refractoryMs >= 0 && Number.isFinite(s.refractoryMs))) throw configError('the refractory time must be 0 ms or more');
}

/** Averaging + threshold + refractory over a sequence of probability vectors. */
export class KeywordDetector {
  private readonly keyword: boolean[];
  private readonly history: Float32Array[] = [];
  private readonly sum: Float64Array;
  private armed = true;
  private lastMs = -Infinity;

  constructor(
    readonly labels: string[],
    background: string[],
    readonly settings: DetectorSettings,
  ) {
    checkDetector(settings);
    this.keyword = labels.map((l) => !background.includes(l));
    if (!this.keyword.some(Boolean)) throw configError('every label is marked as background, so nothing could be detected');
    this.sum = new Float64Array(labels.length);
  }

  reset(): void {
    this.history.length = 0;
    this.sum.fill(0);
    this.armed = true;
    this.lastMs = -Infinity;
  }

  /** Adds the probabilities of the window ending at `timeMs`. */
  step(probs: Float32Array, timeMs: number): DetectorStep {
    const k = this.labels.length;
    this.history.push(probs);
    for (let j = 0; j < k; j++) this.sum[j] += probs[j];
    if (this.history.length > this.settings.averaging) {
      const old = this.history.shift()!;
      for (let j = 0; j < k; j++) this.sum[j] -= old[j];
    }
    const n = this.history.length;
    const averaged = new Float32Array(k);
    for (let j = 0; j < k; j++) averaged[j] = Math.max(0, this.sum[j] / n);
    let best = -1;
    for (let j = 0; j < k; j++) if (this.keyword[j] && (best < 0 || averaged[j] > averaged[best])) best = j;
    const { threshold, refractoryMs } = this.settings;
    const top = argmax(averaged);
    let detection: Detection | null = null;
    if (averaged[best] >= threshold && top === best) {
      if (this.armed && timeMs - this.lastMs >= refractoryMs) {
        detection = { label: this.labels[best], index: best, score: averaged[best], timeMs };
        this.armed = false;
        this.lastMs = timeMs;
      }
    } else {
      this.armed = true;
    }
    return { averaged, top, detection };
  }
}

export interface WindowScorerOptions {
  rateHz: number;
  windowSamples: number;
  hopSamples: number;
  /** DSP: window (int16 units) → features. */
  features: (window: Float32Array) => Float32Array;
  /** Classifier: features → probabilities in label order. */
  classify: (features: Float32Array) => Float32Array;
}

export interface WindowScore {
  /** End of the window, ms of stream time. */
  timeMs: number;
  /** Index of the window's first sample in the stream. */
  startSample: number;
  probs: Float32Array;
  dspMs: number;
  modelMs: number;
}

/** Slides a window over int16 audio chunks and scores it every hop. */
export class WindowScorer {
  private readonly ring: Float32Array;
  private readonly window: Float32Array;
  private written = 0;
  private nextEmit: number;
  private readonly now: () => number;

  constructor(private readonly o: WindowScorerOptions) {
    if (!(o.rateHz > 0)) throw configError('the sample rate must be positive');
    if (!(Number.isInteger(o.windowSamples) && o.windowSamples > 0)) throw configError('the window must hold at least one sample');
    if (!(Number.isInteger(o.hopSamples) && o.hopSamples > 0 && o.hopSamples <= o.windowSamples)) throw configError('the hop must be from one sample to one window');
    this.ring = new Float32Array(o.windowSamples);
    this.window = new Float32Array(o.windowSamples);
    this.nextEmit = o.windowSamples;
    this.now = typeof performance !== 'undefined' ? () => performance.now() : () => Date.now();
  }

  /** Samples seen so far. */
  get samples(): number {
    return this.written;
  }

  reset(): void {
    this.written = 0;
    this.nextEmit = this.o.windowSamples;
  }

  /** Adds samples (int16 units); returns the scores of the windows they completed, in order. */
  push(chunk: ArrayLike<number>): WindowScore[] {
    const w = this.o.windowSamples;
    const out: WindowScore[] = [];
    let i = 0;
    while (i < chunk.length) {
      // copy up to the next emit point in one go
      const take = Math.min(chunk.length - i, this.nextEmit - this.written);
      for (let j = 0; j < take; j++) this.ring[(this.written + j) % w] = chunk[i + j];
      this.written += take;
      i += take;
      if (this.written === this.nextEmit) {
        this.nextEmit += this.o.hopSamples;
        out.push(this.score());
      }
    }
    return out;
  }

  private score(): WindowScore {
    const w = this.o.windowSamples;
    const head = this.written % w;
    this.window.set(this.ring.subarray(head), 0);
    if (head > 0) this.window.set(this.ring.subarray(0, head), w - head);
    const t0 = this.now();
    const f = this.o.features(this.window);
    const t1 = this.now();
    const probs = Float32Array.from(this.o.classify(f));
    const t2 = this.now();
    return { timeMs: (this.written * 1000) / this.o.rateHz, startSample: this.written - w, probs, dspMs: t1 - t0, modelMs: t2 - t1 };
  }
}

export interface ContinuousOptions extends WindowScorerOptions, DetectorSettings {
  labels: string[];
  /** Labels that never fire (noise, unknown, …). */
  background: string[];
}

export interface ContinuousResult extends WindowScore, DetectorStep {}

/** `WindowScorer` + `KeywordDetector`: int16 chunks in, per-hop results and detections out. */
export class ContinuousRecognizer {
  readonly scorer: WindowScorer;
  private det: KeywordDetector;

  constructor(o: ContinuousOptions) {
    this.scorer = new WindowScorer(o);
    this.det = new KeywordDetector(o.labels, o.background, { averaging: o.averaging, threshold: o.threshold, refractoryMs: o.refractoryMs });
  }

  get detector(): KeywordDetector {
    return this.det;
  }

  /** New detector settings (the averaging starts over; the audio in the window is kept). */
  configure(background: string[], settings: DetectorSettings): void {
    this.det = new KeywordDetector(this.det.labels, background, settings);
  }

  push(chunk: ArrayLike<number>): ContinuousResult[] {
    return this.scorer.push(chunk).map((s) => ({ ...s, ...this.det.step(s.probs, s.timeMs) }));
  }

  reset(): void {
    this.scorer.reset();
    this.det.reset();
  }
}

/** Labels that look like background by name (noise, silence, unknown, background, _…): the default choice in the UI. */
export function guessBackground(labels: string[]): string[] {
  return labels.filter((l) => /^(_|noise|silence|unknown|background|other|none)/i.test(l.trim()));
}

/** The hop in samples for a hop in ms at `rateHz` (at least 1, at most the window). */
export function hopSamplesFor(hopMs: number, rateHz: number, windowSamples: number): number {
  if (!(hopMs > 0)) throw configError('the hop must be longer than 0 ms');
  return Math.max(1, Math.min(windowSamples, Math.round((hopMs * rateHz) / 1000)));
}
