/**
 * The tuner's trial workers: one message protocol for Web Workers (the app) and Node worker_threads
 * (the CLI), the worker-side handler, and the pool that runs trials on up to N workers.
 * DOM-free core module.
 *
 * A worker gets the training recordings once (`data`), then runs trials (`run`) one at a time with its
 * own feature cache; `cancel` aborts the running trial. The pool is a `TrialRunner` for tune().
 */
import { isCancelled, StudioError, throwIfAborted } from '../core/errors.ts';
import type { TrialRunner } from '../ml/tune/tuner.ts';
import { FeatureCache, runTrial, tuneData, type TrialJob, type TrialResult, type TuneData, type TuneRecording } from '../ml/tune/trial.ts';

export type TuneRequest =
  /** `backend`: TF.js backend the worker trains on; `wasm`: where the WASM binaries are (browser). */
  | { type: 'data'; recordings: TuneRecording[]; backend?: string; wasm?: { simd: string; plain: string } }
  | { type: 'run'; id: number; job: TrialJob }
  | { type: 'cancel'; id: number };

export type TuneReply =
  | { type: 'ready' }
  | { type: 'result'; id: number; result: TrialResult }
  | { type: 'error'; id: number; message: string; cancelled: boolean };

/**
 * Worker side: call with each message; `post` sends replies. `prepare` runs once on the data message
 * (picks the TF.js backend) before the worker says it is ready.
 */
export function tuneWorkerHandler(post: (r: TuneReply) => void, prepare: (m: Extract<TuneRequest, { type: 'data' }>) => Promise<void> = async () => {}): (m: TuneRequest) => void {
  let data: TuneData | null = null;
  const cache = new FeatureCache();
  const jobs = new Map<number, AbortController>();
  return (m) => {
    if (m.type === 'data') {
      data = tuneData(m.recordings);
      void prepare(m).then(() => post({ type: 'ready' }));
    } else if (m.type === 'cancel') {
      jobs.get(m.id)?.abort();
    } else {
      const ctl = new AbortController();
      jobs.set(m.id, ctl);
      const d = data;
      (async () => {
        if (!d) throw new StudioError({ family: 'config', code: 'tuner-no-data', message: 'The tuner worker has no data.', remedy: 'Start the tuner again.' });
        return runTrial(d, m.job, cache, ctl.signal);
      })().then(
        (result) => post({ type: 'result', id: m.id, result }),
        (e) => post({ type: 'error', id: m.id, message: e instanceof Error ? e.message : String(e), cancelled: isCancelled(e) || ctl.signal.aborted }),
      ).finally(() => jobs.delete(m.id));
    }
  };
}

/** The page/CLI side of one worker. */
export interface TuneEndpoint {
  post(m: TuneRequest, transfer?: Transferable[]): void;
  onMessage(fn: (r: TuneReply) => void): void;
  terminate(): void;
}

export interface TrialPool {
  runner: TrialRunner;
  size: number;
  close(): void;
}

/**
 * Starts `size` workers (spawn makes one), gives each the training recordings and returns a runner
 * that sends each trial to a free worker. close() ends the workers.
 */
export async function createTrialPool(size: number, spawn: () => TuneEndpoint, recordings: readonly TuneRecording[], setup: Pick<Extract<TuneRequest, { type: 'data' }>, 'backend' | 'wasm'> = {}): Promise<TrialPool> {
  const n = Math.max(1, Math.floor(size));
  const endpoints: TuneEndpoint[] = [];
  const pending = new Map<number, { resolve: (r: TrialResult) => void; reject: (e: unknown) => void }>();
  const free: TuneEndpoint[] = [];
  const waiting: ((e: TuneEndpoint) => void)[] = [];
  let nextId = 1;
  const plain = recordings.map((r) => ({ name: r.name, label: r.label, axes: r.axes.map((a) => ({ ...a })), intervalMs: r.intervalMs, values: r.values }));
  await Promise.all(
    Array.from({ length: n }, () => {
      const ep = spawn();
      endpoints.push(ep);
      return new Promise<void>((ready) => {
        ep.onMessage((r) => {
          if (r.type === 'ready') return ready();
          const p = pending.get(r.id);
          if (!p) return;
          pending.delete(r.id);
          if (r.type === 'result') p.resolve(r.result);
          else p.reject(r.cancelled ? new StudioError({ family: 'model', code: 'cancelled', message: 'The operation was cancelled.' }) : new Error(r.message));
        });
        ep.post({ type: 'data', recordings: plain, ...setup });
      });
    }),
  );
  free.push(...endpoints);
  const acquire = () => new Promise<TuneEndpoint>((res) => (free.length ? res(free.shift()!) : waiting.push(res)));
  const release = (ep: TuneEndpoint) => (waiting.length ? waiting.shift()!(ep) : free.push(ep));
  const runner: TrialRunner = async (job, signal) => {
    throwIfAborted(signal, 'model');
    const ep = await acquire();
    const id = nextId++;
    try {
      throwIfAborted(signal, 'model');
      return await new Promise<TrialResult>((resolve, reject) => {
        const onAbort = () => ep.post({ type: 'cancel', id });
        signal.addEventListener('abort', onAbort, { once: true });
        pending.set(id, {
          resolve: (r) => (signal.removeEventListener('abort', onAbort), resolve(r)),
          reject: (e) => (signal.removeEventListener('abort', onAbort), reject(e)),
        });
        ep.post({ type: 'run', id, job });
      });
    } finally {
      release(ep);
    }
  };
  return { runner, size: n, close: () => endpoints.forEach((e) => e.terminate()) };
}

/** Workers to use: the cores available (navigator.hardwareConcurrency / os.availableParallelism), at most `max`. */
export function tuneWorkerCount(cores: number | undefined, max = 8): number {
  return Math.max(1, Math.min(max, Math.floor(cores ?? 1)));
}
