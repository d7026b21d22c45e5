import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { im2colConv1d } from './im2col-conv1d.ts';
import { createRng } from '../train/rng.ts';
import { useBackend } from '../train/backend.ts';

function rand(shape: number[], seed: number): tf.Tensor {
  const rng = createRng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: n }, () => rng.normal()), shape);
}

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

describe('im2col conv1d', () => {
  beforeAll(async () => {
    expect(await useBackend('cpu')).toBe(true);
  });

  for (const [stride, padding] of [
    [1, 'valid'],
    [1, 'same'],
    [2, 'valid'],
    [2, 'same'],
    [3, 'same'],
  ] as const) {
    it(`matches tf.conv1d forward and gradients (stride ${stride}, ${padding})`, () => {
      const x = rand([2, 23, 3], 1) as tf.Tensor3D;
      const w = rand([5, 3, 4], 2) as tf.Tensor3D;
      const ref = tf.conv1d(x, w, stride, padding);
      const ours = im2colConv1d(x, w, null, stride, padding);
      expect(ours.shape).toEqual(ref.shape);
      expect(maxAbsDiff(ours, ref)).toBeLessThan(1e-4);
      const r = rand(ref.shape, 3);
      const gRef = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv1d(a as tf.Tensor3D, b as tf.Tensor3D, stride, padding), r)))([x, w]);
      const gOurs = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(im2colConv1d(a as tf.Tensor3D, b as tf.Tensor3D, null, stride, padding), r)))([x, w]);
      expect(maxAbsDiff(gOurs[0], gRef[0])).toBeLessThan(1e-4);
      expect(maxAbsDiff(gOurs[1], gRef[1])).toBeLessThan(1e-4);
      // Sanity: the gradient is not trivially zero.
      expect(tf.max(tf.abs(gRef[1])).dataSync()[0]).toBeGreaterThan(0.1);
    });
  }

  it('computes gradients on the WASM backend, where tf.conv1d cannot', async () => {
    expect(await useBackend('wasm')).toBe(true);
    try {
      const x = rand([2, 20, 3], 4) as tf.Tensor3D;
      const w = rand([5, 3, 4], 5) as tf.Tensor3D;
      const g = tf.grad((b: tf.Tensor) => tf.sum(tf.square(im2colConv1d(x, b as tf.Tensor3D, null, 1, 'valid'))))(w);
      const gData = Float32Array.from(g.dataSync());
      expect(() => tf.grad((b: tf.Tensor) => tf.sum(tf.conv1d(x, b as tf.Tensor3D, 1, 'valid')))(w)).toThrow();
      await useBackend('cpu');
      const gCpu = tf.grad((b: tf.Tensor) => tf.sum(tf.square(tf.conv1d(x, b as tf.Tensor3D, 1, 'valid'))))(w).dataSync();
      for (let i = 0; i < gCpu.length; i++) expect(Math.abs(gData[i] - gCpu[i])).toBeLessThan(1e-3 * (1 + Math.abs(gCpu[i])));
    } finally {
      await useBackend('cpu');
    }
  });
});
