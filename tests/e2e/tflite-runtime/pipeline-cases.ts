/**
 * Trains one dataset × learning block in-process with the one train job `tinyml train` and the app use
 * (src/ml/train/train-job.ts: features → train on standardised features → int8 + float TFLite → int8
 * vs float) and reads float and int8 test accuracy from what it made. Node-only (reads the dataset folder).
 */
import type { ImpulseValues } from '../../../src/cli/impulse-args.ts';
import { applySplit, loadDataset, resolveImpulse } from '../../../src/cli/impulse-args.ts';
import { planArena } from '../../../src/ml/export/estimate.ts';
import { readTflite } from '../../../src/ml/tflite/reader.ts';
import { useBackend } from '../../../src/ml/train/backend.ts';
import { runTflite } from '../../../src/ml/train/int8-export.ts';
import { trainImpulse } from '../../../src/ml/train/train-job.ts';
import { argmax } from '../../../src/ml/metrics/argmax.ts';
import type { BlockSpec, DatasetSpec } from './trained-cases.ts';

export interface AccuracyCase {
  name: string;
  windows: number;
  floatAcc: number;
  /** The export `tinyml train` ships. */
  int8Acc: number;
  /** Windows where the int8 top class differs from the float one. */
  int8Disagree: number;
  /** True when the shipped int8 input tensor holds standardised values. */
  standardized: boolean;
  modelBytes: number;
  floatModelBytes: number;
  arenaBytes: number;
  inputScale: number;
  trainMs: number;
}

function cliValues(args: string[]): ImpulseValues {
  const v: Record<string, string> = {};
  for (let i = 0; i < args.length; i += 2) v[args[i].replace(/^--/, '')] = args[i + 1];
  return v as ImpulseValues;
}

function topClasses(probs: Float32Array, k: number): number[] {
  return Array.from({ length: probs.length / k }, (_, i) => argmax(probs.subarray(i * k, (i + 1) * k)));
}

export async function accuracyCase(ds: DatasetSpec, spec: BlockSpec): Promise<AccuracyCase> {
  if (!(await useBackend('wasm'))) await useBackend('cpu');
  const data = await loadDataset(ds.dir);
  const impulse = resolveImpulse(data, cliValues(spec.args));
  const epochs = ds.epochs?.[spec.block];
  if (epochs) impulse.training.epochs = epochs;
  const { recordings } = applySplit(data.recordings, impulse.training.seed);
  const t0 = performance.now();
  const job = await trainImpulse(recordings, impulse);
  const trainMs = performance.now() - t0;
  job.model?.dispose();
  const res = job.run;
  const labels = job.impulse.labels;
  const k = labels.length;
  if (!job.int8Tflite || !job.floatTflite || !job.impulse.quantization) throw new Error(`int8 export failed: ${job.metrics.int8_error}`);
  const truth = res.test.windows.map((w) => labels.indexOf(w.label));
  const acc = (pred: number[]) => pred.filter((p, i) => p === truth[i]).length / truth.length;
  const fPred = topClasses(res.evaluation!.probs, k);
  const qPred = topClasses(runTflite(job.int8Tflite, res.test.data, res.test.dim, job.impulse.normalization), k);
  return {
    name: `${ds.name}_${spec.block}`,
    windows: truth.length,
    floatAcc: acc(fPred),
    int8Acc: acc(qPred),
    int8Disagree: qPred.filter((p, i) => p !== fPred[i]).length,
    standardized: job.impulse.normalization !== undefined,
    modelBytes: job.int8Tflite.length,
    floatModelBytes: job.floatTflite.length,
    arenaBytes: planArena(readTflite(job.int8Tflite)).totalBytes,
    inputScale: job.impulse.quantization.input.scale,
    trainMs,
  };
}
