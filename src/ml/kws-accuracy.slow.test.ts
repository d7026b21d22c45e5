/**
 * Issue 17, keyword spotting: the default audio impulse (1 s MFE windows, Edge Impulse's 1-D conv
 * keyword model) on keyword clips synthesized with espeak-ng (tests/support/kws/synth.ts).
 * - `tinyml train --data DIR` on a synthesized folder picks the audio defaults and writes a float and
 *   an int8 model whose saved test outputs are the TFLM-exact interpreter's.
 * - Accuracy: yes / no / unknown / noise, split by voice (the test voices' speaker variants never occur
 *   in training), training clips at 5, 10 and 20 dB SNR, test clips at 10 and 20 dB (KWS_BENCH_SET),
 *   trained for seeds 0, 1, 2: the int8 accuracy on the held-out voices, mean over the seeds, is at
 *   least 90 %. Mean ± spread is printed; bench/kws.bench.ts also reports 5 dB.
 * Skips with a one-line reason when espeak-ng is not installed.
 */
import { describe, it, expect } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run as runTrain } from '../cli/commands/train.ts';
import { audioImpulse } from './defaults-audio.ts';
import { trainImpulse } from './train/train-job.ts';
import { useBackend } from './train/backend.ts';
import { Int8Interpreter } from './tflite/interpreter.ts';
import { cachedKwsDatasetDir, ESPEAK_MISSING, espeakAvailable, KWS_TEST_VOICES, KWS_TRAIN_VOICES, kwsBenchRecordings } from '../../tests/support/kws/synth.ts';

const has = espeakAvailable();
const why = has ? '' : ` — skipped: ${ESPEAK_MISSING}`;


describe.skipIf(!has)(`keyword spotting on synthesized speech${why}`, () => {
  it('tinyml train on a synthesized folder: audio defaults, int8 model, test outputs equal the interpreter', async () => {
    const dir = cachedKwsDatasetDir({ voices: [...KWS_TRAIN_VOICES.slice(0, 6), KWS_TEST_VOICES[0]], testVoices: [KWS_TEST_VOICES[0]], seed: 3, clipsPerVoice: 2, snrsDb: [10, 20], babbleVoices: KWS_TRAIN_VOICES.slice(0, 6) });
    const out = mkdtempSync(join(tmpdir(), 'kws-train-'));
    try {
      const code = await runTrain(['--data', dir, '--out', out, '--epochs', '3', '--quiet', '--seed', '1']);
      expect(code).toBe(0);
      const imp = JSON.parse(readFileSync(join(out, 'impulse.json'), 'utf8'));
      expect(imp.windowing.windowMs).toBe(1000);
      expect(imp.dsp.block).toBe('mfe');
      expect(imp.learn).toMatchObject({ block: 'conv1d', params: { filters: [8, 16], kernel: 3, pool: 2, head: 'flatten' } });
      expect(imp.labels).toEqual(['no', 'noise', 'unknown', 'yes']);
      for (const f of ['model.tflite', 'model_float.tflite', 'model.h', 'test_inputs.csv', 'test_outputs.csv']) expect(existsSync(join(out, f))).toBe(true);
      const it8 = Int8Interpreter.load(new Uint8Array(readFileSync(join(out, 'model.tflite'))));
      expect(it8.input.shape).toEqual([1, 99, 40]);
      const rows = (name: string) => readFileSync(join(out, name), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').slice(3).map(Number));
      const ins = rows('test_inputs.csv');
      const outs = rows('test_outputs.csv');
      expect(ins.length).toBe(8);
      ins.forEach((r, i) => expect(Array.from(it8.invoke(Int8Array.from(r)))).toEqual(outs[i]));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('held-out voices: int8 accuracy ≥ 90 %, mean of seeds 0, 1, 2', async () => {
    expect(await useBackend('wasm')).toBe(true);
    const recs = kwsBenchRecordings();
    const accs: number[] = [];
    const floats: number[] = [];
    for (const seed of [0, 1, 2]) {
      const imp = audioImpulse({ frequencyHz: 16000, axes: ['audio'], labels: ['no', 'noise', 'unknown', 'yes'] });
      imp.training.seed = seed;
      const job = await trainImpulse(recs, imp, { split: 'dataset.json' });
      expect(job.metrics.int8).toBeDefined();
      accs.push(job.metrics.int8!.accuracy);
      floats.push(job.metrics.float!.accuracy);
      job.model?.dispose();
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const pct = (v: number) => `${(v * 100).toFixed(1)} %`;
    console.log(`KWS held-out voices (${KWS_TEST_VOICES.join(', ')}), ${recs.filter((r) => r.category === 'testing').length} test clips: int8 ${pct(mean(accs))} (seeds ${accs.map(pct).join(', ')}; spread ${pct(Math.max(...accs) - Math.min(...accs))}), float ${pct(mean(floats))}`);
    expect(mean(accs)).toBeGreaterThanOrEqual(0.9);
  }, 1_800_000);
});
