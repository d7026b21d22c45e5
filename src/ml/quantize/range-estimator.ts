/**
 * Activation range estimation for post-training quantization: min/max, or a two-sided percentile
 * to ignore rare outliers, and the int8 asymmetric scale/zero point for a range. DOM-free core module.
 */
import type { QuantParams } from '../../core/impulse.ts';

export type RangeEstimator = { kind: 'minmax' } | { kind: 'percentile'; percentile: number };

/** Collects values of one tensor over the representative set. */
export class RangeCollector {
  private min = Infinity;
  private max = -Infinity;
  private chunks: Float32Array[] = [];
  private readonly keep: boolean;

  constructor(estimator: RangeEstimator) {
    this.keep = estimator.kind === 'percentile';
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
    const p = Math.min(100, Math.max(50, this.estimator.percentile));
    const n = this.chunks.reduce((s, c) => s + c.length, 0);
    const all = new Float32Array(n);
    let o = 0;
    for (const c of this.chunks) {
      all.set(c, o);
      o += c.length;
    }
    all.sort();
    const at = (q: number) => all[Math.min(n - 1, Math.max(0, Math.round((q / 100) * (n - 1))))];
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
