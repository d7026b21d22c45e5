/**
 * Trains a classifying learning block (dense / conv1d) with TF.js. DOM-free core module.
 *
 * Reproducible: weights are initialised from seeds, validation split, shuffling, augmentation and
 * dropout masks come from seeded generators, so the same seed gives the same metrics on the same
 * backend. A custom loop (not model.fit) keeps that control and reads the device once per epoch.
 * Inputs are standardised per channel (statistics of the training part, input-normalization.ts) and
 * the returned model takes standardised input: `normalization` travels with it in the impulse.
 * The validation split is drawn by recording when the data says which recording each window came
 * from (`groups`, grouped-split.ts), so validation never sees a recording the model trained on.
 * Early stopping watches the validation loss (training loss when there is no validation split) and
 * restores the best weights. Cancel with `signal`; progress per epoch via `onEpoch`.
 */
import * as tf from '@tensorflow/tfjs';
import { StudioError, throwIfAborted } from '../../core/errors.ts';
import type { LearnConfig, TrainingSettings } from '../../core/impulse.ts';
import type { OpOptions } from '../../core/progress.ts';
import { buildClassifier } from '../models/build-model.ts';
import { computeInputNormalization, standardizeFeatures, type InputNormalization } from '../models/input-normalization.ts';
import { SeededDropout } from '../models/seeded-dropout.ts';
import { augmentationActive, augmentExample } from './augment.ts';
import { groupedHoldout } from './grouped-split.ts';
import { createRng } from './rng.ts';

export interface TrainData {
  /** N examples, row-major, each `inputShape` (e.g. [39] features or [208, 3] raw). */
  x: Float32Array;
  inputShape: number[];
  /** Class index per example. */
  y: Int32Array | number[];
  labels: string[];
  /**
   * The recording (sample) each example came from. When given, the validation split is drawn by
   * recording (all windows of one recording on the same side), stratified by class; without it each
   * example counts as its own recording.
   */
  groups?: Int32Array | number[];
}

export interface EpochLog {
  epoch: number;
  loss: number;
  acc: number;
  valLoss?: number;
  valAcc?: number;
  /** Milliseconds since training started. */
  elapsedMs: number;
}

export interface TrainOptions extends OpOptions {
  onEpoch?: (log: EpochLog) => void;
}

export interface TrainResult {
  model: tf.LayersModel;
  history: EpochLog[];
  /** 1-based epoch whose weights were kept. */
  bestEpoch: number;
  stoppedEarly: boolean;
  backend: string;
  trainMs: number;
  /** The standardisation the model expects, per input element (from the training part). */
  normalization: InputNormalization;
  /** Indices (into the given data) used for validation. */
  validationIndices: number[];
}

function exampleSize(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Seeded stratified hold-out of `fraction` of the indices per class. */
export function stratifiedHoldout(y: ArrayLike<number>, fraction: number, seed: number): { train: number[]; val: number[] } {
  if (fraction <= 0) return { train: Array.from({ length: y.length }, (_, i) => i), val: [] };
  const rng = createRng(seed ^ 0x5eed);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < y.length; i++) {
    const list = byClass.get(y[i]) ?? [];
    list.push(i);
    byClass.set(y[i], list);
  }
  const train: number[] = [];
  const val: number[] = [];
  for (const k of [...byClass.keys()].sort((a, b) => a - b)) {
    const idx = rng.shuffle(byClass.get(k)!.slice()) as number[];
    const nVal = idx.length >= 2 ? Math.min(idx.length - 1, Math.round(idx.length * fraction)) : 0;
    val.push(...idx.slice(0, nVal));
    train.push(...idx.slice(nVal));
  }
  return { train: train.sort((a, b) => a - b), val: val.sort((a, b) => a - b) };
}

function checkData(data: TrainData, settings: TrainingSettings): void {
  const size = exampleSize(data.inputShape);
  const n = data.y.length;
  const fail = (message: string, remedy: string) => new StudioError({ family: 'import', code: 'bad-training-data', message, remedy });
  if (n === 0) throw fail('There are no training windows.', 'Add training samples at least one window long.');
  if (size <= 0 || data.x.length !== n * size) throw fail(`Training data has ${data.x.length} values for ${n} windows of ${size}.`, 'Recompute the features.');
  for (let i = 0; i < n; i++) if (!(data.y[i] >= 0 && data.y[i] < data.labels.length)) throw fail(`Window ${i} has label index ${data.y[i]}.`, 'Recompute the features.');
  if (data.groups && data.groups.length !== n) throw fail(`Training data has ${data.groups.length} recording ids for ${n} windows.`, 'Recompute the features.');
  for (let i = 0; i < data.x.length; i++) if (!Number.isFinite(data.x[i])) throw fail('The features contain NaN or infinite values.', 'Check the DSP parameters or remove broken samples.');
  const s = settings;
  if (!(s.epochs >= 1 && s.epochs <= 10000 && Number.isInteger(s.epochs))) throw badSetting('epochs', 'an integer from 1 to 10000');
  if (!(s.learningRate > 0 && s.learningRate < 10)) throw badSetting('learning rate', 'between 0 and 10');
  if (!(s.batchSize >= 1 && s.batchSize <= 65536 && Number.isInteger(s.batchSize))) throw badSetting('batch size', 'an integer from 1 to 65536');
  if (!(s.validationSplit >= 0 && s.validationSplit < 1)) throw badSetting('validation split', 'in [0, 1)');
}

function badSetting(name: string, range: string): StudioError {
  return new StudioError({ family: 'config', code: 'bad-training-setting', message: `Training setting ${name} must be ${range}.`, remedy: 'Fix the training settings.' });
}

/** Class weights N / (K · n_k) over the training indices (1 for absent classes). */
export function classWeights(y: ArrayLike<number>, idx: number[], k: number): Float32Array {
  const counts = new Float64Array(k);
  for (const i of idx) counts[y[i]]++;
  const present = counts.filter((c) => c > 0).length;
  const w = new Float32Array(k).fill(1);
  for (let c = 0; c < k; c++) if (counts[c] > 0) w[c] = idx.length / (present * counts[c]);
  return w;
}

/**
 * Runs the model on examples in batches; returns probabilities N × classes. With `normalization`
 * (the impulse's) the raw feature rows are standardised first, as the model expects.
 */
export function predictProbs(model: tf.LayersModel, x: Float32Array, inputShape: number[], normalization?: InputNormalization, batchSize = 512): Float32Array {
  if (normalization) x = standardizeFeatures(x, normalization);
  const size = exampleSize(inputShape);
  const n = x.length / size;
  const k = (model.outputs[0].shape[1] as number) ?? 0;
  const out = new Float32Array(n * k);
  for (let s = 0; s < n; s += batchSize) {
    const e = Math.min(n, s + batchSize);
    const p = tf.tidy(() => {
      const xb = tf.tensor(x.subarray(s * size, e * size), [e - s, ...inputShape]);
      return model.predict(xb) as tf.Tensor;
    });
    out.set(p.dataSync() as Float32Array, s * k);
    p.dispose();
  }
  return out;
}

export async function trainClassifier(data: TrainData, learn: LearnConfig, settings: TrainingSettings, opts: TrainOptions = {}): Promise<TrainResult> {
  checkData(data, settings);
  throwIfAborted(opts.signal, 'model');
  const t0 = performance.now();
  const size = exampleSize(data.inputShape);
  const channels = data.inputShape[data.inputShape.length - 1];
  const k = data.labels.length;
  const { train: trainIdx, val: valIdx } = data.groups ? groupedHoldout(data.y, data.groups, settings.validationSplit, settings.seed) : stratifiedHoldout(data.y, settings.validationSplit, settings.seed);
  if (trainIdx.length === 0) throw new StudioError({ family: 'import', code: 'bad-training-data', message: 'No windows left for training after the validation split.', remedy: 'Lower the validation split or add data.' });

  // Standardisation from the training part only.
  const trainX = new Float32Array(trainIdx.length * size);
  trainIdx.forEach((i, r) => trainX.set(data.x.subarray(i * size, (i + 1) * size), r * size));
  const norm = computeInputNormalization(trainX, data.inputShape);
  const channelStd = Float32Array.from(norm.std.slice(0, channels));
  const standardize = (row: Float32Array) => standardizeFeatures(row, norm, row);

  const weights = settings.classWeighting ? classWeights(data.y, trainIdx, k) : new Float32Array(k).fill(1);
  const aug = settings.augmentation;
  const doAug = augmentationActive(aug, data.inputShape);
  const rng = createRng(settings.seed);
  const augRng = createRng(settings.seed * 31 + 7);

  const model = buildClassifier(learn, data.inputShape, k, settings.seed);
  for (const l of model.layers) if (l instanceof SeededDropout) l.resetSeed();
  const optimizer = tf.train.adam(settings.learningRate);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);

  // Validation tensors (standardised) stay on the device for the whole run.
  let valX: tf.Tensor | null = null;
  let valY: tf.Tensor | null = null;
  if (valIdx.length) {
    const vx = new Float32Array(valIdx.length * size);
    valIdx.forEach((i, r) => {
      const row = vx.subarray(r * size, (r + 1) * size);
      row.set(data.x.subarray(i * size, (i + 1) * size));
      standardize(row);
    });
    valX = tf.tensor(vx, [valIdx.length, ...data.inputShape]);
    valY = tf.oneHot(tf.tensor1d(valIdx.map((i) => data.y[i]), 'int32'), k);
  }

  const history: EpochLog[] = [];
  const bs = Math.min(settings.batchSize, trainIdx.length);
  const order = trainIdx.slice();
  const xb = new Float32Array(bs * size);
  const scratch = new Float32Array(size);
  let best = Infinity;
  let bestEpoch = 0;
  let bestWeights: tf.Tensor[] | null = null;
  let sinceBest = 0;
  let stoppedEarly = false;

  try {
    for (let epoch = 1; epoch <= settings.epochs; epoch++) {
      rng.shuffle(order);
      let lossSum = tf.scalar(0);
      let correctSum = tf.scalar(0);
      for (let s = 0; s < order.length; s += bs) {
        const e = Math.min(order.length, s + bs);
        const m = e - s;
        const labelsB = new Int32Array(m);
        const wB = new Float32Array(m);
        for (let r = 0; r < m; r++) {
          const i = order[s + r];
          const row = xb.subarray(r * size, (r + 1) * size);
          row.set(data.x.subarray(i * size, (i + 1) * size));
          if (doAug) augmentExample(row, data.inputShape, aug, channelStd, augRng, scratch);
          standardize(row);
          labelsB[r] = data.y[i];
          wB[r] = weights[data.y[i]];
        }
        const xT = tf.tensor(xb.subarray(0, m * size), [m, ...data.inputShape]);
        const yT = tf.tidy(() => tf.oneHot(tf.tensor1d(labelsB, 'int32'), k));
        const wT = tf.tensor1d(wB);
        let correct: tf.Scalar | null = null;
        const cost = optimizer.minimize(
          () => {
            const p = model.apply(xT, { training: true }) as tf.Tensor2D;
            correct = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(p, 1), tf.argMax(yT, 1)), 'float32')) as tf.Scalar);
            const ce = tf.neg(tf.sum(tf.mul(yT, tf.log(tf.clipByValue(p, 1e-7, 1 - 1e-7))), 1));
            const data = tf.mean(tf.mul(ce, wT)) as tf.Scalar;
            // Kernel regularisers (learn param `l2`): part of the training loss only.
            const reg = model.calculateLosses();
            return (reg.length ? tf.add(data, tf.addN(reg)) : data) as tf.Scalar;
          },
          true,
          vars,
        )!;
        const nl = tf.tidy(() => tf.add(lossSum, tf.mul(cost, m)));
        const nc = tf.add(correctSum, correct!);
        lossSum.dispose();
        correctSum.dispose();
        cost.dispose();
        (correct as tf.Scalar | null)?.dispose();
        lossSum = nl as tf.Scalar;
        correctSum = nc as tf.Scalar;
        xT.dispose();
        yT.dispose();
        wT.dispose();
      }
      const [lossTotal] = await lossSum.data();
      const [correctTotal] = await correctSum.data();
      lossSum.dispose();
      correctSum.dispose();
      const log: EpochLog = { epoch, loss: lossTotal / order.length, acc: correctTotal / order.length, elapsedMs: 0 };
      if (valX && valY) {
        const [vl, va] = tf.tidy(() => {
          const p = model.predict(valX!) as tf.Tensor2D;
          const ce = tf.neg(tf.sum(tf.mul(valY!, tf.log(tf.clipByValue(p, 1e-7, 1 - 1e-7))), 1));
          const acc = tf.mean(tf.cast(tf.equal(tf.argMax(p, 1), tf.argMax(valY!, 1)), 'float32'));
          return [tf.mean(ce), acc];
        });
        log.valLoss = (await vl.data())[0];
        log.valAcc = (await va.data())[0];
        vl.dispose();
        va.dispose();
      }
      log.elapsedMs = performance.now() - t0;
      history.push(log);
      opts.onEpoch?.(log);
      opts.onProgress?.({ stage: 'training', fraction: epoch / settings.epochs, detail: `epoch ${epoch}/${settings.epochs}` });

      const watched = log.valLoss ?? log.loss;
      if (settings.earlyStoppingPatience > 0) {
        if (watched < best - 1e-4) {
          best = watched;
          bestEpoch = epoch;
          sinceBest = 0;
          bestWeights?.forEach((t) => t.dispose());
          bestWeights = model.getWeights().map((t) => t.clone());
        } else if (++sinceBest >= settings.earlyStoppingPatience) {
          stoppedEarly = true;
          break;
        }
      } else {
        bestEpoch = epoch;
      }
      if (opts.signal?.aborted) break;
      // Let the event loop breathe (progress messages, cancel) between epochs.
      await new Promise<void>((r) => setTimeout(r, 0));
      if (opts.signal?.aborted) break;
    }
    throwIfAborted(opts.signal, 'model');
    if (bestWeights) model.setWeights(bestWeights);
  } catch (e) {
    model.dispose();
    throw e;
  } finally {
    bestWeights?.forEach((t) => t.dispose());
    valX?.dispose();
    valY?.dispose();
    optimizer.dispose();
  }
  return {
    model,
    history,
    bestEpoch,
    stoppedEarly,
    backend: tf.getBackend(),
    trainMs: performance.now() - t0,
    normalization: norm,
    validationIndices: valIdx,
  };
}
