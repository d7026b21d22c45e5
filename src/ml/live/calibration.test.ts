import { describe, it, expect } from 'vitest';
import { DEFAULT_THRESHOLDS, detectAll, matchDetections, scoreTrack, suggestOperatingPoint, sweepThresholds, type KeywordEvent, type TrackScores } from './calibration.ts';
import { parseLabelTrack, writeLabelTrack } from './calibration-truth.ts';
import { StudioError } from '../../core/errors.ts';

const labels = ['no', 'noise', 'yes'];

/** Scores every 250 ms with 1 s windows, given as (time of window end → probs). */
function scores(durationMs: number, at: (ms: number) => number[]): TrackScores {
  const times: number[] = [];
  for (let t = 1000; t <= durationMs; t += 250) times.push(t);
  const probs = new Float32Array(times.length * 3);
  times.forEach((t, i) => probs.set(at(t), i * 3));
  return { timesMs: Float64Array.from(times), probs, labels, durationMs, windowMs: 1000, hopMs: 250 };
}

describe('matchDetections', () => {
  const truth: KeywordEvent[] = [
    { label: 'yes', startMs: 1000, endMs: 1500 },
    { label: 'no', startMs: 5000, endMs: 5500 },
    { label: 'yes', startMs: 9000, endMs: 9400 },
  ];
  const det = (label: string, timeMs: number) => ({ label, index: labels.indexOf(label), score: 0.9, timeMs });

  it('counts hits, duplicates, wrong keywords, false activations and misses', () => {
    const m = matchDetections([det('yes', 1800), det('yes', 2300), det('yes', 5600), det('no', 7500), det('no', 800)], truth, ['yes', 'no'], 1500);
    expect(m.kinds).toEqual(['false', 'hit', 'duplicate', 'wrong', 'false']);
    expect(m).toMatchObject({ hits: 1, wrong: 1, falseActivations: 3, missed: 2 });
  });

  it('a detection late after the word, or before it, is not a hit', () => {
    const m = matchDetections([det('yes', 3001), det('no', 5000)], truth, ['yes', 'no'], 1500);
    expect(m.kinds).toEqual(['false', 'false']);
    expect(m.missed).toBe(3);
  });

  it('events of non-keywords are not keywords to find', () => {
    const m = matchDetections([det('yes', 1200)], [...truth, { label: 'cat', startMs: 12000, endMs: 12500 }], ['yes', 'no'], 1500);
    expect(m.missed).toBe(2);
  });
});

describe('sweepThresholds', () => {
  // 'yes' said at 2 s (peak 0.9 in the windows that hold it), 'no' at 6 s (peak 0.7); a noise burst
  // at 10 s that looks like 'yes' at 0.6.
  const truth: KeywordEvent[] = [
    { label: 'yes', startMs: 2000, endMs: 2500 },
    { label: 'no', startMs: 6000, endMs: 6500 },
  ];
  const s = scores(12 * 60_000, (t) => {
    if (t > 2300 && t <= 3300) return [0.05, 0.05, 0.9];
    if (t > 6300 && t <= 7300) return [0.7, 0.2, 0.1];
    if (t > 10300 && t <= 11300) return [0.1, 0.3, 0.6];
    return [0.02, 0.96, 0.02];
  });

  it('reports misses and false activations per hour that move the right way with the threshold', () => {
    const r = sweepThresholds(s, { background: ['noise'], averaging: 2, refractoryMs: 1000, truth, thresholds: [0.5, 0.65, 0.8, 0.95] });
    expect(r.annotated).toBe(true);
    expect(r.keywords).toBe(2);
    const [p50, p65, p80, p95] = r.points;
    expect(p50).toMatchObject({ hits: 2, missed: 0, falseActivations: 1, wrong: 0, detections: 3 });
    // 12 minutes: one false activation is 5 per hour
    expect(p50.falseActivationsPerHour).toBeCloseTo(5, 9);
    expect(p50.missRate).toBe(0);
    expect(p65).toMatchObject({ hits: 2, missed: 0, falseActivations: 0 });
    expect(p80).toMatchObject({ hits: 1, missed: 1, falseActivations: 0, missRate: 0.5 });
    expect(p95).toMatchObject({ hits: 0, missed: 2, detections: 0 });
    expect(suggestOperatingPoint(r, 2)?.threshold).toBe(0.65);
  });

  it('without ground truth reports activations per hour only', () => {
    const r = sweepThresholds(s, { background: ['noise'], averaging: 2, refractoryMs: 1000 });
    expect(r.annotated).toBe(false);
    expect(r.points.map((p) => p.threshold)).toEqual(DEFAULT_THRESHOLDS);
    const p50 = r.points.find((p) => p.threshold === 0.5)!;
    expect(p50).toMatchObject({ detections: 3, falseActivations: null, missed: null, missRate: null });
    expect(p50.activationsPerHour).toBeCloseTo(15, 9);
    // at most 5 activations an hour (one in 12 min): 0.65 still lets 'no' through (10 /h), 0.7 is the lowest
    expect(r.points.find((p) => p.threshold === 0.65)?.activationsPerHour).toBeCloseTo(10, 9);
    expect(suggestOperatingPoint(r, 5)?.threshold).toBe(0.7);
  });

  it('a wrong keyword counts as wrong, not as a hit', () => {
    const wrong = scores(20_000, (t) => (t > 2300 && t <= 3300 ? [0.9, 0.05, 0.05] : [0, 1, 0]));
    const r = sweepThresholds(wrong, { background: ['noise'], averaging: 1, refractoryMs: 500, truth: [truth[0]], thresholds: [0.5] });
    expect(r.points[0]).toMatchObject({ hits: 0, wrong: 1, missed: 1, falseActivations: 0 });
    expect(detectAll(wrong, ['noise'], { averaging: 1, refractoryMs: 500, threshold: 0.5 }).map((d) => d.label)).toEqual(['no']);
  });
});

describe('scoreTrack', () => {
  it('scores every hop of the track once, in order, and can be cancelled', () => {
    const track = new Float32Array(16000 * 3).map((_, i) => i);
    const starts: number[] = [];
    const s = scoreTrack(track, {
      rateHz: 16000,
      windowSamples: 16000,
      hopSamples: 4000,
      labels: ['a', 'b'],
      features: (w) => Float32Array.of(w[0]),
      classify: (f) => (starts.push(f[0]), Float32Array.of(0.25, 0.75)),
    });
    expect(starts).toEqual([0, 4000, 8000, 12000, 16000, 20000, 24000, 28000, 32000]);
    expect(Array.from(s.timesMs)).toEqual([1000, 1250, 1500, 1750, 2000, 2250, 2500, 2750, 3000]);
    expect(s.probs.length).toBe(18);
    expect(s.durationMs).toBe(3000);
    const ac = new AbortController();
    ac.abort();
    expect(() => scoreTrack(track, { rateHz: 16000, windowSamples: 16000, hopSamples: 4000, labels: ['a'], features: (w) => w, classify: () => Float32Array.of(1), signal: ac.signal })).toThrow(StudioError);
  });
});

describe('label tracks', () => {
  it('reads Audacity label tracks and writes them back', () => {
    const text = '1.250000\t1.800000\tyes\n\\\t100.0\t3000.0\n# comment\n\n3.5 3.5 no thanks\r\n0.5\t0.9\tyes\n';
    const ev = parseLabelTrack(text);
    expect(ev).toEqual([
      { label: 'yes', startMs: 500, endMs: 900 },
      { label: 'yes', startMs: 1250, endMs: 1800 },
      { label: 'no thanks', startMs: 3500, endMs: 4500 },
    ]);
    expect(parseLabelTrack(writeLabelTrack(ev))).toEqual(ev);
  });

  it('refuses a line without times, echoing it safely', () => {
    try {
      parseLabelTrack('1.0\t2.0\tyes\nabc\tdef\tyes\u0007\n');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(StudioError);
      expect((e as StudioError).code).toBe('bad-truth-labels');
      expect((e as StudioError).message).toContain('line 2');
      expect((e as StudioError).message).toContain('\\u0007');
    }
    expect(() => parseLabelTrack('only-one-field')).toThrow(/start, end/);
  });
});
