/**
 * One recording set through Impulse → Train → Test → Deploy with the jobs the workers run (on
 * fake-indexeddb): features are computed once per sample (a counting wrapper around the DSP registry
 * counts every window the DSP runs), the bytes Deploy gets are the bytes Train saved, and the int8
 * accuracy the Test step shows is the one Deploy shows — and the one those bytes really score.
 */
import 'fake-indexeddb/auto';
import { describe, it, expect, vi, beforeAll } from 'vitest';
import type { DspBlock, DspContext, DspRunner } from '../dsp/block.ts';

const dspRuns = vi.hoisted(() => ({ windows: 0 }));

vi.mock('../dsp/registry.ts', async (importOriginal) => {
  const orig = await importOriginal<typeof import('../dsp/registry.ts')>();
  const counting = (b: DspBlock): DspBlock =>
    Object.assign(Object.create(b) as DspBlock, {
      createRunner(ctx: DspContext): DspRunner {
        const r = b.createRunner(ctx);
        const run = r.run.bind(r);
        return Object.assign(Object.create(r) as DspRunner, {
          run: (...args: Parameters<DspRunner['run']>) => {
            dspRuns.windows++;
            return run(...args);
          },
        });
      },
    });
  return { ...orig, getDspBlock: (id: string) => counting(orig.getDspBlock(id)) };
});

import type { ImpulseConfig } from '../core/impulse.ts';
import { openStudioDb } from '../data/store/open-db.ts';
import { StudioStore } from '../data/store/studio-store.ts';
import { makeDemoDataset } from '../device/sim/demo-dataset.ts';
import { windowStarts } from '../dsp/windowing.ts';
import { defaultImpulse } from '../ml/defaults.ts';
import { metricsFromProbs } from '../ml/metrics/classification.ts';
import { useBackend } from '../ml/train/backend.ts';
import { runTflite } from '../ml/train/int8-export.ts';
import { trainImpulse, type TrainMetrics } from '../ml/train/train-job.ts';
import { exportVersion, type ExportResult } from './export-job.ts';
import { generateProjectFeatures } from './feature-job.ts';
import { readTestFeatures, readTrainingSet, saveVersion } from './model-jobs.ts';
import { storeFeatureSource } from './store-features.ts';

describe('Impulse → Train → Test → Deploy on the same samples', () => {
  beforeAll(async () => {
    expect(await useBackend('cpu')).toBe(true);
  });

  it('computes each sample’s features once; Deploy gets the int8 bytes Train saved and shows the Test step’s int8 accuracy', async () => {
    const store = new StudioStore(await openStudioDb({ name: `journey-${Math.random()}` }));
    const project = await store.createProject('journey');
    const recs = makeDemoDataset({ seed: 3, perLabel: 4, durationMs: 2000, testFraction: 0.25, startTime: 1_700_000_000_000 });
    await store.addSamples(project.id, recs);
    const impulse: ImpulseConfig = defaultImpulse({ frequencyHz: 62.5, axes: recs[0].axes.map((a) => a.name), labels: [], shortestRecordingMs: 2000 });
    impulse.training.epochs = 8;
    impulse.windowing = { ...impulse.windowing, windowMs: 1000, strideMs: 500 };
    const metas = await store.listSamples(project.id);
    const windowsOf = (length: number) => windowStarts(length, impulse.windowing).length;
    const allWindows = metas.reduce((n, m) => n + windowsOf(m.length), 0);
    expect(allWindows).toBeGreaterThan(metas.length);

    // Impulse step: every sample computed, each window once
    dspRuns.windows = 0;
    const summary = await generateProjectFeatures(store, 'impulse', project.id, impulse);
    expect(summary.stats.computedSamples).toBe(metas.length);
    expect(summary.rows).toBe(allWindows);
    expect(dspRuns.windows).toBe(allWindows);

    // Train step: features from the cache, nothing computed again
    const imp = structuredClone(impulse);
    const { recordings } = await readTrainingSet(store, project.id, imp);
    const job = await trainImpulse(recordings, imp, { features: storeFeatureSource(store) });
    job.model?.dispose();
    const rec = await saveVersion(store, project.id, job);
    expect(dspRuns.windows).toBe(allWindows);
    const metrics = rec.metrics as TrainMetrics;
    expect(metrics.int8).toBeDefined();
    expect(job.int8Tflite).toBeDefined();

    // Test step: the stored version's test features, from the cache; it shows metrics.int8 as the int8 accuracy
    const test = await readTestFeatures(store, project.id, rec.impulse);
    expect(test.fs.rows).toBe(metrics.training.windows.test);
    expect(dspRuns.windows).toBe(allWindows);
    const testStepInt8 = metrics.int8!.accuracy;

    // Deploy step: packages what was saved
    const out = (await exportVersion(store, rec.id)) as ExportResult;
    expect(out.kind).toBe('tflite');
    expect(dspRuns.windows).toBe(allWindows);
    expect(Array.from(out.int8Tflite)).toEqual(Array.from(job.int8Tflite!));
    const stored = await store.getModel(rec.id);
    expect(Array.from(stored!.artifacts.int8Tflite!)).toEqual(Array.from(out.int8Tflite));
    expect(out.quantization).toEqual(job.impulse.quantization);
    expect(out.evaluation?.split).toBe('test');
    // the Arduino library is named after the project (its folder in the zip and the download name)
    expect(out.arduinoLibraryName).toBe('Journey');
    expect(new TextDecoder().decode(out.arduinoZip!)).toContain('Journey/src/Journey.h');
    expect(out.evaluation?.int8.accuracy).toBe(testStepInt8);
    // …and that figure is what the shipped bytes score on the test windows (TFLite Micro arithmetic)
    const labels = out.labels;
    const probs = runTflite(out.int8Tflite, test.fs.data, test.fs.dim, out.impulse.normalization);
    const truth = test.fs.windows.map((w) => labels.indexOf(w.label));
    expect(metricsFromProbs(labels, truth, probs).accuracy).toBe(testStepInt8);
    // Exporting does not touch the version
    await exportVersion(store, rec.id);
    expect(await store.getModel(rec.id)).toEqual(stored);

    // A changed sample is computed again, alone
    const changed = metas[0];
    const values = (await store.getSample(changed.id))!.values.map((v) => v * 1.5);
    await store.replaceValues(changed.id, values);
    const again = await generateProjectFeatures(store, 'impulse-2', project.id, impulse);
    expect(again.stats.computedSamples).toBe(1);
    expect(again.stats.cachedSamples).toBe(metas.length - 1);
    expect(dspRuns.windows).toBe(allWindows + windowsOf(changed.length));
    store.close();
  }, 60_000);

  it('says why a version without int8 bytes cannot be deployed', async () => {
    const store = new StudioStore(await openStudioDb({ name: `journey-${Math.random()}` }));
    const project = await store.createProject('no-int8');
    const impulse = defaultImpulse({ frequencyHz: 62.5, axes: ['accX'], labels: ['a', 'b'], shortestRecordingMs: 2000 });
    const rec = await store.saveModel({ projectId: project.id, name: 'v1', createdAt: 0, impulse, metrics: { int8_error: 'boom' }, artifacts: {} });
    await expect(exportVersion(store, rec.id)).rejects.toThrow(/no int8 TFLite model stored \(the int8 export failed: boom\)/);
    store.close();
  });
});
