/**
 * The 2-D layers of the reference float forward pass (conv2d, depthwise-conv2d, maxpool2d,
 * global-avgpool2d) over row-major [H, W, C] tensors, TensorFlow's padding rules. DOM-free core module.
 */
import { activate as act, floatModelInvalid as bad, outSize, padBefore } from './float-layer-math.ts';
import type { FloatLayer } from '../float-model.ts';

export type Layer2d = Extract<FloatLayer, { kind: 'conv2d' | 'depthwise-conv2d' | 'maxpool2d' | 'global-avgpool2d' }>;

export function is2dLayer(l: FloatLayer): l is Layer2d {
  return l.kind === 'conv2d' || l.kind === 'depthwise-conv2d' || l.kind === 'maxpool2d' || l.kind === 'global-avgpool2d';
}

function hwc(shape: number[]): [number, number, number] {
  if (shape.length === 3) return [shape[0], shape[1], shape[2]];
  if (shape.length === 2) return [shape[0], shape[1], 1];
  throw bad(`A 2-D layer needs an [height, width, channels] input, got [${shape.join(', ')}].`);
}

export function layer2dOutputShape(layer: Layer2d, shape: number[]): number[] {
  const [h, w, c] = hwc(shape);
  switch (layer.kind) {
    case 'conv2d':
      if (c !== layer.inChannels) throw bad(`A conv2d layer expects ${layer.inChannels} channels but gets ${c}.`);
      return [outSize(layer.padding, h, layer.kernelH, layer.strideH), outSize(layer.padding, w, layer.kernelW, layer.strideW), layer.filters];
    case 'depthwise-conv2d':
      if (c !== layer.channels) throw bad(`A depthwise conv2d layer expects ${layer.channels} channels but gets ${c}.`);
      return [outSize(layer.padding, h, layer.kernelH, layer.strideH), outSize(layer.padding, w, layer.kernelW, layer.strideW), c * layer.depthMultiplier];
    case 'maxpool2d':
      return [outSize(layer.padding, h, layer.poolH, layer.strideH), outSize(layer.padding, w, layer.poolW, layer.strideW), c];
    case 'global-avgpool2d':
      return [c];
  }
}

export function runLayer2d(layer: Layer2d, x: Float32Array, shape: number[], outShape: number[]): Float32Array {
  const [h, w, c] = hwc(shape);
  const y = new Float32Array(outShape.reduce((a, b) => a * b, 1));
  if (layer.kind === 'global-avgpool2d') {
    for (let ci = 0; ci < c; ci++) {
      let acc = 0;
      for (let p = 0; p < h * w; p++) acc += x[p * c + ci];
      y[ci] = acc / (h * w);
    }
    return y;
  }
  const [oh, ow, oc] = outShape;
  const kh = layer.kind === 'maxpool2d' ? layer.poolH : layer.kernelH;
  const kw = layer.kind === 'maxpool2d' ? layer.poolW : layer.kernelW;
  const padH = padBefore(layer.padding, h, kh, layer.strideH);
  const padW = padBefore(layer.padding, w, kw, layer.strideW);
  for (let oy = 0; oy < oh; oy++)
    for (let ox = 0; ox < ow; ox++)
      for (let o = 0; o < oc; o++) {
        let acc = layer.kind === 'maxpool2d' ? -Infinity : layer.bias[o];
        const m = layer.kind === 'depthwise-conv2d' ? layer.depthMultiplier : 1;
        for (let fy = 0; fy < kh; fy++) {
          const iy = oy * layer.strideH - padH + fy;
          if (iy < 0 || iy >= h) continue;
          for (let fx = 0; fx < kw; fx++) {
            const ix = ox * layer.strideW - padW + fx;
            if (ix < 0 || ix >= w) continue;
            const xb = (iy * w + ix) * c;
            if (layer.kind === 'maxpool2d') acc = Math.max(acc, x[xb + o]);
            else if (layer.kind === 'depthwise-conv2d') acc += layer.kernel[(fy * kw + fx) * oc + o] * x[xb + Math.floor(o / m)];
            else {
              const wb = ((o * kh + fy) * kw + fx) * c;
              for (let ci = 0; ci < c; ci++) acc += layer.kernel[wb + ci] * x[xb + ci];
            }
          }
        }
        y[(oy * ow + ox) * oc + o] = layer.kind === 'maxpool2d' ? acc : act(acc, layer.activation);
      }
  return y;
}
