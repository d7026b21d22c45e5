/**
 * Deploy export benchmark on the demo project's data (the simulated board's gestures, 4 labels × 10
 * recordings of 2 s at 62.5 Hz, 20 % test): the train job for a few seeds (it quantizes and measures
 * int8 against float once), then what the Deploy step's export does with the saved bytes — C header,
 * Arduino library, estimates.
 *
 * Run: npx tsx bench/export.bench.ts
 * Figures: the train job's quantize + evaluate + save time, the export (packaging) time, int8 model size
 * and planned arena, the RP2040 Invoke estimate (estimate.ts: the image's emulator-measured cycle model), and the int8 − float accuracy difference in percentage points (test split and all
 * windows), worst over seeds. Models take standardised features (impulse.normalization).
 */
import * as tf from '@tensorflow/tfjs';
import { makeDemoDataset } from '../src/device/sim/demo-dataset.ts';
import { defaultImpulse } from '../src/ml/defaults.ts';
import { compareInt8, trainImpulse } from '../src/ml/train/train-job.ts';
import { makeCHeader } from '../src/ml/export/c-header.ts';
import { makeArduinoLibraryZip } from '../src/ml/export/arduino-library.ts';
import { estimateDeployment } from '../src/ml/export/estimate.ts';

await tf.setBackend('cpu');
const line = (name: string, value: number, unit: string) => console.log(`BENCH export.${name} ${Number(value.toPrecision(4))} ${unit}`);

const recs = makeDemoDataset({ seed: 7, perLabel: 10, durationMs: 2000, rateHz: 62.5 });
const axes = recs[0].axes.map((a) => a.name);
const seeds = [1, 2, 3, 4];
let worstTest = 0;
let worstAll = 0;
let quantizeMs = 0;
let packageMs = 0;
let size = 0;
let arena = 0;
let picoMs = 0;
const rows: string[] = [];
for (const seed of seeds) {
  const imp = defaultImpulse({ frequencyHz: 62.5, axes, labels: [], shortestRecordingMs: 2000 });
  imp.training.seed = seed;
  let tq = 0;
  const job = await trainImpulse(recs, imp, { onProgress: (p) => void (p.stage === 'int8 export' && (tq = performance.now())) });
  quantizeMs += performance.now() - tq; // int8 + float export, int8 vs float on the test windows, saving the float model
  job.model?.dispose();
  const res = job.run;
  const cmp = job.metrics.comparison!;
  const testF = cmp.float.accuracy;
  const testQ = cmp.int8.accuracy;
  const allX = new Float32Array([...res.train.data, ...res.test.data]);
  const allW = [...res.train.windows, ...res.test.windows].map((w) => w.label);
  const all = compareInt8(job.impulse, job.int8Tflite!, job.floatTflite!, allX, allW, 'training');
  // What the Deploy step's export does now: package the saved bytes (no TF.js, no samples, no quantization).
  const t0 = performance.now();
  makeCHeader({ tflite: job.int8Tflite!, impulse: job.impulse });
  makeArduinoLibraryZip({ tflite: job.int8Tflite!, impulse: job.impulse });
  const est = estimateDeployment(job.int8Tflite!, { dspInputValues: 125 * axes.length });
  estimateDeployment(job.floatTflite!, { dspInputValues: 125 * axes.length });
  packageMs += performance.now() - t0;
  size = job.int8Tflite!.length;
  arena = est.arena.totalBytes;
  picoMs = est.targets.find((t) => t.target.id === 'rp2040')!.inferenceMs;
  worstTest = Math.max(worstTest, Math.abs(testQ - testF) * 100);
  worstAll = Math.max(worstAll, Math.abs(all.int8.accuracy - all.float.accuracy) * 100);
  rows.push(`seed ${seed}: test float ${(testF * 100).toFixed(1)} % int8 ${(testQ * 100).toFixed(1)} % (${cmp.windows} windows); all float ${(all.float.accuracy * 100).toFixed(1)} % int8 ${(all.int8.accuracy * 100).toFixed(1)} % (${all.windows} windows)`);
}
line('quantize_evaluate_ms', quantizeMs / seeds.length, 'ms');
line('export_ms', packageMs / seeds.length, 'ms');
line('int8_model_bytes', size, 'bytes');
line('arena_bytes', arena, 'bytes');
line('rp2040_invoke_ms_estimate', picoMs, 'ms');
line('worst_int8_minus_float_test', worstTest, 'pp');
line('worst_int8_minus_float_all', worstAll, 'pp');
console.log(`Demo project, default impulse (flatten + dense [32, 16]), ${seeds.length} training seeds:`);
for (const r of rows) console.log(`  ${r}`);
