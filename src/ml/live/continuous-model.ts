/**
 * A stored model version as the two functions continuous recognition needs: the impulse's DSP block
 * (window → features) and the TFLite model run by the TypeScript interpreter (features → class
 * probabilities). int8 runs the bytes the board runs, with TFLite Micro's integer arithmetic; float
 * runs the float32 TFLite export of the same network. Both take the impulse's standardised features
 * (as runTflite does for the train job's int8 evaluation). No TF.js, so the keyword worker stays small.
 * DOM-free core module.
 */
import { StudioError } from '../../core/errors.ts';
import type { ImpulseConfig } from '../../core/impulse.ts';
import { dspContext, getDspBlock } from '../../dsp/registry.ts';
import { windowFrames } from '../../dsp/windowing.ts';
import { standardizeFeatures } from '../models/input-normalization.ts';
import { Int8Interpreter } from '../tflite/interpreter.ts';

export type ModelPrecision = 'int8' | 'float';

export interface KeywordModel {
  labels: string[];
  rateHz: number;
  windowSamples: number;
  precision: ModelPrecision;
  features: (window: Float32Array) => Float32Array;
  classify: (features: Float32Array) => Float32Array;
}

export interface KeywordModelSource {
  impulse: ImpulseConfig;
  int8Tflite?: Uint8Array;
  floatTflite?: Uint8Array;
}

const AUDIO_BLOCKS = new Set(['mfe', 'mfcc', 'spectrogram']);

/** True when the impulse takes one audio axis through an audio DSP block. */
export function isAudioImpulse(imp: Pick<ImpulseConfig, 'dsp' | 'windowing'>): boolean {
  return AUDIO_BLOCKS.has(imp.dsp.block) && imp.windowing.axes.length === 1;
}

/** Builds the DSP and classifier of a model version; throws `kws-not-audio` / `no-artifacts`. */
export function keywordModel(src: KeywordModelSource, precision: ModelPrecision = 'int8'): KeywordModel {
  const imp = src.impulse;
  if (!isAudioImpulse(imp)) {
    throw new StudioError({
      family: 'model',
      code: 'kws-not-audio',
      message: `Keyword recognition needs an audio impulse (one audio axis through MFE, MFCC or spectrogram); this model uses ${imp.dsp.block} on ${imp.windowing.axes.length} axes.`,
      remedy: 'Choose a model trained with an audio impulse.',
    });
  }
  const bytes = precision === 'int8' ? src.int8Tflite : src.floatTflite;
  if (!bytes) {
    throw new StudioError({
      family: 'model',
      code: 'no-artifacts',
      message: `This model version has no ${precision === 'int8' ? 'int8' : 'float32'} TFLite model stored.`,
      remedy: precision === 'int8' ? 'Use the float model, or train again (the int8 export failed for this version).' : 'Train the model again.',
    });
  }
  const ctx = dspContext(imp);
  const runner = getDspBlock(imp.dsp.block).createRunner(ctx);
  const feats = new Float32Array(runner.dim);
  const std = new Float32Array(runner.dim);
  const interp = Int8Interpreter.load(bytes);
  const norm = imp.normalization;
  return {
    labels: imp.labels.slice(),
    rateHz: imp.windowing.frequencyHz,
    windowSamples: windowFrames(imp.windowing),
    precision,
    features: (w) => runner.run(w, feats),
    classify: (f) => interp.invokeFloat(norm ? standardizeFeatures(f, norm, std) : f),
  };
}
