/**
 * Energy-based segmentation of audio: proposes fixed-length clips (1 s by default) around the loud
 * parts of a long recording, e.g. a keyword said every couple of seconds. DOM-free core module; the
 * cuts are the same `Cut` frame ranges as the motion auto-split (segment.ts), applied with `applyCuts`.
 *
 * Method:
 *  1. short-time level: frames of `frameMs` (20 ms) every `hopMs` (10 ms); each frame's mean is
 *     removed (a DC offset is not loudness) and its RMS taken in dB;
 *  2. the noise floor is a low percentile (`floorPercentile`, 20 %) of the frame levels, which holds
 *     as long as the quiet parts cover more than that share of the recording;
 *  3. a frame is loud above floor + `thresholdDb` (12 dB); with hysteresis a loud run continues until
 *     the level drops below floor + thresholdDb − `hysteresisDb` (4 dB). If the loudest frame is less
 *     than `thresholdDb` above the floor there are no events (steady noise or silence);
 *  4. runs closer than `minGapMs` (200 ms, the pauses inside a word) are merged and runs shorter than
 *     `minEventMs` (80 ms, clicks) are dropped;
 *  5. each event gets a clip of `clipMs` centred on its energy centroid (the power-weighted mean
 *     time, so the loud part sits in the middle even when the event's tail is long), moved to lie
 *     inside the recording. An event longer than the clip gets the clip of highest energy within it.
 * Clips of events closer than a clip length may overlap; `overlaps` counts them so the UI can warn.
 */
import { StudioError } from '../core/errors.ts';
import type { RawRecording } from './sample.ts';
import type { Cut } from './segment.ts';

export interface AudioSegmentOptions {
  /** Length of each proposed clip, ms. Default 1000. */
  clipMs?: number;
  /** Analysis frame and hop, ms. Defaults 20 and 10. */
  frameMs?: number;
  hopMs?: number;
  /** Loud above the noise floor + this, dB. Default 12. */
  thresholdDb?: number;
  /** A loud run ends below the threshold − this, dB. Default 4. */
  hysteresisDb?: number;
  /** Percentile of frame levels taken as the noise floor, 0…100. Default 20. */
  floorPercentile?: number;
  /** Runs closer than this are one event, ms. Default 200. */
  minGapMs?: number;
  /** Shorter events are dropped, ms. Default 80. */
  minEventMs?: number;
  /** Axis to use for multi-channel audio. Default 0. */
  axis?: number;
}

export interface AudioEvents {
  /** One clip of clipMs per event, in frames, in time order. */
  cuts: Cut[];
  /** The loud regions themselves, in frames. */
  events: Cut[];
  /** Frame levels in dB (one per hop), for plotting under the waveform. */
  levelDb: Float32Array;
  /** Frames per level value. */
  hopFrames: number;
  noiseFloorDb: number;
  thresholdDb: number;
  /** Pairs of consecutive clips that overlap. */
  overlaps: number;
}

function segError(message: string, remedy: string): StudioError {
  return new StudioError({ family: 'dsp', code: 'bad-segment', message, remedy });
}

function percentile(x: Float32Array, p: number): number {
  const s = Float64Array.from(x).sort();
  if (s.length === 0) return 0;
  const pos = (p / 100) * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(s.length - 1, lo + 1);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

interface Plan {
  n: number;
  nA: number;
  axis: number;
  clip: number;
  frame: number;
  hop: number;
  count: number;
}

function plan(name: string, nA: number, n: number, intervalMs: number, opts: AudioSegmentOptions): Plan {
  const axis = opts.axis ?? 0;
  if (axis < 0 || axis >= nA) throw segError(`Axis ${axis} does not exist in "${name}".`, 'Pick one of the recording’s audio channels.');
  const f = (ms: number): number => Math.max(1, Math.round(ms / intervalMs));
  const clip = f(opts.clipMs ?? 1000);
  const frame = f(opts.frameMs ?? 20);
  const hop = f(opts.hopMs ?? 10);
  if (n < clip) {
    throw segError(
      `"${name}" is ${((n * intervalMs) / 1000).toFixed(2)} s long, shorter than one ${(clip * intervalMs) / 1000} s clip.`,
      'Record a longer stretch, or shorten the clip length.',
    );
  }
  return { n, nA, axis, clip, frame, hop, count: Math.max(1, Math.floor((n - frame) / hop) + 1) };
}

/**
 * Step 1 on a stretch of interleaved values starting at frame `first`: fills the levels of analysis
 * frames j ≥ `j0` that lie inside the stretch; returns the next j to compute.
 */
function levelsOf(values: Float32Array, first: number, p: Plan, j0: number, power: Float64Array, levelDb: Float32Array): number {
  const { nA, axis, frame, hop, count } = p;
  const last = first + Math.floor(values.length / nA);
  let j = j0;
  for (; j < count && j * hop + frame <= last; j++) {
    const s = j * hop - first;
    let mean = 0;
    for (let i = s; i < s + frame; i++) mean += values[i * nA + axis];
    mean /= frame;
    let sq = 0;
    for (let i = s; i < s + frame; i++) {
      const d = values[i * nA + axis] - mean;
      sq += d * d;
    }
    power[j] = sq / frame;
    levelDb[j] = 10 * Math.log10(power[j] + 1e-20);
  }
  return j;
}

/** Proposed clips around the loud parts of an audio recording (see the module comment). */
export function detectAudioEvents(rec: RawRecording, opts: AudioSegmentOptions = {}): AudioEvents {
  const nA = rec.axes.length;
  const p = plan(rec.name, nA, nA ? Math.floor(rec.values.length / nA) : 0, rec.intervalMs, opts);
  const power = new Float64Array(p.count);
  const levelDb = new Float32Array(p.count);
  levelsOf(rec.values, 0, p, 0, power, levelDb);
  return eventsFromLevels(p, power, levelDb, rec.intervalMs, opts);
}

/**
 * The same as `detectAudioEvents` for a recording read in consecutive batches of frames (a long
 * recording from the store's `frameBatches`): only one batch and the levels (4 + 8 bytes per hop)
 * are in memory. Gives exactly the same result as on the whole recording.
 */
export async function detectAudioEventsInBatches(
  rec: { name: string; axes: number; intervalMs: number; frames: number },
  batches: AsyncIterable<{ start: number; values: Float32Array }>,
  opts: AudioSegmentOptions = {},
): Promise<AudioEvents> {
  const p = plan(rec.name, rec.axes, rec.frames, rec.intervalMs, opts);
  const power = new Float64Array(p.count);
  const levelDb = new Float32Array(p.count);
  const nA = rec.axes;
  // the frames of the previous batch that the next analysis frame still needs
  let carry = new Float32Array(0);
  let carryStart = 0;
  let j = 0;
  for await (const b of batches) {
    const joined = new Float32Array(carry.length + b.values.length);
    joined.set(carry);
    joined.set(b.values, carry.length);
    j = levelsOf(joined, carryStart, p, j, power, levelDb);
    const keepFrom = Math.min(j * p.hop, b.start + b.values.length / nA);
    carry = joined.slice((keepFrom - carryStart) * nA);
    carryStart = keepFrom;
  }
  return eventsFromLevels(p, power, levelDb, rec.intervalMs, opts);
}

function eventsFromLevels(p: Plan, power: Float64Array, levelDb: Float32Array, intervalMs: number, opts: AudioSegmentOptions): AudioEvents {
  const { n, clip, frame, hop, count } = p;
  const f = (ms: number): number => Math.max(1, Math.round(ms / intervalMs));
  const thrDb = opts.thresholdDb ?? 12;
  const hyst = opts.hysteresisDb ?? 4;
  const minGap = Math.ceil(f(opts.minGapMs ?? 200) / hop);
  const minEvent = Math.ceil(f(opts.minEventMs ?? 80) / hop);
  // 2–3. floor, threshold, hysteresis
  const noiseFloorDb = percentile(levelDb, opts.floorPercentile ?? 20);
  const on = noiseFloorDb + thrDb;
  const off = on - hyst;
  let peak = -Infinity;
  for (const v of levelDb) peak = Math.max(peak, v);
  const runs: { a: number; b: number }[] = [];
  if (peak > on) {
    let start = -1;
    for (let j = 0; j <= count; j++) {
      const v = j < count ? levelDb[j] : -Infinity;
      if (start < 0 && v > on) start = j;
      else if (start >= 0 && v < off) {
        runs.push({ a: start, b: j });
        start = -1;
      }
    }
  }
  // 4. merge and drop
  const merged: { a: number; b: number }[] = [];
  for (const r of runs) {
    const last = merged[merged.length - 1];
    if (last && r.a - last.b < minGap) last.b = r.b;
    else merged.push({ ...r });
  }
  const kept = merged.filter((r) => r.b - r.a >= minEvent);
  // 5. clips
  const events: Cut[] = [];
  const cuts: Cut[] = [];
  const clipHops = Math.max(1, Math.round(clip / hop));
  for (const r of kept) {
    const ev = { start: r.a * hop, end: Math.min(n, (r.b - 1) * hop + frame) };
    events.push(ev);
    let centreFrame: number;
    if (r.b - r.a <= clipHops) {
      let w = 0;
      let t = 0;
      for (let j = r.a; j < r.b; j++) {
        w += power[j];
        t += power[j] * (j * hop + frame / 2);
      }
      centreFrame = w > 0 ? t / w : (ev.start + ev.end) / 2;
    } else {
      // the clip-long stretch of the event with the most energy
      let best = r.a;
      let sum = 0;
      for (let j = r.a; j < r.a + clipHops; j++) sum += power[j];
      let bestSum = sum;
      for (let j = r.a + 1; j + clipHops <= r.b; j++) {
        sum += power[j + clipHops - 1] - power[j - 1];
        if (sum > bestSum) {
          bestSum = sum;
          best = j;
        }
      }
      centreFrame = best * hop + clip / 2;
    }
    const start = Math.min(n - clip, Math.max(0, Math.round(centreFrame - clip / 2)));
    cuts.push({ start, end: start + clip });
  }
  let overlaps = 0;
  for (let i = 1; i < cuts.length; i++) if (cuts[i].start < cuts[i - 1].end) overlaps++;
  return { cuts, events, levelDb, hopFrames: hop, noiseFloorDb, thresholdDb: on, overlaps };
}
