/**
 * Lowers a `FloatModel` to a TFLite graph, int8 (with given activation parameters) or float32.
 * DOM-free core module.
 *
 * conv1d → CONV_2D on [1, 1, T, C] (the input is reshaped to height 1), depthwise-conv1d →
 * DEPTHWISE_CONV_2D, pooling → MAX/AVERAGE_POOL_2D with a 1×k window, global-avgpool → MEAN over
 * the spatial axes, flatten/reshape → RESHAPE, dense → FULLY_CONNECTED, softmax → SOFTMAX.
 * int8 weights are symmetric in [−127, 127], per output channel (dimension 0 for CONV_2D and
 * FULLY_CONNECTED, 3 for DEPTHWISE_CONV_2D); biases are int32 with scale input·weight.
 * 2-D layers over an [H, W, C] image: conv2d → CONV_2D, depthwise-conv2d → DEPTHWISE_CONV_2D,
 * maxpool2d → MAX_POOL_2D, global-avgpool2d → MEAN over H and W.
 */
import { outSize } from './float-layer-math.ts';
import { StudioError } from '../../core/errors.ts';
import type { QuantParams } from '../../core/impulse.ts';
import type { Activation, FloatModel } from '../float-model.ts';
import { GraphBuilder } from '../tflite/graph-builder.ts';
import {
  ActivationFunctionType,
  BuiltinOperator,
  BuiltinOptionsType,
  Padding,
  TensorType,
  float32ToBytes,
  int32ToBytes,
  int8ToBytes,
  type TfliteModel,
  type TfliteQuantization,
} from '../tflite/schema.ts';
import { modelShapes } from './float-forward.ts';

export interface LowerOptions {
  mode: 'int8' | 'float32';
  /** int8: the model input's parameters. */
  inputParams?: QuantParams;
  /** int8: each layer output's parameters (pooling/flatten/reshape inherit their input's). */
  layerParams?: QuantParams[];
  /** Per-channel FULLY_CONNECTED weights (default true); false gives per-tensor weights. */
  perChannelDense?: boolean;
  description?: string;
}

export const SOFTMAX_OUTPUT: QuantParams = { scale: 1 / 256, zeroPoint: -128 };

function activationCode(a: Activation): number {
  return a === 'relu' ? ActivationFunctionType.RELU : a === 'relu6' ? ActivationFunctionType.RELU6 : ActivationFunctionType.NONE;
}

function quant(p: QuantParams): TfliteQuantization {
  return { scale: [Math.fround(p.scale)], zeroPoint: [p.zeroPoint], quantizedDimension: 0 };
}

/** Symmetric int8 weights; `channelOf(i)` gives the channel of flat index i. */
export function quantizeWeights(w: Float32Array, channels: number, channelOf: (i: number) => number): { q: Int8Array; scales: number[] } {
  const maxAbs = new Float64Array(channels);
  for (let i = 0; i < w.length; i++) {
    const c = channelOf(i);
    const a = Math.abs(w[i]);
    if (a > maxAbs[c]) maxAbs[c] = a;
  }
  const scales = Array.from(maxAbs, (m) => Math.fround(m > 0 ? m / 127 : 1e-9));
  const q = new Int8Array(w.length);
  for (let i = 0; i < w.length; i++) {
    const v = Math.round(w[i] / scales[channelOf(i)]);
    q[i] = Math.max(-127, Math.min(127, v));
  }
  return { q, scales };
}

/** int32 bias with per-channel scale inputScale·weightScale[c]. */
export function quantizeBias(b: Float32Array, inputScale: number, weightScales: number[]): { q: Int32Array; scales: number[] } {
  const scales = weightScales.map((s) => Math.fround(inputScale * s));
  const q = new Int32Array(b.length);
  for (let i = 0; i < b.length; i++) {
    const v = Math.round(b[i] / (scales.length === 1 ? scales[0] : scales[i]));
    q[i] = Math.max(-2147483647, Math.min(2147483647, v));
  }
  return { q, scales };
}

export function lowerToTflite(fm: FloatModel, opts: LowerOptions): TfliteModel {
  modelShapes(fm); // throws when layers do not fit together
  const int8 = opts.mode === 'int8';
  if (int8 && (!opts.inputParams || !opts.layerParams || opts.layerParams.length !== fm.layers.length)) {
    throw new StudioError({ family: 'model', code: 'quantize-params', message: 'Quantization parameters are missing for some layers.', remedy: 'Run calibration before lowering to int8.' });
  }
  const T = int8 ? TensorType.INT8 : TensorType.FLOAT32;
  const perChannelDense = opts.perChannelDense ?? true;
  const g = new GraphBuilder();
  let params: QuantParams = opts.inputParams ?? { scale: 1, zeroPoint: 0 };
  const q = (p: QuantParams) => (int8 ? quant(p) : undefined);
  const inputIdx = g.tensor('serving_default_input:0', [1, ...fm.inputShape], T, q(params));
  let cur = inputIdx;
  let shape = [1, ...fm.inputShape];

  const reshapeTo = (newShape: number[], name: string) => {
    const shapeConst = g.constant(`${name}/shape`, [newShape.length], TensorType.INT32, int32ToBytes(newShape));
    const out = g.tensor(name, newShape, T, q(params));
    g.op(BuiltinOperator.RESHAPE, [cur, shapeConst], [out], { type: BuiltinOptionsType.ReshapeOptions, newShape });
    cur = out;
    shape = newShape;
  };
  const to4d = (name: string) => {
    if (shape.length === 4) return;
    const t = shape[1];
    const c = shape.length === 3 ? shape[2] : 1;
    reshapeTo([1, 1, t, c], name);
  };
  const toFlat = (name: string) => {
    if (shape.length === 2) return;
    reshapeTo([1, shape.slice(1).reduce((a, b) => a * b, 1)], name);
  };
  /** MEAN over `axes` to [1, channels] (global average pooling) with the layer's own output parameters. */
  const meanOver = (axes: number[], name: string, own: QuantParams) => {
    const c = shape[shape.length - 1];
    const axis = g.constant(`${name}/reduction_indices`, [axes.length], TensorType.INT32, int32ToBytes(axes));
    params = own;
    const out = g.tensor(name, [1, c], T, q(params));
    g.op(BuiltinOperator.MEAN, [cur, axis], [out], { type: BuiltinOptionsType.ReducerOptions, keepDims: false });
    cur = out;
    shape = [1, c];
  };
  const weightTensors = (name: string, w: Float32Array, wShape: number[], channels: number, channelOf: (i: number) => number, qDim: number, bias: Float32Array, perChannel: boolean) => {
    if (!int8) {
      const wi = g.constant(`${name}/kernel`, wShape, T, float32ToBytes(w));
      const bi = g.constant(`${name}/bias`, [bias.length], T, float32ToBytes(bias));
      return [wi, bi];
    }
    const qw = quantizeWeights(w, perChannel ? channels : 1, perChannel ? channelOf : () => 0);
    const wq: TfliteQuantization = { scale: qw.scales, zeroPoint: qw.scales.map(() => 0), quantizedDimension: perChannel ? qDim : 0 };
    const wi = g.constant(`${name}/kernel`, wShape, TensorType.INT8, int8ToBytes(qw.q), wq);
    const qb = quantizeBias(bias, Math.fround(params.scale), qw.scales);
    const bq: TfliteQuantization = { scale: qb.scales, zeroPoint: qb.scales.map(() => 0), quantizedDimension: 0 };
    const bi = g.constant(`${name}/bias`, [bias.length], TensorType.INT32, int32ToBytes(qb.q), bq);
    return [wi, bi];
  };

  fm.layers.forEach((layer, li) => {
    const name = `layer_${li}_${layer.kind}`;
    const own = int8 ? opts.layerParams![li] : params;
    switch (layer.kind) {
      case 'conv1d': {
        to4d(`${name}/reshape_in`);
        const [, , t] = shape;
        const k = layer.kernelSize;
        const perOut = k * layer.inChannels;
        const [wi, bi] = weightTensors(name, layer.kernel, [layer.filters, 1, k, layer.inChannels], layer.filters, (i) => Math.floor(i / perOut), 0, layer.bias, true);
        params = own;
        const outT = outSize(layer.padding, t, k, layer.stride);
        const out = g.tensor(name, [1, 1, outT, layer.filters], T, q(params));
        g.op(BuiltinOperator.CONV_2D, [cur, wi, bi], [out], {
          type: BuiltinOptionsType.Conv2DOptions,
          padding: layer.padding === 'same' ? Padding.SAME : Padding.VALID,
          strideW: layer.stride,
          strideH: 1,
          activation: activationCode(layer.activation),
          dilationW: 1,
          dilationH: 1,
        });
        cur = out;
        shape = [1, 1, outT, layer.filters];
        break;
      }
      case 'depthwise-conv1d': {
        to4d(`${name}/reshape_in`);
        const [, , t] = shape;
        const k = layer.kernelSize;
        const oc = layer.channels * layer.depthMultiplier;
        const [wi, bi] = weightTensors(name, layer.kernel, [1, 1, k, oc], oc, (i) => i % oc, 3, layer.bias, true);
        params = own;
        const outT = outSize(layer.padding, t, k, layer.stride);
        const out = g.tensor(name, [1, 1, outT, oc], T, q(params));
        g.op(BuiltinOperator.DEPTHWISE_CONV_2D, [cur, wi, bi], [out], {
          type: BuiltinOptionsType.DepthwiseConv2DOptions,
          padding: layer.padding === 'same' ? Padding.SAME : Padding.VALID,
          strideW: layer.stride,
          strideH: 1,
          depthMultiplier: layer.depthMultiplier,
          activation: activationCode(layer.activation),
          dilationW: 1,
          dilationH: 1,
        });
        cur = out;
        shape = [1, 1, outT, oc];
        break;
      }
      case 'conv2d':
      case 'depthwise-conv2d': {
        if (shape.length === 3) reshapeTo([...shape, 1], `${name}/reshape_in`);
        if (shape.length !== 4) throw new StudioError({ family: 'model', code: 'float-model-invalid', message: `A 2-D convolution needs an image input, got [${shape.join(', ')}].`, remedy: 'Retrain the model; its layers do not fit together.' });
        const [, h, w] = shape;
        const { kernelH: kh, kernelW: kw } = layer;
        const dw = layer.kind === 'depthwise-conv2d';
        const oc = dw ? layer.channels * layer.depthMultiplier : layer.filters;
        const perOut = kh * kw * (dw ? 1 : layer.inChannels);
        const wShape = dw ? [1, kh, kw, oc] : [oc, kh, kw, layer.inChannels];
        const [wi, bi] = weightTensors(name, layer.kernel, wShape, oc, dw ? (i) => i % oc : (i) => Math.floor(i / perOut), dw ? 3 : 0, layer.bias, true);
        params = own;
        const outShape = [1, outSize(layer.padding, h, kh, layer.strideH), outSize(layer.padding, w, kw, layer.strideW), oc];
        const out = g.tensor(name, outShape, T, q(params));
        const common = { padding: layer.padding === 'same' ? Padding.SAME : Padding.VALID, strideW: layer.strideW, strideH: layer.strideH, activation: activationCode(layer.activation), dilationW: 1, dilationH: 1 };
        if (dw) g.op(BuiltinOperator.DEPTHWISE_CONV_2D, [cur, wi, bi], [out], { type: BuiltinOptionsType.DepthwiseConv2DOptions, ...common, depthMultiplier: layer.depthMultiplier });
        else g.op(BuiltinOperator.CONV_2D, [cur, wi, bi], [out], { type: BuiltinOptionsType.Conv2DOptions, ...common });
        cur = out;
        shape = outShape;
        break;
      }
      case 'maxpool2d': {
        if (shape.length === 3) reshapeTo([...shape, 1], `${name}/reshape_in`);
        const [, h, w, c] = shape;
        const outShape = [1, outSize(layer.padding, h, layer.poolH, layer.strideH), outSize(layer.padding, w, layer.poolW, layer.strideW), c];
        const out = g.tensor(name, outShape, T, q(params)); // int8 pooling keeps its input's parameters
        g.op(BuiltinOperator.MAX_POOL_2D, [cur], [out], {
          type: BuiltinOptionsType.Pool2DOptions,
          padding: layer.padding === 'same' ? Padding.SAME : Padding.VALID,
          strideW: layer.strideW,
          strideH: layer.strideH,
          filterW: layer.poolW,
          filterH: layer.poolH,
          activation: 0,
        });
        cur = out;
        shape = outShape;
        break;
      }
      case 'global-avgpool2d': {
        if (shape.length === 3) reshapeTo([...shape, 1], `${name}/reshape_in`);
        meanOver([1, 2], name, own);
        break;
      }
      case 'maxpool1d':
      case 'avgpool1d': {
        to4d(`${name}/reshape_in`);
        const [, , t, c] = shape;
        const k = layer.poolSize;
        const outT = outSize(layer.padding, t, k, layer.stride);
        const out = g.tensor(name, [1, 1, outT, c], T, q(params)); // int8 pooling keeps its input's parameters
        g.op(layer.kind === 'maxpool1d' ? BuiltinOperator.MAX_POOL_2D : BuiltinOperator.AVERAGE_POOL_2D, [cur], [out], {
          type: BuiltinOptionsType.Pool2DOptions,
          padding: layer.padding === 'same' ? Padding.SAME : Padding.VALID,
          strideW: layer.stride,
          strideH: 1,
          filterW: k,
          filterH: 1,
          activation: 0,
        });
        cur = out;
        shape = [1, 1, outT, c];
        break;
      }
      case 'global-avgpool1d':
        meanOver(shape.length === 4 ? [1, 2] : [1], name, own);
        break;
      case 'flatten':
        toFlat(name);
        break;
      case 'reshape':
        reshapeTo([1, ...layer.shape], name);
        break;
      case 'dense': {
        toFlat(`${name}/flatten_in`);
        const inUnits = layer.inUnits;
        const [wi, bi] = weightTensors(name, layer.kernel, [layer.units, inUnits], layer.units, (i) => Math.floor(i / inUnits), 0, layer.bias, perChannelDense);
        params = own;
        const out = g.tensor(name, [1, layer.units], T, q(params));
        g.op(BuiltinOperator.FULLY_CONNECTED, [cur, wi, bi], [out], {
          type: BuiltinOptionsType.FullyConnectedOptions,
          activation: activationCode(layer.activation),
          weightsFormat: 0,
          keepNumDims: false,
          asymmetricQuantizeInputs: false,
        });
        cur = out;
        shape = [1, layer.units];
        break;
      }
      case 'softmax': {
        params = SOFTMAX_OUTPUT;
        const out = g.tensor(name, [...shape], T, q(params));
        g.op(BuiltinOperator.SOFTMAX, [cur], [out], { type: BuiltinOptionsType.SoftmaxOptions, beta: 1 });
        cur = out;
        break;
      }
    }
  });

  return g.finish({
    inputs: [inputIdx],
    outputs: [cur],
    description: opts.description ?? `TinyML Studio ${int8 ? 'int8' : 'float32'} export`,
    inputNames: ['input'],
    outputNames: ['output'],
  });
}
