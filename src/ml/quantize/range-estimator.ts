/**
 * Activation range estimation for post-training quantization: min/max, a two-sided percentile to
 * ignore rare outliers, or the clipping range with the least mean squared error (rounding inside the
 * range plus clipping outside it) over the calibration values; and the int8 asymmetric scale/zero
 * point for a range. DOM-free core module.
 *
 * Why MSE: with min/max one rare extreme value (e.g. a standardised kurtosis 30 σ out) stretches the
 * int8 step for every value of the tensor, so the common values lose resolution; clipping it costs
 * that one value a little and saves the rest.
 */
import type { QuantParams } from '../../core/impulse.ts';

export type RangeEstimator = { kind: 'minmax' } | { kind: 'percentile'; percentile: number } | { kind: 'mse' };

/** Two-sided percentiles tried by the MSE estimator (100 = min/max). */
const MSE_PERCENTILES = [100, 99.999, 99.995, 99.99, 99.98, 99.95, 99.9, 99.8, 99.5, 99, 98.5, 98, 97, 95];

/** Mean squared error of int8 quantization of sorted `all` with the parameters of [lo, hi]; `stride` subsamples. */
export function quantizationMse(all: Float32Array, lo: number, hi: number, stride = 1): number {
  const { scale, zeroPoint } = int8Params(lo, hi);
  let s = 0;
  let n = 0;
  for (let i = 0; i < all.length; i += stride) {
    const v = all[i];
    const q = Math.max(-128, Math.min(127, Math.round(v / scale) + zeroPoint));
    const e = (q - zeroPoint) * scale - v;
    s += e * e;
    n++;
  }
  return n ? s / n : 0;
}

/** Collects values of one tensor over the representative set. */
export class RangeCollector {
  private min = Infinity;
  private max = -Infinity;
  private chunks: Float32Array[] = [];
  private readonly keep: boolean;

  constructor(estimator: RangeEstimator) {
    this.keep = estimator.kind !== 'minmax';
    this.estimator = estimator;
  }
  private readonly estimator: RangeEstimator;

  add(values: Float32Array): void {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v < this.min) this.min = v;
      if (v > this.max) this.max = v;
    }
    if (this.keep) this.chunks.push(values.slice());
  }

  range(): [number, number] {
    if (this.estimator.kind === 'minmax' || this.chunks.length === 0) return [this.min, this.max];
    const n = this.chunks.reduce((s, c) => s + c.length, 0);
    const all = new Float32Array(n);
    let o = 0;
    for (const c of this.chunks) {
      all.set(c, o);
      o += c.length;
    }
    all.sort();
    const at = (q: number) => all[Math.min(n - 1, Math.max(0, Math.round((q / 100) * (n - 1))))];
    if (this.estimator.kind === 'mse') {
      // Up to ~200k values are scored per candidate range; beyond that an even subsample.
      const stride = Math.max(1, Math.floor(n / 200_000));
      let best: [number, number] = [this.min, this.max];
      let bestErr = Infinity;
      for (const p of MSE_PERCENTILES) {
        const r: [number, number] = p === 100 ? [this.min, this.max] : [at(100 - p), at(p)];
        const err = quantizationMse(all, r[0], r[1], stride);
        if (err < bestErr * (1 - 1e-9)) {
          bestErr = err;
          best = r;
        }
      }
      return best;
    }
    const p = Math.min(100, Math.max(50, this.estimator.percentile));
    return [at(100 - p), at(p)];
  }
}

/**
 * int8 asymmetric parameters covering [lo, hi] (widened to include 0, as TFLite requires 0 to be
 * exactly representable): scale = (hi − lo)/255, zero point = round(−128 − lo/scale).
 */
export function int8Params(lo: number, hi: number): QuantParams {
  let min = Math.min(lo, 0);
  let max = Math.max(hi, 0);
  if (!Number.isFinite(min) || !Number.isFinite(max)) {
    min = 0;
    max = 1;
  }
  if (max - min < 1e-8) max = min + 1e-8;
  const scale = Math.fround((max - min) / 255);
  let zp = Math.round(-128 - min / scale);
  zp = Math.max(-128, Math.min(127, zp));
  return { scale, zeroPoint: zp };
}
