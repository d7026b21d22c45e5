import { describe, it, expect } from 'vitest';
import { multiplyByQuantizedMultiplier, multiplyByQuantizedMultiplierSingleRounding, quantizeMultiplier, roundingDivideByPOT, srdhm } from './fixed-point.ts';

/** Straight 64-bit BigInt versions of the gemmlowp definitions, as the independent check. */
function srdhmBig(a: number, b: number): number {
  if (a === -2147483648 && b === -2147483648) return 2147483647;
  const ab = BigInt(a) * BigInt(b);
  const nudge = ab >= 0n ? 1n << 30n : 1n - (1n << 30n);
  return Number((ab + nudge) / (1n << 31n)); // BigInt division truncates toward zero, like C++
}
function rdpotBig(x: number, e: number): number {
  const mask = (1n << BigInt(e)) - 1n;
  const bx = BigInt(x);
  const rem = bx & mask;
  const threshold = (mask >> 1n) + (x < 0 ? 1n : 0n);
  return Number((bx >> BigInt(e)) + (rem > threshold ? 1n : 0n));
}

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s | 0;
  };
}

describe('fixed-point', () => {
  it('srdhm equals the 64-bit definition on random and edge operands', () => {
    const r = lcg(7);
    const edges = [0, 1, -1, 2147483647, -2147483648, 1 << 30, -(1 << 30), 65535, -65536, 32768];
    const pairs: [number, number][] = [];
    for (const a of edges) for (const b of edges) pairs.push([a, b]);
    for (let i = 0; i < 20000; i++) pairs.push([r(), r()]);
    for (let i = 0; i < 5000; i++) pairs.push([r() >> 12, r()]);
    for (const [a, b] of pairs) expect(srdhm(a, b)).toBe(srdhmBig(a, b));
  });

  it('roundingDivideByPOT equals the definition', () => {
    const r = lcg(11);
    for (let i = 0; i < 5000; i++) {
      const x = r();
      const e = (r() >>> 0) % 32;
      expect(roundingDivideByPOT(x, e)).toBe(rdpotBig(x, e));
    }
    expect(roundingDivideByPOT(5, 1)).toBe(3); // 2.5 → 3 (half away from zero)
    expect(roundingDivideByPOT(-5, 1)).toBe(-3);
  });

  it('quantizeMultiplier gives a Q31 significand and shift that reproduce the value', () => {
    for (const v of [1, 0.5, 0.75, 1e-3, 3.5, 0.0244801156 * 0.015 / 0.0083, 2 ** -40]) {
      const q = quantizeMultiplier(v);
      if (v < 2 ** -32) {
        expect(q).toEqual({ multiplier: 0, shift: 0 });
        continue;
      }
      expect(q.multiplier).toBeGreaterThanOrEqual(2 ** 30);
      expect(q.multiplier).toBeLessThan(2 ** 31);
      expect(Math.abs((q.multiplier / 2 ** 31) * 2 ** q.shift - v) / v).toBeLessThan(1e-9);
    }
    expect(quantizeMultiplier(0)).toEqual({ multiplier: 0, shift: 0 });
  });

  it('multiplyByQuantizedMultiplier scales by multiplier·2^shift with rounding', () => {
    const q = quantizeMultiplier(0.25);
    expect(multiplyByQuantizedMultiplier(1000, q.multiplier, q.shift)).toBe(250);
    expect(multiplyByQuantizedMultiplier(-1002, q.multiplier, q.shift)).toBe(-251); // -250.5 → -251
    const g = quantizeMultiplier(3);
    expect(multiplyByQuantizedMultiplier(7, g.multiplier, g.shift)).toBe(21);
  });

  it('single rounding (full TFLite) rounds ties up where TFLM rounds them away from zero', () => {
    const quarter = quantizeMultiplier(0.25); // -6 · 0.25 = -1.5
    expect(multiplyByQuantizedMultiplier(-6, quarter.multiplier, quarter.shift)).toBe(-2);
    expect(multiplyByQuantizedMultiplierSingleRounding(-6, quarter.multiplier, quarter.shift)).toBe(-1);
    expect(multiplyByQuantizedMultiplier(6, quarter.multiplier, quarter.shift)).toBe(2);
    expect(multiplyByQuantizedMultiplierSingleRounding(6, quarter.multiplier, quarter.shift)).toBe(2);
    // away from ties both agree
    const q = quantizeMultiplier(0.0123);
    for (const x of [1000, -777, 123456, -98765]) {
      expect(Math.abs(multiplyByQuantizedMultiplierSingleRounding(x, q.multiplier, q.shift) - multiplyByQuantizedMultiplier(x, q.multiplier, q.shift))).toBeLessThanOrEqual(1);
    }
  });
});
