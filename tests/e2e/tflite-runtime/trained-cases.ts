/**
 * Trains the learning blocks with the headless `tinyml train` command in-process and reads back what it
 * wrote (metrics.json, impulse.json, model.tflite, test_inputs.csv, test_outputs.csv), for the int8
 * checks of issue 7 (tests/e2e/tflite-trained.spec.ts, src/cli/commands/train.int8.test.ts).
 * Datasets: ../shared/datasets/* when present, and a self-made one from the simulated board so a
 * bare clone still checks everything. Node-only.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../../src/cli/commands/train.ts';
import type { QuantParams } from '../../../src/core/impulse.ts';
import { writeDatasetFolder } from '../../../src/data/io/dataset-folder.ts';
import { makeDemoDataset } from '../../../src/device/sim/demo-dataset.ts';
import { Int8Interpreter } from '../../../src/ml/tflite/interpreter.ts';
import { parseWindowCsv, toInt8 } from '../../../src/ml/verify/window-csv.ts';
import { sharedPath } from '../../helpers/shared.ts';

export interface BlockSpec {
  /** e.g. 'dense', 'conv1d' */
  block: string;
  /** Extra CLI options (impulse), e.g. ['--dsp', 'raw', '--learn', 'conv1d']. */
  args: string[];
}

/** The learning blocks offered for classification, with the impulse each is checked with. */
export const CLASSIFIER_BLOCKS: BlockSpec[] = [
  { block: 'dense', args: [] }, // default impulse: flatten features → dense
  { block: 'conv1d', args: ['--dsp', 'raw', '--learn', 'conv1d'] },
];

export interface DatasetSpec {
  name: string;
  dir: string;
  /** Epochs per block (undefined = the impulse default, 30); conv1d on long windows is cut for time. */
  epochs?: Partial<Record<string, number>>;
}

/**
 * Epochs for conv1d on xiao_ei_motion: 15 instead of 30 keeps the test quick (≈ 15–20 s of training on
 * 2 cores) and the float model meaningful (≈ 92 % per window; 30 epochs ≈ 91 %).
 */
export const SHARED_DATASETS: { name: string; epochs?: Partial<Record<string, number>> }[] = [
  { name: 'xiao_ei_motion', epochs: { conv1d: 15 } },
  { name: 'arduino_punch_flex' },
];

/** Shared datasets that exist on this machine. */
export function sharedDatasets(): DatasetSpec[] {
  const out: DatasetSpec[] = [];
  for (const d of SHARED_DATASETS) {
    const dir = sharedPath(`datasets/${d.name}`);
    if (dir) out.push({ name: d.name, dir, epochs: d.epochs });
  }
  return out;
}

/**
 * Writes the self-made dataset: the simulated board (6 axes, m/s² and deg/s) acting out idle, wave,
 * circle and shake, 12 recordings of 4 s per label at 62.5 Hz, a quarter of them in the test split.
 */
export function writeDemoDataset(dir: string): DatasetSpec {
  const recs = makeDemoDataset({ seed: 7, perLabel: 12, durationMs: 4000, testFraction: 0.25, startTime: 1_700_000_000_000 });
  mkdirSync(dir, { recursive: true });
  for (const f of writeDatasetFolder(recs, { name: 'demo' })) writeFileSync(join(dir, f.name), f.data);
  return { name: 'demo', dir, epochs: { conv1d: 20 } };
}

export interface TrainedCase {
  name: string;
  dataset: string;
  block: string;
  labels: string[];
  floatAcc: number;
  int8Acc: number;
  /** int8 model bytes (model.tflite). */
  tflite: Uint8Array;
  input: QuantParams;
  output: QuantParams;
  /** Test windows: true class, int8 input tensor, int8 output of our TFLM-rounding interpreter. */
  truth: number[];
  inputs: Int8Array[];
  outputs: Int8Array[];
  inputShape: number[];
  outDir: string;
}

/** Runs `tinyml train` for one dataset and block into `outRoot/<dataset>_<block>` and reads the results. */
export async function trainCase(ds: DatasetSpec, spec: BlockSpec, outRoot: string): Promise<TrainedCase> {
  const name = `${ds.name}_${spec.block}`;
  const out = join(outRoot, name);
  const epochs = ds.epochs?.[spec.block];
  const args = ['--data', ds.dir, '--out', out, '--quiet', ...spec.args, ...(epochs ? ['--epochs', String(epochs)] : [])];
  const log = console.log;
  console.log = () => {};
  let code: number;
  try {
    code = await run(args);
  } finally {
    console.log = log;
  }
  if (code !== 0) throw new Error(`tinyml train ${args.join(' ')} exited with ${code}`);
  const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as { labels: string[]; float: { accuracy: number }; int8: { accuracy: number } };
  const impulse = JSON.parse(readFileSync(join(out, 'impulse.json'), 'utf8')) as { quantization: { input: QuantParams; output: QuantParams } };
  const ins = parseWindowCsv(readFileSync(join(out, 'test_inputs.csv'), 'utf8'), 'i');
  const outs = parseWindowCsv(readFileSync(join(out, 'test_outputs.csv'), 'utf8'), 'o');
  const { input, output } = impulse.quantization;
  const labels = metrics.labels;
  const tflite = new Uint8Array(readFileSync(join(out, 'model.tflite')));
  return {
    name,
    dataset: ds.name,
    block: spec.block,
    labels,
    floatAcc: metrics.float.accuracy,
    int8Acc: metrics.int8.accuracy,
    tflite,
    input,
    output,
    truth: ins.rows.map((r) => labels.indexOf(r.label)),
    inputs: toInt8(ins.rows, input),
    outputs: toInt8(outs.rows, output),
    inputShape: Int8Interpreter.load(tflite).input.shape,
    outDir: out,
  };
}
