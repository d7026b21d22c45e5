/**
 * Three small impulses for the emulated board (test-only): a flatten (with the motion shape) + dense, a spectral with a
 * low-pass filter + dense, and a raw window + 1-D convolution. Weights are fixed and seeded (not
 * trained: bit-exactness does not need a good model), quantised to int8 by the studio's own
 * quantizer and TFLite writer; the slot payload is the one the app uploads (model + descriptor).
 * `appScores` is the app's side of the comparison: TS DSP → standardisation → int8 input →
 * the studio's int8 interpreter.
 */
import type { ImpulseConfig, ParamValue } from '../../../src/core/impulse.ts';
import { gaussian, mulberry32 } from '../../../src/core/prng.ts';
import type { SlotPayload } from '../../../src/device/protocol/model-slot.ts';
import { makeSlotPayload } from '../../../src/deploy/slot-payload.ts';
import { dspContext, getDspBlock } from '../../../src/dsp/registry.ts';
import { quantizeFeatures } from '../../../src/ml/export/impulse-descriptor.ts';
import type { FloatLayer, FloatModel } from '../../../src/ml/float-model.ts';
import { computeInputNormalization, standardizeFeatures } from '../../../src/ml/models/input-normalization.ts';
import { quantizeModel } from '../../../src/ml/quantize/quantize.ts';
import { Int8Interpreter } from '../../../src/ml/tflite/interpreter.ts';
import type { QuantParams } from '../../../src/core/impulse.ts';

export const IMU_AXES = ['accX', 'accY', 'accZ', 'gyrX', 'gyrY', 'gyrZ'];
const LABELS = ['idle', 'wave', 'circle', 'shake'];

export interface BuiltImpulse {
  name: string;
  impulse: ImpulseConfig;
  tflite: Uint8Array;
  /** The slot payload as the app makes it (src/deploy/slot-payload.ts), and its bytes. */
  slot: SlotPayload;
  payload: Uint8Array;
  input: QuantParams;
  output: QuantParams;
  windowFrames: number;
  strideFrames: number;
  /** Multiply-accumulates of one inference (dense and conv layers). */
  macs: number;
  /** int8 output scores of the app's pipeline for one window of sensor frames (6 axes, frame-major). */
  appScores(window: Float32Array): Int8Array;
}

function impulseConfig(block: 'raw' | 'flatten' | 'spectral', params: Record<string, ParamValue>, axes: string[], hz: number, windowMs: number, strideMs: number): ImpulseConfig {
  return {
    version: 1,
    windowing: { windowMs, strideMs, zeroPad: false, frequencyHz: hz, axes },
    dsp: { block, params },
    learn: { block: block === 'raw' ? 'conv1d' : 'dense', params: {} },
    training: { epochs: 1, learningRate: 0.001, batchSize: 32, validationSplit: 0.2, seed: 1, earlyStoppingPatience: 0, classWeighting: false, augmentation: { noise: 0, timeShift: 0, amplitudeScale: 0 } },
    labels: LABELS,
  };
}

function weights(r: () => number, n: number, fanIn: number): Float32Array {
  const s = Math.sqrt(2 / fanIn);
  return Float32Array.from({ length: n }, () => gaussian(r) * s);
}

function dense(r: () => number, inUnits: number, units: number, activation: 'relu' | 'none'): FloatLayer {
  return { kind: 'dense', units, inUnits, kernel: weights(r, units * inUnits, inUnits), bias: Float32Array.from({ length: units }, () => gaussian(r) * 0.1), activation };
}

function selectAxes(w: Float32Array, axes: string[]): Float32Array {
  const idx = axes.map((a) => IMU_AXES.indexOf(a));
  const frames = w.length / IMU_AXES.length;
  const out = new Float32Array(frames * axes.length);
  for (let i = 0; i < frames; i++) idx.forEach((k, j) => (out[i * axes.length + j] = w[i * IMU_AXES.length + k]));
  return out;
}

/** A 6-axis recording (m/s², deg/s) of distinct frames: sines of several frequencies + seeded noise. */
export function makeRecording(frames: number, hz: number, seed = 7): Float32Array {
  const r = mulberry32(seed);
  const out = new Float32Array(frames * 6);
  for (let i = 0; i < frames; i++) {
    const t = i / hz;
    const phase = Math.floor(i / (hz * 2)) % 4; // a different "gesture" every 2 s
    for (let a = 0; a < 6; a++) {
      const f = 0.6 + a * 0.7 + phase * 1.3;
      const amp = (a < 3 ? 6 : 150) * (0.3 + 0.25 * phase);
      out[i * 6 + a] = amp * Math.sin(2 * Math.PI * f * t + a) + (a < 3 ? 1.5 : 20) * gaussian(r) + (a === 2 ? 9.80665 : 0);
    }
  }
  return out;
}

function build(name: string, impulse: ImpulseConfig, hidden: (inputShape: number[], r: () => number) => FloatLayer[], recording: Float32Array, seed: number, labels = LABELS): BuiltImpulse {
  const ctx = dspContext(impulse);
  const runner = getDspBlock(impulse.dsp.block).createRunner(ctx);
  const axes = impulse.windowing.axes;
  const W = ctx.windowFrames;
  const S = Math.max(1, Math.round((impulse.windowing.strideMs / 1000) * impulse.windowing.frequencyHz));
  // Representative windows from the recording (the firmware's units too: m/s² and deg/s).
  const total = recording.length / 6;
  const feats: Float32Array[] = [];
  for (let s = 0; s + W <= total && feats.length < 60; s += Math.max(1, Math.floor(W / 3))) {
    feats.push(runner.run(selectAxes(recording.subarray(s * 6, (s + W) * 6), axes)));
  }
  const raw = impulse.dsp.block === 'raw';
  const inputShape = raw ? [runner.dim / axes.length, axes.length] : [runner.dim];
  const norm = computeInputNormalization(Float32Array.from(feats.flatMap((f) => Array.from(f))), inputShape);
  const std = feats.map((f) => standardizeFeatures(f, norm));
  const r = mulberry32(seed);
  const fm: FloatModel = { inputShape, labels, layers: [...hidden(inputShape, r), { kind: 'softmax' }] };
  const q = quantizeModel(fm, std);
  const cfg: ImpulseConfig = { ...impulse, labels, normalization: norm };
  const slot = makeSlotPayload({ int8Tflite: q.tflite, impulse: cfg, normalization: norm });
  const interp = Int8Interpreter.load(q.tflite);
  return {
    name,
    impulse: cfg,
    tflite: q.tflite,
    slot,
    payload: slot.bytes,
    input: q.input,
    output: q.output,
    windowFrames: W,
    strideFrames: S,
    macs: countMacs(fm),
    appScores(window: Float32Array): Int8Array {
      const f = runner.run(selectAxes(window, axes));
      return interp.invoke(quantizeFeatures(standardizeFeatures(f, norm), q.input)).slice();
    },
  };
}

function countMacs(fm: FloatModel): number {
  let len = fm.inputShape[0];
  let macs = 0;
  for (const l of fm.layers) {
    if (l.kind === 'dense') macs += l.inUnits * l.units;
    else if (l.kind === 'conv1d') {
      len = l.padding === 'same' ? Math.ceil(len / l.stride) : Math.floor((len - l.kernelSize) / l.stride) + 1;
      macs += len * l.filters * l.kernelSize * l.inChannels;
    } else if (l.kind === 'maxpool1d' || l.kind === 'avgpool1d') len = Math.floor((len - l.poolSize) / l.stride) + 1;
  }
  return macs;
}

/** The flatten impulse at a given sample rate (the descriptor carries the rate). */
export function buildFlatten(recording: Float32Array, hz: number, name = 'flatten'): BuiltImpulse {
  return build(name, impulseConfig('flatten', { shape: true }, IMU_AXES, hz, 1000, 500), (shape, r) => [dense(r, shape[0], 16, 'relu'), dense(r, 16, 4, 'none')], recording, 11);
}

export function buildImpulses(recording: Float32Array, hz = 50): BuiltImpulse[] {
  return [
    buildFlatten(recording, hz),
    build('spectral-lowpass', impulseConfig('spectral', { 'fft-length': 32, 'filter-type': 'low', 'filter-cutoff': 8, 'filter-order': 4 }, ['accX', 'accY', 'accZ'], hz, 1280, 640),
      (shape, r) => [dense(r, shape[0], 20, 'relu'), dense(r, 20, 4, 'none')], recording, 12),
    build('conv1d', impulseConfig('raw', {}, ['accX', 'accY', 'accZ', 'gyrZ'], hz, 1000, 500), (shape, r) => [
      { kind: 'conv1d', filters: 8, kernelSize: 5, inChannels: shape[1], stride: 1, padding: 'same', kernel: weights(r, 8 * 5 * shape[1], 5 * shape[1]), bias: Float32Array.from({ length: 8 }, () => gaussian(r) * 0.1), activation: 'relu' },
      { kind: 'maxpool1d', poolSize: 2, stride: 2, padding: 'valid' },
      { kind: 'conv1d', filters: 8, kernelSize: 3, inChannels: 8, stride: 1, padding: 'valid', kernel: weights(r, 8 * 3 * 8, 24), bias: Float32Array.from({ length: 8 }, () => gaussian(r) * 0.1), activation: 'relu' },
      { kind: 'flatten' },
      dense(r, Math.floor(shape[0] / 2 - 2) * 8, 4, 'none'),
    ], recording, 13),
  ];
}

/**
 * Single-op probes for per-op cycle figures (bench): raw 50 × 6 windows into one FULLY_CONNECTED of
 * 4 or 16 units, or one CONV_2D (k5, valid, 8 or 16 filters) followed by a 4-unit dense.
 */
export function buildOpProbes(recording: Float32Array, hz = 50): BuiltImpulse[] {
  const cfg = () => impulseConfig('raw', {}, IMU_AXES, hz, 1000, 500);
  const labels = (n: number) => Array.from({ length: n }, (_, i) => `c${i}`);
  const conv = (filters: number) => (shape: number[], r: () => number): FloatLayer[] => [
    { kind: 'conv1d', filters, kernelSize: 5, inChannels: shape[1], stride: 1, padding: 'valid', kernel: weights(r, filters * 5 * shape[1], 5 * shape[1]), bias: Float32Array.from({ length: filters }, () => gaussian(r) * 0.1), activation: 'relu' },
    { kind: 'flatten' },
    dense(r, (shape[0] - 4) * filters, 4, 'none'),
  ];
  return [
    build('dense_300x4', cfg(), (shape, r) => [{ kind: 'flatten' }, dense(r, shape[0] * shape[1], 4, 'none')], recording, 21),
    build('dense_300x16', cfg(), (shape, r) => [{ kind: 'flatten' }, dense(r, shape[0] * shape[1], 16, 'none')], recording, 22, labels(16)),
    build('conv_k5f8', cfg(), conv(8), recording, 23),
    build('conv_k5f16', cfg(), conv(16), recording, 24),
  ];
}
