/**
 * The Deploy step's export worker: runs `exportVersion` (export-job.ts) — packaging what training
 * saved with a model version, no TF.js, no samples, no quantization — and exposes `ExportWorkerApi`
 * through comlink (worker-kit.ts).
 */
import type { AnomalyExportResult, ExportProgressFn, ExportRequest, ExportResult } from './export-job.ts';
import { exportVersion } from './export-job.ts';
import { exposeWorkerApi, workerStore } from './worker-kit.ts';

export type { AnomalyExportResult, Evaluation, ExportProgressFn, ExportRequest, ExportResult } from './export-job.ts';

export interface ExportWorkerApi {
  exportModel(req: ExportRequest, onProgress?: ExportProgressFn): Promise<ExportResult | AnomalyExportResult>;
  cancel(jobId: string): void;
}

const jobs = new Map<string, AbortController>();

async function exportModel(req: ExportRequest, onProgress?: ExportProgressFn): Promise<ExportResult | AnomalyExportResult> {
  jobs.get(req.jobId)?.abort();
  const ac = new AbortController();
  jobs.set(req.jobId, ac);
  try {
    return await exportVersion(await workerStore(), req.modelId, { onProgress, signal: ac.signal });
  } finally {
    if (jobs.get(req.jobId) === ac) jobs.delete(req.jobId);
  }
}

const api: ExportWorkerApi = {
  exportModel,
  cancel(jobId: string) {
    jobs.get(jobId)?.abort();
  },
};

exposeWorkerApi(api);
