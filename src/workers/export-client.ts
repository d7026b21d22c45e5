/**
 * The page's handle on the export worker (src/workers/export-worker.ts): started on first use, one per
 * tab. StudioErrors thrown in the worker arrive here as StudioErrors (family, code, remedy kept).
 */
import * as Comlink from 'comlink';
import { StudioError, type ErrorFamily } from '../core/errors.ts';
import type { ExportProgressFn, ExportRequest, ExportResult, ExportWorkerApi } from './export-worker.ts';

export type { Evaluation, ExportProgressFn, ExportRequest, ExportResult, ExportWorkerApi } from './export-worker.ts';

const MARK = Symbol.for('tinyml.export-client.throw');

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
let remote: Comlink.Remote<ExportWorkerApi> | null = null;

function exportWorker(): Comlink.Remote<ExportWorkerApi> {
  if (!remote) {
    installErrorHandler();
    worker = new Worker(new URL('./export-worker.ts', import.meta.url), { type: 'module', name: 'export' });
    remote = Comlink.wrap<ExportWorkerApi>(worker);
  }
  return remote;
}

/** Stops the worker; the next call starts a new one. */
export function terminateExportWorker(): void {
  remote?.[Comlink.releaseProxy]();
  worker?.terminate();
  worker = null;
  remote = null;
}

let nextJob = 1;

/** Runs an export in the worker; `signal` cancels it (the worker stops at its next check). */
export async function runExport(req: Omit<ExportRequest, 'jobId'>, opts: { onProgress?: ExportProgressFn; signal?: AbortSignal } = {}): Promise<ExportResult> {
  const w = exportWorker();
  const jobId = `export-${Date.now().toString(36)}-${nextJob++}`;
  const onAbort = () => void w.cancel(jobId);
  opts.signal?.addEventListener('abort', onAbort);
  try {
    return await w.exportModel({ ...req, jobId }, opts.onProgress ? Comlink.proxy(opts.onProgress) : undefined);
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
}
