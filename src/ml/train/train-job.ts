/**
 * The one train job: recordings + impulse → everything a model version is made of. Features → train
 * (on standardised features) → int8 + float TFLite (calibrated on the standardised training windows,
 * an equal share per class, with the range estimator that keeps int8 closest to float, int8-export.ts)
 * → evaluate (float per window and per sample, int8 per window, int8 vs float as Deploy shows it) →
 * package (TF.js float model serialised, sizes). This module alone orders quantize → evaluate →
 * package and alone decides what happens when int8 fails (the version keeps its float model, the
 * metrics say why in `int8_error`, there are no .tflite files). The CLI (`tinyml train`) writes the
 * result to files, the ml worker stores it as a ModelRecord; the Deploy export only packages it.
 * DOM-free core module (runs in a worker and in Node).
 */
import type * as tf from '@tensorflow/tfjs';
import type { ImpulseConfig } from '../../core/impulse.ts';
import type { RawRecording } from '../../data/sample.ts';
import { argmaxRow } from '../metrics/argmax.ts';
import { metricsFromProbs, type ClassificationMetrics, type ClassMetrics } from '../metrics/classification.ts';
import { anomalyToJson, type AnomalyModel } from '../models/anomaly.ts';
import { toFloatModel } from '../models/to-float-model.ts';
import { exportTflite, runTflite } from './int8-export.ts';
import { saveModel, type SavedModel } from './model-io.ts';
import { runPipeline, type PipelineOptions, type PipelineRecording, type PipelineResult } from './pipeline.ts';

/** Accuracy, confusion and per-class figures as stored and written (metrics.json). */
export interface PublicMetrics {
  accuracy: number;
  confusion: number[][];
  per_class: Record<string, ClassMetrics>;
}

export interface EpochPoint {
  epoch: number;
  loss: number;
  acc: number;
  valLoss?: number;
  valAcc?: number;
  elapsedMs: number;
}

export interface ProbeResult {
  backend: string;
  msPerStep?: number;
  error?: string;
}

/** int8 against float32 TFLite on the same windows, as the Deploy step shows it. */
export interface Int8Comparison {
  /** 'test': the test windows; 'training': there were none, so the training windows. */
  split: 'test' | 'training';
  windows: number;
  float: ClassificationMetrics;
  int8: ClassificationMetrics;
  /** Fraction of windows where int8 and float pick the same class. */
  agreement: number;
}

/** The one metrics shape: stored in ModelRecord.metrics by the app, written as metrics.json by the CLI. */
export interface TrainMetrics {
  labels: string[];
  /** Float (TF.js) model per test window. */
  float?: PublicMetrics;
  /** Float model per test sample (mean of its windows' probabilities). */
  float_per_sample?: PublicMetrics;
  /** int8 model (TFLite Micro arithmetic) per test window. */
  int8?: PublicMetrics;
  /** Why no int8 model was made, when it was not. */
  int8_error?: string;
  /** int8 vs float TFLite (test windows, else training windows). */
  comparison?: Int8Comparison;
  anomaly?: { threshold: number; clusters: number; model: Record<string, unknown>; test: Record<string, { windows: number; flagged: number }> };
  training: {
    backend: string;
    probes: ProbeResult[];
    train_ms: number;
    epochs_run: number;
    best_epoch: number;
    stopped_early: boolean;
    windows: { training: number; test: number };
    /** How the test split was made (CLI: 'dataset.json' or 'stratified'; app: the sample categories). */
    split?: string;
    history: EpochPoint[];
  };
  sizes: { tfjs_bytes: number; int8_bytes?: number; float_tflite_bytes?: number; parameters: number };
}

export interface TrainJobOptions<R extends PipelineRecording = RawRecording> extends PipelineOptions<R> {
  /** Backend probes measured before training (stored in the metrics). */
  probes?: ProbeResult[];
  /** Recorded in `metrics.training.split`. */
  split?: string;
}

export interface TrainedImpulse {
  kind: 'classifier' | 'anomaly';
  /** Labels, normalization (classifiers) and quantization (when int8 succeeded) filled in. */
  impulse: ImpulseConfig;
  metrics: TrainMetrics;
  history: EpochPoint[];
  /** The float TF.js model (takes standardised features), serialised: model.json text + weights. */
  floatModel?: SavedModel;
  /** int8 TFLite: the bytes the board runs. */
  int8Tflite?: Uint8Array;
  floatTflite?: Uint8Array;
  anomaly?: AnomalyModel;
  /** The trained TF.js model, in memory (the caller keeps or disposes it). */
  model?: tf.LayersModel;
  /** Features and per-window results of this run (the CLI writes its test tensors from them). */
  run: PipelineResult;
}

export function publicMetrics(m: ClassificationMetrics): PublicMetrics {
  return { accuracy: m.accuracy, confusion: m.confusion, per_class: m.per_class };
}

/** int8 against float TFLite over raw feature rows (standardised with the impulse's normalization). */
export function compareInt8(impulse: ImpulseConfig, int8: Uint8Array, float: Uint8Array, x: Float32Array, windowLabels: string[], split: Int8Comparison['split']): Int8Comparison {
  const labels = impulse.labels;
  const n = windowLabels.length;
  const size = n ? x.length / n : 0;
  const truth = windowLabels.map((l) => labels.indexOf(l));
  const q = runTflite(int8, x, size, impulse.normalization);
  const f = runTflite(float, x, size, impulse.normalization);
  const k = labels.length;
  let same = 0;
  for (let i = 0; i < n; i++) if (argmaxRow(q, i, k) === argmaxRow(f, i, k)) same++;
  return { split, windows: n, float: metricsFromProbs(labels, truth, f), int8: metricsFromProbs(labels, truth, q), agreement: n ? same / n : 1 };
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Trains the impulse on the recordings (category 'testing' = test split) and packages the model version. */
export async function trainImpulse<R extends PipelineRecording = RawRecording>(recordings: R[], impulse: ImpulseConfig, opts: TrainJobOptions<R> = {}): Promise<TrainedImpulse> {
  const res = await runPipeline(recordings, impulse, opts);
  const imp = res.impulse;
  const labels = imp.labels;
  const windows = { training: res.train.rows, test: res.test.rows };
  const split = opts.split !== undefined ? { split: opts.split } : {};

  if (res.anomaly) {
    const a = res.anomaly;
    const scores = res.anomalyScores ?? new Float32Array(0);
    const test: Record<string, { windows: number; flagged: number }> = {};
    res.test.windows.forEach((w, i) => {
      const e = (test[w.label] ??= { windows: 0, flagged: 0 });
      e.windows++;
      if (scores[i] > a.threshold) e.flagged++;
    });
    const metrics: TrainMetrics = {
      labels,
      anomaly: { threshold: a.threshold, clusters: a.clusters, model: anomalyToJson(a), test },
      training: { backend: 'js', probes: [], train_ms: 0, epochs_run: 0, best_epoch: 0, stopped_early: false, windows, ...split, history: [] },
      sizes: { tfjs_bytes: 0, parameters: a.centroids.length + 2 * a.mean.length },
    };
    return { kind: 'anomaly', impulse: imp, metrics, history: [], anomaly: a, run: res };
  }

  const cls = res.classifier!;
  const history: EpochPoint[] = cls.history.map((h) => ({ epoch: h.epoch, loss: h.loss, acc: h.acc, valLoss: h.valLoss, valAcc: h.valAcc, elapsedMs: h.elapsedMs }));
  const metrics: TrainMetrics = {
    labels,
    training: {
      backend: cls.backend,
      probes: opts.probes ?? [],
      train_ms: Math.round(cls.trainMs),
      epochs_run: cls.history.length,
      best_epoch: cls.bestEpoch,
      stopped_early: cls.stoppedEarly,
      windows,
      ...split,
      history,
    },
    sizes: { tfjs_bytes: 0, parameters: cls.model.countParams() },
  };
  if (res.evaluation) {
    metrics.float = publicMetrics(res.evaluation.window);
    metrics.float_per_sample = publicMetrics(res.evaluation.sample);
  }

  // quantize → evaluate: the one place; a failed int8 export leaves a float-only version that says why.
  opts.onProgress?.({ stage: 'int8 export' });
  let int8Tflite: Uint8Array | undefined;
  let floatTflite: Uint8Array | undefined;
  try {
    const classes = res.train.windows.map((w) => labels.indexOf(w.label));
    const ex = exportTflite(toFloatModel(cls.model, labels), res.train.data, imp.normalization, { signal: opts.signal, classes });
    int8Tflite = ex.int8Tflite;
    floatTflite = ex.floatTflite;
    imp.quantization = { input: ex.input, output: ex.output };
  } catch (e) {
    if (opts.signal?.aborted) {
      cls.model.dispose();
      throw e;
    }
    metrics.int8_error = errorText(e);
    delete imp.quantization;
  }
  if (int8Tflite && floatTflite) {
    opts.onProgress?.({ stage: 'evaluating int8' });
    const onTest = res.test.rows > 0;
    const fs = onTest ? res.test : res.train;
    metrics.comparison = compareInt8(imp, int8Tflite, floatTflite, fs.data, fs.windows.map((w) => w.label), onTest ? 'test' : 'training');
    if (onTest) metrics.int8 = publicMetrics(metrics.comparison.int8);
  }

  // package
  const floatModel = await saveModel(cls.model);
  metrics.sizes = { tfjs_bytes: floatModel.weights.byteLength + floatModel.modelJson.length, int8_bytes: int8Tflite?.byteLength, float_tflite_bytes: floatTflite?.byteLength, parameters: cls.model.countParams() };
  return { kind: 'classifier', impulse: imp, metrics, history, floatModel, int8Tflite, floatTflite, model: cls.model, run: res };
}
