/**
 * 2-D principal component analysis for the feature explorer. DOM-free core module.
 *
 * Features are standardised per column (zero mean, unit population variance; constant columns are
 * left at 0), then the two leading principal axes are found by power iteration on XᵀX applied
 * implicitly (cost 2·rows·dim per step, no dim×dim matrix), the second orthogonalised against the
 * first. Signs are fixed so each axis's largest loading is positive, so results are deterministic.
 */
import type { OpOptions } from '../core/progress.ts';
import { StudioError, throwIfAborted } from '../core/errors.ts';

export interface Matrix {
  data: Float32Array | Float64Array;
  rows: number;
  dim: number;
}

export interface Standardised {
  z: Float64Array;
  mean: Float64Array;
  /** Population standard deviation per column (1 where the column is constant). */
  std: Float64Array;
}

export function standardise(m: Matrix): Standardised {
  const { data, rows, dim } = m;
  if (data.length < rows * dim) {
    throw new StudioError({ family: 'dsp', code: 'bad-matrix', message: `A ${rows}×${dim} feature matrix needs ${rows * dim} values, got ${data.length}.` });
  }
  const mean = new Float64Array(dim);
  const std = new Float64Array(dim);
  for (let r = 0; r < rows; r++) for (let c = 0; c < dim; c++) mean[c] += data[r * dim + c];
  for (let c = 0; c < dim; c++) mean[c] /= Math.max(1, rows);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < dim; c++) {
      const d = data[r * dim + c] - mean[c];
      std[c] += d * d;
    }
  }
  for (let c = 0; c < dim; c++) {
    const s = Math.sqrt(std[c] / Math.max(1, rows));
    std[c] = s > 1e-12 * Math.max(1, Math.abs(mean[c])) && Number.isFinite(s) ? s : 1;
  }
  const z = new Float64Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < dim; c++) {
      const v = (data[r * dim + c] - mean[c]) / std[c];
      z[r * dim + c] = Number.isFinite(v) ? v : 0;
    }
  }
  return { z, mean, std };
}

export interface Pca2d {
  /** rows × 2 coordinates. */
  points: Float32Array;
  /** Fraction of total variance along each axis. */
  explained: [number, number];
  /** 2 × dim unit loadings in standardised feature space. */
  components: Float64Array;
  mean: Float64Array;
  std: Float64Array;
}

function applyCov(z: Float64Array, rows: number, dim: number, v: Float64Array, tmp: Float64Array, out: Float64Array): void {
  for (let r = 0; r < rows; r++) {
    let s = 0;
    const o = r * dim;
    for (let c = 0; c < dim; c++) s += z[o + c] * v[c];
    tmp[r] = s;
  }
  out.fill(0);
  for (let r = 0; r < rows; r++) {
    const t = tmp[r];
    if (t === 0) continue;
    const o = r * dim;
    for (let c = 0; c < dim; c++) out[c] += z[o + c] * t;
  }
}

function normalise(v: Float64Array): number {
  let n = 0;
  for (const x of v) n += x * x;
  n = Math.sqrt(n);
  if (n > 0) for (let i = 0; i < v.length; i++) v[i] /= n;
  return n;
}

export function pca2d(m: Matrix, opts: OpOptions & { iterations?: number } = {}): Pca2d {
  const { rows, dim } = m;
  const { z, mean, std } = standardise(m);
  const iterations = opts.iterations ?? 200;
  const tmp = new Float64Array(rows);
  const comps = new Float64Array(2 * dim);
  const eig = [0, 0];
  let total = 0;
  for (let i = 0; i < rows * dim; i++) total += z[i] * z[i];
  for (let k = 0; k < Math.min(2, dim); k++) {
    const v = new Float64Array(dim);
    for (let c = 0; c < dim; c++) v[c] = 1 + ((c * 7919 + k * 104729) % 97) / 97; // deterministic start
    const w = new Float64Array(dim);
    let lambda = 0;
    for (let it = 0; it < iterations; it++) {
      if (k === 1) {
        let d = 0;
        for (let c = 0; c < dim; c++) d += v[c] * comps[c];
        for (let c = 0; c < dim; c++) v[c] -= d * comps[c];
      }
      if (normalise(v) === 0) break;
      applyCov(z, rows, dim, v, tmp, w);
      if (k === 1) {
        let d = 0;
        for (let c = 0; c < dim; c++) d += w[c] * comps[c];
        for (let c = 0; c < dim; c++) w[c] -= d * comps[c];
      }
      const prev = lambda;
      lambda = normalise(w);
      let diff = 0;
      for (let c = 0; c < dim; c++) diff = Math.max(diff, Math.abs(w[c] - v[c]));
      v.set(w);
      if (it % 16 === 0) throwIfAborted(opts.signal, 'dsp');
      if (diff < 1e-10 && Math.abs(lambda - prev) <= 1e-12 * lambda) break;
    }
    // fix sign: largest |loading| positive
    let big = 0;
    for (let c = 0; c < dim; c++) if (Math.abs(v[c]) > Math.abs(v[big])) big = c;
    if (v[big] < 0) for (let c = 0; c < dim; c++) v[c] = -v[c];
    comps.set(v, k * dim);
    eig[k] = lambda;
    opts.onProgress?.({ stage: 'pca', fraction: (k + 1) / 2 });
  }
  const points = new Float32Array(rows * 2);
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < 2; k++) {
      let s = 0;
      for (let c = 0; c < dim; c++) s += z[r * dim + c] * comps[k * dim + c];
      points[r * 2 + k] = s;
    }
  }
  const explained: [number, number] = total > 0 ? [eig[0] / total, eig[1] / total] : [0, 0];
  return { points, explained, components: comps, mean, std };
}
