/**
 * The impulse tuner on a small simulated data set: grouped cross-validation scores, the board's
 * figures, the Pareto front, cancel and resume, and the proof that the test split is never read.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { makeDemoDataset } from '../../device/sim/demo-dataset.ts';
import type { RawRecording } from '../../data/sample.ts';
import { conv1dParams, denseParams } from '../models/learn-params.ts';
import { DEFAULT_TRAINING } from '../defaults.ts';
import { useBackend } from '../train/backend.ts';
import { createRng } from '../train/rng.ts';
import { candidateAt, FIXED_CANDIDATES } from './space.ts';
import { tuneData, type TrialResult } from './trial.ts';
import { compareResults, newTunerState, paretoFront, RUNGS, signTestP, summarize, tune, tuneRecordings, type TunerState, type TuneResult } from './tuner.ts';

const recs = makeDemoDataset({ seed: 2, perLabel: 5, durationMs: 2500, testFraction: 0.4, startTime: 1_700_000_000_000, labels: ['idle', 'wave', 'shake'] });
const training = recs.filter((r) => r.category === 'training');
// Enough budget to finish every candidate: the outcome then depends on the data only, not on timing.
const settings = { board: 'rp2040', budgetMs: 120_000, seed: 3, k: 3, maxCandidates: 3, epochScale: 0.5 };

function pick(r: TuneResult) {
  return { chosen: r.chosen?.candidate.id, trials: r.state.trials.map((t) => [t.candidateId, t.rung, t.floatAcc, t.int8Acc, t.flashBytes, t.arenaBytes]) };
}

describe('impulse tuner', () => {
  beforeAll(async () => {
    expect(await useBackend('cpu')).toBe(true);
  });

  it('scores candidates by grouped CV (float and int8) with the board figures, promotes the best, keeps a Pareto front', async () => {
    const r = await tuneRecordings(recs, settings);
    expect(r.cancelled).toBe(false);
    const rung0 = r.state.trials.filter((t) => t.rung === 0);
    expect(rung0.map((t) => t.candidateId).sort()).toEqual([0, 1, 2]);
    // 3 finished at rung 0, eta 3 → the best one is promoted to full cross-validation, and the
    // defaults (candidate 0) always are
    const rung1 = r.state.trials.filter((t) => t.rung === 1);
    const best0 = rung0.slice().sort(compareResults)[0];
    expect(rung1.map((t) => t.candidateId).sort()).toEqual([...new Set([0, best0.candidateId])].sort());
    for (const t of rung1) {
      expect(t.foldAcc).toHaveLength(3);
      // every training recording is validated once at the last rung
      expect(Object.values(t.perRecording!).reduce((n, [, w]) => n + w, 0)).toBe(t.windows);
      expect(Object.keys(t.perRecording!)).toHaveLength(t.recordings);
    }
    for (const t of r.state.trials) {
      expect(t.error).toBeUndefined();
      // above chance (3 classes) for every trial, the defaults' large net on 6 training recordings too
      expect(t.floatAcc).toBeGreaterThan(0.4);
      expect(Math.abs(t.int8Acc - t.floatAcc)).toBeLessThan(0.2);
      expect(t.flashBytes).toBeGreaterThan(t.arenaBytes);
      expect(t.latencyMs).toBeGreaterThan(0);
    }
    expect(rung1.map((t) => t.candidateId)).toContain(r.chosen?.candidate.id);
    expect(r.impulse?.labels).toEqual(['idle', 'shake', 'wave']);
    expect(r.impulse?.windowing.windowMs).toBe(r.chosen?.candidate.windowMs);
    // the final model trains on the defaults' plain schedule at the candidate's rate (no early stopping)
    expect(r.impulse?.training).toMatchObject({ earlyStoppingPatience: 0, learningRate: r.chosen?.candidate.learningRate, seed: settings.seed });
    expect(r.impulse?.training.epochs).toBeGreaterThanOrEqual(DEFAULT_TRAINING.epochs);
    // the front: nothing in it is dominated by another fitting entry
    expect(r.front.length).toBeGreaterThan(0);
    expect(paretoFront(r.front)).toEqual(r.front);
    // state is plain JSON
    expect(JSON.parse(JSON.stringify(r.state))).toEqual(r.state);
  }, 120_000);

  it('never reads the test split: shuffled test labels (and test values) leave every score and the choice unchanged', async () => {
    const a = await tuneRecordings(recs, settings);
    const rng = createRng(99);
    const labels = recs.filter((r) => r.category === 'testing').map((r) => r.label);
    rng.shuffle(labels);
    let j = 0;
    const shuffled: RawRecording[] = recs.map((r) => (r.category === 'testing' ? { ...r, label: labels[j++] === r.label ? 'wave' : labels[j - 1], values: r.values.map((v) => -v) } : r));
    expect(shuffled.filter((r, i) => r.label !== recs[i].label).length).toBeGreaterThan(0);
    const b = await tuneRecordings(shuffled, settings);
    expect(pick(b)).toEqual(pick(a));
    // and the tuner's own input refuses test recordings outright
    expect(() => tuneData(recs)).toThrow(/test split/);
  }, 120_000);

  it('cancels with a resumable state; resuming finishes with the same results as one uninterrupted run', async () => {
    const whole = await tune(tuneData(training), settings);
    const ctl = new AbortController();
    const first = await tune(tuneData(training), settings, { signal: ctl.signal, onTrial: () => ctl.abort() });
    expect(first.cancelled).toBe(true);
    expect(first.state.trials).toHaveLength(1);
    const saved = JSON.parse(JSON.stringify(first.state));
    const rest = await tune(tuneData(training), settings, { resume: saved });
    expect(rest.cancelled).toBe(false);
    expect(pick(rest)).toEqual(pick(whole));
  }, 120_000);

  it('stops at the time budget', async () => {
    let t = 0;
    // a virtual clock: every trial takes 10 s of budget
    const r = await tune(tuneData(training), { ...settings, budgetMs: 25_000, maxCandidates: 50 }, {
      now: () => t,
      runner: async (job) => {
        t += 10_000;
        return { candidateId: job.candidate.id, rung: job.rung, floatAcc: 0.5 + job.candidate.id / 100, int8Acc: 0.5, floatLoss: 1, foldAcc: [], windows: 1, recordings: 1, flashBytes: 1, ramBytes: 1, arenaBytes: 1, latencyMs: 1, fits: true, ms: 10_000 };
      },
    });
    expect(r.state.trials).toHaveLength(3);
    expect(r.state.elapsedMs).toBe(30_000);
  });

  it('draws a seeded candidate sequence: defaults first, then random draws that depend on the seed', () => {
    const shape = tuneData(training).shape;
    expect(candidateAt(0, 1, shape).dsp.block).toBe('flatten');
    expect(candidateAt(FIXED_CANDIDATES + 2, 1, shape)).toEqual(candidateAt(FIXED_CANDIDATES + 2, 1, shape));
    const draws = (seed: number) => Array.from({ length: 8 }, (_, i) => JSON.stringify(candidateAt(FIXED_CANDIDATES + i, seed, shape)));
    expect(draws(1)).not.toEqual(draws(2));
    const many = Array.from({ length: 40 }, (_, i) => candidateAt(i, 5, shape));
    for (const c of many) expect(c.windowMs).toBeLessThanOrEqual(shape.shortestRecordingMs);
    // L2 is part of the space: some draws carry it, and the learning blocks accept every drawn value
    const l2s = many.map((c) => c.learn.params['l2']).filter((v): v is number => typeof v === 'number');
    expect(l2s.length).toBeGreaterThan(3);
    for (const c of many) expect(() => (c.learn.block === 'dense' ? denseParams(c.learn.params) : conv1dParams(c.learn.params))).not.toThrow();
  });
});

describe('tuner budget', () => {
  it('a budget shorter than the first trial still gives one scored candidate (the defaults)', async () => {
    const data = tuneData(training);
    const r = await tune(data, { ...settings, budgetMs: 1, maxCandidates: 50 }, {
      runner: async (job, signal) => {
        await new Promise((res) => setTimeout(res, 30));
        expect(signal.aborted).toBe(false);
        return { candidateId: job.candidate.id, rung: job.rung, floatAcc: 0.9, int8Acc: 0.9, floatLoss: 1, foldAcc: [0.9], windows: 10, recordings: 2, flashBytes: 1, ramBytes: 1, arenaBytes: 1, latencyMs: 1, fits: true, ms: 30 };
      },
    });
    expect(r.state.trials).toHaveLength(1);
    expect(r.chosen?.candidate.id).toBe(0);
    expect(r.impulse).toBeDefined();
  });
});

describe('tuner choice', () => {
  const result = (candidateId: number, int8Acc: number, perRecording: Record<number, [number, number]> | undefined, fits = true): TrialResult => ({
    candidateId, rung: RUNGS.length - 1, floatAcc: int8Acc, int8Acc, floatLoss: 0.1, foldAcc: [int8Acc], windows: 100, recordings: 20, perRecording,
    flashBytes: 1000, ramBytes: 1000, arenaBytes: 500, latencyMs: 1, fits, ms: 1,
  });
  /** 20 recordings of 5 windows; `wrong` lists the recordings with one window wrong. */
  const recs = (wrong: number[]): Record<number, [number, number]> => Object.fromEntries(Array.from({ length: 20 }, (_, i) => [i, [wrong.includes(i) ? 4 : 5, 5]]));
  const shape = { frequencyHz: 50, axes: ['accX', 'accY', 'accZ'], labels: ['a', 'b'], shortestRecordingMs: 4000 };
  const state = (results: TrialResult[]): TunerState => ({
    ...newTunerState({ board: 'rp2040' }),
    candidates: results.map((r) => candidateAt(r.candidateId, 0, shape)),
    trials: results,
  });

  it('the sign test: one-sided binomial tail', () => {
    expect(signTestP(0, 0)).toBe(1);
    expect(signTestP(4, 0)).toBeCloseTo(1 / 16, 12);
    expect(signTestP(5, 0)).toBeCloseTo(1 / 32, 12);
    expect(signTestP(6, 1)).toBeCloseTo(8 / 128, 12);
    expect(signTestP(0, 5)).toBe(1);
  });

  it('keeps the defaults unless a candidate wins on significantly more recordings than it loses', () => {
    const defaults = result(0, 0.8, recs([0, 1, 2, 3]));
    // wins on 4 recordings, loses none: p = 1/16, not enough
    expect(summarize(state([defaults, result(7, 1, recs([]))])).chosen!.candidate.id).toBe(0);
    // wins on 6, loses 1 (p = 8/128 ≥ 0.05): still the defaults
    const sixOne = result(7, 0.86, recs([9]));
    expect(summarize(state([result(0, 0.7, recs([0, 1, 2, 3, 4, 5])), sixOne])).chosen!.candidate.id).toBe(0);
    // wins on 6, loses none: p = 1/64
    expect(summarize(state([result(0, 0.7, recs([0, 1, 2, 3, 4, 5])), result(7, 1, recs([]))])).chosen!.candidate.id).toBe(7);
    // results saved without per-recording figures cannot replace the defaults
    expect(summarize(state([defaults, result(7, 1, undefined)])).chosen!.candidate.id).toBe(0);
    // defaults that do not fit the board: the best fitting candidate
    expect(summarize(state([result(0, 0.9, recs([1]), false), result(3, 0.85, recs([1, 2])), result(7, 0.8, recs([1, 2, 3]))])).chosen!.candidate.id).toBe(3);
  });
});
