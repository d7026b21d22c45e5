/**
 * Calibration of continuous keyword recognition: replays a long recording through the same window
 * scorer and detector as live recognition (continuous.ts) and, for a range of thresholds, counts
 * false activations per hour, missed keywords and wrong-keyword hits, so a person can pick an
 * operating point. DOM-free core module (runs in the keyword worker and in Node).
 *
 * The DSP + classifier run once over the track (`scoreTrack`); each threshold then only re-runs the
 * detector over the stored probabilities (`sweepThresholds`), which costs microseconds per hop.
 *
 * Ground truth is a list of keyword events (label, start, end in ms of the track), e.g. from an
 * Audacity label track (calibration-truth.ts) or from a synthesized track whose onsets are known.
 * Matching: a detection of window end t belongs to an event when start < t ≤ end + window +
 * (averaging − 1) × hop + `slackMs` (the window must overlap the word, and the average needs a few hops
 * to rise). Per detection, in time order: a not-yet-found event of the same label among those it
 * belongs to → a hit (the earliest such); else one of the same label already found → a duplicate
 * (counted as a false activation); else an event of another keyword → a wrong-keyword hit; else → a
 * false activation. Events never hit are missed. Events of background labels, or of words that are
 * not the model's keywords, are not keywords: a detection on them is a false activation.
 * Without ground truth only activations per hour are reported (a recording known to hold no
 * keyword makes them false activations; anything else needs the annotations to tell them apart).
 */
import { throwIfAborted } from '../../core/errors.ts';
import type { OpOptions } from '../../core/progress.ts';
import { KeywordDetector, WindowScorer, type Detection, type DetectorSettings } from './continuous.ts';

export interface KeywordEvent {
  label: string;
  startMs: number;
  endMs: number;
}

export interface TrackScores {
  /** End time of every hop's window, ms. */
  timesMs: Float64Array;
  /** hops × labels probabilities. */
  probs: Float32Array;
  labels: string[];
  durationMs: number;
  windowMs: number;
  hopMs: number;
}

export interface ScoreTrackOptions extends OpOptions {
  rateHz: number;
  windowSamples: number;
  hopSamples: number;
  labels: string[];
  features: (window: Float32Array) => Float32Array;
  classify: (features: Float32Array) => Float32Array;
}

/** Runs DSP + classifier over the whole track (int16 units) every hop. */
export function scoreTrack(track: ArrayLike<number>, o: ScoreTrackOptions): TrackScores {
  const scorer = new WindowScorer(o);
  const k = o.labels.length;
  const hops = track.length >= o.windowSamples ? Math.floor((track.length - o.windowSamples) / o.hopSamples) + 1 : 0;
  const timesMs = new Float64Array(hops);
  const probs = new Float32Array(hops * k);
  const chunk = Math.max(o.hopSamples, 4096);
  let n = 0;
  const sub = (a: number, b: number): ArrayLike<number> => ('subarray' in track ? (track as Float32Array).subarray(a, b) : Array.prototype.slice.call(track, a, b));
  for (let i = 0; i < track.length; i += chunk) {
    throwIfAborted(o.signal, 'model');
    for (const s of scorer.push(sub(i, Math.min(track.length, i + chunk)))) {
      timesMs[n] = s.timeMs;
      probs.set(s.probs.subarray(0, k), n * k);
      n++;
    }
    o.onProgress?.({ stage: 'scoring the recording', fraction: Math.min(1, (i + chunk) / track.length) });
  }
  return { timesMs, probs, labels: o.labels.slice(), durationMs: (track.length * 1000) / o.rateHz, windowMs: (o.windowSamples * 1000) / o.rateHz, hopMs: (o.hopSamples * 1000) / o.rateHz };
}

/** Detections of the detector over stored scores. */
export function detectAll(s: TrackScores, background: string[], settings: DetectorSettings): Detection[] {
  const d = new KeywordDetector(s.labels, background, settings);
  const k = s.labels.length;
  const out: Detection[] = [];
  for (let i = 0; i < s.timesMs.length; i++) {
    const r = d.step(s.probs.subarray(i * k, (i + 1) * k), s.timesMs[i]);
    if (r.detection) out.push(r.detection);
  }
  return out;
}

export interface OperatingPoint {
  threshold: number;
  detections: number;
  activationsPerHour: number;
  /** null without ground truth. */
  falseActivations: number | null;
  falseActivationsPerHour: number | null;
  hits: number | null;
  missed: number | null;
  /** Detections of another keyword than the one said. */
  wrong: number | null;
  /** missed ÷ keywords, 0 … 1 (null without ground truth or keywords). */
  missRate: number | null;
}

export interface CalibrationReport {
  points: OperatingPoint[];
  /** Keyword events in the ground truth (0 and `annotated: false` without it). */
  keywords: number;
  annotated: boolean;
  durationMs: number;
  settings: Omit<DetectorSettings, 'threshold'>;
  background: string[];
}

export interface MatchResult {
  hits: number;
  missed: number;
  wrong: number;
  falseActivations: number;
  /** Per detection: 'hit' | 'duplicate' | 'wrong' | 'false'. */
  kinds: ('hit' | 'duplicate' | 'wrong' | 'false')[];
}

/** Matches detections to keyword events (see the module comment). */
export function matchDetections(detections: Detection[], truth: KeywordEvent[], keywords: string[], acceptAfterEndMs: number): MatchResult {
  const events = truth.filter((e) => keywords.includes(e.label)).sort((a, b) => a.startMs - b.startMs);
  const found = new Array<boolean>(events.length).fill(false);
  const blamed = new Array<boolean>(events.length).fill(false);
  const kinds: MatchResult['kinds'] = [];
  let hits = 0;
  let wrong = 0;
  let falseActivations = 0;
  for (const d of [...detections].sort((a, b) => a.timeMs - b.timeMs)) {
    const cands: number[] = [];
    for (let i = 0; i < events.length; i++) {
      const e = events[i];
      if (e.startMs >= d.timeMs) break;
      if (d.timeMs <= e.endMs + acceptAfterEndMs) cands.push(i);
    }
    const same = cands.filter((i) => events[i].label === d.label);
    const fresh = same.find((i) => !found[i]);
    if (fresh !== undefined) {
      found[fresh] = true;
      hits++;
      kinds.push('hit');
    } else if (same.length) {
      falseActivations++;
      kinds.push('duplicate');
    } else if (cands.length) {
      wrong++;
      const c = cands.find((i) => !blamed[i]) ?? cands[0];
      blamed[c] = true;
      kinds.push('wrong');
    } else {
      falseActivations++;
      kinds.push('false');
    }
  }
  return { hits, missed: events.length - hits, wrong, falseActivations, kinds };
}

export interface SweepOptions {
  background: string[];
  averaging: number;
  refractoryMs: number;
  thresholds?: number[];
  /** Ground-truth keyword events; absent = not annotated. */
  truth?: KeywordEvent[];
  /** Extra time after a word's window (+ averaging) in which a detection still counts for it. Default 250 ms. */
  slackMs?: number;
}

/** Thresholds 0.30, 0.35, … 0.95, 0.97, 0.99. */
export const DEFAULT_THRESHOLDS: number[] = [...Array.from({ length: 14 }, (_, i) => Math.round((0.3 + 0.05 * i) * 100) / 100), 0.97, 0.99];

/** One operating point per threshold. */
export function sweepThresholds(s: TrackScores, o: SweepOptions): CalibrationReport {
  const hours = s.durationMs / 3_600_000;
  const keywords = s.labels.filter((l) => !o.background.includes(l));
  const truth = o.truth?.filter((e) => keywords.includes(e.label));
  const accept = s.windowMs + (o.averaging - 1) * s.hopMs + (o.slackMs ?? 250);
  const points = (o.thresholds ?? DEFAULT_THRESHOLDS).map((threshold): OperatingPoint => {
    const det = detectAll(s, o.background, { averaging: o.averaging, refractoryMs: o.refractoryMs, threshold });
    const perHour = (n: number) => (hours > 0 ? n / hours : 0);
    if (!o.truth) {
      return { threshold, detections: det.length, activationsPerHour: perHour(det.length), falseActivations: null, falseActivationsPerHour: null, hits: null, missed: null, wrong: null, missRate: null };
    }
    const m = matchDetections(det, o.truth, keywords, accept);
    return {
      threshold,
      detections: det.length,
      activationsPerHour: perHour(det.length),
      falseActivations: m.falseActivations,
      falseActivationsPerHour: perHour(m.falseActivations),
      hits: m.hits,
      missed: m.missed,
      wrong: m.wrong,
      missRate: truth && truth.length ? m.missed / truth.length : null,
    };
  });
  return { points, keywords: truth?.length ?? 0, annotated: !!o.truth, durationMs: s.durationMs, settings: { averaging: o.averaging, refractoryMs: o.refractoryMs }, background: o.background.slice() };
}

/**
 * A suggested operating point: among thresholds with at most `maxFalsePerHour` false activations
 * (activations without ground truth) per hour, the one that misses fewest keywords and then has the
 * fewest false and wrong activations; when none is that quiet, the quietest one.
 */
export function suggestOperatingPoint(r: CalibrationReport, maxFalsePerHour = 2): OperatingPoint | null {
  if (!r.points.length) return null;
  const fa = (p: OperatingPoint) => p.falseActivationsPerHour ?? p.activationsPerHour;
  const quiet = r.points.filter((p) => fa(p) <= maxFalsePerHour);
  if (!r.annotated) return quiet.length ? quiet.reduce((a, b) => (b.threshold < a.threshold ? b : a)) : r.points.reduce((a, b) => (fa(b) < fa(a) ? b : a));
  const key = (p: OperatingPoint): number[] => [p.missed ?? 0, (p.wrong ?? 0) + (p.falseActivations ?? 0), -p.threshold];
  const better = (a: OperatingPoint, b: OperatingPoint): OperatingPoint => {
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return kb[i] < ka[i] ? b : a;
    return a;
  };
  if (quiet.length) return quiet.reduce(better);
  return r.points.reduce((a, b) => (fa(b) < fa(a) || (fa(b) === fa(a) && better(a, b) === b) ? b : a));
}
