/**
 * The typed interface between the UI and the ML worker (types only, no code). DOM-free core module.
 *
 * The worker (ml-worker.ts) exposes one `MlWorkerApi` object with comlink; the UI talks to it through
 * `MlClient` (ml-client.ts). Callbacks (progress, epochs) are passed as `Comlink.proxy` functions.
 * Large arrays travel as transferable buffers.
 */
import type { ImpulseConfig, InputNormalization, QuantParams } from '../core/impulse.ts';
import type { Progress } from '../core/progress.ts';
import type { RawRecording } from '../data/sample.ts';
import type { FeatureWindow } from '../dsp/features.ts';
import type { FloatModel } from '../ml/float-model.ts';
import type { LiveResult } from '../ml/live/live-classifier.ts';
import type { ClassificationMetrics, Misclassified } from '../ml/metrics/classification.ts';
import type { AnomalyModel } from '../ml/models/anomaly.ts';
import type { BackendName, BackendProbe, WasmPaths } from '../ml/train/backend.ts';
import type { EpochLog } from '../ml/train/trainer.ts';

export type { EpochLog, LiveResult, ClassificationMetrics, Misclassified, BackendName, WasmPaths, Progress };

export interface MlInitOptions {
  /** URLs of the WASM binaries (from `?url` imports); needed in the browser. */
  wasmPaths?: WasmPaths;
  /** Backends to consider, in order of preference (default wasm, webgl, cpu). */
  backends?: BackendName[];
}

export interface MlBackendInfo {
  /** Active backend. */
  backend: string;
  /** Backends that initialised. */
  available: string[];
  /** Probe timings of the last train() (when it probed). */
  probes?: BackendProbe[];
}

export interface MlFeatureSet {
  names: string[];
  shape: number[];
  dim: number;
  rows: number;
  data: Float32Array;
  windows: FeatureWindow[];
}

export interface MlTrainRequest {
  /** Training and testing recordings (category decides). */
  recordings: RawRecording[];
  impulse: ImpulseConfig;
  /** Choose the backend by a short measured probe of this model first (default true). */
  probeBackend?: boolean;
  /** Max probability below which a window is "uncertain" in the test metrics (default 0 = off). */
  uncertainThreshold?: number;
}

export interface MlEvaluation {
  window: ClassificationMetrics;
  /** Per recording, mean probability. */
  sample: ClassificationMetrics;
  /** Per recording, majority vote. */
  sampleVote: ClassificationMetrics;
  misclassified: (Misclassified & { recording: string; start: number })[];
  /** rows × labels */
  probs: Float32Array;
}

export interface MlSavedModel {
  modelJson: string;
  weights: Uint8Array;
}

export interface MlTrainResult {
  /** Handle of the trained model inside the worker (for predict / evaluate / quantize / live). */
  modelId: string;
  impulse: ImpulseConfig;
  backend: string;
  probes?: BackendProbe[];
  trainMs: number;
  history: EpochLog[];
  bestEpoch: number;
  stoppedEarly: boolean;
  /** Test-split evaluation (absent without test windows, and for anomaly). */
  evaluation?: MlEvaluation;
  /** TF.js model files, to store in IndexedDB (classifiers). */
  saved?: MlSavedModel;
  /** Plain-data float model for the int8 export (classifiers). */
  floatModel?: FloatModel;
  /** The k-means model (anomaly block). */
  anomaly?: AnomalyModel;
  /** Anomaly scores of the test windows (anomaly block). */
  anomalyScores?: Float32Array;
  windows: { training: number; test: number };
}

export interface MlQuantizeResult {
  int8Tflite: Uint8Array;
  floatTflite: Uint8Array;
  input: QuantParams;
  output: QuantParams;
  /** Standardisation the exported models expect before quantizing (absent: raw features). */
  normalization?: InputNormalization;
  /** Per-window test metrics of the int8 model (TS interpreter), when test recordings were given. */
  int8?: ClassificationMetrics;
}

export interface MlLiveOptions {
  modelId: string;
  impulse: ImpulseConfig;
  smoothing?: number;
  threshold?: number;
  hysteresis?: number;
}

export interface MlWorkerApi {
  init(opts?: MlInitOptions): Promise<MlBackendInfo>;
  backendInfo(): Promise<MlBackendInfo>;
  /** Aborts the running computeFeatures / train / evaluate. */
  cancel(): void;
  computeFeatures(recordings: RawRecording[], impulse: ImpulseConfig, onProgress?: (p: Progress) => void): Promise<MlFeatureSet>;
  train(req: MlTrainRequest, onEpoch?: (log: EpochLog) => void, onProgress?: (p: Progress) => void): Promise<MlTrainResult>;
  /** Loads a stored model (from IndexedDB) and returns its handle. */
  loadModel(saved: MlSavedModel, impulse: ImpulseConfig): Promise<string>;
  disposeModel(modelId: string): Promise<void>;
  evaluate(modelId: string, recordings: RawRecording[], uncertainThreshold?: number): Promise<MlEvaluation>;
  /** Class probabilities for rows of features (rows × dim). */
  predict(modelId: string, features: Float32Array): Promise<Float32Array>;
  /** int8 + float TFLite export; representative set = training windows of `recordings`. */
  quantize(modelId: string, recordings: RawRecording[]): Promise<MlQuantizeResult>;
  liveStart(opts: MlLiveOptions): Promise<void>;
  /** Frames (interleaved, impulse axes order) with the arrival time of the newest frame as epoch ms
   *  (`performance.timeOrigin + performance.now()`, comparable across threads). */
  livePush(frames: Float32Array, arrivalMs: number): Promise<LiveResult[]>;
  liveStop(): Promise<void>;
}
