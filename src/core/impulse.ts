/**
 * The impulse: how recordings become windows, which DSP block turns a window into features,
 * which learning block learns from them, and how it was trained. DOM-free core module.
 *
 * Stored with every trained model and written as `impulse.json` by the headless CLI, so a run can be
 * reproduced exactly. Parameter keys are kebab-case (e.g. `fft-length`, `filter-type`), matching the
 * spectral reference vectors' names.
 */
export type ParamValue = number | string | boolean;

export interface WindowingConfig {
  windowMs: number;
  strideMs: number;
  /** Zero-pad recordings shorter than one window instead of dropping them. */
  zeroPad: boolean;
  /** Sample rate the impulse expects, Hz. */
  frequencyHz: number;
  /** Axis names the impulse uses, in order. */
  axes: string[];
}

export type DspBlockId = 'raw' | 'flatten' | 'spectral' | 'spectrogram' | 'mfe' | 'mfcc';

export interface DspConfig {
  block: DspBlockId;
  params: Record<string, ParamValue>;
}

export type LearnBlockId = 'dense' | 'conv1d' | 'conv2d' | 'anomaly';

export interface LearnConfig {
  block: LearnBlockId;
  /** e.g. dense: { layers: [20, 10], dropout: 0.1 }; conv1d: { filters: [8, 16], kernel: 5 }; anomaly: { clusters: 32 } */
  params: Record<string, ParamValue | number[]>;
}

export interface TrainingSettings {
  epochs: number;
  learningRate: number;
  batchSize: number;
  /** Fraction of training windows held out for validation curves. */
  validationSplit: number;
  seed: number;
  /** Stop after this many epochs without val-loss improvement; 0 = off. */
  earlyStoppingPatience: number;
  classWeighting: boolean;
  augmentation: { noise: number; timeShift: number; amplitudeScale: number };
}

export interface QuantParams {
  scale: number;
  zeroPoint: number;
}

export interface ImpulseConfig {
  version: 1;
  windowing: WindowingConfig;
  dsp: DspConfig;
  learn: LearnConfig;
  training: TrainingSettings;
  labels: string[];
  /** Filled in once an int8 model exists, so firmware can quantize features. */
  quantization?: { input: QuantParams; output: QuantParams };
  /**
   * Input standardisation of the exported (TFLite) model, one entry per model input element
   * (flattened, channels fastest): the deployed impulse feeds (feature − mean) / std, computed in
   * float32, to the model (then quantizes it with `quantization.input`). Absent: the exported model
   * takes raw DSP features. The TF.js float model takes the same standardised input (no folding).
   */
  normalization?: InputNormalization;
}

export interface InputNormalization {
  mean: number[];
  std: number[];
}
