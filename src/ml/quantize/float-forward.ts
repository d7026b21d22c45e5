/**
 * Reference float forward pass over a `FloatModel` (float64 accumulation), used to calibrate
 * activation ranges for int8 quantization and to compare int8 against float. DOM-free core module.
 *
 * Tensors are row-major without the batch dimension: a raw window is [time, channels]; dense layers
 * see the flattened vector. Padding 'same' follows TensorFlow (extra pad at the end, pooled averages
 * count only real samples).
 */
import { activate as act, floatModelInvalid as bad, outSize, padBefore } from './float-layer-math.ts';
import type { FloatLayer, FloatModel } from '../float-model.ts';
import { is2dLayer, layer2dOutputShape, runLayer2d } from './float-forward-2d.ts';

export interface LayerTrace {
  /** Output of each layer, in order. */
  outputs: Float32Array[];
  /** Shape of each layer's output (without batch). */
  shapes: number[][];
}

/** [time, channels] view of a shape for 1-D layers. */
function tc(shape: number[]): [number, number] {
  if (shape.length === 2) return [shape[0], shape[1]];
  if (shape.length === 1) return [shape[0], 1];
  throw bad(`A 1-D layer needs a [time, channels] input, got [${shape.join(', ')}].`);
}

/** Output shape of one layer. */
export function layerOutputShape(layer: FloatLayer, shape: number[]): number[] {
  if (is2dLayer(layer)) return layer2dOutputShape(layer, shape);
  const n = shape.reduce((a, b) => a * b, 1);
  switch (layer.kind) {
    case 'dense':
      if (layer.inUnits !== n) throw bad(`A dense layer expects ${layer.inUnits} inputs but gets ${n}.`);
      return [layer.units];
    case 'conv1d': {
      const [t, c] = tc(shape);
      if (c !== layer.inChannels) throw bad(`A conv1d layer expects ${layer.inChannels} channels but gets ${c}.`);
      return [outSize(layer.padding, t, layer.kernelSize, layer.stride), layer.filters];
    }
    case 'depthwise-conv1d': {
      const [t, c] = tc(shape);
      if (c !== layer.channels) throw bad(`A depthwise conv1d layer expects ${layer.channels} channels but gets ${c}.`);
      return [outSize(layer.padding, t, layer.kernelSize, layer.stride), c * layer.depthMultiplier];
    }
    case 'maxpool1d':
    case 'avgpool1d': {
      const [t, c] = tc(shape);
      return [outSize(layer.padding, t, layer.poolSize, layer.stride), c];
    }
    case 'global-avgpool1d':
      return [tc(shape)[1]];
    case 'flatten':
      return [n];
    case 'reshape': {
      const m = layer.shape.reduce((a, b) => a * b, 1);
      if (m !== n) throw bad(`Cannot reshape ${n} values into [${layer.shape.join(', ')}].`);
      return [...layer.shape];
    }
    case 'softmax':
      return [...shape];
  }
}

function runLayer(layer: FloatLayer, x: Float32Array, shape: number[], outShape: number[]): Float32Array {
  if (is2dLayer(layer)) return runLayer2d(layer, x, shape, outShape);
  const y = new Float32Array(outShape.reduce((a, b) => a * b, 1));
  switch (layer.kind) {
    case 'dense': {
      const { units, inUnits, kernel, bias } = layer;
      for (let u = 0; u < units; u++) {
        let acc = bias[u];
        const base = u * inUnits;
        for (let k = 0; k < inUnits; k++) acc += kernel[base + k] * x[k];
        y[u] = act(acc, layer.activation);
      }
      return y;
    }
    case 'conv1d': {
      const [t, c] = tc(shape);
      const [to, f] = outShape;
      const pad = padBefore(layer.padding, t, layer.kernelSize, layer.stride);
      const k = layer.kernelSize;
      for (let o = 0; o < to; o++)
        for (let fi = 0; fi < f; fi++) {
          let acc = layer.bias[fi];
          for (let j = 0; j < k; j++) {
            const ti = o * layer.stride - pad + j;
            if (ti < 0 || ti >= t) continue;
            const wb = (fi * k + j) * c;
            const xb = ti * c;
            for (let ci = 0; ci < c; ci++) acc += layer.kernel[wb + ci] * x[xb + ci];
          }
          y[o * f + fi] = act(acc, layer.activation);
        }
      return y;
    }
    case 'depthwise-conv1d': {
      const [t, c] = tc(shape);
      const [to, oc] = outShape;
      const m = layer.depthMultiplier;
      const k = layer.kernelSize;
      const pad = padBefore(layer.padding, t, k, layer.stride);
      for (let o = 0; o < to; o++)
        for (let ci = 0; ci < c; ci++)
          for (let mi = 0; mi < m; mi++) {
            const ch = ci * m + mi;
            let acc = layer.bias[ch];
            for (let j = 0; j < k; j++) {
              const ti = o * layer.stride - pad + j;
              if (ti < 0 || ti >= t) continue;
              acc += layer.kernel[j * oc + ch] * x[ti * c + ci];
            }
            y[o * oc + ch] = act(acc, layer.activation);
          }
      return y;
    }
    case 'maxpool1d':
    case 'avgpool1d': {
      const [t, c] = tc(shape);
      const [to] = outShape;
      const pad = padBefore(layer.padding, t, layer.poolSize, layer.stride);
      for (let o = 0; o < to; o++)
        for (let ci = 0; ci < c; ci++) {
          let acc = layer.kind === 'maxpool1d' ? -Infinity : 0;
          let count = 0;
          for (let j = 0; j < layer.poolSize; j++) {
            const ti = o * layer.stride - pad + j;
            if (ti < 0 || ti >= t) continue;
            const v = x[ti * c + ci];
            acc = layer.kind === 'maxpool1d' ? Math.max(acc, v) : acc + v;
            count++;
          }
          y[o * c + ci] = layer.kind === 'maxpool1d' ? acc : acc / count;
        }
      return y;
    }
    case 'global-avgpool1d': {
      const [t, c] = tc(shape);
      for (let ci = 0; ci < c; ci++) {
        let acc = 0;
        for (let ti = 0; ti < t; ti++) acc += x[ti * c + ci];
        y[ci] = acc / t;
      }
      return y;
    }
    case 'flatten':
    case 'reshape':
      y.set(x);
      return y;
    case 'softmax': {
      const depth = shape[shape.length - 1];
      for (let i = 0; i < x.length; i += depth) {
        let max = -Infinity;
        for (let j = 0; j < depth; j++) max = Math.max(max, x[i + j]);
        let sum = 0;
        const e = new Float64Array(depth);
        for (let j = 0; j < depth; j++) sum += e[j] = Math.exp(x[i + j] - max);
        for (let j = 0; j < depth; j++) y[i + j] = e[j] / sum;
      }
      return y;
    }
  }
}

/** Shapes of every layer output, checking that the layers fit together. */
export function modelShapes(model: FloatModel): number[][] {
  const shapes: number[][] = [];
  let shape = model.inputShape;
  for (const layer of model.layers) {
    shape = layerOutputShape(layer, shape);
    shapes.push(shape);
  }
  return shapes;
}

/** Runs the model on one input and returns every layer's output. */
export function floatForwardTrace(model: FloatModel, input: Float32Array): LayerTrace {
  const n = model.inputShape.reduce((a, b) => a * b, 1);
  if (input.length !== n) throw bad(`The model expects ${n} input values, got ${input.length}.`);
  const outputs: Float32Array[] = [];
  const shapes: number[][] = [];
  let x = input;
  let shape = model.inputShape;
  for (const layer of model.layers) {
    const os = layerOutputShape(layer, shape);
    x = runLayer(layer, x, shape, os);
    shape = os;
    outputs.push(x);
    shapes.push(os);
  }
  return { outputs, shapes };
}

/** Runs the model on one input and returns the final output. */
export function floatForward(model: FloatModel, input: Float32Array): Float32Array {
  const t = floatForwardTrace(model, input);
  return t.outputs.length ? t.outputs[t.outputs.length - 1] : Float32Array.from(input);
}
