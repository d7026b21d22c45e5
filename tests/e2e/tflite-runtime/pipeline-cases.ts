/**
 * Trains one dataset × learning block with the training pipeline in-process (the same steps as
 * `tinyml train`: features → train → `exportInt8` with the impulse's input standardisation) and
 * measures float and int8 test accuracy. For comparison also the int8 export without input
 * standardisation (the trainer's standardisation folded into the first layer, one int8 scale over the
 * raw DSP values). Node-only (reads the dataset folder).
 */
import type { ImpulseValues } from '../../../src/cli/impulse-args.ts';
import { applySplit, loadDataset, resolveImpulse } from '../../../src/cli/impulse-args.ts';
import { planArena } from '../../../src/ml/export/estimate.ts';
import { toFloatModel } from '../../../src/ml/models/to-float-model.ts';
import { readTflite } from '../../../src/ml/tflite/reader.ts';
import { useBackend } from '../../../src/ml/train/backend.ts';
import { exportInt8, runTflite } from '../../../src/ml/train/int8-export.ts';
import { runPipeline } from '../../../src/ml/train/pipeline.ts';
import { argmax } from '../../../src/ml/verify/int8-agreement.ts';
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
  /** Export without input standardisation (raw DSP values, one int8 scale). */
  rawInt8Acc: number;
  rawInt8Disagree: number;
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
  const res = await runPipeline(recordings, impulse);
  const trainMs = performance.now() - t0;
  const labels = res.impulse.labels;
  const k = labels.length;
  const cls = res.classifier!;
  try {
    const fm = toFloatModel(cls.model, labels);
    const size = fm.inputShape.reduce((a, b) => a * b, 1);
    const truth = res.test.windows.map((w) => labels.indexOf(w.label));
    const acc = (pred: number[]) => pred.filter((p, i) => p === truth[i]).length / truth.length;
    const fPred = topClasses(res.evaluation!.probs, k);
    const ex = exportInt8(fm, res.train.data, { normalization: res.impulse.normalization });
    const qPred = topClasses(runTflite(ex.int8Tflite, res.test.data, size, ex.normalization), k);
    const raw = exportInt8(fm, res.train.data);
    const rPred = topClasses(runTflite(raw.int8Tflite, res.test.data, size), k);
    return {
      name: `${ds.name}_${spec.block}`,
      windows: truth.length,
      floatAcc: acc(fPred),
      int8Acc: acc(qPred),
      int8Disagree: qPred.filter((p, i) => p !== fPred[i]).length,
      standardized: ex.normalization !== undefined,
      rawInt8Acc: acc(rPred),
      rawInt8Disagree: rPred.filter((p, i) => p !== fPred[i]).length,
      modelBytes: ex.int8Tflite.length,
      floatModelBytes: ex.floatTflite.length,
      arenaBytes: planArena(readTflite(ex.int8Tflite)).totalBytes,
      inputScale: ex.input.scale,
      trainMs,
    };
  } finally {
    cls.model.dispose();
  }
}
