/**
 * The TFLite exports of a trained float model: int8 (representative set = the standardised training
 * windows) and float32, and running a .tflite over feature rows with the TypeScript Int8Interpreter
 * (the arithmetic of TFLite Micro's reference kernels), so int8 accuracy is measured, not assumed.
 * Both models take the impulse's standardised features (input-normalization.ts). Used by the one
 * train job (train-job.ts); DOM-free core module.
 */
import type { QuantParams } from '../../core/impulse.ts';
import type { OpOptions } from '../../core/progress.ts';
import type { FloatModel } from '../float-model.ts';
import { standardizeFeatures, type InputNormalization } from '../models/input-normalization.ts';
import { quantizeModel, toFloatTflite } from '../quantize/quantize.ts';
import { Int8Interpreter } from '../tflite/interpreter.ts';

export interface TfliteExport {
  int8Tflite: Uint8Array;
  floatTflite: Uint8Array;
  input: QuantParams;
  output: QuantParams;
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
 * int8 + float32 TFLite of `fm`; `trainX` are raw feature rows, standardised here with
 * `normalization` (the one the model was trained with) to calibrate the int8 ranges.
 */
export function exportTflite(fm: FloatModel, trainX: Float32Array, normalization: InputNormalization | undefined, opts: OpOptions = {}): TfliteExport {
  const size = fm.inputShape.reduce((a, b) => a * b, 1);
  const x = normalization ? standardizeFeatures(trainX, normalization) : trainX;
  const q = quantizeModel(fm, sampleRows(x, size), opts);
  const f = toFloatTflite(fm);
  return { int8Tflite: q.tflite, floatTflite: f.tflite, input: q.input, output: q.output };
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
