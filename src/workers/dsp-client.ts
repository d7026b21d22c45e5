/**
 * The page's handle on the DSP worker (src/workers/dsp-worker.ts): started on first use, one per tab.
 * StudioErrors thrown in the worker arrive here as StudioErrors (family, code, remedy kept).
 */
import * as Comlink from 'comlink';
import { StudioError, type ErrorFamily } from '../core/errors.ts';
import type { DspWorkerApi, ProgressFn } from './dsp-api.ts';

export type { DspWorkerApi, FeatureSummary, FeatureSampleInfo, GenerateStats, SkippedSample, WindowPreview } from './dsp-api.ts';

const MARK = Symbol.for('tinyml.dsp-client.throw');

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
let remote: Comlink.Remote<DspWorkerApi> | null = null;

/** The DSP worker's API (started lazily). */
export function dspWorker(): Comlink.Remote<DspWorkerApi> {
  if (!remote) {
    installErrorHandler();
    worker = new Worker(new URL('./dsp-worker.ts', import.meta.url), { type: 'module', name: 'dsp' });
    remote = Comlink.wrap<DspWorkerApi>(worker);
  }
  return remote;
}

/** Stops the worker (e.g. when a job will not listen to cancel); the next call starts a new one. */
export function terminateDspWorker(): void {
  remote?.[Comlink.releaseProxy]();
  worker?.terminate();
  worker = null;
  remote = null;
}

/** Wraps a progress callback so the worker can call it. */
export function progressProxy(fn: ProgressFn): ProgressFn {
  return Comlink.proxy(fn);
}

let nextJob = 1;
export function newJobId(kind: string): string {
  return `${kind}-${Date.now().toString(36)}-${nextJob++}`;
}
