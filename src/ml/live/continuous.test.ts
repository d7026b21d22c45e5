import { describe, it, expect } from 'vitest';
import { ContinuousRecognizer, KeywordDetector, WindowScorer, guessBackground, hopSamplesFor } from './continuous.ts';
import { getDspBlock } from '../../dsp/registry.ts';
import { createRng } from '../train/rng.ts';

const p = (...v: number[]) => Float32Array.from(v);

describe('WindowScorer', () => {
  it('scores the last window every hop, in stream order, across chunk boundaries', () => {
    const seen: number[][] = [];
    const s = new WindowScorer({ rateHz: 1000, windowSamples: 4, hopSamples: 2, features: (w) => Float32Array.from(w), classify: (f) => (seen.push(Array.from(f)), p(1)) });
    expect(s.push([0, 1, 2])).toEqual([]);
    const r = s.push([3, 4, 5, 6, 7, 8]);
    expect(r.map((x) => x.startSample)).toEqual([0, 2, 4]);
    expect(r.map((x) => x.timeMs)).toEqual([4, 6, 8]);
    expect(seen).toEqual([
      [0, 1, 2, 3],
      [2, 3, 4, 5],
      [4, 5, 6, 7],
    ]);
    // one sample at a time gives the same windows
    const seen2: number[][] = [];
    const s2 = new WindowScorer({ rateHz: 1000, windowSamples: 4, hopSamples: 2, features: (w) => Float32Array.from(w), classify: (f) => (seen2.push(Array.from(f)), p(1)) });
    for (let i = 0; i < 9; i++) s2.push([i]);
    expect(seen2).toEqual(seen);
    s.reset();
    expect(s.samples).toBe(0);
    expect(() => new WindowScorer({ rateHz: 1000, windowSamples: 4, hopSamples: 5, features: (w) => w, classify: (f) => f })).toThrow(/hop/);
  });

  it('hopSamplesFor rounds and clamps', () => {
    expect(hopSamplesFor(250, 16000, 16000)).toBe(4000);
    expect(hopSamplesFor(5000, 16000, 16000)).toBe(16000);
    expect(() => hopSamplesFor(0, 16000, 16000)).toThrow();
  });
});

describe('KeywordDetector', () => {
  const labels = ['noise', 'no', 'yes'];

  it('averages the last N results and fires once per utterance', () => {
    const d = new KeywordDetector(labels, ['noise'], { averaging: 2, threshold: 0.7, refractoryMs: 0 });
    const seq = [p(1, 0, 0), p(0.2, 0, 0.8), p(0.2, 0, 0.8), p(0, 0, 1), p(1, 0, 0), p(1, 0, 0), p(0, 0, 1), p(0, 0, 1)];
    const out = seq.map((x, i) => d.step(x, i * 250));
    // 1st 'yes' window alone averages 0.4 (below), the 2nd reaches 0.8: one detection while it stays high
    expect(out.map((o) => o.detection?.label ?? null)).toEqual([null, null, 'yes', null, null, null, null, 'yes']);
    expect(out[2].detection).toMatchObject({ label: 'yes', index: 2, timeMs: 500 });
    expect(out[2].detection!.score).toBeCloseTo(0.8, 6);
    expect(Array.from(out[4].averaged)).toEqual([0.5, 0, 0.5]);
    expect(out[4].top).toBe(0);
  });

  it('a keyword above a low threshold does not fire while a background class leads', () => {
    const d = new KeywordDetector(labels, ['noise'], { averaging: 1, threshold: 0.3, refractoryMs: 0 });
    expect(d.step(p(0.6, 0.05, 0.35), 0).detection).toBeNull();
    expect(d.step(p(0.3, 0.05, 0.65), 250).detection?.label).toBe('yes');
  });

  it('background labels never fire, however sure', () => {
    const d = new KeywordDetector(labels, ['noise', 'no'], { averaging: 1, threshold: 0.5, refractoryMs: 0 });
    expect(d.step(p(1, 0, 0), 0).detection).toBeNull();
    expect(d.step(p(0, 1, 0), 1).detection).toBeNull();
    expect(d.step(p(0, 0.4, 0.6), 2).detection?.label).toBe('yes');
    expect(() => new KeywordDetector(labels, labels, { averaging: 1, threshold: 0.5, refractoryMs: 0 })).toThrow(/background/);
  });

  it('suppresses a second detection within the refractory time, even after re-arming', () => {
    const d = new KeywordDetector(labels, ['noise'], { averaging: 1, threshold: 0.6, refractoryMs: 1000 });
    const t = (x: Float32Array, ms: number) => d.step(x, ms).detection?.label ?? null;
    expect(t(p(0, 0, 1), 0)).toBe('yes');
    expect(t(p(1, 0, 0), 250)).toBeNull(); // re-armed
    expect(t(p(0, 1, 0), 500)).toBeNull(); // but within 1 s
    expect(t(p(0, 1, 0), 1000)).toBe('no'); // still high and armed, 1 s later
    d.reset();
    expect(t(p(0, 1, 0), 1100)).toBe('no');
  });

  it('refuses bad settings', () => {
    expect(() => new KeywordDetector(labels, [], { averaging: 0, threshold: 0.5, refractoryMs: 0 })).toThrow(/averaging/);
    expect(() => new KeywordDetector(labels, [], { averaging: 1, threshold: 0, refractoryMs: 0 })).toThrow(/threshold/);
    expect(() => new KeywordDetector(labels, [], { averaging: 1, threshold: 0.5, refractoryMs: -1 })).toThrow(/refractory/);
  });

  it('guesses the background labels by name', () => {
    expect(guessBackground(['no', 'noise', 'unknown', 'yes', '_silence', 'Background'])).toEqual(['noise', 'unknown', '_silence', 'Background']);
  });
});

describe('ContinuousRecognizer on tone bursts through the MFE block', () => {
  // "keywords" are 0.4 s tone bursts in noise: 500 Hz = 'low', 3 kHz = 'high'. The classifier reads
  // the MFE spectrogram: the share of energy in the low and high mel bands decides.
  const rate = 16000;
  const mfe = getDspBlock('mfe');
  const ctx = { axesCount: 1, axisNames: ['audio'], frequencyHz: rate, windowFrames: rate, params: {} };
  const runner = mfe.createRunner(ctx);
  const [frames, bins] = mfe.outputShape(ctx);
  const labels = ['high', 'low', 'noise'];
  const classify = (f: Float32Array): Float32Array => {
    // per frame: which band is loudest; count frames clearly dominated by each
    let lo = 0;
    let hi = 0;
    for (let t = 0; t < frames; t++) {
      let a = 0;
      let b = 0;
      for (let j = 0; j < bins; j++) {
        if (j < bins / 3) a = Math.max(a, f[t * bins + j]);
        else if (j > bins / 2) b = Math.max(b, f[t * bins + j]);
      }
      if (a > 0.6 && a > b + 0.1) lo++;
      if (b > 0.6 && b > a + 0.1) hi++;
    }
    const pl = Math.min(1, lo / (0.3 * frames));
    const ph = Math.min(1, hi / (0.3 * frames));
    const pn = Math.max(0, 1 - pl - ph);
    const s = pl + ph + pn;
    return p(ph / s, pl / s, pn / s);
  };
  const track = (seconds: number, bursts: { at: number; hz: number }[]): Float32Array => {
    const rng = createRng(3);
    const x = new Float32Array(seconds * rate);
    for (let i = 0; i < x.length; i++) {
      const t = i / rate;
      let v = 200 * rng.normal();
      for (const b of bursts) if (t >= b.at && t < b.at + 0.4) v += 12000 * Math.sin(2 * Math.PI * b.hz * (t - b.at));
      x[i] = Math.round(v);
    }
    return x;
  };

  it('names each burst once, shortly after it, and nothing in the noise between', () => {
    const bursts = [
      { at: 1.5, hz: 500 },
      { at: 4.0, hz: 3000 },
      { at: 6.2, hz: 500 },
    ];
    const x = track(9, bursts);
    const rec = new ContinuousRecognizer({ rateHz: rate, windowSamples: rate, hopSamples: 4000, features: (w) => runner.run(w), classify, labels, background: ['noise'], averaging: 2, threshold: 0.6, refractoryMs: 1000 });
    const results = [];
    for (let i = 0; i < x.length; i += 1234) results.push(...rec.push(x.subarray(i, i + 1234)));
    expect(results.length).toBe(Math.floor((x.length - rate) / 4000) + 1);
    const det = results.flatMap((r) => (r.detection ? [r.detection] : []));
    expect(det.map((d) => d.label)).toEqual(['low', 'high', 'low']);
    det.forEach((d, i) => {
      expect(d.timeMs).toBeGreaterThan(bursts[i].at * 1000 + 400);
      expect(d.timeMs).toBeLessThanOrEqual(bursts[i].at * 1000 + 1750);
    });
    // between bursts the noise class leads
    const quiet = results.find((r) => Math.abs(r.timeMs - 3500) < 1);
    expect(labels[quiet!.top]).toBe('noise');
    expect(results[0].dspMs).toBeGreaterThanOrEqual(0);
  });
});
