/**
 * Seeded data augmentation for sensor windows. DOM-free core module.
 *
 * Raw windows ([time, channels]): time shift (by up to `timeShift` × window length, the edge value
 * fills the gap — no wrap-around, which would invent a discontinuity), amplitude scaling (one factor
 * in 1 ± `amplitudeScale` per window) and Gaussian noise (σ = `noise` × the channel's std over the
 * training set).
 * Feature vectors ([features]): only the noise is applied, per feature, σ = `noise` × that feature's
 * std. Shifting or scaling a spectral feature vector does not correspond to any real change of the
 * motion (log powers, skewness and kurtosis do not scale linearly), so those two are skipped there.
 */
import type { Rng } from './rng.ts';

export interface AugmentSettings {
  noise: number;
  timeShift: number;
  amplitudeScale: number;
}

export function augmentationActive(a: AugmentSettings, inputShape: number[]): boolean {
  if (inputShape.length >= 2) return a.noise > 0 || a.timeShift > 0 || a.amplitudeScale > 0;
  return a.noise > 0;
}

/**
 * Augments one example in place. `row` is row-major [T, C] (or [F] when inputShape has one dim);
 * `std` has one entry per channel (last dim).
 */
export function augmentExample(row: Float32Array, inputShape: number[], a: AugmentSettings, std: Float32Array, rng: Rng, scratch?: Float32Array): void {
  const channels = inputShape[inputShape.length - 1];
  if (inputShape.length >= 2) {
    const t = row.length / channels;
    const maxShift = Math.floor(a.timeShift * t);
    if (maxShift > 0) {
      const shift = rng.int(2 * maxShift + 1) - maxShift;
      if (shift !== 0) {
        const src = scratch && scratch.length >= row.length ? scratch : new Float32Array(row.length);
        src.set(row);
        for (let i = 0; i < t; i++) {
          const from = Math.min(t - 1, Math.max(0, i - shift));
          for (let c = 0; c < channels; c++) row[i * channels + c] = src[from * channels + c];
        }
      }
    }
    if (a.amplitudeScale > 0) {
      const f = 1 + (2 * rng.next() - 1) * a.amplitudeScale;
      for (let i = 0; i < row.length; i++) row[i] *= f;
    }
  }
  if (a.noise > 0) {
    for (let i = 0; i < row.length; i++) row[i] += a.noise * std[i % channels] * rng.normal();
  }
}
