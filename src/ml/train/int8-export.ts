/**
 * After training: export the float model to int8 TFLite (representative set = training windows),
 * the float32 TFLite, and run the int8 model over windows with the TypeScript Int8Interpreter (the
 * arithmetic of TFLite Micro's reference kernels), so int8 accuracy is measured, not assumed.
 * DOM-free core module.
 */
import type { QuantParams } from '../../core/impulse.ts';
import type { OpOptions } from '../../core/progress.ts';
import type { FloatModel } from '../float-model.ts';
import { quantizeModel, toFloatTflite } from '../quantize/quantize.ts';
import { Int8Interpreter } from '../tflite/interpreter.ts';

export interface Int8Export {
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

export function exportInt8(fm: FloatModel, trainX: Float32Array, opts: OpOptions = {}): Int8Export {
  const size = fm.inputShape.reduce((a, b) => a * b, 1);
  const q = quantizeModel(fm, sampleRows(trainX, size), opts);
  const f = toFloatTflite(fm);
  return { int8Tflite: q.tflite, floatTflite: f.tflite, input: q.input, output: q.output };
}

/** Class probabilities (rows × classes) of a .tflite model over N inputs, via the TS interpreter. */
export function runTflite(tflite: Uint8Array, x: Float32Array, size: number): Float32Array {
  const interp = Int8Interpreter.load(tflite);
  const n = Math.floor(x.length / size);
  let k = 0;
  let out = new Float32Array(0);
  for (let i = 0; i < n; i++) {
    const p = interp.invokeFloat(x.subarray(i * size, (i + 1) * size));
    if (i === 0) {
      k = p.length;
      out = new Float32Array(n * k);
    }
    out.set(p, i * k);
  }
  return out;
}
