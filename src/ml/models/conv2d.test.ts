/**
 * The conv2d learning block: the im2col / slice layers equal TF.js's own conv2d and depthwiseConv2d
 * (forward and gradients) and train on WASM; the TF.js model, its FloatModel, the float32 TFLite and
 * the int8 TFLite (run by the TFLM-exact interpreter) agree; the parameter parser refuses nonsense.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { isStudioError } from '../../core/errors.ts';
import { floatForward } from '../quantize/float-forward.ts';
import { quantizeModel, toFloatTflite } from '../quantize/quantize.ts';
import { Int8Interpreter } from '../tflite/interpreter.ts';
import { readTflite } from '../tflite/reader.ts';
import { BuiltinOperator, builtinOperatorName } from '../tflite/schema.ts';
import { useBackend } from '../train/backend.ts';
import { createRng } from '../train/rng.ts';
import { predictProbs, trainClassifier } from '../train/trainer.ts';
import { buildClassifier } from './build-model.ts';
import { conv2dParams } from './conv2d-params.ts';
import { im2colConv2d, sliceDepthwiseConv2d } from './im2col-conv2d.ts';
import { toFloatModel, transposeConv2d } from './to-float-model.ts';

function rand(shape: number[], seed: number): tf.Tensor {
  const rng = createRng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: n }, () => rng.normal()), shape);
}

const maxAbsDiff = (a: tf.Tensor, b: tf.Tensor): number => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

/** Spectrogram-like images: class k has a bright blob at a class-specific (time, frequency) place. */
function images(n: number, t: number, f: number, classes: number, seed: number): { x: Float32Array; y: Int32Array } {
  const rng = createRng(seed);
  const x = new Float32Array(n * t * f);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = i % classes;
    y[i] = k;
    const ct = Math.floor(((k + 0.5) / classes) * t) + rng.int(3) - 1;
    const cf = Math.floor(((classes - k - 0.5) / classes) * f) + rng.int(3) - 1;
    for (let a = 0; a < t; a++)
      for (let b = 0; b < f; b++) x[(i * t + a) * f + b] = 0.3 * rng.normal() + Math.exp(-((a - ct) ** 2 + (b - cf) ** 2) / 8);
  }
  return { x, y };
}

describe('conv2d layers', () => {
  beforeAll(async () => {
    expect(await useBackend('cpu')).toBe(true);
  });

  for (const padding of ['valid', 'same'] as const) {
    it(`im2col conv2d and slice depthwise conv2d match tf.conv2d / tf.depthwiseConv2d with gradients (${padding})`, () => {
      const x = rand([2, 8, 7, 3], 1) as tf.Tensor4D;
      const w = rand([3, 3, 3, 4], 2) as tf.Tensor4D;
      const ref = tf.conv2d(x, w, 1, padding);
      expect(maxAbsDiff(im2colConv2d(x, w, null, padding), ref)).toBeLessThan(1e-4);
      const r = rand(ref.shape, 3);
      const gRef = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, padding), r)))([x, w]);
      const gOurs = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(im2colConv2d(a as tf.Tensor4D, b as tf.Tensor4D, null, padding), r)))([x, w]);
      expect(maxAbsDiff(gOurs[0], gRef[0])).toBeLessThan(1e-4);
      expect(maxAbsDiff(gOurs[1], gRef[1])).toBeLessThan(1e-4);
      expect(tf.max(tf.abs(gRef[1])).dataSync()[0]).toBeGreaterThan(0.1);

      const dw = rand([3, 3, 3, 1], 4) as tf.Tensor4D;
      const dRef = tf.depthwiseConv2d(x, dw, 1, padding);
      expect(maxAbsDiff(sliceDepthwiseConv2d(x, dw, null, padding), dRef)).toBeLessThan(1e-4);
      const r2 = rand(dRef.shape, 5);
      const dgRef = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, padding), r2)))([x, dw]);
      const dgOurs = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(sliceDepthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, null, padding), r2)))([x, dw]);
      expect(maxAbsDiff(dgOurs[0], dgRef[0])).toBeLessThan(1e-4);
      expect(maxAbsDiff(dgOurs[1], dgRef[1])).toBeLessThan(1e-4);
    });
  }

  it('transposes Keras conv2d kernels to TFLite [out][kh][kw][in]', () => {
    // Keras [kh=1][kw=2][in=1][out=2]: (x0,f0)=1 (x0,f1)=2 (x1,f0)=3 (x1,f1)=4 → [f0: 1, 3][f1: 2, 4]
    expect(Array.from(transposeConv2d(Float32Array.from([1, 2, 3, 4]), 1, 2, 1, 2))).toEqual([1, 3, 2, 4]);
  });

  it('parses its parameters with defaults and refuses bad ones', () => {
    expect(conv2dParams({})).toEqual({ filters: [8, 16], kernel: 3, pool: 2, separable: false, head: 'flatten', dense: [], dropout: 0.25 });
    expect(conv2dParams({ filters: '4, 8', separable: 'true', head: 'global-avg' })).toMatchObject({ filters: [4, 8], separable: true, head: 'global-avg' });
    const bads: Record<string, number | string | number[]>[] = [{ kernel: 0 }, { filters: [] }, { separable: 'maybe' }, { head: 'max' }, { dropout: 1 }, { pool: 2.5 }];
    for (const bad of bads) {
      try {
        conv2dParams(bad);
        expect.unreachable();
      } catch (e) {
        expect(isStudioError(e, 'bad-learn-param')).toBe(true);
      }
    }
    try {
      buildClassifier({ block: 'conv2d', params: {} }, [40], 3, 1);
      expect.unreachable();
    } catch (e) {
      expect(isStudioError(e, 'conv2d-input')).toBe(true);
    }
    try {
      buildClassifier({ block: 'conv2d', params: { filters: [4, 4, 4, 4] } }, [12, 12], 3, 1);
      expect.unreachable();
    } catch (e) {
      expect(isStudioError(e, 'conv2d-too-deep')).toBe(true);
    }
  });

  for (const [separable, head] of [[false, 'flatten'], [true, 'flatten'], [true, 'global-avg']] as const) {
    it(`${separable ? 'separable' : 'plain'} conv2d (${head}): TF.js = FloatModel = float32 TFLite; int8 TFLite follows`, () => {
      const m = buildClassifier({ block: 'conv2d', params: { filters: [4, 6], kernel: 3, pool: 2, separable, head, dense: [5] } }, [20, 12], 3, 7);
      const fm = toFloatModel(m, ['a', 'b', 'c']);
      const kinds = fm.layers.map((l) => l.kind);
      expect(kinds[0]).toBe('reshape');
      expect(kinds.includes('depthwise-conv2d')).toBe(separable);
      expect(kinds.filter((k) => k === 'maxpool2d').length).toBe(2);
      const { x } = images(60, 20, 12, 3, 2);
      const p = predictProbs(m, x, [20, 12]);
      const rows = Array.from({ length: 60 }, (_, i) => x.subarray(i * 240, (i + 1) * 240));
      const ft = Int8Interpreter.load(toFloatTflite(fm).tflite);
      for (let i = 0; i < 8; i++) {
        const f = floatForward(fm, rows[i]);
        const t = ft.invokeFloat(rows[i]);
        for (let j = 0; j < 3; j++) {
          expect(f[j]).toBeCloseTo(p[i * 3 + j], 5);
          expect(t[j]).toBeCloseTo(f[j], 5);
        }
      }
      const q = quantizeModel(fm, rows.slice(0, 40));
      const ops = readTflite(q.tflite).subgraphs[0].operators.map((o) => o.opcodeIndex);
      const codes = readTflite(q.tflite).operatorCodes.map((c) => c.builtinCode);
      const names = ops.map((i) => builtinOperatorName(codes[i]));
      expect(names).toContain(builtinOperatorName(BuiltinOperator.CONV_2D));
      expect(names.includes(builtinOperatorName(BuiltinOperator.DEPTHWISE_CONV_2D))).toBe(separable);
      expect(names).toContain(builtinOperatorName(BuiltinOperator.MAX_POOL_2D));
      const it8 = Int8Interpreter.load(q.tflite);
      let maxDiff = 0;
      for (const r of rows.slice(40)) {
        const f = floatForward(fm, r);
        it8.invokeFloat(r).forEach((v, j) => (maxDiff = Math.max(maxDiff, Math.abs(v - f[j]))));
      }
      expect(maxDiff).toBeLessThan(0.1);
      m.dispose();
    });
  }

  it('trains on the WASM backend (separable) and learns a 2-D pattern', async () => {
    expect(await useBackend('wasm')).toBe(true);
    try {
      const { x, y } = images(48, 12, 10, 3, 3);
      const res = await trainClassifier(
        { x, y, inputShape: [12, 10], labels: ['a', 'b', 'c'] },
        { block: 'conv2d', params: { filters: [4, 6], kernel: 3, pool: 2, separable: true, dropout: 0 } },
        { epochs: 15, learningRate: 0.01, batchSize: 16, validationSplit: 0, seed: 1, earlyStoppingPatience: 0, classWeighting: false, augmentation: { noise: 0, timeShift: 0, amplitudeScale: 0 } },
      );
      const last = res.history[res.history.length - 1];
      expect(last.acc).toBeGreaterThan(0.9);
      res.model.dispose();
    } finally {
      await useBackend('cpu');
    }
  });
});
