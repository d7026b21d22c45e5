/**
 * Self-made float models with fixed, seeded weights and matching synthetic inputs, for tests, the
 * benchmark and the TFLite runtime check (no training or shared data needed). DOM-free core module.
 */
import { gaussian, mulberry32 } from '../../../core/prng.ts';
import type { Activation, FloatLayer, FloatModel } from '../../float-model.ts';

/** Re-exported for the tests, bench and e2e spec that build inputs from it (src/core/prng.ts). */
export { mulberry32 };

function weights(rand: () => number, n: number, fanIn: number): Float32Array {
  const s = Math.sqrt(2 / fanIn);
  return Float32Array.from({ length: n }, () => gaussian(rand) * s);
}

function dense(rand: () => number, inUnits: number, units: number, activation: Activation): FloatLayer {
  return {
    kind: 'dense',
    units,
    inUnits,
    kernel: weights(rand, units * inUnits, inUnits),
    bias: Float32Array.from({ length: units }, () => gaussian(rand) * 0.1),
    activation,
  };
}

function conv(rand: () => number, inChannels: number, filters: number, kernelSize: number, stride: number, padding: 'same' | 'valid', activation: Activation): FloatLayer {
  return {
    kind: 'conv1d',
    filters,
    kernelSize,
    inChannels,
    stride,
    padding,
    kernel: weights(rand, filters * kernelSize * inChannels, kernelSize * inChannels),
    bias: Float32Array.from({ length: filters }, () => gaussian(rand) * 0.1),
    activation,
  };
}

const LABELS = ['idle', 'wave', 'punch', 'flex'];

/** Spectral-feature style model: 39 → 20 relu → 10 relu → 4 softmax. */
export function denseFixture(seed = 1): FloatModel {
  const r = mulberry32(seed);
  return { inputShape: [39], labels: LABELS, layers: [dense(r, 39, 20, 'relu'), dense(r, 20, 10, 'relu'), dense(r, 10, 4, 'none'), { kind: 'softmax' }] };
}

/** Raw-window model: [100, 3] → conv 8 k5 → maxpool 2 → conv 16 k3 → avgpool 2 → flatten → 4 softmax. */
export function conv1dFixture(seed = 2): FloatModel {
  const r = mulberry32(seed);
  return {
    inputShape: [100, 3],
    labels: LABELS,
    layers: [
      conv(r, 3, 8, 5, 1, 'same', 'relu'),
      { kind: 'maxpool1d', poolSize: 2, stride: 2, padding: 'valid' },
      conv(r, 8, 16, 3, 1, 'valid', 'relu6'),
      { kind: 'avgpool1d', poolSize: 2, stride: 2, padding: 'same' },
      { kind: 'flatten' },
      dense(r, 24 * 16, 4, 'none'),
      { kind: 'softmax' },
    ],
  };
}

/** Exercises DEPTHWISE_CONV_2D and MEAN: [50, 3] → dw k5 ×2 stride 2 → conv 8 k3 → global average → 4. */
export function depthwiseFixture(seed = 3): FloatModel {
  const r = mulberry32(seed);
  return {
    inputShape: [50, 3],
    labels: LABELS,
    layers: [
      {
        kind: 'depthwise-conv1d',
        kernelSize: 5,
        channels: 3,
        depthMultiplier: 2,
        stride: 2,
        padding: 'same',
        kernel: weights(r, 5 * 6, 5),
        bias: Float32Array.from({ length: 6 }, () => gaussian(r) * 0.1),
        activation: 'relu',
      },
      conv(r, 6, 8, 3, 1, 'same', 'relu'),
      { kind: 'global-avgpool1d' },
      dense(r, 8, 4, 'none'),
      { kind: 'softmax' },
    ],
  };
}

/**
 * Inputs with class structure: each row is one of four seeded prototypes plus noise, so the
 * float model's top class is stable and int8 agreement is a meaningful check.
 */
export function fixtureInputs(model: FloatModel, n: number, seed = 99): Float32Array[] {
  const r = mulberry32(seed);
  const size = model.inputShape.reduce((a, b) => a * b, 1);
  const protos = Array.from({ length: 4 }, () => Float32Array.from({ length: size }, () => gaussian(r) * 1.5));
  return Array.from({ length: n }, (_, i) => {
    const p = protos[i % 4];
    return Float32Array.from(p, (v) => v + gaussian(r) * 0.5);
  });
}
