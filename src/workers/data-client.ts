/**
 * The page's handle on the data worker (src/workers/data-worker.ts): started on first use, one per tab,
 * started again after a crash. StudioErrors thrown in the worker arrive here as StudioErrors (family,
 * code, remedy and an import error's file/line kept; see worker-kit.ts).
 */
import type * as Comlink from 'comlink';
import type { DataWorkerApi } from './data-worker.ts';
import { proxyCallback, workerClient } from './worker-kit.ts';

export type { CommitOptions, CommitResult, ExportKind, ExportResult, FileInput, HealthResult, PreviewInfo, PreviewRecording, SerializedError } from './data-worker.ts';

const client = workerClient<DataWorkerApi>(() => new Worker(new URL('./data-worker.ts', import.meta.url), { type: 'module', name: 'data' }));

/** The data worker's API (started lazily). */
export function dataWorker(): Comlink.Remote<DataWorkerApi> {
  return client.remote();
}

/** Wraps a callback so the worker can call it. */
export const callback = proxyCallback;
