/**
 * Small synthetic datasets for tests and benchmarks (seeded). DOM-free core module.
 */
import { createRng } from '../rng.ts';

/** K gaussian blobs in `dim` features, separable (class k shifts features j ≡ k mod K by `sep`). */
export function blobs(n: number, dim: number, k: number, seed: number, sep = 2): { x: Float32Array; y: Int32Array } {
  const rng = createRng(seed);
  const x = new Float32Array(n * dim);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % k;
    y[i] = c;
    for (let j = 0; j < dim; j++) x[i * dim + j] = rng.normal() + (j % k === c ? sep : 0) + 3;
  }
  return { x, y };
}

/** K classes of noisy sine windows [T, C] with class-specific frequency and a gravity-like offset. */
export function sineWindows(n: number, t: number, c: number, k: number, seed: number, noise = 0.3): { x: Float32Array; y: Int32Array } {
  const rng = createRng(seed);
  const x = new Float32Array(n * t * c);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const cls = i % k;
    y[i] = cls;
    const f = 1 + 2 * cls;
    const ph = rng.next() * 2 * Math.PI;
    for (let s = 0; s < t; s++)
      for (let ch = 0; ch < c; ch++) x[(i * t + s) * c + ch] = Math.sin((2 * Math.PI * f * s) / t + ph + ch) + noise * rng.normal() + (ch === c - 1 ? 1 : 0);
  }
  return { x, y };
}
