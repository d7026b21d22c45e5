import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyCuts, cropRecording, detectMotionEvents, fixedLengthCuts } from './segment.ts';
import type { RawRecording } from './sample.ts';
import { mulberry32 } from './split.ts';
import { parseCommonCsv } from './io/common-csv.ts';
import { sharedPath, skipReason } from '../../tests/helpers/shared.ts';

/** 20 s at 100 Hz: gravity on z plus small noise, with shaking bursts at the given [start, end) seconds. */
function longRecording(bursts: [number, number][], seed = 1): RawRecording {
  const rate = 100;
  const n = 20 * rate;
  const rnd = mulberry32(seed);
  const values = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    const t = i / rate;
    const on = bursts.some(([a, b]) => t >= a && t < b);
    for (let a = 0; a < 3; a++) {
      const noise = (rnd() - 0.5) * 0.02;
      const shake = on ? Math.sin(2 * Math.PI * 4 * t + a) * 0.8 : 0;
      values[i * 3 + a] = (a === 2 ? 1 : 0) + noise + shake;
    }
  }
  return { name: 'wave.long', label: 'wave', category: 'training', axes: ['x', 'y', 'z'].map((name) => ({ name, units: 'g' })), intervalMs: 10, values };
}

describe('crop and fixed-length split', () => {
  it('crops exact frames and refuses bad ranges', () => {
    const r = longRecording([]);
    const c = cropRecording(r, 10, 20);
    expect(c.values.length).toBe(30);
    expect(c.values[0]).toBe(r.values[30]);
    expect(c.values[29]).toBe(r.values[59]);
    expect(() => cropRecording(r, 5, 5)).toThrow(/Cannot crop/);
    expect(() => cropRecording(r, 0, 99999)).toThrow(/Cannot crop/);
  });

  it('cuts fixed lengths with optional stride and remainder', () => {
    expect(fixedLengthCuts(10, 4)).toEqual([{ start: 0, end: 4 }, { start: 4, end: 8 }]);
    expect(fixedLengthCuts(10, 4, { keepRemainder: true }).at(-1)).toEqual({ start: 8, end: 10 });
    expect(fixedLengthCuts(10, 4, { stride: 3 })).toEqual([{ start: 0, end: 4 }, { start: 3, end: 7 }, { start: 6, end: 10 }]);
    const pieces = applyCuts(longRecording([]), fixedLengthCuts(2000, 500));
    expect(pieces.map((p) => p.name)).toEqual(['wave.long-1', 'wave.long-2', 'wave.long-3', 'wave.long-4']);
    expect(pieces[3].values.length).toBe(1500);
  });
});

describe('detectMotionEvents', () => {
  it('finds each burst, padded, and nothing in the idle parts', () => {
    const bursts: [number, number][] = [[2, 3], [7, 8.5], [14, 15]];
    const r = detectMotionEvents(longRecording(bursts));
    expect(r.cuts.length).toBe(3);
    r.cuts.forEach((c, i) => {
      const [a, b] = bursts[i].map((s) => s * 100);
      expect(c.start).toBeLessThanOrEqual(a);
      expect(c.end).toBeGreaterThanOrEqual(b);
      expect(c.start).toBeGreaterThan(a - 40); // padding 10 frames + smoothing
      expect(c.end).toBeLessThan(b + 40);
    });
    expect(r.threshold).toBeGreaterThan(r.idleLevel);
    expect(r.energy.length).toBe(2000);
  });

  it('merges events closer than the minimum gap and drops ones shorter than the minimum length', () => {
    const r1 = detectMotionEvents(longRecording([[2, 3], [3.1, 4]]), { minGapMs: 300 });
    expect(r1.cuts.length).toBe(1);
    const r2 = detectMotionEvents(longRecording([[2, 2.1], [8, 9]]), { minEventMs: 300 });
    expect(r2.cuts.length).toBe(1);
    expect(r2.cuts[0].start).toBeGreaterThan(700);
  });

  it('proposes nothing for a still recording', () => {
    expect(detectMotionEvents(longRecording([])).cuts.length).toBeLessThanOrEqual(1);
  });
});

const punch = sharedPath('datasets/arduino_punch_flex');
describe.skipIf(!punch)(`shared arduino_punch_flex (${punch ? 'present' : skipReason('datasets/arduino_punch_flex')})`, () => {
  it('joined one-shot punches separated by synthetic idle are found again one by one', () => {
    const recs = ['punch.000', 'punch.001', 'punch.002'].map((n) => parseCommonCsv(`${n}.csv`, readFileSync(join(punch!, `${n}.csv`), 'utf8')).recording);
    const nA = 6;
    const idle = 238; // 2 s of stillness: the last frame of the previous punch repeated
    const parts: Float32Array[] = [];
    let last = new Float32Array(nA);
    for (const r of recs) {
      const still = new Float32Array(idle * nA);
      for (let i = 0; i < idle; i++) still.set(last, i * nA);
      parts.push(still, r.values);
      last = r.values.slice(r.values.length - nA);
    }
    const values = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
    let o = 0;
    for (const p of parts) {
      values.set(p, o);
      o += p.length;
    }
    const long: RawRecording = { ...recs[0], name: 'punch.long', values };
    const r = detectMotionEvents(long, { axes: [0, 1, 2] });
    expect(r.cuts.length).toBe(3);
    r.cuts.forEach((c, i) => {
      const start = idle * (i + 1) + 119 * i;
      expect(c.start).toBeLessThan(start + 30);
      expect(c.end).toBeGreaterThan(start + 30);
    });
  });
});
