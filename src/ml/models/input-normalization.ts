/**
 * THE input standardisation of an impulse: (x − mean) / std per model input element, in float32,
 * after DSP and before the model (and before int8 quantization on the board). The trainer computes
 * the statistics from its training windows and trains on standardised features; the TF.js model, the
 * float and int8 TFLite exports, the C header, the descriptor and the firmware all take standardised
 * input, so they agree by construction (there is no folding into the first layer). One per-tensor
 * int8 input scale then suits every feature even when raw features differ by orders of magnitude
 * (m/s² next to deg/s). DOM-free core module (no TF.js).
 */
import { StudioError, type ErrorCode } from '../../core/errors.ts';
import type { InputNormalization } from '../../core/impulse.ts';

export type { InputNormalization } from '../../core/impulse.ts';

function normError(code: ErrorCode<'model'>, message: string, remedy = 'Train the model again.'): StudioError {
  return new StudioError({ family: 'model', code, message, remedy });
}

/** Expands per-channel statistics (one entry per last-dimension channel) to one float32 entry per input element (channels fastest). */
export function perElementNormalization(perChannel: { mean: ArrayLike<number>; std: ArrayLike<number> }, size: number): InputNormalization {
  const c = perChannel.mean.length;
  if (c < 1 || perChannel.std.length !== c || size % c !== 0) throw normError('normalization-shape', `Normalization with ${c} channels does not fit a model input of ${size} values.`);
  const mean: number[] = [];
  const std: number[] = [];
  for (let i = 0; i < size; i++) {
    mean.push(Math.fround(perChannel.mean[i % c]));
    std.push(Math.fround(perChannel.std[i % c]));
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

/** (x − mean) / std per element (index modulo the normalization length), in float32 like firmware. `out` may be `x`. */
export function standardizeFeatures(x: ArrayLike<number>, n: InputNormalization, out: Float32Array = new Float32Array(x.length)): Float32Array {
  const c = n.mean.length;
  for (let i = 0; i < x.length; i++) out[i] = Math.fround(Math.fround(x[i] - Math.fround(n.mean[i % c])) / Math.fround(n.std[i % c]));
  return out;
}

/**
 * Standardisation statistics of N rows of `inputShape` (per channel = last dimension; std 1 when
 * ~0), expanded per element: the statistics the trainer computes from its training windows.
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
