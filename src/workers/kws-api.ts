/**
 * Types shared by the keyword worker (kws-worker.ts) and its page client (kws-client.ts): live
 * recognition of the microphone and threshold calibration on a long recording. DOM-free core module
 * (types only).
 */
import type { OpOptions, Progress } from '../core/progress.ts';
import type { Detection } from '../ml/live/continuous.ts';
import type { ModelPrecision } from '../ml/live/continuous-model.ts';
import type { CalibrateOptions, CalibrationResult, LiveSettings } from './kws-jobs.ts';

export type { CalibrationResult, LiveSettings } from './kws-jobs.ts';
export type { CalibrationReport, KeywordEvent, OperatingPoint } from '../ml/live/calibration.ts';
export type { Detection } from '../ml/live/continuous.ts';
export type { ModelPrecision } from '../ml/live/continuous-model.ts';

export interface KwsStartOptions extends LiveSettings {
  modelId: string;
  precision: ModelPrecision;
  /** Rate of the pushed audio, Hz. */
  streamRateHz: number;
}

export interface KwsInfo {
  labels: string[];
  rateHz: number;
  windowMs: number;
  hopMs: number;
  precision: ModelPrecision;
}

export interface KwsUpdate {
  /** End of the window, ms of stream time. */
  timeMs: number;
  probs: number[];
  averaged: number[];
  /** Top class of the average. */
  top: string;
  detection: Detection | null;
  dspMs: number;
  modelMs: number;
}

export type KwsTrackSource = { kind: 'sample'; sampleId: string } | { kind: 'wav'; name: string; bytes: Uint8Array };

/** A calibration as the page asks for it: which model and recording, and the job's own settings. */
export interface KwsCalibrateRequest extends Omit<CalibrateOptions, keyof OpOptions> {
  jobId: string;
  modelId: string;
  precision: ModelPrecision;
  source: KwsTrackSource;
}

export type KwsProgressFn = (p: Progress) => void;

export interface KwsWorkerApi {
  liveStart(opts: KwsStartOptions): Promise<KwsInfo>;
  /** Adds microphone audio (int16 units at the stream rate); returns the results of the windows it completed. */
  livePush(frames: Float32Array): Promise<KwsUpdate[]>;
  /** Changes the detector while running. */
  liveUpdate(s: Partial<Omit<LiveSettings, 'hopMs'>>): Promise<void>;
  liveStop(): void;
  /** Replays a long recording and sweeps the thresholds (the scores of the last recording are kept, so changing only the averaging, refractory time or background re-sweeps without re-running the model). */
  calibrate(req: KwsCalibrateRequest, onProgress?: KwsProgressFn): Promise<CalibrationResult>;
  cancel(jobId: string): void;
}
