import { describe, it, expect } from 'vitest';
import { compareRows, describeAgreement, withinRuntimeBound } from './int8-agreement.ts';

describe('int8 output agreement', () => {
  it('counts differing values, the largest gap and top-class changes', () => {
    const a = [Int8Array.from([-128, 127, -100]), Int8Array.from([10, 11, 12]), Int8Array.from([0, 0, 0])];
    const b = [Int8Array.from([-128, 126, -100]), Int8Array.from([10, 12, 12]), Int8Array.from([0, 0, 0])];
    const s = compareRows(a, b);
    expect(s).toMatchObject({ rows: 3, values: 9, differing: 2, maxDiff: 1, topMismatch: 1, topMismatchRows: [1] });
    expect(compareRows(a, b, 1).differing).toBe(0);
    expect(describeAgreement(s)).toBe('3 rows, 2/9 values differ (max 1 LSB), top-class mismatches 1');
  });

  it('applies the issue bound: ≤ 1 LSB on ≤ 0.5 % of values and no top-class change', () => {
    const rows = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => Int8Array.from([f(i), -128, -128, -128]));
    const ref = rows(100, () => 127);
    expect(withinRuntimeBound(compareRows(ref, ref))).toBe(true);
    // 2 of 400 values 1 LSB off: 0.5 %, allowed.
    expect(withinRuntimeBound(compareRows(rows(100, (i) => (i < 2 ? 126 : 127)), ref))).toBe(true);
    // 3 of 400: over 0.5 %.
    expect(withinRuntimeBound(compareRows(rows(100, (i) => (i < 3 ? 126 : 127)), ref))).toBe(false);
    // One value 2 LSB off.
    expect(withinRuntimeBound(compareRows(rows(100, (i) => (i < 1 ? 125 : 127)), ref))).toBe(false);
  });

  it('takes the first index on ties and refuses rows of different shapes', () => {
    expect(() => compareRows([[1, 2]], [])).toThrow(/Cannot compare 1 output rows with 0/);
    expect(() => compareRows([[1, 2]], [[1]])).toThrow(/Row 0 has 2 values/);
  });
});
