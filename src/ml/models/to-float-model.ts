/**
 * Export a trained TF.js layers model to the plain `FloatModel` hand-off. DOM-free core module.
 *
 * Weights are copied into TFLite layouts: dense kernel [out][in] (from Keras [in][out]); conv1d kernel
 * [out][1][k][in] (from Keras [k][in][out]). Dropout is dropped; a softmax activation becomes its own
 * layer. Any other layer is refused: only what the int8 TFLite Micro export can express is allowed.
 */
import type * as tf from '@tensorflow/tfjs';
import { StudioError } from '../../core/errors.ts';
import type { Activation, FloatLayer, FloatModel } from '../float-model.ts';

function activationOf(layerName: string, a: unknown): Activation | 'softmax' {
  const name = typeof a === 'string' ? a : 'linear';
  if (name === 'linear' || name === 'none') return 'none';
  if (name === 'relu' || name === 'relu6' || name === 'softmax') return name;
  throw unsupported(layerName, `activation "${name}"`);
}

function unsupported(layerName: string, what: string): StudioError {
  return new StudioError({
    family: 'model',
    code: 'unsupported-layer',
    message: `Layer "${layerName}" uses ${what}, which the TFLite Micro export cannot express.`,
    remedy: 'Use only Dense, Conv1D, Conv2D, DepthwiseConv2D, MaxPool1D/2D, AvgPool1D, GlobalAvgPool1D/2D, Flatten, Reshape, Dropout and Softmax.',
  });
}

function poolArgs(cfg: Record<string, unknown>): { poolSize: number; stride: number; padding: 'same' | 'valid' } {
  const ps = cfg['poolSize'] ?? cfg['pool_size'];
  const st = cfg['strides'];
  const poolSize = Array.isArray(ps) ? Number(ps[0]) : Number(ps);
  const stride = st == null ? poolSize : Array.isArray(st) ? Number(st[0]) : Number(st);
  return { poolSize, stride, padding: cfg['padding'] === 'same' ? 'same' : 'valid' };
}

/** Keras [in][out] → TFLite [out][in]. */
export function transposeDense(k: Float32Array, inUnits: number, units: number): Float32Array {
  const out = new Float32Array(k.length);
  for (let i = 0; i < inUnits; i++) for (let o = 0; o < units; o++) out[o * inUnits + i] = k[i * units + o];
  return out;
}

/** Keras conv1d [k][in][out] → TFLite conv2d [out][1][k][in]. */
export function transposeConv(k: Float32Array, kernelSize: number, inC: number, filters: number): Float32Array {
  const out = new Float32Array(k.length);
  for (let j = 0; j < kernelSize; j++)
    for (let c = 0; c < inC; c++) for (let f = 0; f < filters; f++) out[(f * kernelSize + j) * inC + c] = k[(j * inC + c) * filters + f];
  return out;
}

/** Keras conv2d [kh][kw][in][out] → TFLite conv2d [out][kh][kw][in]. */
export function transposeConv2d(k: Float32Array, kh: number, kw: number, inC: number, filters: number): Float32Array {
  const out = new Float32Array(k.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let c = 0; c < inC; c++) for (let f = 0; f < filters; f++) out[((f * kh + y) * kw + x) * inC + c] = k[((y * kw + x) * inC + c) * filters + f];
  return out;
}

export function toFloatModel(model: tf.LayersModel, labels: string[]): FloatModel {
  const inShape = model.inputs[0].shape.slice(1).map((d) => Number(d));
  const layers: FloatLayer[] = [];
  for (const layer of model.layers) {
    const cls = layer.getClassName();
    const cfg = layer.getConfig() as Record<string, unknown>;
    const w = layer.getWeights().map((t) => t.dataSync() as Float32Array);
    const wShapes = layer.getWeights().map((t) => t.shape);
    switch (cls) {
      case 'Dropout':
      case 'SeededDropout':
      case 'InputLayer':
        break;
      case 'Flatten':
        layers.push({ kind: 'flatten' });
        break;
      case 'Reshape':
        layers.push({ kind: 'reshape', shape: (cfg['targetShape'] as number[]).slice() });
        break;
      case 'Dense': {
        const [inUnits, units] = wShapes[0];
        const act = activationOf(layer.name, cfg['activation']);
        const bias = w[1] ? Float32Array.from(w[1]) : new Float32Array(units);
        layers.push({ kind: 'dense', units, inUnits, kernel: transposeDense(w[0], inUnits, units), bias, activation: act === 'softmax' ? 'none' : act });
        if (act === 'softmax') layers.push({ kind: 'softmax' });
        break;
      }
      case 'Im2colConv1D':
      case 'Conv1D': {
        const [k, inC, filters] = wShapes[0];
        const act = activationOf(layer.name, cfg['activation']);
        if (act === 'softmax') throw unsupported(layer.name, 'a softmax activation on a convolution');
        const strides = cfg['strides'];
        const stride = Array.isArray(strides) ? Number(strides[0]) : Number(strides ?? 1);
        const dil = cfg['dilationRate'];
        if (dil != null && (Array.isArray(dil) ? Number(dil[0]) : Number(dil)) !== 1) throw unsupported(layer.name, 'dilation');
        layers.push({
          kind: 'conv1d',
          filters,
          kernelSize: k,
          inChannels: inC,
          stride,
          padding: cfg['padding'] === 'same' ? 'same' : 'valid',
          kernel: transposeConv(w[0], k, inC, filters),
          bias: w[1] ? Float32Array.from(w[1]) : new Float32Array(filters),
          activation: act,
        });
        break;
      }
      case 'Im2colConv2D':
      case 'SliceDepthwiseConv2D': {
        const act = activationOf(layer.name, cfg['activation']);
        if (act === 'softmax') throw unsupported(layer.name, 'a softmax activation on a convolution');
        const [kh, kw, inC, f] = wShapes[0];
        const padding = cfg['padding'] === 'same' ? 'same' : 'valid';
        const bias = w[1] ? Float32Array.from(w[1]) : new Float32Array(cls === 'Im2colConv2D' ? f : inC);
        if (cls === 'Im2colConv2D') layers.push({ kind: 'conv2d', filters: f, kernelH: kh, kernelW: kw, inChannels: inC, strideH: 1, strideW: 1, padding, kernel: transposeConv2d(w[0], kh, kw, inC, f), bias, activation: act });
        // Keras depthwise [kh][kw][C][1] is already TFLite's [1][kh][kw][C] in memory (multiplier 1).
        else layers.push({ kind: 'depthwise-conv2d', kernelH: kh, kernelW: kw, channels: inC, depthMultiplier: 1, strideH: 1, strideW: 1, padding, kernel: Float32Array.from(w[0]), bias, activation: act });
        break;
      }
      case 'MaxPooling2D': {
        const ps = cfg['poolSize'] as number[] | number;
        const st = (cfg['strides'] ?? ps) as number[] | number;
        const [ph, pw] = Array.isArray(ps) ? ps.map(Number) : [Number(ps), Number(ps)];
        const [sh, sw] = Array.isArray(st) ? st.map(Number) : [Number(st), Number(st)];
        layers.push({ kind: 'maxpool2d', poolH: ph, poolW: pw, strideH: sh, strideW: sw, padding: cfg['padding'] === 'same' ? 'same' : 'valid' });
        break;
      }
      case 'GlobalAveragePooling2D':
        layers.push({ kind: 'global-avgpool2d' });
        break;
      case 'MaxPooling1D':
        layers.push({ kind: 'maxpool1d', ...poolArgs(cfg) });
        break;
      case 'AveragePooling1D':
        layers.push({ kind: 'avgpool1d', ...poolArgs(cfg) });
        break;
      case 'GlobalAveragePooling1D':
        layers.push({ kind: 'global-avgpool1d' });
        break;
      case 'Softmax':
        layers.push({ kind: 'softmax' });
        break;
      default:
        throw unsupported(layer.name, `the layer type ${cls}`);
    }
  }
  return { inputShape: inShape, layers, labels: labels.slice() };
}
