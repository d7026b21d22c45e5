/**
 * Deploy export benchmark on the demo project's data (the simulated board's gestures, 4 labels × 10
 * recordings of 2 s at 62.5 Hz, 20 % test): train the default impulse for a few seeds, then do what the
 * Deploy step's worker does — int8 quantization, float and int8 accuracy with the TypeScript
 * interpreter on the test windows and on all windows, C header, Arduino library, estimates.
 *
 * Run: npx tsx bench/export.bench.ts
 * Figures: export time (quantize + evaluate + files), int8 model size and planned arena, and the
 * int8 − float accuracy difference in percentage points (test split and all windows), worst over seeds.
 * The shipped export standardises the model input (impulse.normalization); the last figure is a
 * bench-local re-derivation of the same idea, kept as a cross-check.
 */
import * as tf from '@tensorflow/tfjs';
import { makeDemoDataset } from '../src/device/sim/demo-dataset.ts';
import { runPipeline } from '../src/ml/train/pipeline.ts';
import { defaultImpulse } from '../src/ml/defaults.ts';
import { exportInt8, runTflite } from '../src/ml/train/int8-export.ts';
import { toFloatModel } from '../src/ml/models/to-float-model.ts';
import { metricsFromProbs } from '../src/ml/metrics/classification.ts';
import { makeCHeader } from '../src/ml/export/c-header.ts';
import { makeArduinoLibraryZip } from '../src/ml/export/arduino-library.ts';
import { estimateDeployment } from '../src/ml/export/estimate.ts';
import type { FloatModel } from '../src/ml/float-model.ts';
import type { InputNormalization } from '../src/core/impulse.ts';

/**
 * The same model with standardisation taken out of the first dense layer (inputs = (x − mean) / std,
 * W' = W·std, b' = b + W·mean): what the int8 export gives when features are normalised before the
 * model (on the device, in the DSP) instead of folded into its weights.
 */
function unfold(fm: FloatModel, x: Float32Array, dim: number): { fm: FloatModel; norm: (v: Float32Array) => Float32Array } {
  const n = x.length / dim;
  const mean = new Float64Array(dim);
  const sd = new Float64Array(dim);
  for (let i = 0; i < x.length; i++) mean[i % dim] += x[i] / n;
  for (let i = 0; i < x.length; i++) sd[i % dim] += (x[i] - mean[i % dim]) ** 2 / n;
  for (let c = 0; c < dim; c++) sd[c] = Math.sqrt(sd[c]) > 1e-6 ? Math.sqrt(sd[c]) : 1;
  const first = fm.layers[0];
  if (first.kind !== 'dense') throw new Error('dense first layer expected');
  const kernel = new Float32Array(first.kernel.length);
  const bias = Float32Array.from(first.bias);
  for (let o = 0; o < first.units; o++)
    for (let i = 0; i < dim; i++) {
      kernel[o * dim + i] = first.kernel[o * dim + i] * sd[i];
      bias[o] += first.kernel[o * dim + i] * mean[i];
    }
  const norm = (v: Float32Array) => v.map((val, i) => (val - mean[i % dim]) / sd[i % dim]);
  return { fm: { ...fm, layers: [{ ...first, kernel, bias }, ...fm.layers.slice(1)] }, norm };
}

await tf.setBackend('cpu');
const line = (name: string, value: number, unit: string) => console.log(`BENCH export.${name} ${Number(value.toPrecision(4))} ${unit}`);

const recs = makeDemoDataset({ seed: 7, perLabel: 10, durationMs: 2000, rateHz: 62.5 });
const axes = recs[0].axes.map((a) => a.name);
const seeds = [1, 2, 3, 4];
let worstTest = 0;
let worstAll = 0;
let worstStd = 0;
let exportMs = 0;
let size = 0;
let arena = 0;
const rows: string[] = [];
for (const seed of seeds) {
  const imp = defaultImpulse({ frequencyHz: 62.5, axes, labels: [], shortestRecordingMs: 2000 });
  imp.training.seed = seed;
  const res = await runPipeline(recs, imp, {});
  const labels = res.impulse.labels;
  const t0 = performance.now();
  const fm = toFloatModel(res.classifier!.model, labels);
  // As the Deploy step: the exported models take the impulse's standardised features.
  const ex = exportInt8(fm, res.train.data, { normalization: res.impulse.normalization });
  const dim = res.test.dim;
  const acc = (x: Float32Array, windows: { label: string }[], model: Uint8Array, norm: InputNormalization | null = ex.normalization ?? null) =>
    metricsFromProbs(labels, windows.map((w) => labels.indexOf(w.label)), runTflite(model, x, dim, norm ?? undefined)).accuracy;
  const testF = acc(res.test.data, res.test.windows, ex.floatTflite);
  const testQ = acc(res.test.data, res.test.windows, ex.int8Tflite);
  const allX = new Float32Array([...res.train.data, ...res.test.data]);
  const allW = [...res.train.windows, ...res.test.windows];
  const allF = acc(allX, allW, ex.floatTflite);
  const allQ = acc(allX, allW, ex.int8Tflite);
  const impQ = { ...res.impulse, quantization: { input: ex.input, output: ex.output }, normalization: ex.normalization };
  makeCHeader({ tflite: ex.int8Tflite, impulse: impQ });
  makeArduinoLibraryZip({ tflite: ex.int8Tflite, impulse: impQ });
  const est = estimateDeployment(ex.int8Tflite, { dspInputValues: 125 * axes.length });
  exportMs += performance.now() - t0;
  const u = unfold(fm, res.train.data, dim);
  const exStd = exportInt8(u.fm, u.norm(res.train.data));
  const stdF = acc(u.norm(res.test.data), res.test.windows, exStd.floatTflite, null);
  const stdQ = acc(u.norm(res.test.data), res.test.windows, exStd.int8Tflite, null);
  worstStd = Math.max(worstStd, Math.abs(stdQ - stdF) * 100);
  size = ex.int8Tflite.length;
  arena = est.arena.totalBytes;
  worstTest = Math.max(worstTest, Math.abs(testQ - testF) * 100);
  worstAll = Math.max(worstAll, Math.abs(allQ - allF) * 100);
  rows.push(`seed ${seed}: test float ${(testF * 100).toFixed(1)} % int8 ${(testQ * 100).toFixed(1)} % (${res.test.rows} windows); all float ${(allF * 100).toFixed(1)} % int8 ${(allQ * 100).toFixed(1)} % (${allW.length} windows); standardised input: test float ${(stdF * 100).toFixed(1)} % int8 ${(stdQ * 100).toFixed(1)} %`);
  res.classifier!.model.dispose();
}
line('export_ms', exportMs / seeds.length, 'ms');
line('int8_model_bytes', size, 'bytes');
line('arena_bytes', arena, 'bytes');
line('worst_int8_minus_float_test', worstTest, 'pp');
line('worst_int8_minus_float_all', worstAll, 'pp');
line('worst_int8_minus_float_test_standardised_input', worstStd, 'pp');
console.log(`Demo project, default impulse (flatten + dense [32, 16]), ${seeds.length} training seeds:`);
for (const r of rows) console.log(`  ${r}`);
