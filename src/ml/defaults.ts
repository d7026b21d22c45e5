/**
 * Default impulse for motion data (the accelerometer hello-world). DOM-free core module.
 *
 * Chosen by experiment across the four sets in ../shared/datasets (each with its own test split,
 * per-window accuracy, `tinyml train` path, WASM backend, validation split by recording) and the
 * self-made 14-class 32 Hz activity stand-in (src/ml/train/test-support/activity14.ts, data seed 1).
 * 2 s windows every 500 ms (capped to the shortest recording), the Flatten block with average, min,
 * max, RMS, stdev and skewness per axis, dense [128, 64] with dropout 0.3, 60 epochs of Adam at 0.005,
 * batch 64. Float / int8, mean of seeds 0, 1, 2 (per-seed values), measured 2026-12-03:
 *   xiao_ei_motion          96.8 (97.3, 96.1, 97.1) / 96.9 (97.3, 96.1, 97.3); seeds 0–5: 96.8 / 96.7, range 95.8–97.8
 *   arduino_punch_flex      100 / 100 every seed
 *   microbit_createai_wand  100 / 100 every seed
 *   bno055_wand_spells      99.5 (99.4, 99.4, 99.7) / 99.5
 *   activity14 stand-in     73.6 (73.3, 73.4, 74.1) / 73.0
 * The previous defaults (dense [32, 16], dropout 0.1, 30 epochs at 0.01) gave xiao 95.7 (94.1, 97.5,
 * 95.6) / 95.7, but 98.4 on seeds 3–5: on xiao the seed (which recordings the validation split holds
 * out, initialisation, dropout) moves one run by ±2 points, so every choice here was compared on seeds
 * 0–5 before being kept. Tried on xiao and not kept (seeds 0–5 float means): no validation split 96.8,
 * batch 128 × 60 epochs 96.9, weight averaging over the last half 96.7–97.0, [64, 32] 96.3,
 * [256, 128] 95.1, 1 s windows 95.0, 250 ms stride 95.3 (seeds 0–2), early stopping (patience 10) 94.9
 * (seeds 0–2), L2 1e-3 96.1 (seeds 0–2), kurtosis on 96.5, no skewness 95.4. The wider, more dropped-out
 * net at half the rate is the one that stays ≥ 95.8 on every seed; none reached 97.0 over seeds 0–2 with
 * flatten features: xiao's errors are circle vs up-down windows, which per-axis statistics (no phase
 * between axes) cannot tell apart; a 1-D conv on raw windows got 97.8 / 98.5 on seed 0 but 95.9 over
 * seeds 0–2 at 40× the training time, so it stays in the tuner's space, not in the defaults.
 * A newcomer's first training (app and `tinyml train` without --config) uses these defaults rather than
 * a quick tuner pass: a 25 s tune (2 workers, cores shared with other jobs, load average ≈ 10) scored
 * one or two candidates and its choice tested 95.0 (96.3, 94.1, 94.6) on xiao, below the defaults.
 * The spectral block (mean removed) stays out of the defaults: ≈ 88 % on xiao, where gravity's direction
 * separates the classes. Kurtosis stays off: it reaches 165 on near-still windows (heavy tails in the
 * standardised input).
 */
import type { DspConfig, ImpulseConfig, LearnConfig, TrainingSettings, WindowingConfig } from '../core/impulse.ts';
import { audioImpulse, isAudioDataset } from './defaults-audio.ts';

export const DEFAULT_WINDOW_MS = 2000;
export const DEFAULT_STRIDE_MS = 500;

export const DEFAULT_DSP: DspConfig = { block: 'flatten', params: { kurtosis: false, shape: true } };

export const DEFAULT_LEARN: LearnConfig = { block: 'dense', params: { layers: [128, 64], dropout: 0.3 } };

/** Defaults for the conv1d block on Raw windows (the im2col layer trains on WASM). */
export const DEFAULT_CONV1D_LEARN: LearnConfig = { block: 'conv1d', params: { filters: [8, 16], kernel: 5, pool: 2, head: 'global-avg', dense: [], dropout: 0.1 } };

export const DEFAULT_TRAINING: TrainingSettings = {
  epochs: 60,
  learningRate: 0.005,
  batchSize: 64,
  validationSplit: 0.2,
  seed: 1,
  earlyStoppingPatience: 0,
  classWeighting: false,
  augmentation: { noise: 0, timeShift: 0, amplitudeScale: 0 },
};

export interface DatasetShape {
  frequencyHz: number;
  axes: string[];
  labels: string[];
  /** Duration of the shortest recording, ms (caps the default window). */
  shortestRecordingMs?: number;
}

export function defaultWindowing(d: DatasetShape): WindowingConfig {
  let windowMs = DEFAULT_WINDOW_MS;
  if (d.shortestRecordingMs && d.shortestRecordingMs > 0 && d.shortestRecordingMs < windowMs) {
    // Round down to whole 10 ms so a 1 s recording of 119 frames at 119 Hz keeps a full window.
    windowMs = Math.max(10, Math.floor(d.shortestRecordingMs / 10) * 10);
  }
  return { windowMs, strideMs: Math.min(DEFAULT_STRIDE_MS, windowMs), zeroPad: true, frequencyHz: d.frequencyHz, axes: d.axes.slice() };
}

export function defaultImpulse(d: DatasetShape): ImpulseConfig {
  if (isAudioDataset(d)) return audioImpulse(d);
  return {
    version: 1,
    windowing: defaultWindowing(d),
    dsp: structuredClone(DEFAULT_DSP),
    learn: structuredClone(DEFAULT_LEARN),
    training: structuredClone(DEFAULT_TRAINING),
    labels: d.labels.slice(),
  };
}
