import { describe, it, expect } from 'vitest';
import { meanFloat32, moments, pairwiseSumFloat32 } from './stats.ts';

describe('stats', () => {
  it('meanFloat32 reproduces numpy float32 mean (pairwise) and differs from the float64 mean', () => {
    // r = np.float32(np.linspace(-3.3, 7.7, 200)**2 / 7 + 0.1); np.mean(r) → 2.246381998062134
    const r = new Float32Array(200);
    for (let i = 0; i < 200; i++) {
      const v = -3.3 + (i * 11) / 199;
      r[i] = (v * v) / 7 + 0.1;
    }
    expect(meanFloat32(r)).toBe(2.246381998062134);
    let s = 0;
    for (const v of r) s += v;
    expect(s / 200).not.toBe(2.246381998062134);
  });

  it('sums short arrays sequentially', () => {
    expect(pairwiseSumFloat32([0.1, 0.2, 0.3], 0, 3)).toBe(Math.fround(Math.fround(Math.fround(0.1) + 0.2) + 0.3));
  });

  it('moments match scipy.stats (biased skew, Fisher kurtosis)', () => {
    const m = moments([0.5, 1.5, -2.0, 4.0, 3.25, -1.0, 0.0, 2.0]);
    expect(m.mean).toBe(1.03125);
    expect(Math.sqrt(m.variance)).toBeCloseTo(1.9220655393352226, 14);
    expect(m.skewness).toBeCloseTo(0.010907798480091168, 14);
    expect(m.kurtosis).toBeCloseTo(-1.117842394803079, 14);
  });

  it('a constant input gives skewness 0 and kurtosis −3, not NaN', () => {
    const m = moments(new Float64Array(10).fill(9.81));
    expect([m.skewness, m.kurtosis]).toEqual([0, -3]);
  });
});
