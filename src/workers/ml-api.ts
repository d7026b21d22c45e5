/**
 * Types shared by the Train/Test steps' worker (ml-worker.ts) and its page client
 * (ml-client.ts): training requests and events, stored model metrics, test data and live
 * classification results. DOM-free core module (types and small pure helpers only, no TF.js).
 */
import type { ImpulseConfig } from '../core/impulse.ts';
import type { SkippedSample } from '../data/store/usable-samples.ts';
import type { EpochPoint, ProbeResult, TrainMetrics } from '../ml/train/train-job.ts';

export type { EpochPoint, Int8Comparison, ProbeResult, PublicMetrics, TrainMetrics } from '../ml/train/train-job.ts';

export type BackendPref = 'auto' | 'wasm' | 'webgl' | 'cpu';

/** URLs of the TF.js WASM binaries (from `?url` imports on the page). */
export interface WasmUrls {
  simd: string;
  plain: string;
}

export type { SkippedSample } from '../data/store/usable-samples.ts';

/** Small messages the worker sends while a job runs (never sample values). */
export type TrainEvent =
  | { type: 'stage'; stage: string; detail?: string }
  | { type: 'data'; trainRecordings: number; testRecordings: number; skipped: SkippedSample[] }
  | { type: 'backend'; backend: string; probes: ProbeResult[]; probeMs: number }
  | { type: 'epoch'; log: EpochPoint };

export type TrainEventFn = (e: TrainEvent) => void;

export interface TrainRequest {
  jobId: string;
  projectId: string;
  impulse: ImpulseConfig;
  backend: BackendPref;
  /** Model version name; default "v<n>". */
  name?: string;
  /** Save as a ModelRecord (default true). */
  save?: boolean;
}

/** The metrics stored in ModelRecord.metrics: the train job's one shape (the CLI writes the same as metrics.json). */
export type StoredMetrics = TrainMetrics;

export interface TrainSummary {
  modelId: string | null;
  name: string;
  backend: string;
  metrics: StoredMetrics;
}

/** Per-window test results of a model over the project's test samples (for the Test step). */
export interface TestData {
  modelId: string;
  kind: 'classifier' | 'anomaly';
  labels: string[];
  samples: { id: string; name: string; label: string }[];
  /** Per window: index into samples, first frame, true class index (-1 = label unknown to the model). */
  windowSample: Int32Array;
  windowStart: Int32Array;
  truth: Int32Array;
  /** rows × labels (classifier) window probabilities. */
  probs: Float32Array;
  /** Anomaly score per window (anomaly). */
  scores?: Float32Array;
  threshold?: number;
  skipped: SkippedSample[];
  intervalMs: number;
}

export interface LiveStartOptions {
  deviceAxes: string[];
  rateHz: number;
  smoothing?: number;
  threshold?: number;
}

export interface LiveInfo {
  labels: string[];
  windowFrames: number;
  strideFrames: number;
  kind: 'classifier' | 'anomaly';
}

export interface LiveUpdate {
  probs: number[];
  smoothed: number[];
  top: string;
  decision: string | null;
  dspMs: number;
  modelMs: number;
  /** Anomaly score (anomaly models). */
  score?: number;
}

export interface TrainUiWorkerApi {
  /** Tells the worker where the WASM binaries are; call once before anything else. */
  init(wasm: WasmUrls): Promise<void>;
  train(req: TrainRequest, onEvent: TrainEventFn): Promise<TrainSummary>;
  cancel(jobId: string): void;
  /** Runs a stored model over the project's test samples. */
  test(projectId: string, modelId: string): Promise<TestData>;
  liveStart(projectId: string, modelId: string, opts: LiveStartOptions): Promise<LiveInfo>;
  /** Adds device frames (device axes, interleaved); returns the results of windows they completed. */
  livePush(frames: Float32Array): Promise<LiveUpdate[]>;
  liveStop(): void;
  /** Forget a cached model (after deletion). */
  forget(modelId: string): void;
  /** Current backend and the numbers of tensors (leak checks in tests). */
  status(): Promise<{ backend: string; tensors: number }>;
}

/** Impulse fields that differ between two models (dotted paths), for the compare view. */
export function diffSettings(a: unknown, b: unknown, prefix = ''): { path: string; a: string; b: string }[] {
  const out: { path: string; a: string; b: string }[] = [];
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObj(a) && isObj(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const k of keys) out.push(...diffSettings(a[k], b[k], prefix ? `${prefix}.${k}` : k));
    return out;
  }
  const sa = a === undefined ? '—' : JSON.stringify(a);
  const sb = b === undefined ? '—' : JSON.stringify(b);
  if (sa !== sb) out.push({ path: prefix, a: sa, b: sb });
  return out;
}
