/**
 * The training pipeline over recordings: DSP features per window → train (classifier or anomaly) →
 * evaluate on the test category per window and per sample. DOM-free core module; the same code runs in
 * the one train job (train-job.ts), which the ml worker and the headless CLI call. For classifiers the
 * result's impulse carries the trainer's input standardisation (`normalization`, per input element):
 * the trained model takes standardised features.
 */
import type * as tf from '@tensorflow/tfjs';
import { StudioError, throwIfAborted } from '../../core/errors.ts';
import type { ImpulseConfig, LearnBlockId } from '../../core/impulse.ts';
import type { RawRecording } from '../../data/sample.ts';
import { computeFeaturesAsync, type FeatureRecording, type FeatureSet } from '../../dsp/features.ts';
import { metricsFromProbs, misclassified, type ClassificationMetrics, type Misclassified } from '../metrics/classification.ts';
import { aggregateBySample, sampleArrays } from '../metrics/per-sample.ts';
import { anomalyScore, trainAnomaly, type AnomalyModel } from '../models/anomaly.ts';
import type { InputNormalization } from '../models/input-normalization.ts';
import { anomalyParams } from '../models/learn-params.ts';
import { predictProbs, trainClassifier, type TrainData, type TrainOptions, type TrainResult } from './trainer.ts';

export function toFeatureRecordings(recs: RawRecording[]): FeatureRecording[] {
  return recs.map((r) => ({ id: r.name, label: r.label, values: r.values, axes: r.axes, intervalMs: r.intervalMs }));
}

/** Model input shape: the DSP output shape for conv1d / conv2d, flat features for dense / anomaly. */
export function inputShapeFor(block: LearnBlockId, fs: Pick<FeatureSet, 'shape' | 'dim'>): number[] {
  if (block === 'conv1d' || block === 'conv2d') return fs.shape.length === 2 ? fs.shape.slice() : [fs.dim, 1];
  return [fs.dim];
}

export function toTrainData(fs: FeatureSet, labels: string[], block: LearnBlockId): TrainData {
  const y = new Int32Array(fs.rows);
  fs.windows.forEach((w, i) => {
    const k = labels.indexOf(w.label);
    if (k < 0) {
      throw new StudioError({ family: 'import', code: 'unknown-label', message: `A window has label "${w.label}", which the impulse does not know.`, remedy: 'Retrain so the impulse includes every label.' });
    }
    y[i] = k;
  });
  // Each window's recording: validation and cross-validation split by recording, never by window.
  const groups = Int32Array.from(fs.windows, (w) => w.recording);
  return { x: fs.data, inputShape: inputShapeFor(block, fs), y, labels, groups };
}

export interface Evaluation {
  window: ClassificationMetrics;
  /** Per recording, mean of its windows' probabilities. */
  sample: ClassificationMetrics;
  /** Per recording, majority vote. */
  sampleVote: ClassificationMetrics;
  misclassified: (Misclassified & { recording: string; start: number })[];
  /** Window probabilities, rows × labels. */
  probs: Float32Array;
}

/** Scores window probabilities against the windows' labels. */
export function evaluateProbs(fs: FeatureSet, recordingNames: string[], labels: string[], probs: Float32Array, uncertainThreshold = 0): Evaluation {
  const k = labels.length;
  const truth = fs.windows.map((w) => labels.indexOf(w.label));
  const keys = fs.windows.map((w) => recordingNames[w.recording]);
  const mean = sampleArrays(aggregateBySample(keys, truth, probs, k, 'mean'), k);
  const vote = sampleArrays(aggregateBySample(keys, truth, probs, k, 'vote', uncertainThreshold), k);
  return {
    window: metricsFromProbs(labels, truth, probs, uncertainThreshold),
    sample: metricsFromProbs(labels, mean.truth, mean.probs, uncertainThreshold),
    sampleVote: metricsFromProbs(labels, vote.truth, vote.probs),
    misclassified: misclassified(truth, probs, k, uncertainThreshold).map((m) => ({ ...m, recording: keys[m.index], start: fs.windows[m.index].start })),
    probs,
  };
}

/**
 * Where a job gets the features of a set of recordings: computed here by default; the app passes the
 * StudioStore feature cache (features computed once per sample and impulse).
 */
export type FeatureSource<R extends PipelineRecording = RawRecording> = (recordings: R[], impulse: ImpulseConfig, opts: { signal?: AbortSignal }) => Promise<FeatureSet>;

/** What the pipeline needs to know of a recording; its features come from the feature source. */
export type PipelineRecording = Pick<RawRecording, 'name' | 'label' | 'category'>;

export const computeFeatureSource: FeatureSource = (recs, imp, opts) => computeFeaturesAsync(toFeatureRecordings(recs), imp, { signal: opts.signal });

export interface PipelineOptions<R extends PipelineRecording = RawRecording> extends TrainOptions {
  uncertainThreshold?: number;
  /** Default: computed from the recordings' values (RawRecording). */
  features?: FeatureSource<R>;
}

export interface PipelineResult {
  impulse: ImpulseConfig;
  train: FeatureSet;
  test: FeatureSet;
  trainNames: string[];
  testNames: string[];
  /** Classifier result (dense / conv1d). */
  classifier?: TrainResult;
  anomaly?: AnomalyModel;
  /** Test-split evaluation of the classifier (absent when there are no test windows or for anomaly). */
  evaluation?: Evaluation;
  /** Anomaly scores of the test windows. */
  anomalyScores?: Float32Array;
}

/**
 * Runs DSP on both categories and trains the impulse's learning block on the training windows.
 * Labels are `impulse.labels` (all labels of the training recordings when empty).
 */
export async function runPipeline<R extends PipelineRecording = RawRecording>(recordings: R[], impulse: ImpulseConfig, opts: PipelineOptions<R> = {}): Promise<PipelineResult> {
  const trainRecs = recordings.filter((r) => r.category !== 'testing');
  const testRecs = recordings.filter((r) => r.category === 'testing');
  if (trainRecs.length === 0) {
    throw new StudioError({ family: 'import', code: 'no-training-data', message: 'There are no training recordings.', remedy: 'Move some recordings to the training category.' });
  }
  const labels = impulse.labels.length ? impulse.labels.slice() : [...new Set(trainRecs.map((r) => r.label))].sort();
  const imp: ImpulseConfig = { ...impulse, labels };
  // Set again below from this run's trainer (classifiers); stale statistics must not survive.
  delete imp.normalization;
  const stage = (s: string) => opts.onProgress?.({ stage: s });
  stage('features');
  const features = opts.features ?? (computeFeatureSource as unknown as FeatureSource<R>);
  const train = await features(trainRecs, imp, { signal: opts.signal });
  const test = await features(testRecs, imp, { signal: opts.signal });
  throwIfAborted(opts.signal, 'model');
  if (train.rows === 0) {
    throw new StudioError({ family: 'import', code: 'no-training-windows', message: `No training recording is long enough for one ${imp.windowing.windowMs} ms window.`, remedy: 'Shorten the window or turn on zero padding.' });
  }
  const trainNames = trainRecs.map((r) => r.name);
  const testNames = testRecs.map((r) => r.name);
  const result: PipelineResult = { impulse: imp, train, test, trainNames, testNames };
  if (imp.learn.block === 'anomaly') {
    stage('k-means');
    result.anomaly = trainAnomaly(train.data, train.dim, anomalyParams(imp.learn.params), imp.training.seed, { signal: opts.signal });
    const scores = new Float32Array(test.rows);
    for (let i = 0; i < test.rows; i++) scores[i] = anomalyScore(result.anomaly, test.data.subarray(i * test.dim, (i + 1) * test.dim));
    result.anomalyScores = scores;
    return result;
  }
  for (const w of train.windows) {
    if (!labels.includes(w.label)) {
      throw new StudioError({ family: 'config', code: 'unknown-label', message: `Training data has label "${w.label}" that the impulse's label list lacks.`, remedy: 'Remove the label list from the configuration or add the label.' });
    }
  }
  stage('training');
  const data = toTrainData(train, labels, imp.learn.block);
  result.classifier = await trainClassifier(data, imp.learn, imp.training, opts);
  // The model takes standardised features: every consumer standardises with the impulse's statistics.
  imp.normalization = result.classifier.normalization;
  if (test.rows > 0) {
    stage('evaluating');
    const testData = test.windows.filter((w) => labels.includes(w.label)).length === test.rows ? test : null;
    if (!testData) {
      throw new StudioError({ family: 'import', code: 'unknown-label', message: 'The test split has a label that no training recording has.', remedy: 'Add training recordings for every test label.' });
    }
    const probs = predictProbs(result.classifier.model, test.data, inputShapeFor(imp.learn.block, test), imp.normalization);
    result.evaluation = evaluateProbs(test, testNames, labels, probs, opts.uncertainThreshold ?? 0);
  }
  return result;
}

/** Window probabilities of a trained classifier on a feature set (raw features, standardised here with the impulse's `normalization`). */
export function classifyFeatures(model: tf.LayersModel, fs: FeatureSet, block: LearnBlockId, normalization: InputNormalization | undefined): Float32Array {
  return predictProbs(model, fs.data, inputShapeFor(block, fs), normalization);
}
