import { describe, expect, it } from 'vitest';
import { detectAudioEvents } from './audio-segment.ts';
import { applyCuts } from './segment.ts';
import { mulberry32 } from './split.ts';
import type { RawRecording } from './sample.ts';

const RATE = 16000;

interface Burst {
  /** Start and end, s. */
  at: [number, number];
  hz?: number;
  /** Peak amplitude, int16 units. */
  amp?: number;
}

/** Seconds of Gaussian-ish noise (RMS `noise`, int16 units) with tone bursts (smooth 10 ms edges). */
function recording(seconds: number, bursts: Burst[], opts: { noise?: number; dc?: number; seed?: number; gain?: number } = {}): RawRecording {
  const n = Math.round(seconds * RATE);
  const rnd = mulberry32(opts.seed ?? 7);
  const noise = opts.noise ?? 100;
  const values = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const t = i / RATE;
    // sum of 3 uniforms ≈ Gaussian, RMS 1
    let v = ((rnd() + rnd() + rnd() - 1.5) / 0.5) * noise + (opts.dc ?? 0);
    for (const b of bursts) {
      const [a, e] = b.at;
      if (t < a || t >= e) continue;
      const edge = Math.min(1, (t - a) / 0.01, (e - t) / 0.01);
      v += edge * (b.amp ?? 8000) * Math.sin(2 * Math.PI * (b.hz ?? 1000) * t);
    }
    values[i] = Math.round(v * (opts.gain ?? 1));
  }
  return { name: 'keywords', label: 'yes', category: 'training', axes: [{ name: 'audio', units: 'int16' }], intervalMs: 1000 / RATE, values };
}

const sec = (frames: number): number => frames / RATE;

describe('audio segmentation', () => {
  it('proposes one 1 s clip per keyword, centred on it', () => {
    const bursts: Burst[] = [{ at: [1.0, 1.4] }, { at: [3.2, 3.5], hz: 500 }, { at: [5.9, 6.5], hz: 2200, amp: 3000 }, { at: [8.1, 8.3] }];
    const r = detectAudioEvents(recording(10, bursts));
    expect(r.cuts).toHaveLength(4);
    expect(r.overlaps).toBe(0);
    r.cuts.forEach((c, i) => {
      expect(c.end - c.start).toBe(RATE);
      const [a, e] = bursts[i].at;
      // the whole burst is inside its clip, and the clip's middle is near the burst's middle
      expect(sec(c.start)).toBeLessThanOrEqual(a);
      expect(sec(c.end)).toBeGreaterThanOrEqual(e);
      expect(Math.abs(sec(c.start + c.end) / 2 - (a + e) / 2)).toBeLessThan(0.03);
      // the loud region found matches the burst within a frame or two
      expect(Math.abs(sec(r.events[i].start) - a)).toBeLessThan(0.03);
      expect(Math.abs(sec(r.events[i].end) - e)).toBeLessThan(0.03);
    });
    expect(r.noiseFloorDb).toBeCloseTo(20 * Math.log10(100), 0);
    // applyCuts makes 1 s recordings out of them
    const clips = applyCuts(recording(10, bursts), r.cuts);
    expect(clips.map((c) => [c.name, c.values.length])).toEqual([1, 2, 3, 4].map((i) => [`keywords-${i}`, RATE]));
  });

  it('keeps clips inside the recording for keywords at its very start and end', () => {
    const r = detectAudioEvents(recording(3, [{ at: [0.02, 0.3] }, { at: [2.75, 2.99] }]));
    expect(r.cuts).toEqual([
      { start: 0, end: RATE },
      { start: 2 * RATE, end: 3 * RATE },
    ]);
  });

  it('treats syllables with a short pause as one word, drops clicks, and ignores DC and overall level', () => {
    const bursts: Burst[] = [
      { at: [1.0, 1.15] },
      { at: [1.27, 1.45], hz: 700 }, // 120 ms later: same word
      { at: [3.0, 3.02], amp: 20000 }, // a 20 ms click
      { at: [4.5, 4.8] },
    ];
    for (const opts of [{}, { dc: 5000 }, { gain: 0.01, noise: 100 }, { gain: 3 }]) {
      const r = detectAudioEvents(recording(6, bursts, opts));
      expect(r.events.length, JSON.stringify(opts)).toBe(2);
      expect(sec(r.events[0].start)).toBeCloseTo(1.0, 1);
      expect(sec(r.events[0].end)).toBeCloseTo(1.45, 1);
      expect(sec(r.events[1].start)).toBeCloseTo(4.5, 1);
    }
  });

  it('finds nothing in steady noise or silence', () => {
    expect(detectAudioEvents(recording(4, [])).cuts).toEqual([]);
    expect(detectAudioEvents(recording(4, [], { noise: 0 })).cuts).toEqual([]);
    // a quiet keyword 6 dB above the noise is below the 12 dB threshold
    expect(detectAudioEvents(recording(4, [{ at: [1, 1.5], amp: 283 }])).cuts).toEqual([]);
    // … and found with a lower threshold
    expect(detectAudioEvents(recording(4, [{ at: [1, 1.5], amp: 283 }]), { thresholdDb: 4, hysteresisDb: 1 }).cuts).toHaveLength(1);
  });

  it('gives a long sound the loudest clip-long stretch and reports overlapping clips', () => {
    // 2.5 s of sound, loudest between 2.0 and 2.6 s
    const r = detectAudioEvents(recording(5, [{ at: [1, 3.5], amp: 1000 }, { at: [2.0, 2.6], amp: 9000, hz: 1500 }]));
    expect(r.cuts).toHaveLength(1);
    expect(sec(r.cuts[0].start)).toBeLessThanOrEqual(2.0);
    expect(sec(r.cuts[0].end)).toBeGreaterThanOrEqual(2.6);
    const close = detectAudioEvents(recording(4, [{ at: [1, 1.3] }, { at: [1.8, 2.1] }]));
    expect(close.cuts).toHaveLength(2);
    expect(close.overlaps).toBe(1);
  });

  it('uses other clip lengths and refuses recordings shorter than one clip', () => {
    const r = detectAudioEvents(recording(4, [{ at: [2, 2.2] }]), { clipMs: 500 });
    expect(r.cuts[0].end - r.cuts[0].start).toBe(RATE / 2);
    expect(() => detectAudioEvents(recording(0.8, []))).toThrow(/shorter than one 1 s clip/);
    expect(() => detectAudioEvents(recording(2, []), { axis: 1 })).toThrow(/Axis 1/);
  });
});
