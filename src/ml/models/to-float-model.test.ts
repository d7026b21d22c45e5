import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { isStudioError } from '../../core/errors.ts';
import { useBackend } from '../train/backend.ts';
import { predictProbs } from '../train/trainer.ts';
import { sineWindows, blobs } from '../train/test-support/synthetic.ts';
import { buildClassifier } from './build-model.ts';
import { floatForward } from '../quantize/float-forward.ts';
import { toFloatModel, transposeConv, transposeDense } from './to-float-model.ts';

describe('toFloatModel', () => {
  beforeAll(async () => {
    expect(await useBackend('cpu')).toBe(true);
  });

  it('transposes to TFLite layouts', () => {
    // Keras dense [in=2][out=3] → [out][in]
    expect(Array.from(transposeDense(Float32Array.from([1, 2, 3, 4, 5, 6]), 2, 3))).toEqual([1, 4, 2, 5, 3, 6]);
    // Keras conv [k=2][in=1][out=2] → [out][1][k][in]
    expect(Array.from(transposeConv(Float32Array.from([1, 2, 3, 4]), 2, 1, 2))).toEqual([1, 3, 2, 4]);
  });

  it('dense model: float forward equals tf predict', () => {
    const m = buildClassifier({ block: 'dense', params: { layers: [16, 8] } }, [10], 3, 3);
    const fm = toFloatModel(m, ['a', 'b', 'c']);
    expect(fm.inputShape).toEqual([10]);
    expect(fm.layers.map((l) => l.kind)).toEqual(['dense', 'dense', 'dense', 'softmax']);
    const { x } = blobs(5, 10, 3, 1);
    const p = predictProbs(m, x, [10]);
    for (let i = 0; i < 5; i++) {
      const f = floatForward(fm, x.subarray(i * 10, (i + 1) * 10));
      for (let j = 0; j < 3; j++) expect(f[j]).toBeCloseTo(p[i * 3 + j], 5);
    }
    m.dispose();
  });

  for (const head of ['global-avg', 'flatten'] as const) {
    it(`conv1d model (${head}): float forward equals tf predict`, () => {
      const m = buildClassifier({ block: 'conv1d', params: { filters: [4, 6], kernel: 3, head, dense: [5] } }, [30, 3], 4, 9);
      const fm = toFloatModel(m, ['a', 'b', 'c', 'd']);
      expect(fm.inputShape).toEqual([30, 3]);
      const conv = fm.layers[0];
      expect(conv.kind).toBe('conv1d');
      if (conv.kind === 'conv1d') expect([conv.filters, conv.kernelSize, conv.inChannels, conv.kernel.length]).toEqual([4, 3, 3, 36]);
      const { x } = sineWindows(4, 30, 3, 4, 2);
      const p = predictProbs(m, x, [30, 3]);
      for (let i = 0; i < 4; i++) {
        const f = floatForward(fm, x.subarray(i * 90, (i + 1) * 90));
        for (let j = 0; j < 4; j++) expect(f[j]).toBeCloseTo(p[i * 4 + j], 5);
      }
      m.dispose();
    });
  }

  it('refuses layers the export cannot express', () => {
    const m = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 2, activation: 'tanh' })] });
    expect(() => toFloatModel(m, ['a', 'b'])).toThrow();
    try {
      toFloatModel(m, ['a', 'b']);
    } catch (e) {
      expect(isStudioError(e, 'unsupported-layer')).toBe(true);
    }
    const m2 = tf.sequential({ layers: [tf.layers.batchNormalization({ inputShape: [3] })] });
    expect(() => toFloatModel(m2, ['a', 'b'])).toThrow(/BatchNormalization/);
  });
});
