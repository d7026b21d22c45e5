import { describe, it, expect } from 'vitest';
import { argmax, argmaxRow } from './argmax.ts';
import { argmaxRows, UNCERTAIN } from './classification.ts';

describe('argmax (the one the firmware uses)', () => {
  it('returns the first index of the largest value', () => {
    expect(argmax([3, 7, 7, 1])).toBe(1);
    expect(argmax(Float32Array.from([-5, -2, -9]))).toBe(1);
    expect(argmax([4])).toBe(0);
    expect(argmax([])).toBe(0);
  });

  it('works on a sub-range and reports the index relative to its start', () => {
    const m = Float32Array.from([0.9, 0.1, 0.0, /* row 1 */ 0.2, 0.3, 0.5, /* row 2 */ 0.4, 0.4, 0.2]);
    expect([0, 1, 2].map((i) => argmaxRow(m, i, 3))).toEqual([0, 2, 0]);
    expect(argmax(m, 3, 6)).toBe(2);
  });

  it('never lets NaN win, like `scores[i] > scores[best]` in the firmware', () => {
    expect(argmax([1, NaN, 2])).toBe(2);
    expect(argmax([NaN, 5, 1])).toBe(0);
  });

  it('is what argmaxRows uses, with the uncertain threshold on the winning value', () => {
    const m = Float32Array.from([0.5, 0.5, 0.3, 0.7, 0.55, 0.45]);
    expect(Array.from(argmaxRows(m, 2, 0.52))).toEqual([UNCERTAIN, 1, 0]);
  });
});
