/**
 * The Data step's worker: parses imports (detectAndImport), writes them into IndexedDB one sample per
 * transaction, builds export zips and runs the dataset health checks, off the page's main thread.
 * Exposes one object (`DataWorkerApi`) through comlink; values stay in the worker unless asked for.
 */
import * as Comlink from 'comlink';
import { StudioError } from '../core/errors.ts';
import type { ImpulseConfig } from '../core/impulse.ts';
import type { Progress } from '../core/progress.ts';
import type { ModelRecord } from '../data/store/schema.ts';
import type { Category, RawRecording, SampleMeta } from '../data/sample.ts';
import { detectAndImport, type ImportPreview, type ImportSummary } from '../data/io/import.ts';
import type { DatasetInfo, FileError, InputFile } from '../data/io/dataset-folder.ts';
import type { ImportLimits } from '../data/io/limits.ts';
import type { ArchiveModel, ArchiveRecording } from '../data/io/project-archive.ts';
import { exportCsvZip, exportEiJson, exportEiZip, exportProjectZip } from '../data/io/export.ts';
import { safePart } from '../data/io/names.ts';
import { storedWavBlob } from '../data/io/wav-stream.ts';
import { detectAudioEventsInBatches, type AudioSegmentOptions } from '../data/audio-segment.ts';
import type { Cut } from '../data/segment.ts';
import { datasetHealth, type HealthReport, type HealthSample } from '../data/health.ts';
import { exposeWorkerApi, workerStore } from './worker-kit.ts';

/** A file handed over from the page: its path inside a dropped folder (or its name) and the File. */
export interface FileInput {
  path: string;
  file: Blob & { name?: string };
}

export interface PreviewRecording {
  name: string;
  label: string;
  category: Category;
  frames: number;
  durationMs: number;
  axes: string[];
  intervalMs: number;
}

export interface PreviewInfo {
  jobId: string;
  fileCount: number;
  totalBytes: number;
  summary: ImportSummary;
  errors: FileError[];
  warnings: string[];
  recordings: PreviewRecording[];
  project?: { name: string; labels: string[]; hasImpulse: boolean; models: number; impulse?: ImpulseConfig };
  info?: DatasetInfo;
}

export interface CommitOptions {
  /** 'keep' uses each recording's category (dataset.json test_ids, testing/ folders, the archive). */
  category: 'keep' | Category;
  /** Skip recordings whose name is already in the project (resuming an interrupted import). */
  skipExisting: boolean;
  /** For a project archive: add its models, and take its impulse when the project has none. */
  importProject: boolean;
  /** Whether to take the archive's impulse (replacing the project's); absent: only when the project has none. */
  takeImpulse?: boolean;
}

export interface SerializedError {
  family: string;
  code: string;
  message: string;
  remedy: string;
}

export interface CommitResult {
  written: number;
  skipped: number;
  ids: string[];
  cancelled: boolean;
  /** Why writing stopped early (e.g. storage/quota); everything counted in `written` is stored. */
  error?: SerializedError;
  models: number;
  impulseApplied: boolean;
}

export type ExportKind = 'project' | 'ei-json' | 'csv';

export interface ExportResult {
  fileName: string;
  mime: string;
  data: Uint8Array;
  samples: number;
}

export interface HealthResult extends HealthReport {
  sampleCount: number;
  windowMs: number;
  strideMs: number;
  /** Time the checks took, ms. */
  ms: number;
  at: number;
}

type ProgressFn = (p: Progress) => void;

const jobs = new Map<string, { preview: ImportPreview; files: number }>();
const aborts = new Map<string, AbortController>();
let nextJob = 1;

function serialize(e: unknown): SerializedError {
  if (e instanceof StudioError) return { family: e.family, code: e.code, message: e.message, remedy: e.remedy };
  return { family: 'storage', code: 'unexpected', message: e instanceof Error ? e.message : String(e), remedy: '' };
}

function toInput(f: FileInput): InputFile {
  return { name: f.path, size: f.file.size, text: () => f.file.text(), arrayBuffer: () => f.file.arrayBuffer() };
}

function frames(r: RawRecording): number {
  return r.axes.length ? Math.floor(r.values.length / r.axes.length) : 0;
}

/** Recordings of a project (or of the given sample ids) as archive recordings with unique names. */
async function collect(projectId: string, ids: string[] | undefined, signal: AbortSignal, onProgress?: ProgressFn): Promise<{ recs: ArchiveRecording[]; metas: SampleMeta[] }> {
  const s = await workerStore();
  let metas = (await s.listSamples(projectId)).filter((m) => m.complete);
  if (ids) {
    const want = new Set(ids);
    metas = metas.filter((m) => want.has(m.id));
  }
  const recs: ArchiveRecording[] = [];
  const used = new Set<string>();
  for (let i = 0; i < metas.length; i++) {
    if (signal.aborted) throw new StudioError({ family: 'import', code: 'cancelled', message: 'The export was cancelled.' });
    onProgress?.({ stage: 'read', fraction: i / metas.length, detail: metas[i].label });
    const sample = await s.getSample(metas[i].id);
    if (!sample) continue;
    const m = sample.meta;
    let name = m.sourceName ?? `${m.label}.${m.id}`;
    if (used.has(name.toLowerCase())) name = `${name}_${m.id}`;
    used.add(name.toLowerCase());
    const rec: ArchiveRecording = {
      id: m.id,
      name,
      label: m.label,
      category: m.category,
      axes: m.axes.map((a) => ({ name: a.name, units: a.units })),
      intervalMs: m.intervalMs,
      values: sample.values,
      deviceName: m.deviceName,
      createdAt: m.createdAt,
    };
    if (m.deviceType !== undefined) rec.deviceType = m.deviceType;
    if (m.person !== undefined) rec.person = m.person;
    if (m.capture) rec.capture = m.capture;
    if (m.gaps?.length) rec.gaps = m.gaps;
    recs.push(rec);
  }
  return { recs, metas };
}

function archiveModel(m: ModelRecord): ArchiveModel {
  const files: Record<string, Uint8Array> = {};
  if (m.artifacts.int8Tflite) files.int8 = m.artifacts.int8Tflite;
  if (m.artifacts.floatTflite) files.float32 = m.artifacts.floatTflite;
  const am: ArchiveModel = { id: m.id, name: m.name, createdAt: m.createdAt, files, impulse: m.impulse };
  if (m.metrics !== undefined) am.metrics = JSON.parse(JSON.stringify(m.metrics)) as unknown;
  return am;
}

const api = {
  /** Reads and checks files without storing anything; the preview stays here until commit or discard. */
  async parse(jobId: string, files: FileInput[], opts: { limits?: Partial<ImportLimits> } = {}, onProgress?: ProgressFn): Promise<PreviewInfo> {
    jobs.delete(jobId);
    const ac = new AbortController();
    aborts.set(jobId, ac);
    try {
      const preview = await detectAndImport(files.map(toInput), { limits: opts.limits, signal: ac.signal, onProgress });
      jobs.set(jobId, { preview, files: files.length });
      const info: PreviewInfo = {
        jobId,
        fileCount: files.length,
        totalBytes: files.reduce((n, f) => n + f.file.size, 0),
        summary: preview.summary,
        // The preview lists the file (and line) in a column of its own, so each message is its detail.
        errors: preview.errors.map((e) => ({ ...e, message: e.detail ?? e.message })),
        warnings: preview.warnings,
        recordings: preview.recordings.map((r) => ({
          name: r.name,
          label: r.label,
          category: r.category,
          frames: frames(r),
          durationMs: frames(r) * r.intervalMs,
          axes: r.axes.map((a) => a.name),
          intervalMs: r.intervalMs,
        })),
      };
      if (preview.project) {
        info.project = { name: preview.project.name, labels: preview.project.labels, hasImpulse: !!preview.project.impulse, models: preview.project.models.length };
        if (preview.project.impulse) info.project.impulse = preview.project.impulse;
      }
      if (preview.info) info.info = preview.info;
      return info;
    } finally {
      aborts.delete(jobId);
    }
  },

  /** Values of one previewed recording (for a plot in the preview), copied. */
  previewValues(jobId: string, name: string): { axes: string[]; intervalMs: number; values: Float32Array } | null {
    const r = jobs.get(jobId)?.preview.recordings.find((x) => x.name === name);
    if (!r) return null;
    const values = r.values.slice();
    return Comlink.transfer({ axes: r.axes.map((a) => a.name), intervalMs: r.intervalMs, values }, [values.buffer]);
  },

  discard(jobId: string): void {
    jobs.delete(jobId);
  },

  cancel(jobId: string): void {
    aborts.get(jobId)?.abort();
  },

  /**
   * Writes a parsed import into a project, one transaction per sample. Stops at the first storage
   * error (a full disk) or on cancel, and reports what was written; nothing half-written remains.
   */
  async commit(jobId: string, projectId: string, opts: CommitOptions, onProgress?: ProgressFn): Promise<CommitResult> {
    const job = jobs.get(jobId);
    if (!job) throw new StudioError({ family: 'import', code: 'expired', message: 'This import preview is no longer available.', remedy: 'Choose the files again.' });
    const ac = new AbortController();
    aborts.set(jobId, ac);
    const s = await workerStore();
    const result: CommitResult = { written: 0, skipped: 0, ids: [], cancelled: false, models: 0, impulseApplied: false };
    try {
      const existing = opts.skipExisting ? new Set((await s.listSamples(projectId)).map((m) => m.sourceName ?? '')) : new Set<string>();
      const recs = job.preview.recordings;
      const now = Date.now();
      for (let i = 0; i < recs.length; i++) {
        if (ac.signal.aborted) {
          result.cancelled = true;
          break;
        }
        if (i % 4 === 0) onProgress?.({ stage: 'write', fraction: i / recs.length, detail: recs[i].name });
        const r = recs[i];
        if (existing.has(r.name)) {
          result.skipped++;
          continue;
        }
        const rec: RawRecording = {
          name: r.name,
          label: r.label,
          category: opts.category === 'keep' ? r.category : opts.category,
          axes: r.axes,
          intervalMs: r.intervalMs,
          values: r.values,
          deviceName: r.deviceName ?? 'imported',
          // Keep the file order visible in a "newest last" list.
          createdAt: r.createdAt ?? now + i,
          // Who recorded it and on what (many people's projects merged into one keep them apart).
          deviceType: r.deviceType,
          person: r.person,
          capture: r.capture,
          gaps: r.gaps,
        };
        try {
          const meta = await s.addSample(projectId, rec);
          result.ids.push(meta.id);
          result.written++;
        } catch (e) {
          result.error = serialize(e);
          break;
        }
      }
      const p = job.preview.project;
      if (!result.error && !result.cancelled && opts.importProject && p) {
        const proj = await s.getProject(projectId);
        if (proj && p.impulse && (opts.takeImpulse ?? !proj.impulse)) {
          await s.updateProject(projectId, { impulse: p.impulse });
          result.impulseApplied = true;
        }
        for (const m of p.models) {
          const impulse = m.impulse ?? p.impulse;
          if (!impulse) continue;
          try {
            await s.saveModel({
              projectId,
              name: m.name,
              createdAt: m.createdAt,
              impulse,
              metrics: m.metrics,
              artifacts: { ...(m.files.int8 ? { int8Tflite: m.files.int8 } : {}), ...(m.files.float32 ? { floatTflite: m.files.float32 } : {}) },
            });
            result.models++;
          } catch (e) {
            result.error = serialize(e);
            break;
          }
        }
      }
      onProgress?.({ stage: 'write', fraction: 1 });
      if (!result.cancelled && !result.error) jobs.delete(jobId);
      return result;
    } finally {
      aborts.delete(jobId);
    }
  },

  /** Builds an export of the project (or of the sample ids given) and hands the bytes over. */
  async exportData(projectId: string, kind: ExportKind, ids: string[] | undefined, onProgress?: ProgressFn): Promise<ExportResult> {
    const s = await workerStore();
    const project = await s.getProject(projectId);
    if (!project) throw new StudioError({ family: 'storage', code: 'not-found', message: 'That project no longer exists.' });
    const jobId = `export-${nextJob++}`;
    const ac = new AbortController();
    aborts.set(jobId, ac);
    try {
      const { recs } = await collect(projectId, ids, ac.signal, onProgress);
      if (!recs.length) throw new StudioError({ family: 'config', code: 'nothing-to-export', message: 'There are no samples to export.', remedy: 'Record or import samples first, or select some.' });
      onProgress?.({ stage: 'zip', fraction: undefined });
      const stem = safePart(project.name) + (ids ? '-selection' : '');
      let out: ExportResult;
      if (kind === 'project') {
        const models = ids ? [] : (await s.listModels(projectId)).map(archiveModel);
        const labels = [...new Set(recs.map((r) => r.label))].sort();
        const data = exportProjectZip({ name: project.name, labels, recordings: recs, models, ...(project.impulse ? { impulse: project.impulse } : {}) });
        out = { fileName: `${stem}.tinyml.zip`, mime: 'application/zip', data, samples: recs.length };
      } else if (kind === 'ei-json') {
        if (recs.length === 1) {
          const f = exportEiJson(recs[0]);
          out = { fileName: f.name, mime: 'application/json', data: f.data, samples: 1 };
        } else {
          out = { fileName: `${stem}-ei-json.zip`, mime: 'application/zip', data: exportEiZip(recs), samples: recs.length };
        }
      } else {
        out = { fileName: `${stem}-csv.zip`, mime: 'application/zip', data: exportCsvZip(recs, { name: project.name }), samples: recs.length };
      }
      onProgress?.({ stage: 'zip', fraction: 1 });
      return Comlink.transfer(out, [out.data.buffer as ArrayBuffer]);
    } finally {
      aborts.delete(jobId);
    }
  },

  /** One stored sample as a 32-bit float WAV, built piece by piece (a long recording is never read whole). */
  async exportSampleWav(sampleId: string): Promise<{ fileName: string; blob: Blob }> {
    const s = await workerStore();
    const m = await s.getSampleMeta(sampleId);
    const blob = m && (await storedWavBlob(s, sampleId));
    if (!m || !blob) throw new StudioError({ family: 'storage', code: 'not-found', message: 'That sample no longer exists.' });
    return { fileName: `${safePart(m.sourceName ?? `${m.label}.${m.id}`)}.wav`, blob };
  },

  /** The energy-based audio split of a stored sample, read batch by batch (a long recording is never held whole). */
  async audioCuts(sampleId: string, opts: AudioSegmentOptions = {}): Promise<Cut[]> {
    const s = await workerStore();
    const m = await s.getSampleMeta(sampleId);
    if (!m) throw new StudioError({ family: 'storage', code: 'not-found', message: 'That sample no longer exists.' });
    const ev = await detectAudioEventsInBatches({ name: m.sourceName ?? m.label, axes: m.axes.length, intervalMs: m.intervalMs, frames: m.length }, s.frameBatches(sampleId), opts);
    return ev.cuts;
  },

  /** Dataset health over the project's stored samples. */
  async health(projectId: string, onProgress?: ProgressFn): Promise<HealthResult> {
    const s = await workerStore();
    const project = await s.getProject(projectId);
    const metas = (await s.listSamples(projectId)).filter((m) => m.complete);
    const samples: HealthSample[] = [];
    const BATCH = 200;
    for (let i = 0; i < metas.length; i += BATCH) {
      onProgress?.({ stage: 'read', fraction: i / Math.max(1, metas.length) });
      const part = metas.slice(i, i + BATCH);
      const values = await s.getSampleValues(part.map((m) => m.id));
      part.forEach((m, j) => {
        samples.push({ id: m.id, label: m.label, category: m.category, axes: m.axes, intervalMs: m.intervalMs, values: values[j] ?? new Float32Array(0) });
      });
    }
    onProgress?.({ stage: 'check', fraction: undefined });
    const w = project?.impulse?.windowing;
    const opts = w ? { windowMs: w.windowMs, strideMs: w.strideMs } : {};
    const t0 = performance.now();
    const report = datasetHealth(samples, opts);
    onProgress?.({ stage: 'check', fraction: 1 });
    return { ...report, sampleCount: samples.length, ms: performance.now() - t0, at: Date.now() };
  },
};

export type DataWorkerApi = typeof api;

exposeWorkerApi(api);
