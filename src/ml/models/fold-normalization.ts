/**
 * Folds input standardisation ((x − mean) / std per channel) into the first Dense / Conv layer, so the
 * trained model takes raw DSP output and the export needs no extra op. DOM-free core module.
 *
 * Exact for Dense and for 'valid' convolutions (no zero padding that would mix in normalised zeros).
 * `mean`/`std` have one entry per input channel: the last input dimension.
 */
import * as tf from '@tensorflow/tfjs';

export interface Normalization {
  mean: Float32Array;
  std: Float32Array;
}

/** Per-channel mean and std over N examples of `x` (row-major, last dim = channels). std floor 1e-6·max. */
export function computeNormalization(x: Float32Array, channels: number): Normalization {
  const mean = new Float64Array(channels);
  const sq = new Float64Array(channels);
  const n = x.length / channels;
  for (let i = 0; i < x.length; i++) mean[i % channels] += x[i];
  for (let c = 0; c < channels; c++) mean[c] /= n || 1;
  for (let i = 0; i < x.length; i++) {
    const d = x[i] - mean[i % channels];
    sq[i % channels] += d * d;
  }
  const std = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    const s = Math.sqrt(sq[c] / (n || 1));
    std[c] = s > 1e-6 ? s : 1;
  }
  return { mean: Float32Array.from(mean), std };
}

export function foldNormalization(model: tf.LayersModel, norm: Normalization): void {
  const first = model.layers.find((l) => l.getWeights().length > 0);
  if (!first) return;
  const channels = norm.mean.length;
  const [kT, bT] = first.getWeights();
  const k = kT.dataSync() as Float32Array;
  const b = (bT ? bT.dataSync() : new Float32Array(kT.shape[kT.shape.length - 1])) as Float32Array;
  const out = kT.shape[kT.shape.length - 1];
  const rows = k.length / out; // Dense: in units; Conv: k * inC
  const nk = new Float32Array(k.length);
  const nb = Float32Array.from(b);
  for (let r = 0; r < rows; r++) {
    const c = r % channels; // Dense after Flatten of [T, C] and conv [k][C] both cycle channels fastest
    const inv = 1 / norm.std[c];
    const shift = norm.mean[c] * inv;
    for (let o = 0; o < out; o++) {
      const w = k[r * out + o];
      nk[r * out + o] = w * inv;
      nb[o] -= w * shift;
    }
  }
  const newWeights = [tf.tensor(nk, kT.shape), ...(bT ? [tf.tensor(nb, bT.shape)] : [])];
  first.setWeights(newWeights);
  newWeights.forEach((t) => t.dispose());
}
