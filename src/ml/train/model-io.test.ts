import { describe, it, expect, beforeAll } from 'vitest';
import { isStudioError } from '../../core/errors.ts';
import { buildClassifier } from '../models/build-model.ts';
import { useBackend } from './backend.ts';
import { loadModel, saveModel } from './model-io.ts';
import { predictProbs } from './trainer.ts';
import { sineWindows } from './test-support/synthetic.ts';

describe('model save / load', () => {
  beforeAll(async () => {
    expect(await useBackend('cpu')).toBe(true);
  });

  it('round-trips a conv1d model with the custom layers to identical predictions', async () => {
    const m = buildClassifier({ block: 'conv1d', params: { filters: [4, 8], kernel: 3, dense: [6], dropout: 0.2 } }, [24, 3], 3, 5);
    const saved = await saveModel(m);
    const j = JSON.parse(saved.modelJson);
    expect(j.weightsManifest[0].paths).toEqual(['weights.bin']);
    expect(JSON.stringify(j.modelTopology)).toContain('Im2colConv1D');
    const back = await loadModel(saved.modelJson, saved.weights);
    const { x } = sineWindows(3, 24, 3, 3, 1);
    expect(Array.from(predictProbs(back, x, [24, 3]))).toEqual(Array.from(predictProbs(m, x, [24, 3])));
    m.dispose();
    back.dispose();
  });

  it('refuses a corrupt model file', async () => {
    await expect(loadModel('{"modelTopology": 1}', new Uint8Array(0))).rejects.toSatisfy((e: unknown) => isStudioError(e, 'bad-model-file'));
  });
});
