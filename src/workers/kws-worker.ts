/**
 * The keyword worker: live recognition of the microphone (continuous.ts: overlapping windows, moving
 * average, threshold, refractory time) and threshold calibration on long recordings (calibration.ts),
 * with the model version's int8 (or float32) TFLite run by the TypeScript interpreter — no TF.js, so
 * it starts fast and never waits for a training job in the ML worker. Recordings from the dataset are
 * read from IndexedDB here; only results go back to the page. Exposes `KwsWorkerApi` (kws-api.ts).
 */
import type { KwsCalibrateRequest, KwsInfo, KwsProgressFn, KwsStartOptions, KwsUpdate, KwsWorkerApi } from './kws-api.ts';
import { calibrateScores, KwsLiveSession, loadKeywordModel, sampleTrack, scoreWith, wavTrack, type CalibrationResult, type LiveSettings } from './kws-jobs.ts';
import type { TrackScores } from '../ml/live/calibration.ts';
import { exposeWorkerApi, jobTable, workerStore } from './worker-kit.ts';

const jobs = jobTable();
let live: KwsLiveSession | null = null;
/** The last calibration's scores, reused when only the detector settings change. */
let lastScores: { key: string; scores: TrackScores; name: string } | null = null;

async function liveStart(o: KwsStartOptions): Promise<KwsInfo> {
  live = null;
  const model = await loadKeywordModel(await workerStore(), o.modelId, o.precision);
  const settings: LiveSettings = { hopMs: o.hopMs, background: o.background, averaging: o.averaging, threshold: o.threshold, refractoryMs: o.refractoryMs };
  live = new KwsLiveSession(model, o.streamRateHz, settings);
  return { labels: model.labels, rateHz: model.rateHz, windowMs: (model.windowSamples * 1000) / model.rateHz, hopMs: (live.hopSamples * 1000) / model.rateHz, precision: model.precision };
}

async function livePush(frames: Float32Array): Promise<KwsUpdate[]> {
  const s = live;
  if (!s) return [];
  const labels = s.model.labels;
  return s.push(frames).map((r) => ({ timeMs: r.timeMs, probs: Array.from(r.probs), averaged: Array.from(r.averaged), top: labels[r.top], detection: r.detection, dspMs: r.dspMs, modelMs: r.modelMs }));
}

function calibrate(req: KwsCalibrateRequest, onProgress?: KwsProgressFn): Promise<CalibrationResult> {
  return jobs.run(req.jobId, async (signal) => {
    const store = await workerStore();
    const model = await loadKeywordModel(store, req.modelId, req.precision);
    const src = req.source;
    const key = JSON.stringify([req.modelId, req.precision, req.hopMs, src.kind === 'sample' ? src.sampleId : [src.name, src.bytes.length]]);
    let hit = lastScores?.key === key ? lastScores : null;
    if (!hit) {
      onProgress?.({ stage: 'reading the recording' });
      const track = src.kind === 'sample' ? await sampleTrack(store, src.sampleId) : wavTrack(src.name, src.bytes);
      let last = -1;
      const scores = scoreWith(model, track, req.hopMs, {
        signal,
        onProgress: (p) => {
          // at most 100 messages per recording
          if (p.fraction === undefined || p.fraction >= 1 || p.fraction - last >= 0.01) {
            last = p.fraction ?? last;
            onProgress?.(p);
          }
        },
      });
      hit = lastScores = { key, scores, name: track.name };
    }
    return calibrateScores(hit.scores, model, hit.name, { ...req, signal });
  });
}

const api: KwsWorkerApi = {
  liveStart,
  livePush,
  async liveUpdate(s) {
    live?.update(s);
  },
  liveStop() {
    live = null;
  },
  calibrate,
  cancel: jobs.cancel,
};

exposeWorkerApi(api);
