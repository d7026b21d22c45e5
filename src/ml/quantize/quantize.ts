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
  /** Range of the logits before a softmax cut at LOGIT_FLOOR below the lowest per-window top logit (default true). */
  softmaxAwareLogits?: boolean;
}

/** How far below a window's top logit the logit range still needs resolution (nats): e^-10 ≈ 4.5e-5 of the top. */
export const LOGIT_FLOOR = 10;

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
  // The layer that feeds a softmax (the logits): its lowest useful value is set per window, below.
  const logitLayer = fm.layers.findIndex((l, i) => fm.layers[i + 1]?.kind === 'softmax');
  let lowestRowMax = Infinity;
  let highestRunnerUp = -Infinity;
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
    if (logitLayer >= 0) {
      const o = t.outputs[logitLayer];
      let m = -Infinity;
      let m2 = -Infinity;
      for (let i = 0; i < o.length; i++) {
        if (o[i] > m) {
          m2 = m;
          m = o[i];
        } else if (o[i] > m2) m2 = o[i];
      }
      if (m < lowestRowMax) lowestRowMax = m;
      if (m2 > highestRunnerUp) highestRunnerUp = m2;
    }
  });
  opts.onProgress?.({ stage: 'calibrate', fraction: 1 });
  const input = int8Params(...inCol.range());
  const layers = cols.map((c, i) => {
    if (fm.layers[i].kind === 'softmax') return SOFTMAX_OUTPUT;
    const [lo, hi] = c.range();
    // Logits: a class more than LOGIT_FLOOR below its window's top logit gets a probability under
    // e^-LOGIT_FLOOR of the top, below the softmax output's 1/256 step; spending int8 steps on those far
    // negative logits (a 14-class model's range can reach −40) coarsens the step where the top classes
    // are told apart, and close logits then round to the same int8 value: tied outputs that argmax
    // resolves to the first class. So the range stops LOGIT_FLOOR below the lowest per-window top logit.
    // At the top, a window's winning logit may saturate as long as no runner-up reaches the ceiling: the
    // range ends LOGIT_FLOOR above the highest runner-up (second logit of a window), where the winner's
    // probability is already 1 in int8.
    if (i === logitLayer && opts.softmaxAwareLogits !== false && Number.isFinite(lowestRowMax)) {
      const top = Number.isFinite(highestRunnerUp) ? Math.min(hi, Math.max(lowestRowMax, highestRunnerUp) + LOGIT_FLOOR) : hi;
      return int8Params(Math.max(lo, Math.min(top, lowestRowMax) - LOGIT_FLOOR), top);
    }
    return int8Params(lo, hi);
  });
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
