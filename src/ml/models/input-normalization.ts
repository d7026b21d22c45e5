/**
 * Input standardisation of the exported model: the deployed impulse computes (x − mean) / std per
 * model input element (float32, after DSP, before int8 quantization), so one per-tensor int8 input
 * scale suits every feature even when raw features differ by orders of magnitude (m/s² next to
 * deg/s). The trainer folds its standardisation into the first layer of the TF.js model
 * (fold-normalization.ts); `unfoldNormalization` is the exact inverse on the plain FloatModel, used
 * for the TFLite exports. DOM-free core module (no TF.js).
 */
import { StudioError } from '../../core/errors.ts';
import type { InputNormalization } from '../../core/impulse.ts';
import type { FloatModel } from '../float-model.ts';

/** Per-channel statistics (the trainer's `Normalization`: one entry per last-dimension channel). */
export interface ChannelNormalization {
  mean: ArrayLike<number>;
  std: ArrayLike<number>;
}

function normError(code: string, message: string, remedy = 'Train the model again.'): StudioError {
  return new StudioError({ family: 'model', code, message, remedy });
}

/** Expands per-channel statistics to one float32 entry per input element (channels fastest). */
export function perElementNormalization(norm: ChannelNormalization, size: number): InputNormalization {
  const c = norm.mean.length;
  if (c < 1 || norm.std.length !== c || size % c !== 0) throw normError('normalization-shape', `Normalization with ${c} channels does not fit a model input of ${size} values.`);
  const mean: number[] = [];
  const std: number[] = [];
  for (let i = 0; i < size; i++) {
    mean.push(Math.fround(norm.mean[i % c]));
    std.push(Math.fround(norm.std[i % c]));
  }
  return { mean, std };
}

/** Checks a published normalization against the model input size: finite means, positive stds. */
export function checkNormalization(n: InputNormalization, size: number): void {
  if (!Array.isArray(n.mean) || !Array.isArray(n.std) || n.mean.length !== size || n.std.length !== size) {
    throw normError('normalization-shape', `The impulse's input normalization does not have ${size} entries like the model input.`);
  }
  for (let i = 0; i < size; i++) {
    if (!Number.isFinite(n.mean[i]) || !(n.std[i] > 0) || !Number.isFinite(n.std[i])) {
      throw normError('normalization-value', `The impulse's input normalization has a bad value at entry ${i}.`);
    }
  }
}

/**
 * Per-channel view of a per-element normalization: the shortest period that divides the input size
 * and `multipleOf` (e.g. the channel count of a conv1d input) that the arrays repeat with.
 */
export function channelPeriod(n: InputNormalization, multipleOf = 1): number {
  const size = n.mean.length;
  for (let p = multipleOf; p <= size; p += multipleOf) {
    if (size % p !== 0) continue;
    let ok = true;
    for (let i = p; i < size && ok; i++) ok = n.mean[i] === n.mean[i - p] && n.std[i] === n.std[i - p];
    if (ok) return p;
  }
  return size;
}

/** (x − mean) / std per element (index modulo the normalization length), in float32 like firmware. */
export function standardizeFeatures(x: ArrayLike<number>, n: InputNormalization, out = new Float32Array(x.length)): Float32Array {
  const c = n.mean.length;
  for (let i = 0; i < x.length; i++) out[i] = Math.fround(Math.fround(x[i] - Math.fround(n.mean[i % c])) / Math.fround(n.std[i % c]));
  return out;
}

/**
 * The same model taking standardised input: first dense / conv1d layer gets kernel × std and bias +
 * Σ kernel × mean (the exact inverse of the fold). Dense inputs may be standardised per element;
 * convolutions need one statistic per input channel. Returns null when the first weighted layer
 * cannot take the standardisation (depthwise or 'same'-padded convolution): export the raw model then.
 */
export function unfoldNormalization(fm: FloatModel, n: InputNormalization): FloatModel | null {
  const size = fm.inputShape.reduce((a, b) => a * b, 1);
  checkNormalization(n, size);
  const idx = fm.layers.findIndex((l) => l.kind === 'dense' || l.kind === 'conv1d' || l.kind === 'depthwise-conv1d');
  const first = fm.layers[idx];
  if (!first || (first.kind !== 'dense' && first.kind !== 'conv1d') || (first.kind === 'conv1d' && first.padding !== 'valid')) return null;
  // Only shape-preserving layers (flatten / reshape) may sit before the first weighted layer.
  if (fm.layers.slice(0, idx).some((l) => l.kind !== 'flatten' && l.kind !== 'reshape')) return null;
  let mean: number[] = n.mean;
  let std: number[] = n.std;
  if (first.kind === 'conv1d') {
    const c = first.inChannels;
    if (channelPeriod(n, c) !== c) return null;
    mean = n.mean.slice(0, c);
    std = n.std.slice(0, c);
  } else if (first.inUnits !== size) {
    return null;
  }
  const out = first.kind === 'dense' ? first.units : first.filters;
  const rows = first.kernel.length / out; // dense: inUnits; conv: kernelSize × inChannels (channel fastest)
  const stats = mean.length;
  const kernel = new Float32Array(first.kernel.length);
  const bias = new Float32Array(out);
  for (let o = 0; o < out; o++) {
    let b = first.bias[o];
    for (let r = 0; r < rows; r++) {
      const w = first.kernel[o * rows + r];
      kernel[o * rows + r] = w * std[r % stats];
      b += w * mean[r % stats];
    }
    bias[o] = b;
  }
  const layers = fm.layers.slice();
  layers[idx] = { ...first, kernel, bias };
  return { ...fm, layers };
}

/**
 * Standardisation statistics of N rows of `inputShape` as the trainer computes them (per channel =
 * last dimension; std 1 when ~0), expanded per element. Any statistics give an exact unfold; these
 * keep the standardised inputs near unit range.
 */
export function computeInputNormalization(x: Float32Array, inputShape: number[]): InputNormalization {
  const size = inputShape.reduce((a, b) => a * b, 1);
  const c = inputShape[inputShape.length - 1];
  const n = Math.floor(x.length / size) * (size / c);
  const mean = new Float64Array(c);
  const sq = new Float64Array(c);
  for (let i = 0; i < n * c; i++) mean[i % c] += x[i];
  for (let j = 0; j < c; j++) mean[j] /= n || 1;
  for (let i = 0; i < n * c; i++) sq[i % c] += (x[i] - mean[i % c]) ** 2;
  const std = Array.from(sq, (v) => {
    const s = Math.sqrt(v / (n || 1));
    return s > 1e-6 ? s : 1;
  });
  return perElementNormalization({ mean, std }, size);
}
