/**
 * The page's handle on the data worker (src/workers/data-worker.ts): started on first use, one per tab.
 * StudioErrors thrown in the worker arrive here as StudioErrors (family, code, remedy kept).
 */
import * as Comlink from 'comlink';
import { StudioError, type ErrorFamily } from '../core/errors.ts';
import type { DataWorkerApi } from './data-worker.ts';

export type { CommitOptions, CommitResult, ExportKind, ExportResult, FileInput, HealthResult, PreviewInfo, PreviewRecording, SerializedError } from './data-worker.ts';

let installed = false;
function installErrorHandler(): void {
  if (installed) return;
  installed = true;
  const orig = Comlink.transferHandlers.get('throw')!;
  Comlink.transferHandlers.set('throw', {
    canHandle: orig.canHandle,
    serialize: orig.serialize,
    deserialize(s: unknown) {
      const x = s as { isError?: boolean; value?: { studioError?: { family: ErrorFamily; code: string; message: string; remedy: string; file?: string; line?: number } } };
      const se = !x.isError ? x.value?.studioError : undefined;
      if (se) {
        const err = new StudioError({ family: se.family, code: se.code, message: se.message, remedy: se.remedy });
        if (se.file !== undefined) (err as StudioError & { file?: string }).file = se.file;
        if (se.line !== undefined) (err as StudioError & { line?: number }).line = se.line;
        throw err;
      }
      return orig.deserialize(s);
    },
  });
}

let remote: Comlink.Remote<DataWorkerApi> | null = null;

/** The data worker's API (started lazily). */
export function dataWorker(): Comlink.Remote<DataWorkerApi> {
  if (!remote) {
    installErrorHandler();
    const w = new Worker(new URL('./data-worker.ts', import.meta.url), { type: 'module', name: 'data' });
    remote = Comlink.wrap<DataWorkerApi>(w);
  }
  return remote;
}

/** Wraps a callback so the worker can call it. */
export function callback<T extends (...args: never[]) => unknown>(fn: T): T {
  return Comlink.proxy(fn);
}
