/**
 * The ML Web Worker: TF.js backends, DSP over datasets, training, evaluation, prediction, int8 export
 * and live classification, off the UI thread. DOM-free core module (module worker; comlink `expose`).
 *
 * The client passes the WASM binary URLs in `init` (they come from `?url` imports, so the bundler
 * fingerprints and precaches them). Every long call can be cancelled with `cancel()`. Trained models
 * stay in the worker under a handle (`modelId`); their files come back for storage.
 */
import * as Comlink from 'comlink';
import type * as tf from '@tensorflow/tfjs';
import { StudioError } from '../core/errors.ts';
import type { ImpulseConfig } from '../core/impulse.ts';
import type { Progress } from '../core/progress.ts';
import type { RawRecording } from '../data/sample.ts';
import { computeFeaturesAsync } from '../dsp/features.ts';
import { dspContext, getDspBlock } from '../dsp/registry.ts';
import { strideFrames, windowFrames } from '../dsp/windowing.ts';
import { LiveClassifier } from '../ml/live/live-classifier.ts';
import { metricsFromProbs } from '../ml/metrics/classification.ts';
import { anomalyScore, type AnomalyModel } from '../ml/models/anomaly.ts';
import { toFloatModel } from '../ml/models/to-float-model.ts';
import { availableBackends, chooseBackend, configureWasmPaths, useBackend, type BackendName, type BackendProbe } from '../ml/train/backend.ts';
import { exportInt8, runTflite } from '../ml/train/int8-export.ts';
import { loadModel, saveModel } from '../ml/train/model-io.ts';
import { classifyFeatures, evaluateProbs, inputShapeFor, runPipeline, toFeatureRecordings } from '../ml/train/pipeline.ts';
import { predictProbs } from '../ml/train/trainer.ts';
import type { EpochLog } from '../ml/train/trainer.ts';
import type { MlBackendInfo, MlEvaluation, MlFeatureSet, MlInitOptions, MlLiveOptions, MlQuantizeResult, MlSavedModel, MlTrainRequest, MlTrainResult, MlWorkerApi } from './ml-api.ts';

interface Held {
  impulse: ImpulseConfig;
  model?: tf.LayersModel;
  anomaly?: AnomalyModel;
}

const models = new Map<string, Held>();
let nextId = 1;
let available: string[] = [];
let candidates: BackendName[] = ['wasm', 'webgl', 'cpu'];
let lastProbes: BackendProbe[] | undefined;
let controller: AbortController | null = null;
let live: { lc: LiveClassifier } | null = null;

const epochNow = () => performance.timeOrigin + performance.now();

function begin(): AbortSignal {
  controller?.abort();
  controller = new AbortController();
  return controller.signal;
}

function held(id: string): Held {
  const h = models.get(id);
  if (!h) throw new StudioError({ family: 'model', code: 'no-model', message: `Model ${id} is not loaded in the worker.`, remedy: 'Train or load the model again.' });
  return h;
}

function info(): MlBackendInfo {
  return { backend: available.length ? currentBackend() : 'none', available: available.slice(), probes: lastProbes };
}

let tfMod: typeof tf | null = null;
function currentBackend(): string {
  return tfMod?.getBackend() ?? 'none';
}

export const mlWorkerApi: MlWorkerApi = {

  async init(opts: MlInitOptions = {}) {
    tfMod = await import('@tensorflow/tfjs');
    if (opts.wasmPaths) configureWasmPaths(opts.wasmPaths);
    if (opts.backends?.length) candidates = opts.backends.slice();
    available = await availableBackends(candidates);
    if (available.length === 0) throw new StudioError({ family: 'model', code: 'no-backend', message: 'No TensorFlow.js backend could start in this browser.', remedy: 'Try another browser.' });
    await useBackend(available[0]);
    return info();
  },

  async backendInfo() {
    return info();
  },

  cancel() {
    controller?.abort();
  },

  async computeFeatures(recordings: RawRecording[], impulse: ImpulseConfig, onProgress?: (p: Progress) => void): Promise<MlFeatureSet> {
    const signal = begin();
    const fs = await computeFeaturesAsync(toFeatureRecordings(recordings), impulse, { signal, onProgress });
    return Comlink.transfer({ ...fs }, [fs.data.buffer]);
  },

  async train(req: MlTrainRequest, onEpoch?: (log: EpochLog) => void, onProgress?: (p: Progress) => void): Promise<MlTrainResult> {
    const signal = begin();
    if (!tfMod) await mlWorkerApi.init();
    const imp = req.impulse;
    if (imp.learn.block !== 'anomaly' && req.probeBackend !== false && available.length > 1) {
      onProgress?.({ stage: 'choosing backend' });
      // The probe needs the input shape: compute it from the DSP block's output shape.
      const ctx = dspContext(imp);
      const block = getDspBlock(imp.dsp.block);
      const shape = block.outputShape(ctx);
      const dim = shape.reduce((a, b) => a * b, 1);
      const choice = await chooseBackend(
        { learn: imp.learn, inputShape: inputShapeFor(imp.learn.block, { shape, dim }), numClasses: Math.max(2, imp.labels.length || new Set(req.recordings.map((r) => r.label)).size), batchSize: imp.training.batchSize },
        available as BackendName[],
      );
      lastProbes = choice.probes;
    }
    const res = await runPipeline(req.recordings, imp, { signal, onEpoch, onProgress, uncertainThreshold: req.uncertainThreshold });
    const id = `m${nextId++}`;
    const out: MlTrainResult = {
      modelId: id,
      impulse: res.impulse,
      backend: currentBackend(),
      probes: lastProbes,
      trainMs: res.classifier?.trainMs ?? 0,
      history: res.classifier?.history ?? [],
      bestEpoch: res.classifier?.bestEpoch ?? 0,
      stoppedEarly: res.classifier?.stoppedEarly ?? false,
      windows: { training: res.train.rows, test: res.test.rows },
    };
    const transfers: Transferable[] = [];
    if (res.classifier) {
      models.set(id, { impulse: res.impulse, model: res.classifier.model });
      out.saved = await saveModel(res.classifier.model);
      out.floatModel = toFloatModel(res.classifier.model, res.impulse.labels);
      transfers.push(out.saved.weights.buffer as ArrayBuffer);
    }
    if (res.anomaly) {
      models.set(id, { impulse: res.impulse, anomaly: res.anomaly });
      out.anomaly = res.anomaly;
      out.anomalyScores = res.anomalyScores;
    }
    if (res.evaluation) out.evaluation = res.evaluation;
    return Comlink.transfer(out, transfers);
  },

  async loadModel(saved: MlSavedModel, impulse: ImpulseConfig): Promise<string> {
    if (!tfMod) await mlWorkerApi.init();
    const model = await loadModel(saved.modelJson, saved.weights);
    const id = `m${nextId++}`;
    models.set(id, { impulse, model });
    return id;
  },

  async disposeModel(id: string) {
    models.get(id)?.model?.dispose();
    models.delete(id);
  },

  async evaluate(id: string, recordings: RawRecording[], uncertainThreshold = 0): Promise<MlEvaluation> {
    const h = held(id);
    const signal = begin();
    const recs = recordings.filter((r) => r.category === 'testing');
    const fs = await computeFeaturesAsync(toFeatureRecordings(recs), h.impulse, { signal });
    if (!h.model) throw new StudioError({ family: 'model', code: 'not-a-classifier', message: 'The anomaly block has no class metrics.', remedy: 'Look at the anomaly scores instead.' });
    const probs = classifyFeatures(h.model, fs, h.impulse.learn.block);
    return evaluateProbs(fs, recs.map((r) => r.name), h.impulse.labels, probs, uncertainThreshold);
  },

  async predict(id: string, features: Float32Array): Promise<Float32Array> {
    const h = held(id);
    const ctx = dspContext(h.impulse);
    const shape = getDspBlock(h.impulse.dsp.block).outputShape(ctx);
    const dim = shape.reduce((a, b) => a * b, 1);
    if (h.anomaly) {
      // One anomaly score per row.
      const rows = Math.floor(features.length / dim);
      return Float32Array.from({ length: rows }, (_, i) => anomalyScore(h.anomaly!, features.subarray(i * dim, (i + 1) * dim)));
    }
    const p = predictProbs(h.model!, features, inputShapeFor(h.impulse.learn.block, { shape, dim }));
    return Comlink.transfer(p, [p.buffer]);
  },

  async quantize(id: string, recordings: RawRecording[]): Promise<MlQuantizeResult> {
    const h = held(id);
    if (!h.model) throw new StudioError({ family: 'model', code: 'not-a-classifier', message: 'Only classifiers can be exported to TFLite.', remedy: 'Train a dense or conv1d block.' });
    const signal = begin();
    const train = await computeFeaturesAsync(toFeatureRecordings(recordings.filter((r) => r.category !== 'testing')), h.impulse, { signal });
    const fm = toFloatModel(h.model, h.impulse.labels);
    const ex = exportInt8(fm, train.data, { signal, normalization: h.impulse.normalization });
    const out: MlQuantizeResult = { ...ex };
    const testRecs = recordings.filter((r) => r.category === 'testing');
    if (testRecs.length) {
      const test = await computeFeaturesAsync(toFeatureRecordings(testRecs), h.impulse, { signal });
      if (test.rows) {
        const probs = runTflite(ex.int8Tflite, test.data, test.dim, ex.normalization);
        out.int8 = metricsFromProbs(h.impulse.labels, test.windows.map((w) => h.impulse.labels.indexOf(w.label)), probs);
      }
    }
    return Comlink.transfer(out, [ex.int8Tflite.buffer as ArrayBuffer, ex.floatTflite.buffer as ArrayBuffer]);
  },

  async liveStart(o: MlLiveOptions) {
    const h = held(o.modelId);
    const imp = h.impulse;
    const ctx = dspContext(imp);
    const runner = getDspBlock(imp.dsp.block).createRunner(ctx);
    const shape = getDspBlock(imp.dsp.block).outputShape(ctx);
    const inShape = inputShapeFor(imp.learn.block, { shape, dim: runner.dim });
    const labels = h.anomaly ? ['normal', 'anomaly'] : imp.labels;
    live = {
      lc: new LiveClassifier({
        windowFrames: windowFrames(imp.windowing),
        strideFrames: Math.max(1, Math.round(strideFrames(imp.windowing))),
        axes: imp.windowing.axes.length,
        labels,
        features: (w) => runner.run(w),
        classify: (f) => {
          if (h.anomaly) {
            // Pseudo-probabilities [normal, anomaly]: 0.5 at the threshold, 1 at twice the threshold.
            const s = anomalyScore(h.anomaly, f);
            const p = Math.min(1, s / (2 * h.anomaly.threshold));
            return Float32Array.of(1 - p, p);
          }
          return predictProbs(h.model!, f, inShape);
        },
        smoothing: o.smoothing,
        threshold: o.threshold,
        hysteresis: o.hysteresis,
        now: epochNow,
      }),
    };
  },

  async livePush(frames: Float32Array, arrivalMs: number) {
    if (!live) throw new StudioError({ family: 'model', code: 'live-not-started', message: 'Live classification is not running.', remedy: 'Start live classification first.' });
    return live.lc.push(frames, arrivalMs);
  },

  async liveStop() {
    live = null;
  },
};

// Expose only inside a worker; Node tests import `mlWorkerApi` directly.
if (typeof self !== 'undefined' && typeof (self as { postMessage?: unknown }).postMessage === 'function') Comlink.expose(mlWorkerApi);
