/**
 * Training benchmark (Node): the default dense model on xiao_ei_motion (or a synthetic stand-in when
 * ../shared is absent) per available backend, the 1-D conv model (100×3, conv 8 k5, pool, conv 16,
 * dense 4) on 2,000 windows × 30 epochs on WASM (the im2col conv makes WASM training possible), and the
 * backend the probe picks. Run: npx tsx bench/train.bench.ts
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { readDatasetFolder } from '../src/data/io/dataset-folder.ts';
import { defaultImpulse } from '../src/ml/defaults.ts';
import { chooseBackend, useBackend } from '../src/ml/train/backend.ts';
import { runPipeline } from '../src/ml/train/pipeline.ts';
import { trainClassifier } from '../src/ml/train/trainer.ts';
import { blobs, sineWindows } from '../src/ml/train/test-support/synthetic.ts';
import { sharedPath } from '../tests/helpers/shared.ts';
import { DEFAULT_CONV1D_LEARN, DEFAULT_TRAINING } from '../src/ml/defaults.ts';

const lines: string[] = [];
function bench(name: string, value: number, unit: string): void {
  const l = `BENCH train.${name} ${Number(value.toPrecision(4))} ${unit}`;
  console.log(l);
  lines.push(l);
}

async function denseXiao(backend: string): Promise<void> {
  if (!(await useBackend(backend))) return;
  const dir = sharedPath('datasets/xiao_ei_motion');
  if (dir) {
    const files = readdirSync(dir).map((n) => ({ name: n, size: statSync(join(dir, n)).size, text: async () => readFileSync(join(dir, n), 'utf8') }));
    const ds = await readDatasetFolder(files);
    const imp = defaultImpulse({ frequencyHz: ds.info.sampleRateHz!, axes: ds.info.axes, labels: ds.info.labels });
    const t0 = performance.now();
    const res = await runPipeline(ds.recordings, imp);
    const total = (performance.now() - t0) / 1000;
    const c = res.classifier!;
    bench(`dense_xiao_node_${backend}_s`, c.trainMs / 1000, 's');
    bench(`dense_xiao_node_${backend}_epochs_per_s`, c.history.length / (c.trainMs / 1000), 'epochs/s');
    bench(`dense_xiao_node_${backend}_with_dsp_s`, total, 's');
    bench(`dense_xiao_node_${backend}_accuracy`, res.evaluation!.window.accuracy * 100, '%');
    c.model.dispose();
  } else {
    const d = blobs(1224, 18, 4, 1);
    const r = await trainClassifier({ x: d.x, inputShape: [18], y: d.y, labels: ['a', 'b', 'c', 'd'] }, { block: 'dense', params: { layers: [32, 16], dropout: 0.1 } }, DEFAULT_TRAINING);
    bench(`dense_synthetic_node_${backend}_s`, r.trainMs / 1000, 's');
    bench(`dense_synthetic_node_${backend}_epochs_per_s`, r.history.length / (r.trainMs / 1000), 'epochs/s');
    r.model.dispose();
  }
}

async function conv(backend: string, epochs: number): Promise<number | null> {
  if (!(await useBackend(backend))) return null;
  const d = sineWindows(2000, 100, 3, 4, 3);
  const r = await trainClassifier(
    { x: d.x, inputShape: [100, 3], y: d.y, labels: ['a', 'b', 'c', 'd'] },
    DEFAULT_CONV1D_LEARN,
    { ...DEFAULT_TRAINING, epochs, validationSplit: 0 },
  );
  r.model.dispose();
  return r.trainMs / 1000;
}

const t0 = performance.now();
await denseXiao('wasm');
await denseXiao('cpu');
const cw = await conv('wasm', 30);
if (cw !== null) {
  bench('conv1d_2000x30_node_wasm_s', cw, 's');
  bench('conv1d_node_wasm_epochs_per_s', 30 / cw, 'epochs/s');
}
const cc = await conv('cpu', 2);
if (cc !== null) bench('conv1d_2000x30_node_cpu_est_s', cc * 15, 's');
if (cw !== null && cc !== null) bench('conv1d_cpu_over_wasm', (cc * 15) / cw, 'x');
const probeT = performance.now();
const choice = await chooseBackend({ learn: DEFAULT_CONV1D_LEARN, inputShape: [100, 3], numClasses: 4, batchSize: 32 }, ['wasm', 'cpu']);
bench('probe_ms', performance.now() - probeT, 'ms');
console.log('');
console.log(`Summary (${tf.version.tfjs}, Node ${process.versions.node}): ${lines.length} figures in ${((performance.now() - t0) / 1000).toFixed(1)} s.`);
console.log(`Probe picked ${choice.backend} for conv1d: ${choice.probes.map((p) => `${p.backend} ${p.msPerStep?.toFixed(1) ?? p.error} ms/step`).join(', ')}.`);
console.log('conv1d trains on WASM through the im2col layer; tf.layers.conv1d cannot (no Conv2DBackpropFilter kernel).');
