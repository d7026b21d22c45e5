/**
 * `tinyml train --data DIR --out OUT [--config impulse.json] [--seed N] [impulse options]`
 *
 * Trains the impulse on a common-layout dataset folder with the same core as the app. Test split:
 * dataset.json `test_ids` when listed, else a seeded stratified 80/20 split by recording. Writes to OUT:
 * impulse.json, metrics.json (per-window test metrics of the float and the int8 model), model.json +
 * weights.bin (TF.js), model.tflite (int8), model_float.tflite, model.h, test_inputs.csv (the int8 input tensor: features standardised with impulse.normalization,
 * then quantized) / test_outputs.csv (the int8 output tensor). For --learn anomaly:
 * impulse.json, anomaly.json, metrics.json and anomaly.h (the K-means score as plain C: anomaly models are
 * not TFLite models; the note saying so is printed).
 */
import { Int8Interpreter } from '../../ml/tflite/interpreter.ts';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ClassificationMetrics } from '../../ml/metrics/classification.ts';
import { metricsFromProbs } from '../../ml/metrics/classification.ts';
import { anomalyToJson } from '../../ml/models/anomaly.ts';
import { makeCHeader } from '../../ml/export/c-header.ts';
import { ANOMALY_DEPLOY_NOTE, makeAnomalyHeader } from '../../ml/export/anomaly-header.ts';
import { quantizeFeatures } from '../../ml/export/impulse-descriptor.ts';
import { standardizeFeatures } from '../../ml/models/input-normalization.ts';
import { toFloatModel } from '../../ml/models/to-float-model.ts';
import { useBackend } from '../../ml/train/backend.ts';
import { exportInt8, runTflite } from '../../ml/train/int8-export.ts';
import { saveModel } from '../../ml/train/model-io.ts';
import { runPipeline } from '../../ml/train/pipeline.ts';
import { EXIT } from '../main.ts';
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

function publicMetrics(m: ClassificationMetrics) {
  return { accuracy: m.accuracy, confusion: m.confusion, per_class: m.per_class };
}

async function pickBackend(want: string | undefined): Promise<string> {
  if (want !== undefined && want !== 'wasm' && want !== 'cpu') throw usageError(`--backend must be wasm or cpu, got "${want}".`);
  for (const b of want ? [want] : ['wasm', 'cpu']) if (await useBackend(b)) return b;
  throw new Error('No TF.js backend could be initialised.');
}

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { ...IMPULSE_OPTIONS, data: { type: 'string' }, out: { type: 'string' }, epochs: { type: 'string' }, backend: { type: 'string' }, quiet: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    console.log(HELP);
    return EXIT.ok;
  }
  if (!values.data || !values.out) {
    console.error(`tinyml train: --data and --out are required\n\n${HELP}`);
    return EXIT.usage;
  }
  const ds = await loadDataset(values.data);
  const impulse = resolveImpulse(ds, values);
  if (values.epochs !== undefined) {
    const e = Number(values.epochs);
    if (!Number.isInteger(e) || e < 1) throw usageError(`--epochs must be a positive whole number, got "${values.epochs}".`);
    impulse.training.epochs = e;
  }
  const { recordings, source } = applySplit(ds.recordings, impulse.training.seed);
  const backend = await pickBackend(values.backend);
  const nTest = recordings.filter((r) => r.category === 'testing').length;
  console.log(`backend: ${backend}`);
  console.log(`dataset: ${recordings.length - nTest} training / ${nTest} test recordings (split: ${source})`);
  console.log(`impulse: ${impulse.windowing.windowMs} ms windows every ${impulse.windowing.strideMs} ms, dsp ${impulse.dsp.block}, learn ${impulse.learn.block}, seed ${impulse.training.seed}`);

  const res = await runPipeline(recordings, impulse, {
    onEpoch: (l) => {
      if (values.quiet) return;
      const every = Math.max(1, Math.round(impulse.training.epochs / 10));
      if (l.epoch % every === 0 || l.epoch === 1 || l.epoch === impulse.training.epochs) {
        const v = l.valAcc !== undefined ? ` val_loss ${l.valLoss!.toFixed(4)} val_acc ${(l.valAcc * 100).toFixed(1)}%` : '';
        console.log(`epoch ${String(l.epoch).padStart(3)}: loss ${l.loss.toFixed(4)} acc ${(l.acc * 100).toFixed(1)}%${v}`);
      }
    },
  });
  const out = values.out;
  mkdirSync(out, { recursive: true });
  const imp = res.impulse;
  const labels = imp.labels;

  if (res.anomaly) {
    const scores = res.anomalyScores ?? new Float32Array(0);
    const flaggedByLabel: Record<string, { windows: number; flagged: number }> = {};
    res.test.windows.forEach((w, i) => {
      const e = (flaggedByLabel[w.label] ??= { windows: 0, flagged: 0 });
      e.windows++;
      if (scores[i] > res.anomaly!.threshold) e.flagged++;
    });
    writeFileSync(join(out, 'impulse.json'), JSON.stringify(imp, null, 2) + '\n');
    writeFileSync(join(out, 'anomaly.json'), JSON.stringify(anomalyToJson(res.anomaly)) + '\n');
    writeFileSync(join(out, 'metrics.json'), JSON.stringify({ labels, anomaly: { threshold: res.anomaly.threshold, clusters: res.anomaly.clusters, test: flaggedByLabel }, windows: { training: res.train.rows, test: res.test.rows } }, null, 2) + '\n');
    writeFileSync(join(out, 'anomaly.h'), makeAnomalyHeader(res.anomaly, res.train.dim, imp));
    console.log(`anomaly: ${res.anomaly.clusters} clusters, threshold ${res.anomaly.threshold.toFixed(3)}`);
    console.log(`note: ${ANOMALY_DEPLOY_NOTE}`);
    console.log(`wrote ${out}`);
    return EXIT.ok;
  }

  const cls = res.classifier!;
  const metrics: Record<string, unknown> = { labels };
  if (res.evaluation) {
    metrics['float'] = publicMetrics(res.evaluation.window);
    metrics['float_per_sample'] = publicMetrics(res.evaluation.sample);
  } else {
    console.error('warning: there are no test windows; metrics.json has no test metrics');
  }
  const fm = toFloatModel(cls.model, labels);
  const size = fm.inputShape.reduce((a, b) => a * b, 1);
  const ex = exportInt8(fm, res.train.data, { normalization: imp.normalization });
  imp.quantization = { input: ex.input, output: ex.output };
  if (ex.normalization) imp.normalization = ex.normalization;
  else delete imp.normalization;
  writeFileSync(join(out, 'model.tflite'), ex.int8Tflite);
  writeFileSync(join(out, 'model_float.tflite'), ex.floatTflite);
  writeFileSync(join(out, 'model.h'), makeCHeader({ tflite: ex.int8Tflite, impulse: imp, name: 'model' }));
  if (res.test.rows > 0) {
    const int8Probs = runTflite(ex.int8Tflite, res.test.data, size, ex.normalization);
    const truth = res.test.windows.map((w) => labels.indexOf(w.label));
    metrics['int8'] = publicMetrics(metricsFromProbs(labels, truth, int8Probs));
    const rows = res.test.windows.map((w) => ({ recording: res.testNames[w.recording], start: w.start, label: w.label }));
    // The int8 input tensor: features standardised (when the impulse says so), then quantized.
    const std = ex.normalization ? standardizeFeatures(res.test.data, ex.normalization) : res.test.data;
    const inputs = quantizeFeatures(std, ex.input);
    writeWindowCsv(join(out, 'test_inputs.csv'), rows, 'i', Float32Array.from(inputs), size);
    // The int8 output tensor, exactly as the TypeScript interpreter (TFLite Micro arithmetic) gives it.
    const interp = Int8Interpreter.load(ex.int8Tflite);
    const outputs = new Float32Array(res.test.rows * labels.length);
    for (let i = 0; i < res.test.rows; i++) outputs.set(interp.invoke(inputs.subarray(i * size, (i + 1) * size)), i * labels.length);
    writeWindowCsv(join(out, 'test_outputs.csv'), rows, 'o', outputs, labels.length);
  }
  metrics['training'] = {
    backend: cls.backend,
    train_ms: Math.round(cls.trainMs),
    epochs_run: cls.history.length,
    best_epoch: cls.bestEpoch,
    windows: { training: res.train.rows, test: res.test.rows },
    split: source,
    history: cls.history.map((h) => ({ epoch: h.epoch, loss: h.loss, acc: h.acc, val_loss: h.valLoss ?? null, val_acc: h.valAcc ?? null })),
  };
  const saved = await saveModel(cls.model);
  writeFileSync(join(out, 'model.json'), saved.modelJson);
  writeFileSync(join(out, 'weights.bin'), saved.weights);
  writeFileSync(join(out, 'impulse.json'), JSON.stringify(imp, null, 2) + '\n');
  writeFileSync(join(out, 'metrics.json'), JSON.stringify(metrics, null, 2) + '\n');
  cls.model.dispose();

  const pct = (v: unknown) => (typeof v === 'number' ? `${(v * 100).toFixed(1)}%` : 'n/a');
  const f = metrics['float'] as { accuracy: number } | undefined;
  const q = metrics['int8'] as { accuracy: number } | undefined;
  console.log(`trained in ${(cls.trainMs / 1000).toFixed(2)} s on ${cls.backend}; test accuracy per window: float ${pct(f?.accuracy)}, int8 ${pct(q?.accuracy)}`);
  console.log(`wrote ${out} (${csvField(labels.join(' '))})`);
  return EXIT.ok;
}
