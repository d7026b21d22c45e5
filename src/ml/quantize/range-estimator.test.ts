import { describe, it, expect } from 'vitest';
import { RangeCollector, int8Params, quantizationMse } from './range-estimator.ts';
import { mulberry32 } from './test-support/fixtures.ts';

function gauss(n: number, seed: number): Float32Array {
  const r = mulberry32(seed);
  return Float32Array.from({ length: n }, () => r() + r() + r() + r() - 2);
}

const range = (kind: 'minmax' | 'mse', ...chunks: Float32Array[]) => {
  const c = new RangeCollector(kind === 'mse' ? { kind: 'mse' } : { kind: 'minmax' });
  chunks.forEach((x) => c.add(x));
  return c.range();
};

describe('MSE range estimator', () => {
  it('picks the range with the least error among min/max and the percentiles it tries (long thin tail)', () => {
    const r = mulberry32(3);
    const x = Float32Array.from({ length: 20_000 }, () => Math.tan(Math.PI * (0.0005 + 0.999 * r() - 0.5)));
    const [lo, hi] = range('mse', x);
    const all = x.slice().sort();
    const mse = quantizationMse(all, lo, hi);
    expect(mse).toBeLessThanOrEqual(quantizationMse(all, ...range('minmax', x)));
    for (const p of [99.99, 99.9, 99]) {
      const c = new RangeCollector({ kind: 'percentile', percentile: p });
      c.add(x);
      expect(mse).toBeLessThanOrEqual(quantizationMse(all, ...c.range()));
    }
  });

  it('keeps a lone far outlier when clipping it would cost more than the coarser step (MSE counts the clipped error)', () => {
    const x = gauss(20_000, 3);
    const [, hi] = range('mse', x, Float32Array.from([38]));
    expect(hi).toBe(38);
    expect(int8Params(-2, 38).scale).toBeGreaterThan(0);
  });

  it('keeps the full range when nothing is rare (uniform values)', () => {
    const r = mulberry32(5);
    const x = Float32Array.from({ length: 5000 }, () => r() * 6 - 3);
    const [lo, hi] = range('mse', x);
    const [mlo, mhi] = range('minmax', x);
    expect(hi).toBeGreaterThan(mhi - 0.01);
    expect(lo).toBeLessThan(mlo + 0.01);
  });
});
