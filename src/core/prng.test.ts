import { describe, it, expect } from 'vitest';
import { gaussian, mulberry32, mulberry32U32, normalSource, randomInt, shuffleInPlace } from './prng.ts';

describe('mulberry32', () => {
  it('gives the reference sequence', () => {
    // Reference: the mulberry32 recurrence written out in python3 with explicit 32-bit masking.
    const u = mulberry32U32(1);
    expect([u(), u(), u(), u()]).toEqual([2693262067, 11749833, 2265367787, 4213581821]);
    const r = mulberry32(42);
    expect([r(), r(), r()]).toEqual([0.6011037519201636, 0.44829055899754167, 0.8524657934904099]);
  });

  it('takes the seed as uint32 and stays in [0, 1)', () => {
    const a = mulberry32(-1);
    const b = mulberry32(0xffffffff);
    for (let i = 0; i < 1000; i++) {
      const v = a();
      expect(v).toBe(b());
      expect(v >= 0 && v < 1).toBe(true);
    }
  });
});

describe('helpers', () => {
  it('randomInt covers [0, n) evenly', () => {
    const r = mulberry32(3);
    const bins = new Array<number>(5).fill(0);
    for (let i = 0; i < 50_000; i++) bins[randomInt(r, 5)]++;
    for (const b of bins) expect(Math.abs(b - 10_000)).toBeLessThan(400);
  });

  it('shuffleInPlace permutes, reproducibly, typed arrays too', () => {
    const a = shuffleInPlace([...Array(50).keys()], mulberry32(8));
    const b = shuffleInPlace(Int32Array.from(Array(50).keys()), mulberry32(8));
    expect([...a].sort((x, y) => x - y)).toEqual([...Array(50).keys()]);
    expect([...b]).toEqual(a);
    expect(a).not.toEqual([...Array(50).keys()]);
  });

  it('normalSource and gaussian have mean 0 and sd 1; normalSource scales', () => {
    for (const draw of [normalSource(mulberry32(5)), (() => { const r = mulberry32(6); return () => gaussian(r); })()]) {
      let s = 0;
      let s2 = 0;
      const n = 40_000;
      for (let i = 0; i < n; i++) {
        const v = draw();
        s += v;
        s2 += v * v;
      }
      expect(Math.abs(s / n)).toBeLessThan(0.03);
      expect(Math.abs(Math.sqrt(s2 / n - (s / n) ** 2) - 1)).toBeLessThan(0.03);
    }
    const a = normalSource(mulberry32(9));
    const b = normalSource(mulberry32(9));
    for (let i = 0; i < 10; i++) expect(b(5, 2)).toBeCloseTo(5 + 2 * a(), 12);
  });
});
