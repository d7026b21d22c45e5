/**
 * The page's handle on the Train/Test worker (ml-worker.ts): started on first use, one per tab,
 * started again after a crash, and told where the TF.js WASM binaries are each time it starts (the
 * worker kit's `init` hook). StudioErrors thrown in the worker arrive as StudioErrors (see worker-kit.ts).
 */
import type * as Comlink from 'comlink';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import type { TrainEventFn, TrainUiWorkerApi } from './ml-api.ts';
import { newJobId, proxyCallback, workerClient } from './worker-kit.ts';

export type * from './ml-api.ts';

const client = workerClient<TrainUiWorkerApi>(() => new Worker(new URL('./ml-worker.ts', import.meta.url), { type: 'module', name: 'ml' }), {
  init: (r) => r.init({ simd: new URL(wasmSimd, location.href).href, plain: new URL(wasmPlain, location.href).href }),
});

/** The worker's API, initialised (WASM paths set). */
export function trainWorker(): Promise<Comlink.Remote<TrainUiWorkerApi>> {
  return client.ready();
}

/** Stops the worker (a job that ignores cancel); the next call starts a fresh one. */
export function terminateTrainWorker(): void {
  client.terminate();
}

export function eventProxy(fn: TrainEventFn): TrainEventFn {
  return proxyCallback(fn);
}

export function newTrainJobId(): string {
  return newJobId('train');
}
