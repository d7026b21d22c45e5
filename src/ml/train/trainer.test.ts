import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { TrainingSettings } from '../../core/impulse.ts';
import { isCancelled, isStudioError } from '../../core/errors.ts';
import { predictProbs, stratifiedHoldout, classWeights, trainClassifier, type EpochLog } from './trainer.ts';
import { blobs, sineWindows } from './test-support/synthetic.ts';
import { useBackend, chooseBackend } from './backend.ts';
import { metricsFromProbs } from '../metrics/classification.ts';

const base: TrainingSettings = {
  epochs: 15,
  learningRate: 0.01,
  batchSize: 32,
  validationSplit: 0.2,
  seed: 7,
  earlyStoppingPatience: 0,
  classWeighting: false,
  augmentation: { noise: 0, timeShift: 0, amplitudeScale: 0 },
};
const labels = ['a', 'b', 'c'];

describe('trainer', () => {
  beforeAll(async () => {
    expect(await useBackend('cpu')).toBe(true);
  });

  it('learns a separable problem and reports curves per epoch', async () => {
    const train = blobs(600, 12, 3, 1);
    const test = blobs(300, 12, 3, 2);
    const logs: EpochLog[] = [];
    const r = await trainClassifier({ x: train.x, inputShape: [12], y: train.y, labels }, { block: 'dense', params: {} }, base, { onEpoch: (l) => logs.push(l) });
    expect(logs.length).toBe(15);
    expect(logs[14].loss).toBeLessThan(logs[0].loss);
    expect(logs[14].valAcc).toBeGreaterThan(0.85);
    const m = metricsFromProbs(labels, test.y, predictProbs(r.model, test.x, [12], r.normalization));
    expect(m.accuracy).toBeGreaterThan(0.85);
    r.model.dispose();
  });

  it('L2 (learn param l2) shrinks the dense and conv kernels during training only; the model keeps its layers', async () => {
    const d = blobs(300, 10, 3, 4, 1);
    const sq = (m: tf.LayersModel) => m.getWeights().filter((w) => w.shape.length > 1).reduce((s, w) => s + (w.square().sum().dataSync()[0] ?? 0), 0);
    const dense = async (l2: number) => trainClassifier({ x: d.x, inputShape: [10], y: d.y, labels }, { block: 'dense', params: { layers: [16], dropout: 0, l2 } }, { ...base, epochs: 10 });
    const [a, b] = [await dense(0), await dense(0.05)];
    expect(sq(b.model)).toBeLessThan(0.7 * sq(a.model));
    // the penalty is part of the training loss, not of the validation loss
    expect(b.history[9].loss).toBeGreaterThan(b.history[9].valLoss! - 0.5);
    expect(b.model.layers.map((l) => l.getClassName())).toEqual(a.model.layers.map((l) => l.getClassName()));
    const s = sineWindows(120, 24, 2, 3, 5);
    const conv = async (l2: number) => trainClassifier({ x: s.x, inputShape: [24, 2], y: s.y, labels }, { block: 'conv1d', params: { filters: [4], kernel: 3, pool: 2, dense: [], dropout: 0, l2 } }, { ...base, epochs: 6 });
    const [c, e] = [await conv(0), await conv(0.05)];
    expect(sq(e.model)).toBeLessThan(0.8 * sq(c.model));
    for (const r of [a, b, c, e]) r.model.dispose();
    await expect(dense(-1)).rejects.toThrow(/l2/);
  });

  it('is deterministic for a seed and differs for another seed', async () => {
    const d = blobs(300, 8, 3, 3, 1);
    const s = { ...base, epochs: 5, augmentation: { noise: 0.2, timeShift: 0, amplitudeScale: 0 } };
    const run = async (seed: number) => {
      const r = await trainClassifier({ x: d.x, inputShape: [8], y: d.y, labels }, { block: 'dense', params: { dropout: 0.2 } }, { ...s, seed }, {});
      const p = predictProbs(r.model, d.x, [8], r.normalization);
      r.model.dispose();
      return { h: r.history, p };
    };
    const a = await run(11);
    const b = await run(11);
    const c = await run(12);
    expect(b.h).toEqual(a.h.map((l, i) => ({ ...l, elapsedMs: b.h[i].elapsedMs })));
    expect(Array.from(b.p)).toEqual(Array.from(a.p));
    expect(Array.from(c.p)).not.toEqual(Array.from(a.p));
  });

  it('trains the conv1d block on WASM (im2col), with augmentation and early stopping', async () => {
    expect(await useBackend('wasm')).toBe(true);
    try {
      const d = sineWindows(240, 40, 3, 3, 5);
      const r = await trainClassifier(
        { x: d.x, inputShape: [40, 3], y: d.y, labels },
        { block: 'conv1d', params: { filters: [8, 8] } },
        { ...base, epochs: 12, earlyStoppingPatience: 3, augmentation: { noise: 0.1, timeShift: 0.1, amplitudeScale: 0.1 } },
        {},
      );
      expect(r.backend).toBe('wasm');
      const t = sineWindows(90, 40, 3, 3, 6);
      const m = metricsFromProbs(labels, t.y, predictProbs(r.model, t.x, [40, 3], r.normalization));
      expect(m.accuracy).toBeGreaterThan(0.9);
      r.model.dispose();
    } finally {
      await useBackend('cpu');
    }
  });

  it('stops on cancel with a cancelled StudioError', async () => {
    const d = blobs(200, 8, 3, 3);
    const ac = new AbortController();
    const p = trainClassifier({ x: d.x, inputShape: [8], y: d.y, labels }, { block: 'dense', params: {} }, { ...base, epochs: 50 }, {
      signal: ac.signal,
      onEpoch: (l) => {
        if (l.epoch === 2) ac.abort();
      },
    });
    await expect(p).rejects.toSatisfy((e: unknown) => isCancelled(e));
  });

  it('refuses NaN features and bad settings', async () => {
    const d = blobs(30, 4, 3, 3);
    d.x[5] = NaN;
    await expect(trainClassifier({ x: d.x, inputShape: [4], y: d.y, labels }, { block: 'dense', params: {} }, base)).rejects.toSatisfy((e: unknown) => isStudioError(e, 'bad-training-data'));
    const ok = blobs(30, 4, 3, 3);
    await expect(trainClassifier({ x: ok.x, inputShape: [4], y: ok.y, labels }, { block: 'dense', params: {} }, { ...base, batchSize: 0 })).rejects.toSatisfy((e: unknown) => isStudioError(e, 'bad-training-setting'));
    await expect(trainClassifier({ x: ok.x, inputShape: [4], y: ok.y, labels }, { block: 'dense', params: { layers: 'x' } }, base)).rejects.toSatisfy((e: unknown) => isStudioError(e, 'bad-learn-param'));
  });

  it('holds out a stratified validation set and weights classes', () => {
    const y = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1];
    const { train, val } = stratifiedHoldout(y, 0.25, 1);
    expect(val.filter((i) => y[i] === 0).length).toBe(2);
    expect(val.filter((i) => y[i] === 1).length).toBe(1);
    expect(train.length + val.length).toBe(10);
    const w = classWeights(y, train, 2);
    // 7 training windows: 6 of class 0, 1 of class 1 → 7/(2·6), 7/(2·1)
    expect(w[0]).toBeCloseTo(7 / 12, 5);
    expect(w[1]).toBeCloseTo(3.5, 5);
  });

  it('chooses a backend by a measured probe', async () => {
    const c = await chooseBackend({ learn: { block: 'dense', params: {} }, inputShape: [39], numClasses: 4, batchSize: 32 }, ['wasm', 'cpu']);
    expect(['wasm', 'cpu']).toContain(c.backend);
    expect(tf.getBackend()).toBe(c.backend);
    expect(c.probes.filter((p) => p.msPerStep !== undefined).length).toBe(2);
    await useBackend('cpu');
  });
});
