/**
 * The page's handle on the keyword worker (kws-worker.ts): started on first use, one per tab, started
 * again after a crash. StudioErrors thrown in the worker arrive as StudioErrors (worker-kit.ts).
 */
import type * as Comlink from 'comlink';
import type { KwsProgressFn, KwsWorkerApi } from './kws-api.ts';
import { newJobId, proxyCallback, workerClient } from './worker-kit.ts';

export type * from './kws-api.ts';

const client = workerClient<KwsWorkerApi>(() => new Worker(new URL('./kws-worker.ts', import.meta.url), { type: 'module', name: 'kws' }));

export function kwsWorker(): Comlink.Remote<KwsWorkerApi> {
  return client.remote();
}

export function terminateKwsWorker(): void {
  client.terminate();
}

export function kwsProgressProxy(fn: KwsProgressFn): KwsProgressFn {
  return proxyCallback(fn);
}

export function newKwsJobId(): string {
  return newJobId('kws');
}
