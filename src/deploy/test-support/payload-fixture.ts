/**
 * Test-only: a small trained-looking impulse (flatten or spectral on 3 axes) with a seeded int8 model
 * of the right input and output size, and its slot payload. No TF.js, no shared data.
 */
import type { ImpulseConfig, InputNormalization, ParamValue } from '../../core/impulse.ts';
import { mulberry32 } from '../../core/prng.ts';
import { dspContext, getDspBlock } from '../../dsp/registry.ts';
import type { FloatModel } from '../../ml/float-model.ts';
import { quantizeModel } from '../../ml/quantize/quantize.ts';
import { makeSlotPayload, type SlotPayload } from '../slot-payload.ts';

export function fixtureImpulse(block: 'flatten' | 'spectral' | 'raw' = 'flatten', params: Record<string, ParamValue> = {}, over: Partial<ImpulseConfig['windowing']> = {}): ImpulseConfig {
  return {
    version: 1,
    windowing: { windowMs: 1000, strideMs: 250, zeroPad: false, frequencyHz: 62.5, axes: ['accX', 'accY', 'accZ'], ...over },
    dsp: { block, params },
    learn: { block: 'dense', params: { layers: [8] } },
    training: { epochs: 1, learningRate: 0.001, batchSize: 32, validationSplit: 0.2, seed: 1, earlyStoppingPatience: 0, classWeighting: false, augmentation: { noise: 0, timeShift: 0, amplitudeScale: 0 } },
    labels: ['idle', 'wave', 'punch'],
  };
}

export function featureCount(impulse: ImpulseConfig): number {
  const ctx = dspContext(impulse);
  return getDspBlock(impulse.dsp.block).createRunner(ctx).dim;
}

/** A seeded dense int8 model: features → 8 relu → labels softmax. */
export function fixtureTflite(dim: number, labels: number, seed = 5): Uint8Array {
  const r = mulberry32(seed);
  const w = (n: number) => Float32Array.from({ length: n }, () => r() - 0.5);
  const fm: FloatModel = {
    inputShape: [dim],
    labels: Array.from({ length: labels }, (_, i) => `c${i}`),
    layers: [
      { kind: 'dense', units: 8, inUnits: dim, kernel: w(8 * dim), bias: w(8), activation: 'relu' },
      { kind: 'dense', units: labels, inUnits: 8, kernel: w(labels * 8), bias: w(labels), activation: 'none' },
      { kind: 'softmax' },
    ],
  };
  const rows = Array.from({ length: 32 }, () => Float32Array.from({ length: dim }, () => 4 * (r() - 0.5)));
  return quantizeModel(fm, rows).tflite;
}

export function fixtureNormalization(dim: number): InputNormalization {
  return { mean: Array.from({ length: dim }, (_, i) => Math.fround(0.1 * (i % 3))), std: Array.from({ length: dim }, (_, i) => Math.fround(1 + (i % 3))) };
}

export interface PayloadFixture {
  impulse: ImpulseConfig;
  int8Tflite: Uint8Array;
  normalization: InputNormalization;
  payload: SlotPayload;
}

export function payloadFixture(impulse = fixtureImpulse()): PayloadFixture {
  const dim = featureCount(impulse);
  const int8Tflite = fixtureTflite(dim, impulse.labels.length);
  const normalization = fixtureNormalization(dim);
  return { impulse, int8Tflite, normalization, payload: makeSlotPayload({ int8Tflite, impulse, normalization }) };
}
