/**
 * The Train and Test steps' worker: picks the TF.js backend by a measured probe, runs the one train
 * job (src/ml/train/train-job.ts) on a project's samples with features from StudioStore's cache and
 * stores what it made as a model version (model-jobs.ts: float TF.js model, int8 + float TFLite,
 * impulse, metrics), scores stored models on the test samples and runs live classification over
 * device frames. Sample values never travel through the page. Only small messages (epoch logs,
 * stages, results) go back to the page. Exposes `TrainUiWorkerApi` (ml-api.ts) through comlink (worker-kit.ts).
 */
import * as Comlink from 'comlink';
import * as tf from '@tensorflow/tfjs';
import { StudioError, throwIfAborted } from '../core/errors.ts';
import type { ImpulseConfig } from '../core/impulse.ts';
import type { ModelRecord } from '../data/store/schema.ts';
import { sampleName } from '../data/store/usable-samples.ts';
import { dspContext, getDspBlock } from '../dsp/registry.ts';
import { axisIndices, strideFrames, windowFrames } from '../dsp/windowing.ts';
import { chooseBackend, configureWasmPaths, useBackend, type BackendName } from '../ml/train/backend.ts';
import { inputShapeFor } from '../ml/train/pipeline.ts';
import { trainImpulse } from '../ml/train/train-job.ts';
import { predictProbs } from '../ml/train/trainer.ts';
import { loadModel } from '../ml/train/model-io.ts';
import type { InputNormalization } from '../ml/models/input-normalization.ts';
import { anomalyFromJson, anomalyScore, type AnomalyModel } from '../ml/models/anomaly.ts';
import { LiveClassifier } from '../ml/live/live-classifier.ts';
import type {
  LiveInfo,
  LiveStartOptions,
  LiveUpdate,
  ProbeResult,
  StoredMetrics,
  TestData,
  TrainEventFn,
  TrainRequest,
  TrainSummary,
  TrainUiWorkerApi,
  WasmUrls,
} from './ml-api.ts';
import { noTrainingData, readTestFeatures, readTrainingSet, saveVersion } from './model-jobs.ts';
import { featureLayout, storeFeatureSource } from './store-features.ts';
import { exposeWorkerApi, jobTable, workerStore } from './worker-kit.ts';

let wasmReady = false;
const jobs = jobTable();
/** Probe results per model shape, so a second run skips the probe. */
const probeCache = new Map<string, { backend: string; probes: ProbeResult[] }>();

/** A classifier's TF.js model with the standardisation it expects (absent for versions stored before models took standardised input). */
type Loaded = { kind: 'classifier'; model: tf.LayersModel; norm?: InputNormalization; rec: ModelRecord } | { kind: 'anomaly'; anomaly: AnomalyModel; rec: ModelRecord };
const loaded = new Map<string, Loaded>();

function ensureWasm(): void {
  if (!wasmReady) {
    throw new StudioError({ family: 'model', code: 'worker-not-ready', message: 'The training worker was used before it was initialised.', remedy: 'Reload the page.' });
  }
}

async function selectBackend(pref: string, imp: ImpulseConfig, inputShape: number[], numClasses: number, emit: TrainEventFn): Promise<{ backend: string; probes: ProbeResult[] }> {
  const t0 = performance.now();
  if (pref !== 'auto') {
    if (!(await useBackend(pref))) {
      throw new StudioError({ family: 'model', code: 'backend-unavailable', message: `The ${pref} backend cannot start in this browser.`, remedy: 'Choose "automatic" as the backend.' });
    }
    emit({ type: 'backend', backend: pref, probes: [{ backend: pref }], probeMs: performance.now() - t0 });
    return { backend: pref, probes: [{ backend: pref }] };
  }
  const key = JSON.stringify([imp.learn, inputShape, numClasses, imp.training.batchSize]);
  const hit = probeCache.get(key);
  if (hit && (await useBackend(hit.backend))) {
    emit({ type: 'backend', backend: hit.backend, probes: hit.probes, probeMs: performance.now() - t0 });
    return hit;
  }
  emit({ type: 'stage', stage: 'probing backends' });
  // WebGL on a software renderer (no GPU) is an order of magnitude slower than WASM and its shader
  // compilation alone takes seconds: leave it out of the probe (it can still be chosen by hand).
  const renderer = webglRenderer();
  const software = renderer === null || SOFTWARE_GL.test(renderer);
  const candidates: BackendName[] = software ? ['wasm', 'cpu'] : ['wasm', 'webgl', 'cpu'];
  const choice = await chooseBackend({ learn: imp.learn, inputShape, numClasses, batchSize: Math.max(1, Math.min(imp.training.batchSize, 64)), steps: 3 }, candidates);
  if (software) choice.probes.push({ backend: 'webgl', error: renderer === null ? 'no WebGL in this worker' : `skipped: software renderer (${renderer.slice(0, 60)})` });
  probeCache.set(key, choice);
  emit({ type: 'backend', backend: choice.backend, probes: choice.probes, probeMs: performance.now() - t0 });
  return choice;
}

const SOFTWARE_GL = /swiftshader|llvmpipe|softpipe|software|basic render/i;

/** The WebGL renderer's name in this worker (OffscreenCanvas), or null without WebGL. */
function webglRenderer(): string | null {
  try {
    if (typeof OffscreenCanvas === 'undefined') return null;
    const c = new OffscreenCanvas(1, 1);
    const gl = (c.getContext('webgl2') ?? c.getContext('webgl')) as WebGLRenderingContext | null;
    if (!gl) return null;
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    const name = String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return name;
  } catch {
    return null;
  }
}

function train(req: TrainRequest, onEvent: TrainEventFn): Promise<TrainSummary> {
  ensureWasm();
  return jobs.run(req.jobId, (signal) => trainJob(req, onEvent, signal));
}

async function trainJob(req: TrainRequest, onEvent: TrainEventFn, signal: AbortSignal): Promise<TrainSummary> {
  const emit: TrainEventFn = (e) => {
    try {
      onEvent(e);
    } catch {
      /* the page went away */
    }
  };
  const imp: ImpulseConfig = structuredClone(req.impulse);
  emit({ type: 'stage', stage: 'reading samples' });
  const store = await workerStore();
  const { recordings, skipped, trainCount } = await readTrainingSet(store, req.projectId, imp);
  emit({ type: 'data', trainRecordings: trainCount, testRecordings: recordings.length - trainCount, skipped });
  if (trainCount === 0) throw noTrainingData(skipped);

  let probes: ProbeResult[] = [];
  if (imp.learn.block !== 'anomaly') {
    const { shape, dim } = featureLayout(imp);
    const inputShape = inputShapeFor(imp.learn.block, { shape, dim });
    ({ probes } = await selectBackend(req.backend, imp, inputShape, Math.max(2, imp.labels.length), emit));
  }
  throwIfAborted(signal, 'model');

  const job = await trainImpulse(recordings, imp, {
    signal,
    probes,
    features: storeFeatureSource(store),
    onEpoch: (l) => emit({ type: 'epoch', log: { epoch: l.epoch, loss: l.loss, acc: l.acc, valLoss: l.valLoss, valAcc: l.valAcc, elapsedMs: l.elapsedMs } }),
    onProgress: (p) => {
      if (p.stage !== 'training') emit({ type: 'stage', stage: p.stage, detail: p.detail });
    },
  });
  const { metrics } = job;
  if (req.save === false) {
    job.model?.dispose();
    const existing = await store.listModels(req.projectId);
    return { modelId: null, name: req.name?.trim() || `v${existing.length + 1}`, backend: metrics.training.backend, metrics };
  }
  emit({ type: 'stage', stage: 'saving' });
  const rec = await saveVersion(store, req.projectId, job, req.name);
  if (job.anomaly) loaded.set(rec.id, { kind: 'anomaly', anomaly: job.anomaly, rec });
  else if (job.model) loaded.set(rec.id, { kind: 'classifier', model: job.model, norm: job.impulse.normalization, rec });
  return { modelId: rec.id, name: rec.name, backend: metrics.training.backend, metrics };

}

async function getLoaded(modelId: string): Promise<Loaded> {
  const hit = loaded.get(modelId);
  if (hit) return hit;
  const rec = await (await workerStore()).getModel(modelId);
  if (!rec) throw new StudioError({ family: 'model', code: 'model-not-found', message: 'That model version no longer exists.', remedy: 'Choose another model version or train again.' });
  let l: Loaded;
  if (rec.impulse.learn.block === 'anomaly') {
    const m = (rec.metrics as StoredMetrics | undefined)?.anomaly?.model;
    l = { kind: 'anomaly', anomaly: anomalyFromJson(m), rec };
  } else {
    const t = rec.artifacts.tfjs;
    if (!t) throw new StudioError({ family: 'model', code: 'no-artifacts', message: `Model "${rec.name}" has no TF.js weights stored.`, remedy: 'Train the model again.' });
    const json = JSON.stringify({ format: 'layers-model', modelTopology: t.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: t.weightSpecs }] });
    const norm = t.input === 'standardised' ? rec.impulse.normalization : undefined;
    l = { kind: 'classifier', model: await loadModel(json, new Uint8Array(t.weightData)), norm, rec };
  }
  loaded.set(modelId, l);
  return l;
}

async function testModel(projectId: string, modelId: string): Promise<TestData> {
  ensureWasm();
  const l = await getLoaded(modelId);
  const imp = l.rec.impulse;
  const { fs, metas, skipped } = await readTestFeatures(await workerStore(), projectId, imp);
  const labels = imp.labels;
  const windowSample = Int32Array.from(fs.windows, (w) => w.recording);
  const windowStart = Int32Array.from(fs.windows, (w) => w.start);
  const truth = Int32Array.from(fs.windows, (w) => labels.indexOf(w.label));
  const out: TestData = {
    modelId,
    kind: l.kind,
    labels,
    samples: metas.map((m) => ({ id: m.id, name: sampleName(m), label: m.label })),
    windowSample,
    windowStart,
    truth,
    probs: new Float32Array(0),
    skipped,
    intervalMs: 1000 / imp.windowing.frequencyHz,
  };
  if (l.kind === 'anomaly') {
    const scores = new Float32Array(fs.rows);
    for (let i = 0; i < fs.rows; i++) scores[i] = anomalyScore(l.anomaly, fs.data.subarray(i * fs.dim, (i + 1) * fs.dim));
    out.scores = scores;
    out.threshold = l.anomaly.threshold;
  } else if (fs.rows > 0) {
    out.probs = predictProbs(l.model, fs.data, inputShapeFor(imp.learn.block, fs), l.norm);
  }
  const buffers = [windowSample.buffer, windowStart.buffer, truth.buffer, out.probs.buffer];
  if (out.scores) buffers.push(out.scores.buffer);
  return Comlink.transfer(out, buffers as ArrayBuffer[]);
}

// ---- live classification -------------------------------------------------------------------------

let live: { classifier: LiveClassifier; picked: number[]; deviceAxes: number; frame: Float32Array; last: { score?: number } } | null = null;

async function liveStart(projectId: string, modelId: string, opts: LiveStartOptions): Promise<LiveInfo> {
  ensureWasm();
  void projectId;
  const l = await getLoaded(modelId);
  const imp = l.rec.impulse;
  const w = imp.windowing;
  // Rates measured from a live stream wobble by a few per cent; a different rate class does not.
  if (!(opts.rateHz > 0) || Math.abs(opts.rateHz - w.frequencyHz) > 0.12 * w.frequencyHz) {
    throw new StudioError({
      family: 'model',
      code: 'live-rate-mismatch',
      message: `The device streams at ${opts.rateHz.toFixed(2)} Hz but the model was trained on ${w.frequencyHz} Hz data.`,
      remedy: `Set the device (or the simulated board) to ${w.frequencyHz} Hz.`,
    });
  }
  const picked = axisIndices(
    opts.deviceAxes.map((name) => ({ name })),
    w.axes,
  );
  const ctx = dspContext(imp);
  const runner = getDspBlock(imp.dsp.block).createRunner(ctx);
  const feats = new Float32Array(runner.dim);
  const wf = windowFrames(w);
  const sf = Math.max(1, Math.round(strideFrames(w)));
  const last: { score?: number } = {};
  let labels = imp.labels;
  let classify: (f: Float32Array) => Float32Array;
  if (l.kind === 'anomaly') {
    const a = l.anomaly;
    labels = ['normal', 'unusual'];
    classify = (f) => {
      const s = anomalyScore(a, f);
      last.score = s;
      const u = s > a.threshold ? 1 : 0;
      return Float32Array.of(1 - u, u);
    };
  } else {
    const inputShape = inputShapeFor(imp.learn.block, { shape: getDspBlock(imp.dsp.block).outputShape(ctx), dim: runner.dim });
    const { model, norm } = l;
    classify = (f) => predictProbs(model, f, inputShape, norm, 1);
  }
  const classifier = new LiveClassifier({
    windowFrames: wf,
    strideFrames: sf,
    axes: w.axes.length,
    labels,
    features: (win) => runner.run(win, feats),
    classify,
    smoothing: opts.smoothing ?? 3,
    threshold: opts.threshold ?? 0.6,
  });
  live = { classifier, picked, deviceAxes: opts.deviceAxes.length, frame: new Float32Array(0), last };
  return { labels, windowFrames: wf, strideFrames: sf, kind: l.kind };
}

async function livePush(frames: Float32Array): Promise<LiveUpdate[]> {
  const L = live;
  if (!L) return [];
  const n = Math.floor(frames.length / L.deviceAxes);
  const a = L.picked.length;
  if (L.frame.length !== n * a) L.frame = new Float32Array(n * a);
  for (let i = 0; i < n; i++) for (let j = 0; j < a; j++) L.frame[i * a + j] = frames[i * L.deviceAxes + L.picked[j]];
  const results = await L.classifier.push(L.frame);
  return results.map((r) => ({
    probs: Array.from(r.probs),
    smoothed: Array.from(r.smoothed),
    top: r.top,
    decision: r.decision,
    dspMs: r.dspMs,
    modelMs: r.modelMs,
    score: L.last.score,
  }));
}

const api: TrainUiWorkerApi = {
  async init(wasm: WasmUrls): Promise<void> {
    if (wasmReady) return;
    // Threaded WASM gives nothing on small models and needs the threaded binary: keep to SIMD / plain.
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    configureWasmPaths({ 'tfjs-backend-wasm.wasm': wasm.plain, 'tfjs-backend-wasm-simd.wasm': wasm.simd, 'tfjs-backend-wasm-threaded-simd.wasm': wasm.simd });
    wasmReady = true;
  },
  train,
  cancel: jobs.cancel,
  test: testModel,
  liveStart,
  livePush,
  liveStop(): void {
    live = null;
  },
  forget(modelId: string): void {
    const l = loaded.get(modelId);
    if (l?.kind === 'classifier') l.model.dispose();
    loaded.delete(modelId);
  },
  async status() {
    return { backend: tf.getBackend() ?? '', tensors: tf.memory().numTensors };
  },
};

exposeWorkerApi(api);
