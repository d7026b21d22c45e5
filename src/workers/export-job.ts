/**
 * Packages a stored model version for the Deploy step: the int8 and float32 TFLite bytes training
 * saved, `model.h`, the Arduino library zip and on-device estimates, with the int8 vs float comparison
 * measured at training time (src/ml/train/train-job.ts). No TF.js, no sample reads, no quantization:
 * the bytes Deploy flashes are the bytes Train saved (re-calibration would be a new training run, i.e.
 * a new version). An anomaly (K-means) model is no TFLite model: it gives `anomaly.h` (plain C) and a
 * note instead. DOM-free core module; the export worker (export-worker.ts) runs it.
 */
import { StudioError, throwIfAborted } from '../core/errors.ts';
import type { ImpulseConfig, QuantParams } from '../core/impulse.ts';
import type { Progress } from '../core/progress.ts';
import type { Int8Comparison, TrainMetrics } from '../ml/train/train-job.ts';
import { makeCHeader } from '../ml/export/c-header.ts';
import { arduinoLibraryName, makeArduinoLibraryZip } from '../ml/export/arduino-library.ts';
import type { SampleMeta } from '../data/sample.ts';
import { defaultAxisUnits } from '../ml/export/templates/sketch-ino.ts';
import { anomalyDeployment } from '../ml/export/anomaly-header.ts';
import { estimateDeployment, planArena, type DeploymentEstimate } from '../ml/export/estimate.ts';
import { readTflite } from '../ml/tflite/reader.ts';
import type { StudioStore } from '../data/store/studio-store.ts';

export type ExportProgressFn = (p: Progress) => void;

export interface ExportRequest {
  jobId: string;
  projectId: string;
  modelId: string;
}

/** int8 vs float on the test windows (or the training windows when there were none), measured by the train job. */
export type Evaluation = Int8Comparison;

export interface ExportResult {
  /** Absent on results from before anomaly exports existed; never 'anomaly' (see AnomalyExportResult). */
  kind?: 'tflite';
  modelId: string;
  modelName: string;
  labels: string[];
  impulse: ImpulseConfig;
  int8Tflite: Uint8Array;
  floatTflite: Uint8Array;
  header: string;
  /** null when the library cannot be made for this impulse (reason in `warnings`). */
  arduinoZip: Uint8Array | null;
  /** The library's name (after the project): its folder in the zip and the zip's download name. */
  arduinoLibraryName?: string;
  quantization: { input: QuantParams; output: QuantParams };
  estimate: { int8: DeploymentEstimate; float: DeploymentEstimate };
  /** Tensor arena to reserve on the board (plan + headroom, as in model.h). */
  arenaSize: number;
  /** Measured when the version was trained (null for versions trained before it was stored). */
  evaluation: Evaluation | null;
  warnings: string[];
  ms: number;
}

/** The export of an anomaly (K-means) model: plain C, no TFLite (see src/ml/export/anomaly-header.ts). */
export interface AnomalyExportResult {
  kind: 'anomaly';
  modelId: string;
  modelName: string;
  labels: string[];
  impulse: ImpulseConfig;
  /** `anomaly.h` text. */
  anomalyHeader: string;
  /** Why this is not a TFLite model and what the header holds. */
  note: string;
  clusters: number;
  /** Floats the header's score function reads. */
  inputSize: number;
  warnings: string[];
  ms: number;
}

/**
 * Units of the impulse's axes as the training samples record them (the first training sample that has
 * the axis; test samples when no training sample has it); undefined where no sample names a unit.
 */
export function axisUnitsOf(samples: readonly Pick<SampleMeta, 'category' | 'axes'>[], axes: readonly string[]): (string | undefined)[] | undefined {
  const ordered = [...samples.filter((s) => s.category === 'training'), ...samples.filter((s) => s.category !== 'training')];
  const units = axes.map((a) => {
    for (const s of ordered) {
      const u = s.axes.find((x) => x.name === a)?.units;
      if (u) return u;
    }
    return undefined;
  });
  return units.some((u) => u !== undefined) ? units : undefined;
}

/** Arena to reserve: the plan with 25 % + 1 KiB headroom, whole KiB (the same rule as model.h). */
export function arenaWithHeadroom(tflite: Uint8Array): number {
  const arena = planArena(readTflite(tflite)).totalBytes;
  return Math.ceil((arena * 1.25 + 1024) / 1024) * 1024;
}

export async function exportVersion(store: StudioStore, modelId: string, opts: { onProgress?: ExportProgressFn; signal?: AbortSignal } = {}): Promise<ExportResult | AnomalyExportResult> {
  const t0 = performance.now();
  const { onProgress, signal } = opts;
  const stage = (s: string, fraction?: number, detail?: string) => {
    try {
      onProgress?.({ stage: s, fraction, detail });
    } catch {
      /* the page went away */
    }
  };
  const warnings: string[] = [];
  const rec = await store.getModel(modelId);
  if (!rec) throw new StudioError({ family: 'model', code: 'model-not-found', message: 'The selected model no longer exists.', remedy: 'Train a model on the Train step, then come back to Deploy.' });
  if (rec.impulse.learn.block === 'anomaly') {
    stage('writing anomaly.h', 0.5);
    const stored = (rec.metrics as TrainMetrics | undefined)?.anomaly?.model;
    if (!stored) throw new StudioError({ family: 'model', code: 'no-artifacts', message: `Anomaly model "${rec.name}" has no stored centroids.`, remedy: 'Train the model again on the Train step.' });
    const d = anomalyDeployment(rec.impulse, stored);
    stage('done', 1);
    return {
      kind: 'anomaly',
      modelId: rec.id,
      modelName: rec.name,
      labels: rec.impulse.labels,
      impulse: rec.impulse,
      anomalyHeader: d.header,
      note: d.note,
      clusters: d.clusters,
      inputSize: d.inputSize,
      warnings,
      ms: performance.now() - t0,
    };
  }
  const imp: ImpulseConfig = rec.impulse;
  const labels = imp.labels;
  const metrics = rec.metrics as TrainMetrics | undefined;
  const { int8Tflite: int8, floatTflite: float } = rec.artifacts;
  const quant = imp.quantization;
  if (!int8 || !float || !quant) {
    const why = metrics?.int8_error ? ` (the int8 export failed: ${metrics.int8_error})` : '';
    throw new StudioError({ family: 'model', code: 'no-artifacts', message: `Model "${rec.name}" has no int8 TFLite model stored${why}.`, remedy: 'Train the model again on the Train step.' });
  }
  throwIfAborted(signal, 'model');
  const evaluation = metrics?.comparison ?? null;
  if (!evaluation) warnings.push('This version was trained before int8 vs float figures were stored; train again to see them.');
  else if (evaluation.split === 'training') warnings.push('The project had no test samples, so int8 and float were compared on the training windows.');

  stage('writing files', 0.85);
  const header = makeCHeader({ tflite: int8, impulse: imp, input: quant.input, output: quant.output });
  let arduinoZip: Uint8Array | null = null;
  const projectName = (await store.getProject(rec.projectId))?.name;
  const axisUnits = axisUnitsOf(await store.listSamples(rec.projectId), imp.windowing.axes)?.map((u, i) => u ?? defaultAxisUnits(imp.windowing.axes[i]));
  try {
    arduinoZip = makeArduinoLibraryZip({ tflite: int8, impulse: imp, input: quant.input, output: quant.output, projectName, axisUnits });
  } catch (e) {
    warnings.push(`Arduino library not available: ${e instanceof StudioError ? e.describe() : String(e)}`);
  }
  const w = imp.windowing;
  const dspInputValues = Math.round((w.windowMs * w.frequencyHz) / 1000) * w.axes.length;
  const estimate = { int8: estimateDeployment(int8, { dspInputValues, dsp: imp }), float: estimateDeployment(float, { dspInputValues, dsp: imp }) };
  const arenaSize = arenaWithHeadroom(int8);

  stage('done', 1);
  return {
    kind: 'tflite',
    modelId: rec.id,
    modelName: rec.name,
    labels,
    impulse: imp,
    int8Tflite: int8,
    floatTflite: float,
    header,
    arduinoZip,
    arduinoLibraryName: arduinoLibraryName(projectName ?? `Impulse_${labels.join('_')}`),
    quantization: quant,
    estimate,
    arenaSize,
    evaluation,
    warnings,
    ms: performance.now() - t0,
  };

}
