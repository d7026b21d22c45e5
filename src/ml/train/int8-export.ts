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
import { quantizeModel, toFloatTflite, type QuantizeResult } from '../quantize/quantize.ts';
import type { RangeEstimator } from '../quantize/range-estimator.ts';
import { argmaxRow } from '../metrics/argmax.ts';
import { Int8Interpreter } from '../tflite/interpreter.ts';

export interface TfliteExport {
  int8Tflite: Uint8Array;
  floatTflite: Uint8Array;
  input: QuantParams;
  output: QuantParams;
  /** The activation range estimator used (see range-estimator.ts). */
  calibration: Exclude<Calibration, 'auto'>;
  /** Fraction of the calibration windows where int8 and float pick the same class. */
  calibrationAgreement: number;
}

/**
 * How activation ranges are estimated: 'auto' quantizes with each of `AUTO_CALIBRATIONS` and keeps the
 * int8 model that picks the float model's class on the most calibration (training) windows, the earlier
 * in the list on a tie (min/max first: the export changes only where another range measurably helps).
 */
export type Calibration = 'minmax' | 'mse' | 'p99.99' | 'p99.9' | 'auto';

export const AUTO_CALIBRATIONS: Exclude<Calibration, 'auto'>[] = ['minmax', 'mse', 'p99.99', 'p99.9'];

function estimatorOf(c: Exclude<Calibration, 'auto'>): RangeEstimator {
  return c === 'minmax' ? { kind: 'minmax' } : c === 'mse' ? { kind: 'mse' } : { kind: 'percentile', percentile: Number(c.slice(1)) };
}

export interface ExportOptions extends OpOptions {
  calibration?: Calibration;
  /**
   * Class index per row of `trainX`: the calibration rows are then drawn evenly from every class (a
   * class with few windows still sets the ranges its activations need, instead of saturating in int8).
   */
  classes?: ArrayLike<number>;
  /** See QuantizeOptions.softmaxAwareLogits (default true). */
  softmaxAwareLogits?: boolean;
}

/**
 * Up to `max` calibration rows: evenly spaced over all rows, or with `classes` an equal share per
 * class (each class's rows evenly spaced; a class with fewer rows than its share gives all of them).
 */
export function calibrationRows(x: Float32Array, size: number, classes?: ArrayLike<number>, max = 500): Float32Array[] {
  const n = Math.floor(x.length / size);
  if (!classes || classes.length !== n) return sampleRows(x, size, max);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const l = byClass.get(classes[i]) ?? [];
    l.push(i);
    byClass.set(classes[i], l);
  }
  const groups = [...byClass.entries()].sort((a, b) => a[0] - b[0]).map(([, idx]) => idx);
  const out: Float32Array[] = [];
  // Small classes first: what they leave of their share goes to the larger ones.
  let left = max;
  const bySize = groups.slice().sort((a, b) => a.length - b.length);
  bySize.forEach((idx, j) => {
    const share = Math.floor(left / (bySize.length - j));
    const take = Math.min(idx.length, share);
    const step = idx.length / Math.max(1, take);
    for (let k = 0; k < take; k++) {
      const i = idx[Math.floor(k * step)];
      out.push(x.slice(i * size, (i + 1) * size));
    }
    left -= take;
  });
  return out;
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
export function exportTflite(fm: FloatModel, trainX: Float32Array, normalization: InputNormalization | undefined, opts: ExportOptions = {}): TfliteExport {
  const size = fm.inputShape.reduce((a, b) => a * b, 1);
  const x = normalization ? standardizeFeatures(trainX, normalization) : trainX;
  const rows = calibrationRows(x, size, opts.classes);
  const f = toFloatTflite(fm);
  const mode = opts.calibration ?? 'auto';
  const kinds = mode === 'auto' ? AUTO_CALIBRATIONS : [mode];
  // The calibration rows, standardised, in one matrix: the float model's classes on them.
  const calib = new Float32Array(rows.length * size);
  rows.forEach((r, i) => calib.set(r, i * size));
  const pf = runTflite(f.tflite, calib, size);
  const k = rows.length ? pf.length / rows.length : 0;
  let best: { q: QuantizeResult; kind: Exclude<Calibration, 'auto'>; agree: number } | null = null;
  for (const kind of kinds) {
    const q = quantizeModel(fm, rows, { ...opts, estimator: estimatorOf(kind) });
    const pq = runTflite(q.tflite, calib, size);
    let same = 0;
    for (let i = 0; i < rows.length; i++) if (argmaxRow(pq, i, k) === argmaxRow(pf, i, k)) same++;
    const agree = rows.length ? same / rows.length : 1;
    if (!best || agree > best.agree) best = { q, kind, agree };
  }
  const { q, kind, agree } = best!;
  return { int8Tflite: q.tflite, floatTflite: f.tflite, input: q.input, output: q.output, calibration: kind, calibrationAgreement: agree };
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
