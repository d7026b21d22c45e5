/**
 * Tuner trials in a pool of workers (the real message handler behind structured-clone endpoints, as a
 * Web Worker or worker_thread would see them), and the tuner state kept with the project in IndexedDB.
 */
import 'fake-indexeddb/auto';
import { describe, it, expect, beforeAll } from 'vitest';
import { makeDemoDataset } from '../device/sim/demo-dataset.ts';
import { openStudioDb } from '../data/store/open-db.ts';
import { StudioStore } from '../data/store/studio-store.ts';
import { useBackend } from '../ml/train/backend.ts';
import { tuneRecordings, type TunerState } from '../ml/tune/tuner.ts';
import { createTrialPool, tuneWorkerCount, tuneWorkerHandler, type TuneEndpoint, type TuneReply } from './tune-protocol.ts';

const recs = makeDemoDataset({ seed: 4, perLabel: 4, durationMs: 2500, testFraction: 0.25, startTime: 1_700_000_000_000, labels: ['idle', 'wave', 'shake'] });
const training = recs.filter((r) => r.category === 'training');
const settings = { board: 'nrf52840', budgetMs: 120_000, seed: 1, k: 3, maxCandidates: 3, epochScale: 0.5 };

/** A worker in this thread: messages cross as structured clones, asynchronously, both ways. */
function cloneEndpoint(log: string[]): TuneEndpoint {
  let listener: (r: TuneReply) => void = () => {};
  let alive = true;
  const handle = tuneWorkerHandler((r) => setTimeout(() => alive && listener(structuredClone(r)), 0));
  return {
    post: (m) => {
      log.push(m.type);
      setTimeout(() => alive && handle(structuredClone(m)), 0);
    },
    onMessage: (fn) => (listener = fn),
    terminate: () => (alive = false),
  };
}

const summary = (r: Awaited<ReturnType<typeof tuneRecordings>>) => ({
  chosen: r.chosen?.candidate.id,
  trials: r.state.trials.map((t) => `${t.candidateId}:${t.rung}:${t.int8Acc}:${t.floatAcc}:${t.arenaBytes}`).sort(),
});

describe('tuner worker pool', () => {
  beforeAll(async () => {
    expect(await useBackend('cpu')).toBe(true);
  });

  it('runs trials on two workers with the same results as in one thread', async () => {
    const log: string[] = [];
    const pool = await createTrialPool(2, () => cloneEndpoint(log), training);
    try {
      const par = await tuneRecordings(training, settings, { concurrency: pool.size, runner: pool.runner });
      const one = await tuneRecordings(training, settings);
      expect(summary(par)).toEqual(summary(one));
      expect(log.filter((t) => t === 'data')).toHaveLength(2);
      expect(log.filter((t) => t === 'run')).toHaveLength(par.state.trials.length);
    } finally {
      pool.close();
    }
  }, 120_000);

  it('cancel reaches the worker and the run comes back cancelled and resumable', async () => {
    const log: string[] = [];
    const pool = await createTrialPool(1, () => cloneEndpoint(log), training);
    try {
      const ctl = new AbortController();
      setTimeout(() => ctl.abort(), 30);
      const r = await tuneRecordings(training, settings, { concurrency: 1, runner: pool.runner, signal: ctl.signal });
      expect(r.cancelled).toBe(true);
      expect(log).toContain('cancel');
      expect(r.state.requeue.length + r.state.candidates.length).toBeGreaterThan(0);
    } finally {
      pool.close();
    }
  }, 60_000);

  it('uses the cores available, at least one', () => {
    expect(tuneWorkerCount(undefined)).toBe(1);
    expect(tuneWorkerCount(2)).toBe(2);
    expect(tuneWorkerCount(64)).toBe(8);
  });

  it('keeps the tuner state with the project in IndexedDB; resuming from it continues the run', async () => {
    const store = new StudioStore(await openStudioDb({ name: `tune-${Math.random()}` }));
    const p = await store.createProject('wand');
    const ctl = new AbortController();
    const first = await tuneRecordings(training, settings, { signal: ctl.signal, onTrial: (_r, s) => (void store.saveTunerState(p.id, s), ctl.abort()) });
    await store.saveTunerState(p.id, first.state);
    const saved = await store.getTunerState<TunerState>(p.id);
    expect(saved).toEqual(first.state);
    expect((await store.getProject(p.id))?.updatedAt).toBe(p.updatedAt);
    const rest = await tuneRecordings(training, settings, { resume: saved });
    expect(rest.state.trials.slice(0, first.state.trials.length)).toEqual(first.state.trials);
    expect(rest.state.trials.length).toBeGreaterThan(first.state.trials.length);
    store.close();
  }, 120_000);
});
