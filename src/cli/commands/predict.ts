/**
 * `tinyml predict --model OUT --data DIR --out predictions.csv`
 *
 * Classifies every window of a dataset folder with a model written by `tinyml train` (OUT holds
 * impulse.json and model.json + weights.bin, or anomaly.json). Columns:
 * `recording,start,label,predicted,confidence,p_<label>…` (anomaly: `recording,start,label,score,anomaly`).
 * Prints the per-window accuracy over windows whose label the model knows.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StudioError } from '../../core/errors.ts';
import type { ImpulseConfig } from '../../core/impulse.ts';
import { computeFeaturesAsync } from '../../dsp/features.ts';
import { argmaxRow } from '../../ml/metrics/argmax.ts';
import { anomalyFromJson, anomalyScore } from '../../ml/models/anomaly.ts';
import { useBackend } from '../../ml/train/backend.ts';
import { loadModel } from '../../ml/train/model-io.ts';
import { classifyFeatures, inputShapeFor, toFeatureRecordings } from '../../ml/train/pipeline.ts';
import { EXIT } from '../exit-codes.ts';
import { defineCommand, runCommand } from '../command.ts';
import { echo } from '../../core/echo.ts';
import { badInput, loadDataset, readFullConfig } from '../impulse-args.ts';
import { writeWindowCsv } from './csv-out.ts';

const HELP = `usage: tinyml predict --model OUT --data DIR --out predictions.csv

  --model OUT   folder written by \`tinyml train\` (impulse.json + model.json/weights.bin or anomaly.json)
  --data DIR    dataset folder to classify
  --out FILE    CSV: recording,start,label,predicted,confidence,p_<label>...`;

export const command = defineCommand({
  name: 'predict',
  help: HELP,
  options: { model: { type: 'string' }, data: { type: 'string' }, out: { type: 'string' } },
  required: ['model', 'data', 'out'],
  output: (v) => ({ flag: 'out', path: v.out!, kind: 'file', replace: true }),
  run: (values, ctx) => predict(values.model!, values.data!, ctx.out!, values.out!),
});

export const run = (args: string[]): Promise<number> => runCommand(command, args);

const RETRAIN = 'impulse.json and the model files must come from the same `tinyml train --out` folder; train again or copy them together.';

/** The model's input and output sizes must be the impulse's feature count and label count. */
export function checkModelFitsImpulse(model: { inputs: { shape: (number | null)[] }[]; outputs: { shape: (number | null)[] }[] }, impulse: ImpulseConfig, fs: { dim: number; shape: number[] }, modelDir: string): void {
  const inShape = model.inputs[0]?.shape.slice(1) ?? [];
  const inSize = inShape.reduce<number>((a, b) => a * (b ?? 1), 1);
  const outUnits = model.outputs[0]?.shape.at(-1) ?? 0;
  const want = inputShapeFor(impulse.learn.block, fs);
  const at = echo(modelDir);
  if (inSize !== fs.dim || inShape.length !== want.length) {
    throw badInput('model-mismatch', `The model in ${at} takes ${inShape.join(' × ')} inputs, but its impulse.json (${impulse.dsp.block}, ${impulse.windowing.windowMs} ms) makes ${want.join(' × ')} features per window.`, RETRAIN);
  }
  if (outUnits !== impulse.labels.length) {
    throw badInput('model-mismatch', `The model in ${at} has ${String(outUnits)} outputs, but its impulse.json lists ${impulse.labels.length} label(s).`, RETRAIN);
  }
  const norm = impulse.normalization;
  if (norm && (norm.mean.length !== fs.dim || norm.std.length !== fs.dim)) {
    throw badInput('model-mismatch', `impulse.json in ${at} standardises ${norm.mean.length} features, but the impulse makes ${fs.dim}.`, RETRAIN);
  }
}

/** Windows of the data whose label the model knows / does not know; a report line for the latter. */
export function labelReport(rows: { label: string }[], modelLabels: string[]): { known: number; unknown: Map<string, number>; unlabelled: number } {
  const known = new Set(modelLabels);
  const unknown = new Map<string, number>();
  let k = 0;
  let unlabelled = 0;
  for (const r of rows) {
    if (r.label === '') unlabelled++;
    else if (known.has(r.label)) k++;
    else unknown.set(r.label, (unknown.get(r.label) ?? 0) + 1);
  }
  return { known: k, unknown, unlabelled };
}

async function predict(modelDir: string, dataDir: string, out: string, outName: string): Promise<number> {
  const impPath = join(modelDir, 'impulse.json');
  if (!existsSync(impPath)) throw badInput('no-model', `${echo(modelDir)} has no impulse.json.`, 'Pass the --out folder of `tinyml train`.');
  const impulse = readFullConfig(impPath);
  const labels = impulse.labels;
  if (labels.length === 0 && impulse.learn.block !== 'anomaly') throw badInput('no-labels', `${echo(impPath)} lists no labels, so there is nothing to predict.`, 'Train again with `tinyml train` on labelled data.');
  const ds = await loadDataset(dataDir);
  const missingAxes = impulse.windowing.axes.filter((a) => !ds.info.axes.includes(a));
  if (missingAxes.length) {
    throw badInput('axes-mismatch', `The data in ${echo(dataDir)} has no ${missingAxes.map((a) => echo(a)).join(', ')} column(s), which the model needs (it uses ${impulse.windowing.axes.map((a) => echo(a)).join(', ')}).`, 'Classify data recorded with the same sensor axes as the training data.');
  }
  const fs = await computeFeaturesAsync(toFeatureRecordings(ds.recordings), impulse);
  const rows = fs.windows.map((w) => ({ recording: ds.recordings[w.recording].name, start: w.start, label: w.label }));

  if (impulse.learn.block === 'anomaly') {
    const p = join(modelDir, 'anomaly.json');
    if (!existsSync(p)) throw badInput('no-model', `${echo(modelDir)} has no anomaly.json.`, 'Train again with `tinyml train --learn anomaly`.');
    let j: unknown;
    try {
      j = JSON.parse(readFileSync(p, 'utf8'));
    } catch {
      throw badInput('bad-model-file', `${echo(p)} is not valid JSON.`, 'Train again.');
    }
    const m = anomalyFromJson(j);
    const scores = new Float32Array(fs.rows);
    for (let i = 0; i < fs.rows; i++) scores[i] = anomalyScore(m, fs.data.subarray(i * fs.dim, (i + 1) * fs.dim));
    const flags = Float32Array.from(scores, (s) => (s > m.threshold ? 1 : 0));
    const both = new Float32Array(fs.rows * 2);
    for (let i = 0; i < fs.rows; i++) {
      both[2 * i] = scores[i];
      both[2 * i + 1] = flags[i];
    }
    writeWindowCsv(out, rows, ['score', 'anomaly'], both, 2);
    const flagged = flags.reduce((a, b) => a + b, 0);
    console.log(`${fs.rows} windows, ${flagged} above the anomaly threshold ${m.threshold.toFixed(3)} → ${outName}`);
    return EXIT.ok;
  }

  const mj = join(modelDir, 'model.json');
  const wb = join(modelDir, 'weights.bin');
  if (!existsSync(mj) || !existsSync(wb)) throw badInput('no-model', `${echo(modelDir)} has no model.json + weights.bin.`, 'Pass the --out folder of `tinyml train`.');
  if (!(await useBackend('wasm'))) await useBackend('cpu');
  let model;
  try {
    model = await loadModel(readFileSync(mj, 'utf8'), new Uint8Array(readFileSync(wb)));
  } catch (e) {
    if (e instanceof StudioError) throw e;
    throw badInput('bad-model-file', `The model in ${echo(modelDir)} cannot be loaded (${echo(e instanceof Error ? e.message : String(e))}).`, RETRAIN);
  }
  let probs: Float32Array;
  try {
    checkModelFitsImpulse(model, impulse, fs, modelDir);
    probs = classifyFeatures(model, fs, impulse.learn.block, impulse.normalization);
  } finally {
    model.dispose();
  }
  const k = labels.length;
  const rep = labelReport(rows, labels);
  let correct = 0;
  const pred = rows.map((r, i) => {
    const best = argmaxRow(probs, i, k);
    if (labels[best] === r.label) correct++;
    return best;
  });
  writeWindowCsv(
    out,
    rows,
    labels.map((l) => `p_${l}`),
    probs,
    k,
    (i) => [labels[pred[i]], String(probs[i * k + pred[i]])],
    ['predicted', 'confidence'],
  );
  console.log(`${fs.rows} windows classified → ${outName}${rep.known ? `; accuracy on the ${rep.known} window(s) with a label the model knows: ${((correct / rep.known) * 100).toFixed(1)}%` : ''}`);
  if (rep.unknown.size) {
    const list = [...rep.unknown].slice(0, 10).map(([l, n]) => `${echo(l)} (${n})`).join(', ');
    console.error(`warning: ${[...rep.unknown.values()].reduce((a, b) => a + b, 0)} window(s) have labels the model was not trained on: ${list}${rep.unknown.size > 10 ? ', …' : ''}; they are not counted in the accuracy. The model knows ${labels.map((l) => echo(l)).join(', ')}.`);
  }
  if (rep.unlabelled) console.error(`note: ${rep.unlabelled} window(s) have no label; they are classified but not scored.`);
  if (!rep.known && fs.rows) console.error('note: no window has a label the model knows, so no accuracy is given.');
  return EXIT.ok;
}
