/**
 * Small pieces shared by the reference float forward pass's 1-D and 2-D layers
 * (float-forward.ts, float-forward-2d.ts): activations, TensorFlow's padding arithmetic and the
 * error for layers that do not fit together. DOM-free core module.
 */
import { StudioError } from '../../core/errors.ts';
import type { Activation } from '../float-model.ts';

export function floatModelInvalid(message: string): StudioError {
  return new StudioError({ family: 'model', code: 'float-model-invalid', message, remedy: 'Retrain the model; its layers do not fit together.' });
}

export function activate(v: number, a: Activation): number {
  if (a === 'relu') return v > 0 ? v : 0;
  if (a === 'relu6') return v < 0 ? 0 : v > 6 ? 6 : v;
  return v;
}

/** Output length of a window of `k` at `stride` over `n` values. */
export function outSize(padding: 'same' | 'valid', n: number, k: number, stride: number): number {
  return padding === 'same' ? Math.ceil(n / stride) : Math.floor((n - k) / stride) + 1;
}

/** Padding before the first value ('same' puts the odd one at the end, as TensorFlow does). */
export function padBefore(padding: 'same' | 'valid', n: number, k: number, stride: number): number {
  if (padding === 'valid') return 0;
  const out = Math.ceil(n / stride);
  return Math.floor(Math.max((out - 1) * stride + k - n, 0) / 2);
}
