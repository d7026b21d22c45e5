/**
 * The one train job: what a model version is made of, and the one decision on a failed int8 export
 * (a float-only version whose metrics say why).
 */
import { describe, it, expect, vi, beforeAll, afterEach } from 'vitest';

const quantizeFails = vi.hoisted(() => ({ on: false }));
vi.mock('../quantize/quantize.ts', async (importOriginal) => {
  const orig = await importOriginal<typeof import('../quantize/quantize.ts')>();
  return {
    ...orig,
    quantizeModel: (...args: Parameters<typeof orig.quantizeModel>) => {
      if (quantizeFails.on) throw new Error('calibration found no range');
      return orig.quantizeModel(...args);
    },
  };
});

import { makeDemoDataset } from '../../device/sim/demo-dataset.ts';
import { defaultImpulse } from '../defaults.ts';
import { Int8Interpreter } from '../tflite/interpreter.ts';
import { useBackend } from './backend.ts';
import { loadModel } from './model-io.ts';
import { predictProbs } from './trainer.ts';
import { trainImpulse } from './train-job.ts';

const recs = makeDemoDataset({ seed: 5, perLabel: 4, durationMs: 2000, testFraction: 0.25, startTime: 1_700_000_000_000 });
function impulse() {
  const imp = defaultImpulse({ frequencyHz: 62.5, axes: recs[0].axes.map((a) => a.name), labels: [], shortestRecordingMs: 2000 });
  imp.training.epochs = 15;
  // 12 training recordings: holding whole recordings out for validation would leave too few to learn from.
  imp.training.validationSplit = 0;
  imp.windowing = { ...imp.windowing, windowMs: 1000, strideMs: 250 };
  return imp;
}

describe('trainImpulse', () => {
  beforeAll(async () => {
    expect(await useBackend('cpu')).toBe(true);
  });
  afterEach(() => {
    quantizeFails.on = false;
  });

  it('makes a version: impulse with normalization and quantization, float model taking standardised input, int8 + float TFLite, one metrics shape', async () => {
    const job = await trainImpulse(recs, impulse());
    const { impulse: imp, metrics } = job;
    const size = job.run.train.dim;
    expect(imp.normalization?.mean).toHaveLength(size);
    expect(imp.quantization?.input.scale).toBeGreaterThan(0);
    expect(Int8Interpreter.load(job.int8Tflite!).invoke(new Int8Array(size))).toHaveLength(imp.labels.length);
    expect(metrics.labels).toEqual(imp.labels);
    expect(metrics.float?.accuracy).toBeGreaterThan(0.5);
    expect(metrics.int8?.accuracy).toBe(metrics.comparison?.int8.accuracy);
    expect(metrics.comparison?.windows).toBe(job.run.test.rows);
    expect(metrics.training.history).toHaveLength(metrics.training.epochs_run);
    expect(metrics.sizes.int8_bytes).toBe(job.int8Tflite!.length);
    // the serialised float model, reloaded and fed standardised features, gives the job's test probabilities
    const back = await loadModel(job.floatModel!.modelJson, job.floatModel!.weights);
    const p = predictProbs(back, job.run.test.data, [size], imp.normalization);
    const want = job.run.evaluation!.probs;
    expect(Math.max(...p.map((v, i) => Math.abs(v - want[i])))).toBeLessThan(1e-5);
    back.dispose();
    job.model?.dispose();
  }, 60_000);

  it('when int8 fails: a float-only version, no .tflite, no quantization, the reason in the metrics', async () => {
    quantizeFails.on = true;
    const job = await trainImpulse(recs, impulse());
    expect(job.metrics.int8_error).toBe('calibration found no range');
    expect(job.int8Tflite).toBeUndefined();
    expect(job.floatTflite).toBeUndefined();
    expect(job.impulse.quantization).toBeUndefined();
    expect(job.metrics.int8).toBeUndefined();
    expect(job.metrics.float).toBeDefined();
    expect(job.floatModel?.weights.length).toBeGreaterThan(0);
    // the float model still takes standardised features
    expect(job.impulse.normalization).toBeDefined();
    job.model?.dispose();
  }, 60_000);
});
