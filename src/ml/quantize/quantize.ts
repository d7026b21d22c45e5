/**
 * Post-training full-integer quantization of a trained `FloatModel`: calibrates activation ranges
 * by running the float model over representative windows, then writes an int8 TFLite model (int8
 * input and output) and reports the input/output quantization parameters firmware needs.
 * Also `toFloatTflite` for the float32 export. DOM-free core module.
 */
import { StudioError, throwIfAborted } from '../../core/errors.ts';
import type { QuantParams } from '../../core/impulse.ts';
import type { OpOptions } from '../../core/progress.ts';
import type { FloatModel } from '../float-model.ts';
import type { TfliteModel } from '../tflite/schema.ts';
import { writeTflite } from '../tflite/writer.ts';
import { floatForwardTrace, modelShapes } from './float-forward.ts';
import { SOFTMAX_OUTPUT, lowerToTflite } from './lower.ts';
import { RangeCollector, int8Params, type RangeEstimator } from './range-estimator.ts';

export interface QuantizeOptions extends OpOptions {
  /** Default: min/max. A percentile (e.g. 99.99) trims rare outliers. */
  estimator?: RangeEstimator;
  /** Per-channel FULLY_CONNECTED weights (default true). */
  perChannelDense?: boolean;
  /** Use at most this many representative rows (evenly spaced); default 500. */
  maxRows?: number;
}

export interface QuantizeResult {
  tflite: Uint8Array;
  model: TfliteModel;
  input: QuantParams;
  output: QuantParams;
}

/** Calibrated parameters for the input and every layer output. */
export function calibrate(fm: FloatModel, representative: Float32Array[], opts: QuantizeOptions = {}): { input: QuantParams; layers: QuantParams[] } {
  const estimator = opts.estimator ?? { kind: 'minmax' };
  modelShapes(fm);
  if (representative.length === 0) {
    throw new StudioError({
      family: 'model',
      code: 'quantize-no-data',
      message: 'Quantization needs representative windows, but none were given.',
      remedy: 'Add training data (at least a few windows per class) and quantize again.',
    });
  }
  const max = opts.maxRows ?? 500;
  const step = Math.max(1, representative.length / max);
  const rows: Float32Array[] = [];
  const count = Math.min(max, representative.length);
  for (let k = 0; k < count; k++) rows.push(representative[Math.floor(k * step)]);
  const inCol = new RangeCollector(estimator);
  const cols = fm.layers.map(() => new RangeCollector(estimator));
  rows.forEach((row, r) => {
    if (r % 16 === 0) {
      throwIfAborted(opts.signal, 'model');
      opts.onProgress?.({ stage: 'calibrate', fraction: r / rows.length });
    }
    for (let i = 0; i < row.length; i++) {
      if (!Number.isFinite(row[i])) {
        throw new StudioError({ family: 'model', code: 'quantize-bad-data', message: `Representative window ${r} holds a value that is not a finite number.`, remedy: 'Check the DSP output for NaN or infinite features.' });
      }
    }
    inCol.add(row);
    const t = floatForwardTrace(fm, row);
    t.outputs.forEach((o, i) => cols[i].add(o));
  });
  opts.onProgress?.({ stage: 'calibrate', fraction: 1 });
  const input = int8Params(...inCol.range());
  const layers = cols.map((c, i) => (fm.layers[i].kind === 'softmax' ? SOFTMAX_OUTPUT : int8Params(...c.range())));
  return { input, layers };
}

/** Full-integer quantization: int8 weights, activations, input and output; int32 biases. */
export function quantizeModel(fm: FloatModel, representative: Float32Array[], opts: QuantizeOptions = {}): QuantizeResult {
  const { input, layers } = calibrate(fm, representative, opts);
  throwIfAborted(opts.signal, 'model');
  opts.onProgress?.({ stage: 'write', fraction: 0 });
  const model = lowerToTflite(fm, {
    mode: 'int8',
    inputParams: input,
    layerParams: layers,
    perChannelDense: opts.perChannelDense,
    description: 'TinyML Studio int8 (post-training full-integer quantization)',
  });
  const tflite = writeTflite(model);
  opts.onProgress?.({ stage: 'write', fraction: 1 });
  const sg = model.subgraphs[0];
  const outQ = sg.tensors[sg.outputs[0]].quantization!;
  const inQ = sg.tensors[sg.inputs[0]].quantization!;
  return {
    tflite,
    model,
    input: { scale: inQ.scale[0], zeroPoint: inQ.zeroPoint[0] },
    output: { scale: outQ.scale[0], zeroPoint: outQ.zeroPoint[0] },
  };
}

/** The float32 export of the same graph. */
export function toFloatTflite(fm: FloatModel): { tflite: Uint8Array; model: TfliteModel } {
  const model = lowerToTflite(fm, { mode: 'float32', description: 'TinyML Studio float32' });
  return { tflite: writeTflite(model), model };
}
