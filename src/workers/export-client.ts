/**
 * The page's handle on the export worker (src/workers/export-worker.ts): started on first use, one per
 * tab, started again after a crash. StudioErrors thrown in the worker arrive here as StudioErrors
 * (family, code, remedy kept; see worker-kit.ts).
 */
import type { AnomalyExportResult, ExportProgressFn, ExportRequest, ExportResult, ExportWorkerApi } from './export-worker.ts';
import { newJobId, proxyCallback, workerClient } from './worker-kit.ts';

export type { AnomalyExportResult, Evaluation, ExportProgressFn, ExportRequest, ExportResult, ExportWorkerApi } from './export-worker.ts';

const client = workerClient<ExportWorkerApi>(() => new Worker(new URL('./export-worker.ts', import.meta.url), { type: 'module', name: 'export' }));

/** Stops the worker; the next call starts a new one. */
export function terminateExportWorker(): void {
  client.terminate();
}

/**
 * Runs an export in the worker; `signal` cancels it (the worker stops at its next check). An anomaly
 * model gives an `AnomalyExportResult` (`kind: 'anomaly'`: anomaly.h and a note) instead of TFLite files.
 */
export async function runExport(req: Omit<ExportRequest, 'jobId'>, opts: { onProgress?: ExportProgressFn; signal?: AbortSignal } = {}): Promise<ExportResult | AnomalyExportResult> {
  const w = client.remote();
  const jobId = newJobId('export');
  const onAbort = () => void w.cancel(jobId);
  opts.signal?.addEventListener('abort', onAbort);
  try {
    return await w.exportModel({ ...req, jobId }, opts.onProgress ? proxyCallback(opts.onProgress) : undefined);
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
}
