/**
 * A standardised int8 input tensor: undoes the trainer's folding of the input standardisation into
 * the first layer, so the exported model takes (x − mean) / std per channel and one int8 input scale
 * suits every channel. Needed when channels have very different ranges (accelerometer in g next to
 * gyroscope in deg/s, or a kurtosis feature next to means): with the folded model one per-tensor int8
 * scale is set by the widest channel and the narrow channels collapse onto a few LSB.
 * Firmware then standardises each channel with the published mean/std before quantizing.
 * DOM-free core module.
 */
import { StudioError } from '../../core/errors.ts';
import type { QuantParams } from '../../core/impulse.ts';
import type { FloatModel } from '../float-model.ts';
import type { Normalization } from '../models/fold-normalization.ts';
import { quantizeModel, type QuantizeOptions } from '../quantize/quantize.ts';
import { sampleRows } from '../train/int8-export.ts';

/** (x − mean[c]) / std[c] with c = index mod channels (channels last, as the trainer computes them). */
export function standardizeRows(x: Float32Array, norm: Normalization): Float32Array {
  const c = norm.mean.length;
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = (x[i] - norm.mean[i % c]) / norm.std[i % c];
  return out;
}

/**
 * The same model taking standardised input: the first dense / conv1d layer gets weights × std and
 * bias + Σ weight × mean (exact inverse of the fold for dense and 'valid' convolutions).
 */
export function unfoldStandardization(fm: FloatModel, norm: Normalization): FloatModel {
  const channels = norm.mean.length;
  if (fm.inputShape[fm.inputShape.length - 1] !== channels) {
    throw new StudioError({ family: 'model', code: 'normalization-shape', message: `The normalization has ${channels} channels, the model input ${fm.inputShape[fm.inputShape.length - 1]}.`, remedy: 'Use the normalization the model was trained with.' });
  }
  const idx = fm.layers.findIndex((l) => l.kind === 'dense' || l.kind === 'conv1d' || l.kind === 'depthwise-conv1d');
  const first = fm.layers[idx];
  if (!first || (first.kind !== 'dense' && first.kind !== 'conv1d') || (first.kind === 'conv1d' && first.padding !== 'valid')) {
    throw new StudioError({ family: 'model', code: 'normalization-layer', message: 'The first weighted layer cannot take the input standardisation back.', remedy: 'Export with the folded (raw-input) model.' });
  }
  const out = first.kind === 'dense' ? first.units : first.filters;
  const rows = first.kernel.length / out; // dense: inUnits; conv: kernelSize × inChannels (channel fastest)
  const kernel = new Float32Array(first.kernel.length);
  const bias = new Float32Array(out);
  for (let o = 0; o < out; o++) {
    let b = first.bias[o];
    for (let r = 0; r < rows; r++) {
      const c = r % channels;
      const w = first.kernel[o * rows + r];
      kernel[o * rows + r] = w * norm.std[c];
      b += w * norm.mean[c];
    }
    bias[o] = b;
  }
  const layers = fm.layers.slice();
  layers[idx] = { ...first, kernel, bias };
  return { ...fm, layers };
}

export interface StandardizedInt8 {
  tflite: Uint8Array;
  /** Parameters of the int8 input tensor, which holds standardised values. */
  input: QuantParams;
  output: QuantParams;
  normalization: Normalization;
}

/** int8 export with a standardised input tensor; representative rows are raw (folded-model) inputs. */
export function exportInt8Standardized(fm: FloatModel, norm: Normalization, trainX: Float32Array, opts: QuantizeOptions = {}): StandardizedInt8 {
  const size = fm.inputShape.reduce((a, b) => a * b, 1);
  const q = quantizeModel(unfoldStandardization(fm, norm), sampleRows(standardizeRows(trainX, norm), size), opts);
  return { tflite: q.tflite, input: q.input, output: q.output, normalization: norm };
}
