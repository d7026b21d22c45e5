/**
 * The Deploy step's export worker: runs `exportVersion` (export-job.ts) — packaging what training
 * saved with a model version, no TF.js, no samples, no quantization — and exposes `ExportWorkerApi`
 * through comlink (worker-kit.ts).
 */
import type { AnomalyExportResult, ExportProgressFn, ExportRequest, ExportResult } from './export-job.ts';
import { exportVersion } from './export-job.ts';
import { exposeWorkerApi, jobTable, workerStore } from './worker-kit.ts';

export type { AnomalyExportResult, Evaluation, ExportProgressFn, ExportRequest, ExportResult } from './export-job.ts';

export interface ExportWorkerApi {
  exportModel(req: ExportRequest, onProgress?: ExportProgressFn): Promise<ExportResult | AnomalyExportResult>;
  cancel(jobId: string): void;
}

const jobs = jobTable();

function exportModel(req: ExportRequest, onProgress?: ExportProgressFn): Promise<ExportResult | AnomalyExportResult> {
  return jobs.run(req.jobId, async (signal) => exportVersion(await workerStore(), req.modelId, { onProgress, signal }));
}

const api: ExportWorkerApi = {
  exportModel,
  cancel: jobs.cancel,
};

exposeWorkerApi(api);
