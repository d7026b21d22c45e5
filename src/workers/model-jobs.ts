/**
 * The model-version jobs of the app over StudioStore, without worker plumbing (so they run in Node
 * tests on fake-indexeddb): read the usable samples, train a version with the one train job and store
 * what it made, read a stored version's test features, and package a stored version for Deploy. The
 * ML worker and the export worker call these. Features come from StudioStore's feature cache
 * (store-features.ts); the export imports no TF.js (this file only imports types from the train job).
 * DOM-free core module.
 */
import { StudioError, throwIfAborted } from '../core/errors.ts';
import type { ImpulseConfig } from '../core/impulse.ts';
import type { SampleMeta } from '../data/sample.ts';
import type { ModelRecord } from '../data/store/schema.ts';
import type { StudioStore } from '../data/store/studio-store.ts';
import { usableSamples, type SkippedSample } from '../data/store/usable-samples.ts';
import type { FeatureSet } from '../dsp/features.ts';
import type { TrainedImpulse } from '../ml/train/train-job.ts';
import { storedFeatureSet, storedRecordings, type StoredRecording } from './store-features.ts';

export interface TrainingSet {
  recordings: StoredRecording[];
  skipped: SkippedSample[];
  trainCount: number;
}

/** The project's usable samples for training; the labels (those of the training samples) are set on `imp`. */
export async function readTrainingSet(store: StudioStore, projectId: string, imp: ImpulseConfig): Promise<TrainingSet> {
  const { usable, skipped } = await usableSamples(store, projectId, imp.windowing, { order: 'name' });
  const recordings = storedRecordings(usable);
  const train = recordings.filter((r) => r.category !== 'testing');
  imp.labels = [...new Set(train.map((r) => r.label))].sort();
  return { recordings, skipped, trainCount: train.length };
}

/** The error for a training set without training samples (naming the first skipped sample's reason when that explains it). */
export function noTrainingData(skipped: SkippedSample[]): StudioError {
  return new StudioError({
    family: 'import',
    code: 'no-training-data',
    message: skipped.length ? `No training sample fits the impulse ("${skipped[0].name}" ${skipped[0].reason}).` : 'There are no training samples.',
    remedy: skipped.length ? 'Match the impulse frequency and axes to your samples on the Impulse step.' : 'Record or import training samples on the Data step.',
  });
}

/** What a model version stores: the float TF.js model (it takes standardised input), int8 and float TFLite. */
export function modelArtifacts(job: TrainedImpulse): ModelRecord['artifacts'] {
  const artifacts: ModelRecord['artifacts'] = {};
  if (job.floatModel) {
    const { modelJson, weights } = job.floatModel;
    const j = JSON.parse(modelJson) as { modelTopology: unknown; weightsManifest: { weights: unknown[] }[] };
    const weightData = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer;
    artifacts.tfjs = { modelTopology: j.modelTopology, weightSpecs: j.weightsManifest.flatMap((g) => g.weights), weightData, input: 'standardised' };
  }
  if (job.int8Tflite) artifacts.int8Tflite = job.int8Tflite;
  if (job.floatTflite) artifacts.floatTflite = job.floatTflite;
  return artifacts;
}

/** Stores a trained impulse as a new model version ("v<n>" unless named). */
export async function saveVersion(store: StudioStore, projectId: string, job: TrainedImpulse, name?: string): Promise<ModelRecord> {
  const existing = await store.listModels(projectId);
  return store.saveModel({ projectId, name: name?.trim() || `v${existing.length + 1}`, createdAt: Date.now(), impulse: job.impulse, metrics: job.metrics, artifacts: modelArtifacts(job) });
}

/** The test samples' features for a stored version's impulse (through the cache). */
export async function readTestFeatures(store: StudioStore, projectId: string, imp: ImpulseConfig, signal?: AbortSignal): Promise<{ fs: FeatureSet; metas: SampleMeta[]; skipped: SkippedSample[] }> {
  const { usable, skipped } = await usableSamples(store, projectId, imp.windowing, { category: 'testing', order: 'name' });
  throwIfAborted(signal, 'model');
  const fs = await storedFeatureSet(store, usable, imp, { signal });
  return { fs, metas: usable, skipped };
}
