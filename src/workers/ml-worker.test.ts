import { describe, it, expect } from 'vitest';
import type { ImpulseConfig } from '../core/impulse.ts';
import type { RawRecording } from '../data/sample.ts';
import { createRng } from '../ml/train/rng.ts';
import { mlWorkerApi as api } from './ml-worker.ts';
import type { EpochLog } from './ml-api.ts';

function recordings(): RawRecording[] {
  const rng = createRng(2);
  const out: RawRecording[] = [];
  for (const label of ['still', 'move']) {
    for (let r = 0; r < 5; r++) {
      const v = new Float32Array(100 * 2);
      for (let i = 0; i < 100; i++) {
        v[2 * i] = (label === 'move' ? Math.sin(i / 3 + r) : 0) + 0.05 * rng.normal();
        v[2 * i + 1] = 1 + 0.05 * rng.normal();
      }
      out.push({ name: `${label}.${r}`, label, category: r === 4 ? 'testing' : 'training', axes: [{ name: 'x', units: 'g' }, { name: 'y', units: 'g' }], intervalMs: 20, values: v });
    }
  }
  return out;
}

const impulse: ImpulseConfig = {
  version: 1,
  windowing: { windowMs: 1000, strideMs: 500, zeroPad: true, frequencyHz: 50, axes: ['x', 'y'] },
  dsp: { block: 'flatten', params: { kurtosis: false } },
  learn: { block: 'dense', params: { layers: [8], dropout: 0 } },
  training: { epochs: 10, learningRate: 0.01, batchSize: 8, validationSplit: 0.2, seed: 1, earlyStoppingPatience: 0, classWeighting: true, augmentation: { noise: 0, timeShift: 0, amplitudeScale: 0 } },
  labels: ['move', 'still'],
};

describe('ml worker API (in-process)', () => {
  it('initialises, probes, trains with epoch callbacks, predicts, quantizes and runs live', async () => {
    const info = await api.init({ backends: ['wasm', 'cpu'] });
    expect(info.available).toContain('cpu');
    const recs = recordings();
    const epochs: EpochLog[] = [];
    const res = await api.train({ recordings: recs, impulse }, (l) => epochs.push(l));
    expect(epochs.length).toBe(10);
    expect(res.probes?.length).toBeGreaterThan(0);
    expect(res.windows).toEqual({ training: 8 * 3, test: 2 * 3 });
    expect(res.evaluation!.window.accuracy).toBe(1);
    expect(res.evaluation!.sample.count).toBe(2);
    expect(res.floatModel!.layers.map((l) => l.kind)).toEqual(['dense', 'dense', 'softmax']);
    expect(res.saved!.weights.length).toBeGreaterThan(0);

    const fs = await api.computeFeatures(recs.filter((r) => r.category === 'testing'), res.impulse);
    const p = await api.predict(res.modelId, fs.data);
    expect(p.length).toBe(fs.rows * 2);

    const reloaded = await api.loadModel(res.saved!, res.impulse);
    expect(Array.from(await api.predict(reloaded, fs.data))).toEqual(Array.from(p));

    const q = await api.quantize(res.modelId, recs);
    expect(q.int8!.accuracy).toBe(1);
    expect(q.int8Tflite.length).toBeGreaterThan(100);
    // the exported models take the trained impulse's standardised features
    expect(res.impulse.normalization!.mean).toHaveLength(fs.dim);
    expect(q.normalization).toEqual(res.impulse.normalization);

    await api.liveStart({ modelId: res.modelId, impulse: res.impulse, smoothing: 2 });
    const move = recs.find((r) => r.name === 'move.4')!;
    const results = await api.livePush(move.values, performance.timeOrigin + performance.now());
    // 100 frames, 50-frame window, stride 25 → windows at 0, 25, 50
    expect(results.map((r) => r.startFrame)).toEqual([0, 25, 50]);
    expect(results.at(-1)!.decision).toBe('move');
    expect(results[0].latencyMs).toBeGreaterThanOrEqual(0);
    await api.liveStop();
    await api.disposeModel(res.modelId);
    await api.disposeModel(reloaded);
  });

  it('cancel() stops a running training with a cancelled error', async () => {
    await api.init({ backends: ['cpu'] });
    const p = api.train({ recordings: recordings(), impulse: { ...impulse, training: { ...impulse.training, epochs: 500 } } }, (l) => {
      if (l.epoch === 3) api.cancel();
    });
    await expect(p).rejects.toMatchObject({ code: 'cancelled' });
  });
});
