/**
 * The Deploy step's worker: turns a stored model (TF.js artefacts + impulse) into the deployment
 * files — int8 and float32 TFLite, `model.h`, the Arduino library zip — with on-device estimates,
 * and measures int8 against float accuracy on the project's test windows with the TypeScript
 * Int8Interpreter (TFLite Micro's integer arithmetic). The exported models take standardised
 * features (impulse.normalization; every consumer standardises before quantizing). Sample values are read here from IndexedDB
 * and never travel through the page. Saves the .tflite files into the ModelRecord. An anomaly (K-means)
 * model is no TFLite model: it gives `anomaly.h` (plain C) and a note instead. Exposes
 * `ExportWorkerApi` through comlink (worker-kit.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { StudioError, throwIfAborted } from '../core/errors.ts';
import type { ImpulseConfig, InputNormalization, QuantParams } from '../core/impulse.ts';
import type { Progress } from '../core/progress.ts';
import type { ModelRecord } from '../data/store/schema.ts';
import type { RawRecording } from '../data/sample.ts';
import { computeFeaturesAsync, type FeatureSet } from '../dsp/features.ts';
import { toFeatureRecordings } from '../ml/train/pipeline.ts';
import { loadModel } from '../ml/train/model-io.ts';
import { exportInt8, runTflite } from '../ml/train/int8-export.ts';
import { toFloatModel } from '../ml/models/to-float-model.ts';
import { checkNormalization, computeInputNormalization } from '../ml/models/input-normalization.ts';
import { metricsFromProbs, type ClassificationMetrics } from '../ml/metrics/classification.ts';
import { makeCHeader } from '../ml/export/c-header.ts';
import { makeArduinoLibraryZip } from '../ml/export/arduino-library.ts';
import { anomalyDeployment } from '../ml/export/anomaly-header.ts';
import { estimateDeployment, planArena, type DeploymentEstimate } from '../ml/export/estimate.ts';
import { readTflite } from '../ml/tflite/reader.ts';
import type { StoredMetrics } from './ml-api.ts';
import { exposeWorkerApi, workerStore } from './worker-kit.ts';

export type ExportProgressFn = (p: Progress) => void;

export interface ExportRequest {
  jobId: string;
  projectId: string;
  modelId: string;
  /** Quantize again from the TF.js weights even when .tflite files are stored (default true when weights exist). */
  requantize?: boolean;
}

export interface Evaluation {
  /** 'test': the project's test samples; 'training': no test samples, so the training windows. */
  split: 'test' | 'training';
  windows: number;
  float: ClassificationMetrics;
  int8: ClassificationMetrics;
  /** Fraction of windows where int8 and float pick the same class. */
  agreement: number;
}

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
  quantization: { input: QuantParams; output: QuantParams };
  estimate: { int8: DeploymentEstimate; float: DeploymentEstimate };
  /** Tensor arena to reserve on the board (plan + headroom, as in model.h). */
  arenaSize: number;
  evaluation: Evaluation | null;
  /** 'requantized' from TF.js weights or 'stored' .tflite files reused. */
  source: 'requantized' | 'stored';
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

export interface ExportWorkerApi {
  exportModel(req: ExportRequest, onProgress?: ExportProgressFn): Promise<ExportResult | AnomalyExportResult>;
  cancel(jobId: string): void;
}

const jobs = new Map<string, AbortController>();

/** Arena to reserve: the plan with 25 % + 1 KiB headroom, whole KiB (the same rule as model.h). */
export function arenaWithHeadroom(tflite: Uint8Array): number {
  const arena = planArena(readTflite(tflite)).totalBytes;
  return Math.ceil((arena * 1.25 + 1024) / 1024) * 1024;
}

async function loadRecordings(projectId: string, imp: ImpulseConfig, signal: AbortSignal): Promise<{ train: RawRecording[]; test: RawRecording[]; skipped: number }> {
  const s = await workerStore();
  const metas = (await s.listSamples(projectId)).filter((m) => m.complete && m.length > 0);
  const train: RawRecording[] = [];
  const test: RawRecording[] = [];
  let skipped = 0;
  const fs = imp.windowing.frequencyHz;
  for (const m of metas) {
    throwIfAborted(signal, 'model');
    const hz = 1000 / m.intervalMs;
    const axesOk = imp.windowing.axes.every((a) => m.axes.some((x) => x.name === a));
    if (!(m.intervalMs > 0) || Math.abs(hz - fs) > 0.01 * fs || !axesOk || (imp.labels.length && !imp.labels.includes(m.label))) {
      skipped++;
      continue;
    }
    const sample = await s.getSample(m.id);
    if (!sample) continue;
    const rec: RawRecording = { name: m.sourceName ?? `${m.label}.${m.id.slice(0, 6)}`, label: m.label, category: m.category, axes: m.axes, intervalMs: m.intervalMs, values: sample.values };
    (m.category === 'testing' ? test : train).push(rec);
  }
  return { train, test, skipped };
}

function evaluate(fs: FeatureSet, labels: string[], int8: Uint8Array, float: Uint8Array, size: number, split: Evaluation['split'], norm?: InputNormalization): Evaluation {
  const truth = fs.windows.map((w) => labels.indexOf(w.label));
  const q = runTflite(int8, fs.data, size, norm);
  const f = runTflite(float, fs.data, size, norm);
  const k = labels.length;
  let same = 0;
  for (let i = 0; i < fs.rows; i++) {
    let bq = 0;
    let bf = 0;
    for (let j = 1; j < k; j++) {
      if (q[i * k + j] > q[i * k + bq]) bq = j;
      if (f[i * k + j] > f[i * k + bf]) bf = j;
    }
    if (bq === bf) same++;
  }
  return { split, windows: fs.rows, float: metricsFromProbs(labels, truth, f), int8: metricsFromProbs(labels, truth, q), agreement: fs.rows ? same / fs.rows : 1 };
}

async function exportModel(req: ExportRequest, onProgress?: ExportProgressFn): Promise<ExportResult | AnomalyExportResult> {
  const t0 = performance.now();
  jobs.get(req.jobId)?.abort();
  const ac = new AbortController();
  jobs.set(req.jobId, ac);
  const signal = ac.signal;
  const stage = (s: string, fraction?: number, detail?: string) => {
    try {
      onProgress?.({ stage: s, fraction, detail });
    } catch {
      /* the page went away */
    }
  };
  const warnings: string[] = [];
  try {
    const s = await workerStore();
    const rec = await s.getModel(req.modelId);
    if (!rec) throw new StudioError({ family: 'model', code: 'model-not-found', message: 'The selected model no longer exists.', remedy: 'Train a model on the Train step, then come back to Deploy.' });
    if (rec.impulse.learn.block === 'anomaly') {
      stage('writing anomaly.h', 0.5);
      const stored = (rec.metrics as StoredMetrics | undefined)?.anomaly?.model;
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
    const imp: ImpulseConfig = structuredClone(rec.impulse);
    const labels = imp.labels;
    if (labels.length < 2) throw new StudioError({ family: 'model', code: 'export-labels', message: 'The model knows fewer than two labels.', remedy: 'Train on at least two labels.' });

    stage('reading samples', 0);
    const { train, test } = await loadRecordings(req.projectId, imp, signal);
    stage('features', 0.1);
    const trainFs = train.length ? await computeFeaturesAsync(toFeatureRecordings(train), imp, { signal }) : null;
    const testFs = test.length ? await computeFeaturesAsync(toFeatureRecordings(test), imp, { signal }) : null;
    throwIfAborted(signal, 'model');

    let int8: Uint8Array;
    let float: Uint8Array;
    let quant: { input: QuantParams; output: QuantParams };
    let source: ExportResult['source'];
    const t = rec.artifacts.tfjs;
    if (t && req.requantize !== false) {
      if (!trainFs || trainFs.rows === 0) {
        throw new StudioError({ family: 'model', code: 'quantize-no-data', message: 'Quantization needs training windows to calibrate on, but the project has none that fit the impulse.', remedy: 'Add training samples at the impulse sample rate and axes.' });
      }
      stage('loading model', 0.2);
      await tf.setBackend('cpu');
      const json = JSON.stringify({ format: 'layers-model', modelTopology: t.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: t.weightSpecs }] });
      const model = await loadModel(json, new Uint8Array(t.weightData));
      try {
        const fm = toFloatModel(model, labels);
        stage('quantizing', 0.3);
        // The exported models take standardised features: the trainer's statistics (stored with the
        // model), or for models trained before they were stored, statistics of the training windows
        // (any statistics give an exact un-fold of the first layer).
        const size = fm.inputShape.reduce((a, b) => a * b, 1);
        let normalization = imp.normalization;
        if (normalization) checkNormalization(normalization, size);
        else if (trainFs.dim === size) normalization = computeInputNormalization(trainFs.data, fm.inputShape);
        const ex = exportInt8(fm, trainFs.data, { signal, normalization, onProgress: (p) => stage(`quantizing: ${p.stage}`, 0.3 + 0.3 * (p.fraction ?? 0)) });
        int8 = ex.int8Tflite;
        float = ex.floatTflite;
        quant = { input: ex.input, output: ex.output };
        if (ex.normalization) imp.normalization = ex.normalization;
        else delete imp.normalization;
      } finally {
        model.dispose();
      }
      source = 'requantized';
    } else if (rec.artifacts.int8Tflite && rec.artifacts.floatTflite && imp.quantization) {
      int8 = rec.artifacts.int8Tflite;
      float = rec.artifacts.floatTflite;
      quant = imp.quantization;
      source = 'stored';
    } else {
      throw new StudioError({ family: 'model', code: 'no-artifacts', message: `Model "${rec.name}" has neither TF.js weights nor int8 TFLite files stored.`, remedy: 'Train the model again on the Train step.' });
    }
    imp.quantization = quant;
    throwIfAborted(signal, 'model');

    stage('evaluating int8 vs float', 0.65);
    const inShape = readTflite(int8).subgraphs[0];
    const size = inShape.tensors[inShape.inputs[0]].shape.reduce((a, b) => a * Math.max(1, b), 1);
    let evaluation: Evaluation | null = null;
    const evalFs = testFs && testFs.rows > 0 ? testFs : trainFs;
    if (evalFs && evalFs.rows > 0) {
      if (evalFs.dim !== size) {
        throw new StudioError({ family: 'model', code: 'export-feature-mismatch', message: `The impulse's DSP gives ${evalFs.dim} features but the model takes ${size}.`, remedy: 'Retrain the model after changing DSP settings.' });
      }
      evaluation = evaluate(evalFs, labels, int8, float, size, evalFs === testFs ? 'test' : 'training', imp.normalization);
      if (evaluation.split === 'training') warnings.push('The project has no test samples, so int8 and float are compared on the training windows.');
    } else {
      warnings.push('No windows to compare int8 and float on.');
    }
    throwIfAborted(signal, 'model');

    stage('writing files', 0.85);
    const header = makeCHeader({ tflite: int8, impulse: imp, input: quant.input, output: quant.output });
    let arduinoZip: Uint8Array | null = null;
    try {
      arduinoZip = makeArduinoLibraryZip({ tflite: int8, impulse: imp, input: quant.input, output: quant.output });
    } catch (e) {
      warnings.push(`Arduino library not available: ${e instanceof StudioError ? e.describe() : String(e)}`);
    }
    const w = imp.windowing;
    const dspInputValues = Math.round((w.windowMs * w.frequencyHz) / 1000) * w.axes.length;
    const estimate = { int8: estimateDeployment(int8, { dspInputValues }), float: estimateDeployment(float, { dspInputValues }) };
    const arenaSize = arenaWithHeadroom(int8);

    stage('saving', 0.95);
    const updated: ModelRecord = { ...rec, impulse: imp, artifacts: { ...rec.artifacts, int8Tflite: int8, floatTflite: float } };
    await s.saveModel(updated);
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
      quantization: quant,
      estimate,
      arenaSize,
      evaluation,
      source,
      warnings,
      ms: performance.now() - t0,
    };
  } finally {
    if (jobs.get(req.jobId) === ac) jobs.delete(req.jobId);
  }
}

const api: ExportWorkerApi = {
  exportModel,
  cancel(jobId: string) {
    jobs.get(jobId)?.abort();
  },
};

exposeWorkerApi(api);
