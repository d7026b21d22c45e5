/**
 * A plain-TypeScript float forward pass of a `FloatModel` (no TF.js). DOM-free core module.
 *
 * The reference the tests compare the TF.js model and the int8 interpreter against, and a fallback
 * for live classification where TF.js is not loaded. Input is one example, row-major in `inputShape`.
 */
import type { Activation, FloatLayer, FloatModel } from '../float-model.ts';

interface Act {
  data: Float32Array;
  /** [len, channels] for sequences, [n] for vectors. */
  shape: number[];
}

function activate(v: number, a: Activation): number {
  if (a === 'relu') return v < 0 ? 0 : v;
  if (a === 'relu6') return v < 0 ? 0 : v > 6 ? 6 : v;
  return v;
}

function padFor(inLen: number, k: number, stride: number, padding: 'same' | 'valid'): { outLen: number; padLeft: number } {
  if (padding === 'valid') return { outLen: Math.floor((inLen - k) / stride) + 1, padLeft: 0 };
  const outLen = Math.ceil(inLen / stride);
  const total = Math.max((outLen - 1) * stride + k - inLen, 0);
  return { outLen, padLeft: Math.floor(total / 2) };
}

function step(x: Act, l: FloatLayer): Act {
  switch (l.kind) {
    case 'flatten':
      return { data: x.data, shape: [x.data.length] };
    case 'reshape':
      return { data: x.data, shape: l.shape.slice() };
    case 'dense': {
      const out = new Float32Array(l.units);
      for (let o = 0; o < l.units; o++) {
        let s = l.bias[o];
        const row = o * l.inUnits;
        for (let i = 0; i < l.inUnits; i++) s += l.kernel[row + i] * x.data[i];
        out[o] = activate(s, l.activation);
      }
      return { data: out, shape: [l.units] };
    }
    case 'conv1d': {
      const [len, c] = x.shape;
      const { outLen, padLeft } = padFor(len, l.kernelSize, l.stride, l.padding);
      const out = new Float32Array(outLen * l.filters);
      for (let t = 0; t < outLen; t++)
        for (let f = 0; f < l.filters; f++) {
          let s = l.bias[f];
          for (let j = 0; j < l.kernelSize; j++) {
            const ti = t * l.stride + j - padLeft;
            if (ti < 0 || ti >= len) continue;
            for (let ci = 0; ci < c; ci++) s += l.kernel[(f * l.kernelSize + j) * c + ci] * x.data[ti * c + ci];
          }
          out[t * l.filters + f] = activate(s, l.activation);
        }
      return { data: out, shape: [outLen, l.filters] };
    }
    case 'depthwise-conv1d': {
      const [len, c] = x.shape;
      const m = l.depthMultiplier;
      const { outLen, padLeft } = padFor(len, l.kernelSize, l.stride, l.padding);
      const out = new Float32Array(outLen * c * m);
      for (let t = 0; t < outLen; t++)
        for (let ci = 0; ci < c; ci++)
          for (let mi = 0; mi < m; mi++) {
            const oc = ci * m + mi;
            let s = l.bias[oc];
            for (let j = 0; j < l.kernelSize; j++) {
              const ti = t * l.stride + j - padLeft;
              if (ti >= 0 && ti < len) s += l.kernel[j * c * m + oc] * x.data[ti * c + ci];
            }
            out[t * c * m + oc] = activate(s, l.activation);
          }
      return { data: out, shape: [outLen, c * m] };
    }
    case 'maxpool1d':
    case 'avgpool1d': {
      const [len, c] = x.shape;
      const { outLen, padLeft } = padFor(len, l.poolSize, l.stride, l.padding);
      const out = new Float32Array(outLen * c);
      for (let t = 0; t < outLen; t++)
        for (let ci = 0; ci < c; ci++) {
          let m = -Infinity;
          let s = 0;
          let n = 0;
          for (let j = 0; j < l.poolSize; j++) {
            const ti = t * l.stride + j - padLeft;
            if (ti < 0 || ti >= len) continue;
            const v = x.data[ti * c + ci];
            if (v > m) m = v;
            s += v;
            n++;
          }
          out[t * c + ci] = l.kind === 'maxpool1d' ? m : s / n;
        }
      return { data: out, shape: [outLen, c] };
    }
    case 'global-avgpool1d': {
      const [len, c] = x.shape;
      const out = new Float32Array(c);
      for (let t = 0; t < len; t++) for (let ci = 0; ci < c; ci++) out[ci] += x.data[t * c + ci];
      for (let ci = 0; ci < c; ci++) out[ci] /= len;
      return { data: out, shape: [c] };
    }
    case 'softmax': {
      let m = -Infinity;
      for (const v of x.data) m = Math.max(m, v);
      const out = new Float32Array(x.data.length);
      let s = 0;
      for (let i = 0; i < out.length; i++) s += out[i] = Math.exp(x.data[i] - m);
      for (let i = 0; i < out.length; i++) out[i] /= s;
      return { data: out, shape: x.shape };
    }
  }
}

/** Runs one example through the model; returns the output vector (class probabilities). */
export function floatForward(model: FloatModel, input: Float32Array): Float32Array {
  let x: Act = { data: input, shape: model.inputShape.length === 1 ? [model.inputShape[0]] : model.inputShape.slice() };
  for (const l of model.layers) x = step(x, l);
  return x.data;
}
