/**
 * The page's handle on the Train/Test worker (ml-worker.ts): started on first use, one per tab,
 * told where the TF.js WASM binaries are. StudioErrors thrown in the worker arrive as StudioErrors.
 */
import * as Comlink from 'comlink';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import { StudioError, type ErrorFamily } from '../core/errors.ts';
import type { TrainEventFn, TrainUiWorkerApi } from './ml-api.ts';

export type * from './ml-api.ts';

const MARK = Symbol.for('tinyml.ml-client.throw');

function installErrorHandler(): void {
  const orig = Comlink.transferHandlers.get('throw')! as Comlink.TransferHandler<unknown, unknown> & { [MARK]?: true };
  if (orig[MARK]) return;
  const handler: Comlink.TransferHandler<unknown, unknown> & { [MARK]?: true } = {
    canHandle: orig.canHandle,
    serialize: orig.serialize,
    deserialize(s: unknown) {
      const x = s as { isError?: boolean; value?: { studioError?: { family: ErrorFamily; code: string; message: string; remedy: string } } };
      const se = !x.isError ? x.value?.studioError : undefined;
      if (se) throw new StudioError({ family: se.family, code: se.code, message: se.message, remedy: se.remedy });
      return orig.deserialize(s);
    },
    [MARK]: true,
  };
  Comlink.transferHandlers.set('throw', handler);
}

let worker: Worker | null = null;
let remote: Comlink.Remote<TrainUiWorkerApi> | null = null;
let ready: Promise<void> | null = null;

/** The worker's API, initialised (WASM paths set). */
export async function trainWorker(): Promise<Comlink.Remote<TrainUiWorkerApi>> {
  if (!remote) {
    installErrorHandler();
    worker = new Worker(new URL('./ml-worker.ts', import.meta.url), { type: 'module', name: 'ml' });
    remote = Comlink.wrap<TrainUiWorkerApi>(worker);
    ready = remote.init({ simd: new URL(wasmSimd, location.href).href, plain: new URL(wasmPlain, location.href).href });
  }
  await ready;
  return remote;
}

/** Stops the worker (a job that ignores cancel); the next call starts a fresh one. */
export function terminateTrainWorker(): void {
  remote?.[Comlink.releaseProxy]();
  worker?.terminate();
  worker = null;
  remote = null;
  ready = null;
}

export function eventProxy(fn: TrainEventFn): TrainEventFn {
  return Comlink.proxy(fn);
}

let nextJob = 1;
export function newTrainJobId(): string {
  return `train-${Date.now().toString(36)}-${nextJob++}`;
}
