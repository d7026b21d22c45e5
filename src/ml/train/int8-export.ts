/**
 * After training: export the float model to int8 TFLite (representative set = training windows),
 * the float32 TFLite, and run the int8 model over windows with the TypeScript Int8Interpreter (the
 * arithmetic of TFLite Micro's reference kernels), so int8 accuracy is measured, not assumed.
 * DOM-free core module.
 */
import type { InputNormalization, QuantParams } from '../../core/impulse.ts';
import type { OpOptions } from '../../core/progress.ts';
import type { FloatModel } from '../float-model.ts';
import { standardizeFeatures, unfoldNormalization } from '../models/input-normalization.ts';
import { quantizeModel, toFloatTflite } from '../quantize/quantize.ts';
import { Int8Interpreter } from '../tflite/interpreter.ts';

export interface Int8Export {
  int8Tflite: Uint8Array;
  floatTflite: Uint8Array;
  input: QuantParams;
  output: QuantParams;
  /** The standardisation the exported models expect (absent: they take raw features). */
  normalization?: InputNormalization;
}

export interface ExportInt8Options extends OpOptions {
  /**
   * Export models taking (x − mean) / std (per input element) instead of raw features. Ignored (raw
   * export, `normalization` absent in the result) when the first layer cannot take it back.
   */
  normalization?: InputNormalization;
}

/** Evenly spaced rows (at most `max`) of an N × size matrix, as separate arrays. */
export function sampleRows(x: Float32Array, size: number, max = 500): Float32Array[] {
  const n = Math.floor(x.length / size);
  const step = Math.max(1, n / max);
  const out: Float32Array[] = [];
  for (let k = 0; k < Math.min(n, max); k++) {
    const i = Math.floor(k * step);
    out.push(x.slice(i * size, (i + 1) * size));
  }
  return out;
}

/**
 * int8 + float32 TFLite of `fm` (which takes raw features); representative set = `trainX` (raw
 * feature rows). With `opts.normalization` the exported models take standardised input.
 */
export function exportInt8(fm: FloatModel, trainX: Float32Array, opts: ExportInt8Options = {}): Int8Export {
  const size = fm.inputShape.reduce((a, b) => a * b, 1);
  const norm = opts.normalization;
  const unfolded = norm ? unfoldNormalization(fm, norm) : null;
  const model = unfolded ?? fm;
  const x = unfolded && norm ? standardizeFeatures(trainX, norm) : trainX;
  const q = quantizeModel(model, sampleRows(x, size), opts);
  const f = toFloatTflite(model);
  const ex: Int8Export = { int8Tflite: q.tflite, floatTflite: f.tflite, input: q.input, output: q.output };
  if (unfolded && norm) ex.normalization = { mean: norm.mean.slice(), std: norm.std.slice() };
  return ex;
}

/**
 * Class probabilities (rows × classes) of a .tflite model over N raw feature rows, via the TS
 * interpreter; rows are standardised first when `normalization` is given (the impulse's).
 */
export function runTflite(tflite: Uint8Array, x: Float32Array, size: number, normalization?: InputNormalization): Float32Array {
  const interp = Int8Interpreter.load(tflite);
  const n = Math.floor(x.length / size);
  let k = 0;
  let out = new Float32Array(0);
  const row = new Float32Array(size);
  for (let i = 0; i < n; i++) {
    const raw = x.subarray(i * size, (i + 1) * size);
    const p = interp.invokeFloat(normalization ? standardizeFeatures(raw, normalization, row) : raw);
    if (i === 0) {
      k = p.length;
      out = new Float32Array(n * k);
    }
    out.set(p, i * k);
  }
  return out;
}
