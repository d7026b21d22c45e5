import { describe, it, expect } from 'vitest';
import { axisIndices, extractWindow, strideFrames, windowFrames, windowStarts, zeroPad } from './windowing.ts';
import { isStudioError } from '../core/errors.ts';

const timing = { windowMs: 2000, strideMs: 500, zeroPad: false, frequencyHz: 62.5 };

describe('windowing', () => {
  it('converts ms to frames', () => {
    expect(windowFrames(timing)).toBe(125);
    expect(strideFrames(timing)).toBe(31.25);
  });

  it('places window starts every stride while the window fits (rounded)', () => {
    // 200 frames: starts 0, 31, 63 (62.5 rounds up), 94 → 94+125 = 219 > 200 stops before it
    expect(windowStarts(200, timing)).toEqual([0, 31, 63]);
    expect(windowStarts(125, timing)).toEqual([0]);
    expect(windowStarts(0, timing)).toEqual([]);
  });

  it('zero-pads short recordings only when asked', () => {
    expect(windowStarts(50, timing)).toEqual([]);
    expect(windowStarts(50, { ...timing, zeroPad: true })).toEqual([0]);
  });

  it('extracts the impulse axes by name in impulse order, zero-padding past the end', () => {
    const axes = [{ name: 'x' }, { name: 'y' }, { name: 'z' }];
    const values = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]); // 3 frames
    const picked = axisIndices(axes, ['z', 'x']);
    expect(picked).toEqual([2, 0]);
    expect(Array.from(extractWindow(values, 3, picked, 1, 3))).toEqual([6, 4, 9, 7, 0, 0]);
    expect(Array.from(zeroPad(Float32Array.from([1, 2]), 2, 2))).toEqual([1, 2, 0, 0]);
  });

  it('names a missing axis clearly', () => {
    let err: unknown;
    try {
      axisIndices([{ name: 'accX' }], ['accX', 'gyrZ']);
    } catch (e) {
      err = e;
    }
    expect(isStudioError(err, 'missing-axis')).toBe(true);
    expect((err as Error).message).toContain('gyrZ');
  });

  it('rejects nonsense timing', () => {
    expect(() => windowFrames({ windowMs: 0, frequencyHz: 100 })).toThrow();
    expect(() => windowStarts(100, { ...timing, strideMs: -1 })).toThrow();
    expect(() => windowFrames({ windowMs: 1000, frequencyHz: NaN })).toThrow();
  });
});
