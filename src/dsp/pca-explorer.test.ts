import { describe, it, expect } from 'vitest';
import { pca2d, standardise } from './pca.ts';
import { findLikelyMislabels } from './explorer.ts';

/** Deterministic pseudo-random in [−1, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2147483648 - 1;
  };
}

describe('pca2d', () => {
  it('finds the principal axes of a known 3-D cloud', () => {
    // points along t·(1, 200, 0) with tiny noise, plus an independent column u; standardised, columns
    // 0 and 1 are nearly identical → first axis ≈ (1,1,0)/√2 with 2/3 of the variance, second ≈ (0,0,1)
    const r = rng(3);
    const rows = 400;
    const data = new Float64Array(rows * 3);
    for (let i = 0; i < rows; i++) {
      const t = r() * 10;
      const u = r();
      data[i * 3] = t * 1 + 0.01 * r();
      data[i * 3 + 1] = t * 2 * 100 + 0.01 * r();
      data[i * 3 + 2] = u * 5;
    }
    const p = pca2d({ data, rows, dim: 3 });
    expect(Math.abs(p.components[0])).toBeCloseTo(Math.SQRT1_2, 1);
    expect(Math.abs(p.components[1])).toBeCloseTo(Math.SQRT1_2, 1);
    expect(Math.abs(p.components[5])).toBeCloseTo(1, 1);
    expect(p.explained[0]).toBeCloseTo(2 / 3, 1);
    // exact check: each component is an eigenvector of the standardised covariance, C·v = λ·v
    const { z } = standardise({ data, rows, dim: 3 });
    const C = Array.from({ length: 3 }, (_, a) =>
      Array.from({ length: 3 }, (_, b) => {
        let s = 0;
        for (let i = 0; i < rows; i++) s += z[i * 3 + a] * z[i * 3 + b];
        return s / rows;
      }),
    );
    for (let k = 0; k < 2; k++) {
      const v = [0, 1, 2].map((c) => p.components[k * 3 + c]);
      const Cv = C.map((row) => row[0] * v[0] + row[1] * v[1] + row[2] * v[2]);
      const lambda = Cv[0] * v[0] + Cv[1] * v[1] + Cv[2] * v[2];
      for (let c = 0; c < 3; c++) expect(Cv[c]).toBeCloseTo(lambda * v[c], 8);
      expect(p.explained[k]).toBeCloseTo(lambda / 3, 8); // trace of a standardised covariance = 3
    }
    expect(p.points.length).toBe(rows * 2);
  });

  it('handles constant columns without NaN', () => {
    const data = Float32Array.from([1, 5, 2, 5, 3, 5, 4, 5]);
    const s = standardise({ data, rows: 4, dim: 2 });
    expect(Array.from(s.z).every(Number.isFinite)).toBe(true);
    const p = pca2d({ data, rows: 4, dim: 2 });
    expect(Array.from(p.points).every(Number.isFinite)).toBe(true);
    expect(p.explained[0]).toBeCloseTo(1, 6);
  });
});

describe('findLikelyMislabels', () => {
  it('flags the windows that sit inside another label’s cluster', () => {
    const r = rng(9);
    const rows = 60;
    const data = new Float64Array(rows * 2);
    const labels: string[] = [];
    for (let i = 0; i < rows; i++) {
      const cls = i < 30 ? 0 : 1;
      data[i * 2] = cls * 10 + r();
      data[i * 2 + 1] = cls * 10 + r();
      labels.push(cls ? 'wave' : 'idle');
    }
    labels[3] = 'wave'; // a wave label on an idle-looking window
    labels[40] = 'idle';
    const s = findLikelyMislabels({ data, rows, dim: 2 }, labels, { k: 5 });
    expect(s.map((x) => x.index)).toEqual([3, 40]);
    expect(s[0]).toMatchObject({ label: 'wave', neighbourLabel: 'idle', fraction: 1 });
  });
});
