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
import { parseArgs } from 'node:util';
import type { ImpulseConfig } from '../../core/impulse.ts';
import { computeFeaturesAsync } from '../../dsp/features.ts';
import { argmaxRow } from '../../ml/metrics/argmax.ts';
import { anomalyFromJson, anomalyScore } from '../../ml/models/anomaly.ts';
import { useBackend } from '../../ml/train/backend.ts';
import { loadModel } from '../../ml/train/model-io.ts';
import { classifyFeatures, toFeatureRecordings } from '../../ml/train/pipeline.ts';
import { EXIT } from '../exit-codes.ts';
import { badInput, loadDataset, readConfig } from '../impulse-args.ts';
import { writeWindowCsv } from './csv-out.ts';

const HELP = `usage: tinyml predict --model OUT --data DIR --out predictions.csv

  --model OUT   folder written by \`tinyml train\` (impulse.json + model.json/weights.bin or anomaly.json)
  --data DIR    dataset folder to classify
  --out FILE    CSV: recording,start,label,predicted,confidence,p_<label>...`;

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { model: { type: 'string' }, data: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    console.log(HELP);
    return EXIT.ok;
  }
  if (!values.model || !values.data || !values.out) {
    console.error(`tinyml predict: --model, --data and --out are required\n\n${HELP}`);
    return EXIT.usage;
  }
  const impPath = join(values.model, 'impulse.json');
  if (!existsSync(impPath)) throw badInput('no-model', `"${values.model}" has no impulse.json.`, 'Pass the --out folder of `tinyml train`.');
  const cfg = readConfig(impPath);
  if (!cfg.windowing || !cfg.dsp || !cfg.learn || !cfg.labels) throw badInput('bad-config', `"${impPath}" is incomplete (windowing, dsp, learn and labels are needed).`, 'Train again with `tinyml train`.');
  const impulse = cfg as ImpulseConfig;
  const ds = await loadDataset(values.data);
  const fs = await computeFeaturesAsync(toFeatureRecordings(ds.recordings), impulse);
  const rows = fs.windows.map((w) => ({ recording: ds.recordings[w.recording].name, start: w.start, label: w.label }));
  const labels = impulse.labels;

  if (impulse.learn.block === 'anomaly') {
    const p = join(values.model, 'anomaly.json');
    if (!existsSync(p)) throw badInput('no-model', `"${values.model}" has no anomaly.json.`, 'Train again with `tinyml train --learn anomaly`.');
    let j: unknown;
    try {
      j = JSON.parse(readFileSync(p, 'utf8'));
    } catch {
      throw badInput('bad-model-file', `"${p}" is not valid JSON.`, 'Train again.');
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
    writeWindowCsv(values.out, rows, ['score', 'anomaly'], both, 2);
    const flagged = flags.reduce((a, b) => a + b, 0);
    console.log(`${fs.rows} windows, ${flagged} above the anomaly threshold ${m.threshold.toFixed(3)} → ${values.out}`);
    return EXIT.ok;
  }

  const mj = join(values.model, 'model.json');
  const wb = join(values.model, 'weights.bin');
  if (!existsSync(mj) || !existsSync(wb)) throw badInput('no-model', `"${values.model}" has no model.json + weights.bin.`, 'Pass the --out folder of `tinyml train`.');
  if (!(await useBackend('wasm'))) await useBackend('cpu');
  const model = await loadModel(readFileSync(mj, 'utf8'), new Uint8Array(readFileSync(wb)));
  const probs = classifyFeatures(model, fs, impulse.learn.block, impulse.normalization);
  model.dispose();
  const k = labels.length;
  let known = 0;
  let correct = 0;
  const pred = rows.map((r, i) => {
    const best = argmaxRow(probs, i, k);
    if (labels.includes(r.label)) {
      known++;
      if (labels[best] === r.label) correct++;
    }
    return best;
  });
  writeWindowCsv(
    values.out,
    rows,
    labels.map((l) => `p_${l}`),
    probs,
    k,
    (i) => [labels[pred[i]], String(probs[i * k + pred[i]])],
    ['predicted', 'confidence'],
  );
  console.log(`${fs.rows} windows classified → ${values.out}${known ? `; accuracy on labelled windows ${((correct / known) * 100).toFixed(1)}%` : ''}`);
  return EXIT.ok;
}
