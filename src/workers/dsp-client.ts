/**
 * The page's handle on the DSP worker (src/workers/dsp-worker.ts): started on first use, one per tab,
 * started again after a crash. StudioErrors thrown in the worker arrive here as StudioErrors (family,
 * code, remedy kept; see worker-kit.ts).
 */
import type * as Comlink from 'comlink';
import type { DspWorkerApi, ProgressFn } from './dsp-api.ts';
import { newJobId, proxyCallback, workerClient } from './worker-kit.ts';

export type { DspWorkerApi, FeatureSummary, FeatureSampleInfo, GenerateStats, SkippedSample, WindowPreview } from './dsp-api.ts';
export { newJobId };

const client = workerClient<DspWorkerApi>(() => new Worker(new URL('./dsp-worker.ts', import.meta.url), { type: 'module', name: 'dsp' }));

/** The DSP worker's API (started lazily). */
export function dspWorker(): Comlink.Remote<DspWorkerApi> {
  return client.remote();
}

/** Stops the worker (e.g. when a job will not listen to cancel); the next call starts a new one. */
export function terminateDspWorker(): void {
  client.terminate();
}

/** Wraps a progress callback so the worker can call it. */
export function progressProxy(fn: ProgressFn): ProgressFn {
  return proxyCallback(fn);
}
