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
import { tuneData } from './trial.ts';
import { paretoFront, tune, tuneRecordings, type TuneResult } from './tuner.ts';

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
    // 3 finished at rung 0, eta 3 → the best one is promoted to full cross-validation
    const rung1 = r.state.trials.filter((t) => t.rung === 1);
    expect(rung1).toHaveLength(1);
    expect(rung1[0].foldAcc).toHaveLength(3);
    for (const t of r.state.trials) {
      expect(t.error).toBeUndefined();
      expect(t.floatAcc).toBeGreaterThan(0.5);
      expect(Math.abs(t.int8Acc - t.floatAcc)).toBeLessThan(0.2);
      expect(t.flashBytes).toBeGreaterThan(t.arenaBytes);
      expect(t.latencyMs).toBeGreaterThan(0);
    }
    expect(r.chosen?.candidate.id).toBe(rung1[0].candidateId);
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
