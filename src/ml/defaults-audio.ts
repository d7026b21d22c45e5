/**
 * Default impulse for audio (the keyword-spotting hello-world). DOM-free core module.
 *
 * Used when the dataset is audio: one axis named `audio` (the microphone's and the WAV importer's
 * axis) at 8 kHz or more. Follows Edge Impulse's defaults for keywords: 1 s windows, the MFE block
 * with its own defaults (20 ms frames every 10 ms, 40 mel filters, FFT 256, noise floor −52 dB), giving
 * a [time, filters] = [99, 40] image at 16 kHz, and a 1-D convolution over time: conv 8 then 16
 * filters of kernel 3, max-pool 2 after each, flatten, dropout 0.25, softmax.
 * Training windows of clips: a 1 s clip is one window; longer recordings give a window every 500 ms.
 */
import type { DspConfig, ImpulseConfig, LearnConfig, TrainingSettings, WindowingConfig } from '../core/impulse.ts';

export const AUDIO_WINDOW_MS = 1000;
export const AUDIO_STRIDE_MS = 500;
/** Lowest rate treated as audio. */
export const AUDIO_MIN_RATE_HZ = 8000;

export const AUDIO_DSP: DspConfig = { block: 'mfe', params: {} };

/** Edge Impulse's default keyword model, as the conv1d block. */
export const AUDIO_LEARN: LearnConfig = { block: 'conv1d', params: { filters: [8, 16], kernel: 3, pool: 2, head: 'flatten', dense: [], dropout: 0.25 } };

/** The 2-D option: depthwise-separable convolutions over the [time, mel] image. */
export const AUDIO_CONV2D_LEARN: LearnConfig = { block: 'conv2d', params: { filters: [8, 16], kernel: 3, pool: 2, separable: true, dropout: 0.25 } };

export const AUDIO_TRAINING: TrainingSettings = {
  epochs: 60,
  learningRate: 0.005,
  batchSize: 32,
  validationSplit: 0.2,
  seed: 1,
  earlyStoppingPatience: 0,
  classWeighting: false,
  augmentation: { noise: 0.1, timeShift: 0.15, amplitudeScale: 0 },
};

export interface AudioShape {
  frequencyHz: number;
  axes: string[];
  labels: string[];
  shortestRecordingMs?: number;
}

/** True for a dataset the audio defaults apply to: a single `audio` axis at ≥ 8 kHz. */
export function isAudioDataset(d: Pick<AudioShape, 'frequencyHz' | 'axes'>): boolean {
  return d.axes.length === 1 && d.axes[0] === 'audio' && d.frequencyHz >= AUDIO_MIN_RATE_HZ;
}

export function audioWindowing(d: AudioShape): WindowingConfig {
  let windowMs = AUDIO_WINDOW_MS;
  if (d.shortestRecordingMs && d.shortestRecordingMs > 0 && d.shortestRecordingMs < windowMs) windowMs = Math.max(100, Math.floor(d.shortestRecordingMs / 10) * 10);
  return { windowMs, strideMs: Math.min(AUDIO_STRIDE_MS, windowMs), zeroPad: true, frequencyHz: d.frequencyHz, axes: d.axes.slice() };
}

export function audioImpulse(d: AudioShape): ImpulseConfig {
  return {
    version: 1,
    windowing: audioWindowing(d),
    dsp: structuredClone(AUDIO_DSP),
    learn: structuredClone(AUDIO_LEARN),
    training: structuredClone(AUDIO_TRAINING),
    labels: d.labels.slice(),
  };
}
