/**
 * `tinyml train --data DIR --out OUT [--config impulse.json] [--seed N] [impulse options]`
 *
 * Trains the impulse on a common-layout dataset folder with the one train job the app uses
 * (src/ml/train/train-job.ts) and writes what it made. Test split: dataset.json `test_ids` when listed,
 * else a seeded stratified 80/20 split by recording. Writes to OUT: impulse.json, metrics.json (the
 * job's metrics: float per window and per sample, int8 per window, int8 vs float, training history),
 * model.json + weights.bin (the TF.js float model; it takes features standardised with
 * impulse.normalization), model.tflite (int8), model_float.tflite, model.h, test_inputs.csv (the int8
 * input tensor: standardised features, quantized) / test_outputs.csv (the int8 output tensor). When the
 * int8 export fails the float files and metrics are written, the reason is printed and the exit code is 1.
 * For --learn anomaly: impulse.json, anomaly.json, metrics.json and anomaly.h (the K-means score as plain
 * C: anomaly models are not TFLite models; the note saying so is printed).
 */
import { Int8Interpreter } from '../../ml/tflite/interpreter.ts';
import { join } from 'node:path';
import { anomalyToJson } from '../../ml/models/anomaly.ts';
import { makeCHeader } from '../../ml/export/c-header.ts';
import { ANOMALY_DEPLOY_NOTE, makeAnomalyHeader } from '../../ml/export/anomaly-header.ts';
import { quantizeFeatures } from '../../ml/export/impulse-descriptor.ts';
import { standardizeFeatures } from '../../ml/models/input-normalization.ts';
import { useBackend } from '../../ml/train/backend.ts';
import { trainImpulse } from '../../ml/train/train-job.ts';
import { defineCommand, type FlagValues, runCommand } from '../command.ts';
import { echo } from '../../core/echo.ts';
import { EXIT } from '../exit-codes.ts';
import { writeOut } from '../out-path.ts';
import { applySplit, IMPULSE_HELP, IMPULSE_OPTIONS, loadDataset, resolveImpulse, usageError } from '../impulse-args.ts';
import { csvField, writeWindowCsv } from './csv-out.ts';

const HELP = `usage: tinyml train --data DIR --out OUT [options]

Trains an impulse on a dataset folder (<label>.<id>.csv + optional dataset.json).
  --data DIR             dataset folder
  --out OUT              output folder (created)
  --epochs N             override the number of epochs
  --backend NAME         wasm | cpu (default: wasm when it initialises, else cpu)
  --quiet                no per-epoch lines
${IMPULSE_HELP}`;

async function pickBackend(want: string | undefined): Promise<string> {
  for (const b of want ? [want] : ['wasm', 'cpu']) if (await useBackend(b)) return b;
  throw new Error('No TF.js backend could be initialised.');
}

const OPTIONS = { ...IMPULSE_OPTIONS, data: { type: 'string' }, out: { type: 'string' }, epochs: { type: 'string' }, backend: { type: 'string' }, quiet: { type: 'boolean' } } as const;

export const command = defineCommand({
  name: 'train',
  help: HELP,
  options: OPTIONS,
  required: ['data', 'out'],
  output: (v) => {
    epochsFlag(v.epochs);
    if (v.backend !== undefined && v.backend !== 'wasm' && v.backend !== 'cpu') throw usageError(`--backend must be wasm or cpu, got ${echo(v.backend)}.`);
    // Made before training, so a long run is never lost to an unusable output folder.
    return { flag: 'out', path: v.out!, kind: 'folder', replace: true };
  },
  run: (values, ctx): Promise<number> => train(values, ctx.out!),
});

export const run = (args: string[]): Promise<number> => runCommand(command, args);

function epochsFlag(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const e = Number(v);
  if (!Number.isInteger(e) || e < 1) throw usageError(`--epochs must be a positive whole number, got ${echo(v)}.`);
  return e;
}

async function train(values: FlagValues<typeof OPTIONS>, out: string): Promise<number> {
  const ds = await loadDataset(values.data!);
  const impulse = resolveImpulse(ds, values);
  const epochs = epochsFlag(values.epochs);
  if (epochs !== undefined) impulse.training.epochs = epochs;
  const { recordings, source } = applySplit(ds.recordings, impulse.training.seed);
  const backend = await pickBackend(values.backend);
  const nTest = recordings.filter((r) => r.category === 'testing').length;
  console.log(`backend: ${backend}`);
  console.log(`dataset: ${recordings.length - nTest} training / ${nTest} test recordings (split: ${source})`);
  console.log(`impulse: ${impulse.windowing.windowMs} ms windows every ${impulse.windowing.strideMs} ms, dsp ${impulse.dsp.block}, learn ${impulse.learn.block}, seed ${impulse.training.seed}`);

  const job = await trainImpulse(recordings, impulse, {
    split: source,
    onEpoch: (l) => {
      if (values.quiet) return;
      const every = Math.max(1, Math.round(impulse.training.epochs / 10));
      if (l.epoch % every === 0 || l.epoch === 1 || l.epoch === impulse.training.epochs) {
        const v = l.valAcc !== undefined ? ` val_loss ${l.valLoss!.toFixed(4)} val_acc ${(l.valAcc * 100).toFixed(1)}%` : '';
        console.log(`epoch ${String(l.epoch).padStart(3)}: loss ${l.loss.toFixed(4)} acc ${(l.acc * 100).toFixed(1)}%${v}`);
      }
    },
  });
  const imp = job.impulse;
  const labels = imp.labels;
  const { metrics, run: res } = job;
  const writeJson = (name: string, v: unknown) => writeOut(join(out, name), JSON.stringify(v, null, 2) + '\n');

  if (job.anomaly) {
    writeJson('impulse.json', imp);
    writeOut(join(out, 'anomaly.json'), JSON.stringify(anomalyToJson(job.anomaly)) + '\n');
    writeJson('metrics.json', metrics);
    writeOut(join(out, 'anomaly.h'), makeAnomalyHeader(job.anomaly, res.train.dim, imp));
    console.log(`anomaly: ${job.anomaly.clusters} clusters, threshold ${job.anomaly.threshold.toFixed(3)}`);
    console.log(`note: ${ANOMALY_DEPLOY_NOTE}`);
    console.log(`wrote ${values.out}`);
    return EXIT.ok;
  }

  if (!metrics.float) console.error('warning: there are no test windows; metrics.json has no test metrics');
  const int8 = job.int8Tflite;
  if (int8 && job.floatTflite && imp.quantization) {
    const q = imp.quantization;
    writeOut(join(out, 'model.tflite'), int8);
    writeOut(join(out, 'model_float.tflite'), job.floatTflite);
    writeOut(join(out, 'model.h'), makeCHeader({ tflite: int8, impulse: imp, name: 'model' }));
    if (res.test.rows > 0) {
      const size = res.test.dim;
      const rows = res.test.windows.map((w) => ({ recording: res.testNames[w.recording], start: w.start, label: w.label }));
      // The int8 input tensor: features standardised with the impulse's normalization, then quantized.
      const std = imp.normalization ? standardizeFeatures(res.test.data, imp.normalization) : res.test.data;
      const inputs = quantizeFeatures(std, q.input);
      writeWindowCsv(join(out, 'test_inputs.csv'), rows, 'i', Float32Array.from(inputs), size);
      // The int8 output tensor, exactly as the TypeScript interpreter (TFLite Micro arithmetic) gives it.
      const interp = Int8Interpreter.load(int8);
      const outputs = new Float32Array(res.test.rows * labels.length);
      for (let i = 0; i < res.test.rows; i++) outputs.set(interp.invoke(inputs.subarray(i * size, (i + 1) * size)), i * labels.length);
      writeWindowCsv(join(out, 'test_outputs.csv'), rows, 'o', outputs, labels.length);
    }
  }
  writeOut(join(out, 'model.json'), job.floatModel!.modelJson);
  writeOut(join(out, 'weights.bin'), job.floatModel!.weights);
  writeJson('impulse.json', imp);
  writeJson('metrics.json', metrics);
  job.model?.dispose();

  const pct = (v: number | undefined) => (typeof v === 'number' ? `${(v * 100).toFixed(1)}%` : 'n/a');
  console.log(`trained in ${(metrics.training.train_ms / 1000).toFixed(2)} s on ${metrics.training.backend}; test accuracy per window: float ${pct(metrics.float?.accuracy)}, int8 ${pct(metrics.int8?.accuracy)}`);
  console.log(`wrote ${values.out} (${csvField(labels.join(' '))})`);
  if (metrics.int8_error) {
    console.error(`tinyml train: the int8 export failed (${metrics.int8_error}); model.tflite, model_float.tflite and model.h were not written.`);
    return EXIT.failure;
  }
  return EXIT.ok;
}
