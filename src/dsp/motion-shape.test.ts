import { describe, it, expect } from 'vitest';
import { createShapeRunner, shapeFeatureCount, shapeGroups, symmetricEigenvalues } from './motion-shape.ts';
import { flattenBlock } from './blocks/flatten.ts';
import type { DspContext } from './block.ts';
import { isStudioError } from '../core/errors.ts';
import { mulberry32 } from '../core/prng.ts';

/** Rotation matrix from Euler angles (z, y, x). */
function rotation(a: number, b: number, c: number): number[][] {
  const [ca, sa, cb, sb, cc, sc] = [Math.cos(a), Math.sin(a), Math.cos(b), Math.sin(b), Math.cos(c), Math.sin(c)];
  return [
    [ca * cb, ca * sb * sc - sa * cc, ca * sb * cc + sa * sc],
    [sa * cb, sa * sb * sc + ca * cc, sa * sb * cc - ca * sc],
    [-sb, cb * sc, cb * cc],
  ];
}

/** Interleaved window of `frames` × 3 from a point function, turned by `r` and moved by `offset`. */
function window3(frames: number, point: (i: number) => number[], r = rotation(0, 0, 0), offset = [0, 0, 0]): Float32Array {
  const w = new Float32Array(frames * 3);
  for (let i = 0; i < frames; i++) {
    const p = point(i);
    for (let a = 0; a < 3; a++) w[i * 3 + a] = r[a][0] * p[0] + r[a][1] * p[1] + r[a][2] * p[2] + offset[a];
  }
  return w;
}

const shapeOf = (w: Float32Array, frames: number, axes: number, scale = 1): number[] => {
  const r = createShapeRunner(frames, axes);
  const out = new Float32Array(r.dim);
  r.run(w, scale, out, 0);
  return Array.from(out);
};

describe('motion shape', () => {
  it('groups axes by sensor: triples, else all together', () => {
    expect(shapeGroups(1)).toEqual([]);
    expect(shapeGroups(2)).toEqual([[0, 2]]);
    expect(shapeGroups(3)).toEqual([[0, 3]]);
    expect(shapeGroups(4)).toEqual([[0, 4]]);
    expect(shapeGroups(6)).toEqual([[0, 3], [3, 3]]);
    expect(shapeGroups(9)).toEqual([[0, 3], [3, 3], [6, 3]]);
    expect([1, 2, 3, 6].map(shapeFeatureCount)).toEqual([0, 2, 3, 6]);
  });

  it('finds the eigenvalues of symmetric matrices (checked by trace, determinant and A·v = λ·v)', () => {
    const rnd = mulberry32(7);
    for (let t = 0; t < 200; t++) {
      const g = 2 + (t % 5);
      const b = Array.from({ length: g * g }, () => rnd() * 2 - 1);
      // A = B·Bᵀ: symmetric, positive semi-definite
      const a = new Float64Array(g * g);
      for (let i = 0; i < g; i++) for (let j = 0; j < g; j++) for (let k = 0; k < g; k++) a[i * g + j] += b[i * g + k] * b[j * g + k];
      const m = Float64Array.from(a);
      const ev = new Float64Array(g);
      symmetricEigenvalues(m, g, ev);
      for (let i = 1; i < g; i++) expect(ev[i]).toBeLessThanOrEqual(ev[i - 1]);
      let trace = 0;
      for (let i = 0; i < g; i++) trace += a[i * g + i];
      expect(ev.reduce((s, v) => s + v, 0)).toBeCloseTo(trace, 10);
      // det(A − λI) = 0 for every λ: A − λI is singular, so Gaussian elimination meets a ~0 pivot
      for (const lambda of ev) {
        const s = Float64Array.from(a);
        for (let i = 0; i < g; i++) s[i * g + i] -= lambda;
        let det = 1;
        for (let c = 0; c < g; c++) {
          let p = c;
          for (let r = c + 1; r < g; r++) if (Math.abs(s[r * g + c]) > Math.abs(s[p * g + c])) p = r;
          if (p !== c) for (let k = 0; k < g; k++) [s[c * g + k], s[p * g + k]] = [s[p * g + k], s[c * g + k]];
          det *= s[c * g + c];
          if (s[c * g + c] === 0) break;
          for (let r = c + 1; r < g; r++) {
            const f = s[r * g + c] / s[c * g + c];
            for (let k = c; k < g; k++) s[r * g + k] -= f * s[c * g + k];
          }
        }
        expect(Math.abs(det)).toBeLessThan(1e-9 * Math.max(1, trace) ** g);
      }
    }
  });

  it('gives a line one value, a circle two, and every direction three', () => {
    const n = 64;
    const line = shapeOf(window3(n, (i) => [3 * Math.sin((2 * Math.PI * i) / 16), 0, 0]), n, 3);
    expect(line[0]).toBeCloseTo(3 / Math.SQRT2, 6);
    expect(line[1]).toBeLessThan(1e-6);
    expect(line[2]).toBeLessThan(1e-6);
    const circle = shapeOf(window3(n, (i) => [2 * Math.cos((2 * Math.PI * i) / 16), 2 * Math.sin((2 * Math.PI * i) / 16), 0]), n, 3);
    expect(circle[0]).toBeCloseTo(Math.SQRT2, 6);
    expect(circle[1]).toBeCloseTo(Math.SQRT2, 6);
    expect(circle[2]).toBeLessThan(1e-6);
    const rnd = mulberry32(3);
    const shake = shapeOf(window3(4096, () => [rnd() - 0.5, rnd() - 0.5, rnd() - 0.5]), 4096, 3);
    expect(shake[2] / shake[0]).toBeGreaterThan(0.9);
  });

  it('does not change when the board is turned or held still at another angle (gravity offset), and scales with scale-axes', () => {
    const n = 100;
    const rnd = mulberry32(11);
    const motion = Array.from({ length: n }, (_, i) => [Math.sin(i / 5) + 0.3 * rnd(), 0.5 * Math.cos(i / 7), 0.2 * rnd()]);
    const base = shapeOf(window3(n, (i) => motion[i]), n, 3);
    for (let t = 0; t < 10; t++) {
      const r = rotation(rnd() * 6.3, rnd() * 6.3, rnd() * 6.3);
      const turned = shapeOf(window3(n, (i) => motion[i], r, [0, 0, 9.81]), n, 3);
      turned.forEach((v, i) => expect(v).toBeCloseTo(base[i], 4));
    }
    const scaled = shapeOf(window3(n, (i) => motion[i]), n, 3, 2);
    scaled.forEach((v, i) => expect(v).toBeCloseTo(2 * base[i], 5));
  });

  it('keeps the accelerometer and gyroscope apart, and a still window gives zeros', () => {
    const n = 32;
    const w = new Float32Array(n * 6);
    for (let i = 0; i < n; i++) {
      w[i * 6 + 0] = Math.sin(i); // accelerometer: a line along x
      w[i * 6 + 2] = 9.81; // gravity only
      w[i * 6 + 3] = 50 * Math.cos(i / 3); // gyroscope: a circle in x-y
      w[i * 6 + 4] = 50 * Math.sin(i / 3);
    }
    const f = shapeOf(w, n, 6);
    expect(f[1]).toBeLessThan(1e-6);
    expect(f[3] / f[4]).toBeLessThan(1.3);
    expect(f[4]).toBeGreaterThan(20);
    expect(shapeOf(new Float32Array(n * 3).fill(1), n, 3)).toEqual([0, 0, 0]);
  });

  const ctx = (axes: number, params: Record<string, boolean>): DspContext => ({
    axesCount: axes,
    axisNames: Array.from({ length: axes }, (_, i) => `a${i}`),
    frequencyHz: 50,
    windowFrames: 16,
    params,
  });

  it('is an option of the flatten block: off by default, after the per-axis statistics when on', () => {
    const off = ctx(3, { kurtosis: false });
    const on = ctx(3, { kurtosis: false, shape: true });
    expect(flattenBlock.outputShape(off)).toEqual([18]);
    expect(flattenBlock.outputShape(on)).toEqual([21]);
    expect(flattenBlock.featureNames(on).slice(17)).toEqual(['a2: Skewness', 'a0/a1/a2: Principal SD 1', 'a0/a1/a2: Principal SD 2', 'a0/a1/a2: Principal SD 3']);
    const w = window3(16, (i) => [Math.sin(i), Math.cos(i), 0.1 * i]);
    const a = flattenBlock.run(w, off);
    const b = flattenBlock.run(w, on);
    expect(Array.from(b.subarray(0, 18))).toEqual(Array.from(a));
    expect(Array.from(b.subarray(18))).toEqual(shapeOf(w, 16, 3));
    // one axis has no shape
    expect(flattenBlock.outputShape(ctx(1, { shape: true }))).toEqual([7]);
  });

  it('refuses a group larger than the board can hold', () => {
    expect(flattenBlock.outputShape(ctx(8, { shape: true }))).toEqual([8 * 7 + 8]);
    expect(flattenBlock.outputShape(ctx(12, { shape: true }))).toEqual([12 * 7 + 12]);
    try {
      flattenBlock.validate(ctx(10, { shape: true }));
      expect.unreachable();
    } catch (e) {
      expect(isStudioError(e, 'shape-too-many-axes')).toBe(true);
    }
  });
});
