/**
 * One tuner trial: a candidate impulse scored by grouped cross-validation on the training recordings
 * (folds by recording, stratified by class), float and int8 (the project's quantizer and TFLite Micro
 * interpreter, each fold's model calibrated on its own training part), and the board's flash, RAM and
 * latency from the deployment estimator. DOM-free core module: runs in the main thread, a worker or Node.
 *
 * A trial sees only `TuneData`, which holds training recordings alone (see `tuneData`).
 */
import { StudioError, isCancelled, throwIfAborted } from '../../core/errors.ts';
import type { RawRecording } from '../../data/sample.ts';
import { computeFeaturesAsync, type FeatureSet } from '../../dsp/features.ts';
import { estimateDeployment, TARGETS, type Target } from '../export/estimate.ts';
import { argmaxRow } from '../metrics/argmax.ts';
import { toFloatModel } from '../models/to-float-model.ts';
import { groupedKFold } from '../train/grouped-split.ts';
import { exportTflite, runTflite } from '../train/int8-export.ts';
import { toFeatureRecordings, toTrainData } from '../train/pipeline.ts';
import { predictProbs, trainClassifier, type TrainData } from '../train/trainer.ts';
import { candidateImpulse, candidateTraining, type Candidate, type TuneShape } from './space.ts';

/** A training recording as the tuner sees it: no category, so nothing from the test split fits here. */
export type TuneRecording = Pick<RawRecording, 'name' | 'label' | 'axes' | 'intervalMs' | 'values'>;

/** What every trial reads: the training recordings, frozen, and the data set's shape. */
export interface TuneData {
  readonly recordings: readonly TuneRecording[];
  readonly shape: TuneShape;
}

/**
 * Builds the tuner's input from recordings: refuses any recording of the test split, so the tuner
 * cannot read test data even by mistake.
 */
export function tuneData(recordings: readonly (TuneRecording & { category?: string })[]): TuneData {
  if (recordings.some((r) => r.category === 'testing')) {
    throw new StudioError({ family: 'config', code: 'tuner-test-data', message: 'The tuner was given recordings of the test split.', remedy: 'Pass only the training recordings; the test split is for the final evaluation.' });
  }
  if (recordings.length === 0) throw new StudioError({ family: 'import', code: 'no-training-data', message: 'There are no training recordings to tune on.', remedy: 'Add training recordings.' });
  const recs = recordings.map((r) => Object.freeze({ name: r.name, label: r.label, axes: r.axes, intervalMs: r.intervalMs, values: r.values }));
  const labels = [...new Set(recs.map((r) => r.label))].sort();
  const frequencyHz = Math.round((1000 / recs[0].intervalMs) * 1000) / 1000;
  const shortestRecordingMs = Math.min(...recs.map((r) => (r.values.length / Math.max(1, r.axes.length)) * r.intervalMs));
  return Object.freeze({ recordings: Object.freeze(recs), shape: { frequencyHz, axes: recs[0].axes.map((a) => a.name), labels, shortestRecordingMs } });
}

/** How much work a trial does: rungs of successive halving. */
export interface Rung {
  /** How many of the k folds are trained (1 = a quick look, k = full cross-validation). */
  folds: number;
  /** Fraction of the candidate's epochs. */
  epochFraction: number;
}

export interface TrialJob {
  candidate: Candidate;
  rung: number;
  seed: number;
  /** k of the k-fold cross-validation. */
  k: number;
  rungSpec: Rung;
  board: string;
}

export interface TrialResult {
  candidateId: number;
  rung: number;
  /** Pooled accuracy over the validated folds (window level), float model. */
  floatAcc: number;
  /** The same windows through the int8 model. */
  int8Acc: number;
  /** Mean cross-entropy of the float model on the validated windows (breaks ties between equal accuracies). */
  floatLoss: number;
  /** Per fold, float. */
  foldAcc: number[];
  windows: number;
  /** Recordings validated (over the folds). */
  recordings: number;
  /**
   * Per validated recording (index in the tuner's recordings): [int8-correct windows, windows]. The
   * choice compares candidates recording by recording (tuner.ts `recordingWins`, `signTestP`). Absent in results saved
   * before it existed.
   */
  perRecording?: Record<number, [number, number]>;
  /** Deployment figures for the board, from the first fold's int8 model. */
  flashBytes: number;
  ramBytes: number;
  arenaBytes: number;
  latencyMs: number;
  fits: boolean;
  ms: number;
  error?: string;
}

export function boardTarget(board: string): Target {
  const t = TARGETS.find((x) => x.id === board);
  if (!t) throw new StudioError({ family: 'config', code: 'unknown-board', message: `Unknown board "${board}".`, remedy: `Use one of ${TARGETS.map((x) => x.id).join(', ')}.` });
  return t;
}

/** Features per (windowing, DSP) of one TuneData, computed once per worker. */
export class FeatureCache {
  private readonly map = new Map<string, Promise<FeatureSet>>();
  constructor(private readonly max = 6) {}
  get(data: TuneData, c: Candidate, signal?: AbortSignal): Promise<FeatureSet> {
    const key = JSON.stringify([c.windowMs, c.strideMs, c.dsp]);
    let p = this.map.get(key);
    if (!p) {
      const imp = candidateImpulse(c, data.shape, 0);
      p = computeFeaturesAsync(toFeatureRecordings(data.recordings.map((r) => ({ ...r, category: 'training' as const }))), imp, { signal });
      p.catch(() => this.map.delete(key));
      this.map.set(key, p);
      while (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
    }
    return p;
  }
}

function subset(d: TrainData, idx: number[]): TrainData {
  const size = d.inputShape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(idx.length * size);
  idx.forEach((i, r) => x.set(d.x.subarray(i * size, (i + 1) * size), r * size));
  return { x, inputShape: d.inputShape, labels: d.labels, y: Int32Array.from(idx, (i) => d.y[i]), groups: Int32Array.from(idx, (i) => d.groups![i]) };
}

function crossEntropy(probs: Float32Array, y: ArrayLike<number>, k: number): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s -= Math.log(Math.max(1e-7, probs[i * k + y[i]]));
  return s;
}

function correct(probs: Float32Array, y: ArrayLike<number>, k: number, perRecording?: { groups: ArrayLike<number>; out: Record<number, [number, number]> }): number {
  let c = 0;
  for (let i = 0; i < y.length; i++) {
    const ok = argmaxRow(probs, i, k) === y[i];
    if (ok) c++;
    if (perRecording) {
      const cell = (perRecording.out[perRecording.groups[i]] ??= [0, 0]);
      if (ok) cell[0]++;
      cell[1]++;
    }
  }
  return c;
}

/** Runs one trial. Errors of the candidate (e.g. a DSP parameter the data cannot take) become a result with `error`. */
export async function runTrial(data: TuneData, job: TrialJob, cache: FeatureCache, signal?: AbortSignal): Promise<TrialResult> {
  const t0 = performance.now();
  const c = job.candidate;
  const empty = { candidateId: c.id, rung: job.rung, floatAcc: 0, int8Acc: 0, floatLoss: 0, foldAcc: [], windows: 0, recordings: 0, flashBytes: 0, ramBytes: 0, arenaBytes: 0, latencyMs: 0, fits: false };
  try {
    const target = boardTarget(job.board);
    const fs = await cache.get(data, c, signal);
    throwIfAborted(signal, 'model');
    const labels = data.shape.labels;
    const all = toTrainData(fs, labels, c.learn.block);
    const folds = groupedKFold(all.y, all.groups!, job.k, job.seed).slice(0, Math.max(1, job.rungSpec.folds));
    if (folds.length === 0) throw new StudioError({ family: 'import', code: 'too-few-recordings', message: 'Cross-validation needs at least two training recordings.', remedy: 'Record more samples.' });
    const settings = candidateTraining(c, job.seed, c.epochs * job.rungSpec.epochFraction);
    const size = all.inputShape.reduce((a, b) => a * b, 1);
    let nf = 0;
    let loss = 0;
    let recs = 0;
    let nq = 0;
    let n = 0;
    const foldAcc: number[] = [];
    const perRecording: Record<number, [number, number]> = {};
    let deploy: Pick<TrialResult, 'flashBytes' | 'ramBytes' | 'arenaBytes' | 'latencyMs' | 'fits'> | null = null;
    for (const f of folds) {
      const tr = subset(all, f.train);
      const va = subset(all, f.val);
      const r = await trainClassifier(tr, c.learn, settings, { signal });
      try {
        const pf = predictProbs(r.model, va.x, va.inputShape, r.normalization);
        const cf = correct(pf, va.y, labels.length);
        loss += crossEntropy(pf, va.y, labels.length);
        const ex = exportTflite(toFloatModel(r.model, labels), tr.x, r.normalization, { signal, classes: tr.y });
        const pq = runTflite(ex.int8Tflite, va.x, size, r.normalization);
        nq += correct(pq, va.y, labels.length, { groups: va.groups!, out: perRecording });
        nf += cf;
        n += va.y.length;
        recs += new Set(va.groups!).size;
        foldAcc.push(cf / va.y.length);
        if (!deploy) {
          const est = estimateDeployment(ex.int8Tflite, { targets: [target], dspInputValues: Math.round((c.windowMs * data.shape.frequencyHz) / 1000) * data.shape.axes.length, dsp: candidateImpulse(c, data.shape, 0) });
          const t = est.targets[0];
          deploy = { flashBytes: t.flashBytes, ramBytes: t.ramBytes, arenaBytes: est.arena.totalBytes, latencyMs: t.totalMs, fits: t.fitsFlash && t.fitsRam };
        }
      } finally {
        r.model.dispose();
      }
      throwIfAborted(signal, 'model');
    }
    return { ...empty, ...deploy!, floatAcc: nf / n, int8Acc: nq / n, floatLoss: loss / n, foldAcc, windows: n, recordings: recs, perRecording, ms: performance.now() - t0 };
  } catch (e) {
    if (isCancelled(e) || signal?.aborted) throw e;
    return { ...empty, ms: performance.now() - t0, error: e instanceof Error ? e.message : String(e) };
  }
}
