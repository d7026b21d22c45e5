/**
 * Continuous recognition and calibration end to end in Node, on a model trained for real (MFE +
 * conv1d, int8 through the TFLite Micro-exact interpreter) from self-made "keywords": tone bursts in
 * noise, a low one and a high one, plus noise. A minute-long track with bursts at known onsets is
 * stored as a sample and replayed: calibration finds every keyword at its suggested threshold with
 * few false activations, a threshold too high finds none, and live recognition over the same audio pushed
 * in microphone-sized chunks gives the same detections. The keyword worker, driven through comlink as
 * the page drives it, gives the same results from the same stored model and recording.
 */
import 'fake-indexeddb/auto';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import * as Comlink from 'comlink';
import type { ImpulseConfig } from '../core/impulse.ts';
import { StudioError } from '../core/errors.ts';
import type { RawRecording } from '../data/sample.ts';
import { openStudioDb } from '../data/store/open-db.ts';
import { StudioStore } from '../data/store/studio-store.ts';
import { writeWav } from '../data/io/wav.ts';
import { useBackend } from '../ml/train/backend.ts';
import { createRng, type Rng } from '../ml/train/rng.ts';
import { trainImpulse } from '../ml/train/train-job.ts';
import { writeLabelTrack } from '../ml/live/calibration-truth.ts';
import { detectAll, type KeywordEvent } from '../ml/live/calibration.ts';
import { calibrate, KwsLiveSession, loadKeywordModel, sampleTrack, scoreWith, wavTrack } from './kws-jobs.ts';
import { saveVersion } from './model-jobs.ts';
import type { KwsWorkerApi } from './kws-api.ts';
import { workerInProcess, type InProcessWorker } from './test-support/worker-in-process.ts';

const RATE = 16000;
const AXES = [{ name: 'audio', units: 'int16' }];
const BAND: Record<string, [number, number]> = { low: [350, 700], high: [2200, 3200] };

/** A 0.35–0.5 s tone burst (with a glide, like a vowel) at `at` seconds, added to x. */
function burst(x: Float32Array, rng: Rng, label: string, at: number): number {
  const [lo, hi] = BAND[label];
  const f0 = lo + rng.next() * (hi - lo);
  const glide = (rng.next() - 0.5) * 0.3 * f0;
  const len = Math.round((0.35 + 0.15 * rng.next()) * RATE);
  const amp = 4000 + 8000 * rng.next();
  const s = Math.round(at * RATE);
  let ph = 0;
  for (let i = 0; i < len && s + i < x.length; i++) {
    const env = Math.sin((Math.PI * i) / len);
    ph += (2 * Math.PI * (f0 + (glide * i) / len)) / RATE;
    x[s + i] += amp * env * Math.sin(ph);
  }
  return len / RATE;
}

function noise(n: number, rng: Rng, level: number): Float32Array {
  return Float32Array.from({ length: n }, () => level * rng.normal());
}

function clip(rng: Rng, label: string, i: number, category: 'training' | 'testing'): RawRecording {
  const x = noise(RATE, rng, 100 + 500 * rng.next());
  if (label !== 'noise') burst(x, rng, label, 0.1 + 0.4 * rng.next());
  return { name: `${label}.${category}.${i}`, label, category, axes: AXES, intervalMs: 1000 / RATE, values: x.map((v) => Math.max(-32768, Math.min(32767, Math.round(v)))) };
}

/** `seconds` of noise with a keyword every ~3.5 s (alternating, jittered); returns the track and its events. */
function longTrack(seconds: number, seed: number): { values: Float32Array; truth: KeywordEvent[] } {
  const rng = createRng(seed);
  const values = noise(seconds * RATE, rng, 300);
  const truth: KeywordEvent[] = [];
  let t = 2;
  let k = 0;
  while (t < seconds - 2) {
    const label = k++ % 2 ? 'high' : 'low';
    const d = burst(values, rng, label, t);
    truth.push({ label, startMs: t * 1000, endMs: (t + d) * 1000 });
    t += 3 + rng.next();
  }
  return { values: values.map((v) => Math.max(-32768, Math.min(32767, Math.round(v)))), truth };
}

describe('keyword jobs on a trained int8 model', () => {
  let store: StudioStore;
  let modelId: string;
  let projectId: string;

  beforeAll(async () => {
    expect(await useBackend('cpu')).toBe(true);
    // the default database: the keyword worker (below) opens it too
    store = new StudioStore(await openStudioDb());
    projectId = (await store.createProject('kws')).id;
    const rng = createRng(7);
    const recs: RawRecording[] = [];
    for (const label of ['high', 'low', 'noise']) for (let i = 0; i < 24; i++) recs.push(clip(rng, label, i, i % 6 === 5 ? 'testing' : 'training'));
    const impulse: ImpulseConfig = {
      version: 1,
      windowing: { windowMs: 1000, strideMs: 1000, zeroPad: true, frequencyHz: RATE, axes: ['audio'] },
      dsp: { block: 'mfe', params: {} },
      learn: { block: 'conv1d', params: { filters: [8, 16], kernel: 3, pool: 2, head: 'global-avg', dense: [], dropout: 0.1 } },
      training: { epochs: 25, learningRate: 0.005, batchSize: 16, validationSplit: 0.2, seed: 0, earlyStoppingPatience: 0, classWeighting: false, augmentation: { noise: 0, timeShift: 0, amplitudeScale: 0 } },
      labels: [],
    };
    impulse.labels = ['high', 'low', 'noise'];
    const job = await trainImpulse(recs, impulse);
    job.model?.dispose();
    expect(job.int8Tflite).toBeDefined();
    expect(job.metrics.int8?.accuracy).toBeGreaterThan(0.8);
    modelId = (await saveVersion(store, projectId, job)).id;
  });

  it('calibrates on a stored one-minute track: every keyword found at the suggested threshold, none at a threshold too high', async () => {
    const { values, truth } = longTrack(60, 11);
    const meta = await store.addSample(projectId, { name: 'long.track', label: 'track', category: 'testing', axes: AXES, intervalMs: 1000 / RATE, values });
    const model = await loadKeywordModel(store, modelId, 'int8');
    expect(model.precision).toBe('int8');
    const track = await sampleTrack(store, meta.id);
    expect(track.rateHz).toBe(RATE);
    const res = calibrate(model, track, { hopMs: 250, background: ['noise'], averaging: 3, refractoryMs: 1000, labelTrack: writeLabelTrack(truth), thresholds: [0.4, 0.6, 0.8, 0.9, 0.999] });
    expect(res.report.annotated).toBe(true);
    expect(res.report.keywords).toBe(truth.length);
    expect(res.track.durationMs).toBe(60_000);
    const s = res.suggested!;
    expect(s).not.toBeNull();
    expect(s.missed).toBeLessThanOrEqual(1);
    expect(s.wrong).toBeLessThanOrEqual(1);
    expect(s.falseActivationsPerHour!).toBeLessThanOrEqual(2 * 60); // at most 2 in the minute
    // a threshold no average reaches finds nothing (missed need not rise step by step: a low threshold
    // can fire early on the wrong keyword and hold the detector off the right one)
    const last = res.report.points[res.report.points.length - 1];
    expect(last).toMatchObject({ detections: 0, missed: truth.length, falseActivations: 0 });
    expect(res.report.points[0].detections).toBeGreaterThanOrEqual(truth.length - 1);

    // live recognition over the same audio in 2048-sample chunks gives the same detections
    const settings = { hopMs: 250, background: ['noise'], averaging: 3, refractoryMs: 1000, threshold: s.threshold };
    const live = new KwsLiveSession(model, RATE, settings);
    const seen = [];
    for (let i = 0; i < values.length; i += 2048) for (const r of live.push(values.subarray(i, i + 2048))) if (r.detection) seen.push(r.detection);
    const replay = detectAll(scoreWith(model, track, 250), ['noise'], settings);
    expect(seen).toEqual(replay);
    expect(seen.length).toBeGreaterThanOrEqual(truth.length - 1);

    // the same track as a WAV file, without annotations: activations per hour only
    const wav = writeWav({ name: 'long', label: 'x', category: 'testing', axes: AXES, intervalMs: 1000 / RATE, values });
    const plain = calibrate(model, wavTrack('long.wav', wav), { hopMs: 250, background: ['noise'], averaging: 3, refractoryMs: 1000, thresholds: [s.threshold] });
    expect(plain.report.annotated).toBe(false);
    expect(plain.report.points[0].falseActivations).toBeNull();
    expect(plain.report.points[0].detections).toBe(seen.length);

    // the float32 export of the same network agrees on most keywords
    const f = calibrate(await loadKeywordModel(store, modelId, 'float'), track, { hopMs: 250, background: ['noise'], averaging: 3, refractoryMs: 1000, truth, thresholds: [s.threshold] });
    expect(f.report.points[0].hits!).toBeGreaterThanOrEqual(truth.length - 2);
  });

  it('refuses audio at another rate, tracks shorter than a window, and non-audio samples', async () => {
    const model = await loadKeywordModel(store, modelId, 'int8');
    expect(() => new KwsLiveSession(model, 48000, { hopMs: 250, background: ['noise'], averaging: 3, refractoryMs: 1000, threshold: 0.8 })).toThrow(/48000 Hz/);
    const short = { name: 'short', values: new Float32Array(RATE / 2), rateHz: RATE };
    expect(() => scoreWith(model, short, 250)).toThrow(StudioError);
    const imu = await store.addSample(projectId, { name: 'imu', label: 'x', category: 'training', axes: [{ name: 'accX', units: 'g' }], intervalMs: 10, values: new Float32Array(100) });
    await expect(sampleTrack(store, imu.id)).rejects.toMatchObject({ code: 'kws-no-audio' });
    await expect(loadKeywordModel(store, 'nope', 'int8')).rejects.toMatchObject({ code: 'model-not-found' });
  });

  describe('through the keyword worker (comlink, in process)', () => {
    let worker: InProcessWorker<KwsWorkerApi>;
    beforeAll(async () => {
      worker = await workerInProcess<KwsWorkerApi>(() => import('./kws-worker.ts'));
    });
    afterAll(() => worker.close());

    it('live pushes and calibration give what the jobs give; a second calibration with other detector settings reuses the scores', async () => {
      const api = worker.api;
      const { values, truth } = longTrack(30, 23);
      const meta = await store.addSample(projectId, { name: 'worker.track', label: 'track', category: 'testing', axes: AXES, intervalMs: 1000 / RATE, values });
      const settings = { hopMs: 250, background: ['noise'], averaging: 3, refractoryMs: 1000, threshold: 0.7 };
      const info = await api.liveStart({ modelId, precision: 'int8', streamRateHz: RATE, ...settings });
      expect(info).toEqual({ labels: ['high', 'low', 'noise'], rateHz: RATE, windowMs: 1000, hopMs: 250, precision: 'int8' });
      const fromWorker = [];
      for (let i = 0; i < values.length; i += 4096) for (const u of await api.livePush(values.slice(i, i + 4096))) if (u.detection) fromWorker.push(u.detection);
      const direct = [];
      const session = new KwsLiveSession(await loadKeywordModel(store, modelId, 'int8'), RATE, settings);
      for (let i = 0; i < values.length; i += 4096) for (const r of session.push(values.subarray(i, i + 4096))) if (r.detection) direct.push(r.detection);
      expect(fromWorker).toEqual(direct);
      expect(fromWorker.length).toBeGreaterThan(0);
      api.liveStop();
      expect(await api.livePush(values.slice(0, 4096))).toEqual([]);

      const stages: string[] = [];
      const onProgress = Comlink.proxy((p: { stage: string }) => void stages.push(p.stage));
      const req = { jobId: 'c1', modelId, precision: 'int8' as const, source: { kind: 'sample' as const, sampleId: meta.id }, hopMs: 250, background: ['noise'], averaging: 3, refractoryMs: 1000, truth };
      const a = await api.calibrate(req, onProgress);
      const model = await loadKeywordModel(store, modelId, 'int8');
      expect(a.report).toEqual(calibrate(model, await sampleTrack(store, meta.id), req).report);
      expect(stages).toContain('scoring the recording');
      stages.length = 0;
      const b = await api.calibrate({ ...req, jobId: 'c2', averaging: 1 }, onProgress);
      expect(stages).toEqual([]); // no second replay
      expect(b.report.settings.averaging).toBe(1);
      expect(b.report.points.map((p) => p.detections)).not.toEqual([]);

      // errors cross as the wire form of their StudioError
      const err = await api.liveStart({ modelId, precision: 'int8', streamRateHz: 44100, ...settings }).catch((e: unknown) => e);
      expect((err as { studioError?: { code: string } }).studioError?.code).toBe('kws-rate-mismatch');
    });
  });
});
