/**
 * Long Data-step operations and their progress: import (parse → preview → commit), export, dataset
 * health. The work runs in the data worker; this holds what the components show. UI module.
 */
import { isCancelled, StudioError } from '../../core/errors.ts';
import type { Progress } from '../../core/progress.ts';
import { fmtBytes } from '../../data/io/limits.ts';
import { callback, dataWorker, type CommitOptions, type CommitResult, type ExportKind, type FileInput, type HealthResult, type PreviewInfo } from '../../workers/data-client.ts';
import type { ImpulseConfig } from '../../core/impulse.ts';
import { notices } from './notices.svelte.ts';
import { studio } from './studio.svelte.ts';

/** Refused before parsing: more than this in one import. */
export const MAX_IMPORT_BYTES = 2 * 1024 * 1024 * 1024;
export const MAX_IMPORT_FILES = 100_000;

export interface OpMessage {
  kind: 'error' | 'warning' | 'success' | 'info';
  text: string;
}

function describe(e: unknown): string {
  if (e instanceof StudioError) return e.describe();
  return e instanceof Error ? e.message : String(e);
}

/** Starts a browser download of bytes. */
export function download(data: Uint8Array, fileName: string, mime: string): void {
  const url = URL.createObjectURL(new Blob([data as Uint8Array<ArrayBuffer>], { type: mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** The question asked before an archive's impulse is taken (values are schema-checked; names cut short). */
export function impulseQuestion(imp: ImpulseConfig, replaces: boolean): string {
  const cut = (t: string) => (t.length > 40 ? `${t.slice(0, 40)}…` : t);
  const labels = imp.labels.slice(0, 8).map(cut).join(', ') + (imp.labels.length > 8 ? `, … (${imp.labels.length})` : '');
  const w = imp.windowing;
  const what = `${w.windowMs} ms windows every ${w.strideMs} ms at ${w.frequencyHz} Hz, ${imp.dsp.block} → ${imp.learn.block}, labels ${labels || '(none)'}`;
  return replaces ? `This archive carries an impulse: ${what}. Replace the project's impulse?` : `This archive carries an impulse: ${what}. Use it as the project's impulse?`;
}

class DataOps {
  parsing = $state.raw<Progress | null>(null);
  preview = $state.raw<PreviewInfo | null>(null);
  committing = $state.raw<Progress | null>(null);
  /** The outcome of the last import or export, shown beside the controls. */
  message = $state.raw<OpMessage | null>(null);
  lastCommit = $state.raw<CommitResult | null>(null);
  exporting = $state.raw<Progress | null>(null);
  health = $state.raw<HealthResult | null>(null);
  healthFor = $state<string | null>(null);
  healthRunning = $state.raw<Progress | null>(null);
  healthError = $state<string | null>(null);
  private parseJob: string | null = null;
  private parseCancelled = false;

  get busy(): boolean {
    return !!(this.parsing || this.committing || this.exporting);
  }

  /** Parses files in the worker and shows the preview; nothing is stored yet. */
  async parse(files: FileInput[]): Promise<void> {
    if (this.busy) return;
    this.message = null;
    if (!files.length) {
      this.message = { kind: 'warning', text: 'No files were chosen. Pick CSV, JSON, WAV or zip files, or drop a folder.' };
      return;
    }
    const total = files.reduce((n, f) => n + f.file.size, 0);
    if (files.length > MAX_IMPORT_FILES) {
      this.message = { kind: 'error', text: `${files.length} files is more than the ${MAX_IMPORT_FILES} an import takes. Import the folder in parts.` };
      return;
    }
    if (total > MAX_IMPORT_BYTES) {
      this.message = { kind: 'error', text: `These files hold ${fmtBytes(total)}, more than the ${fmtBytes(MAX_IMPORT_BYTES)} one import takes. Import them in parts.` };
      return;
    }
    await this.discard();
    this.parseCancelled = false;
    this.parsing = { stage: 'import', fraction: 0, detail: `${files.length} file(s)` };
    const w = dataWorker();
    const jobId = `import-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    this.parseJob = jobId;
    try {
      const p = await w.parse(
        jobId,
        files,
        {},
        callback((pr: Progress) => {
          if (this.parsing) this.parsing = pr;
        }),
      );
      if (this.parseCancelled) {
        void w.discard(p.jobId);
        return;
      }
      this.preview = p;
      if (!p.recordings.length) {
        this.message = {
          kind: 'error',
          text: p.errors.length
            ? `Nothing can be imported: ${p.errors.length} file(s) have errors (listed below). Nothing was stored.`
            : 'No recordings were found in these files. Choose CSV, JSON, WAV or project zip files.',
        };
      }
    } catch (e) {
      if (isCancelled(e)) this.message = { kind: 'info', text: 'Import cancelled; nothing was stored.' };
      else this.message = { kind: 'error', text: `Import failed: ${describe(e)} Nothing was stored.` };
    } finally {
      this.parsing = null;
      this.parseJob = null;
    }
  }

  cancelParse(): void {
    this.parseCancelled = true;
    if (this.parseJob) void dataWorker().cancel(this.parseJob);
    this.parsing = null;
    this.message = { kind: 'info', text: 'Import cancelled; nothing was stored.' };
  }

  async discard(): Promise<void> {
    const p = this.preview;
    this.preview = null;
    if (p) await dataWorker().discard(p.jobId);
  }

  /** Writes the previewed recordings into the current project, one transaction per sample. */
  async commit(opts: CommitOptions): Promise<CommitResult | null> {
    const p = this.preview;
    const project = studio.project;
    if (!p || !project || this.committing) return null;
    // Taking an archive's impulse replaces the project's: ask first, and offer an undo afterwards.
    const archived = opts.importProject ? p.project?.impulse : undefined;
    const before = project.impulse;
    const takeImpulse = archived ? confirm(impulseQuestion(archived, !!before)) : undefined;
    this.message = null;
    this.committing = { stage: 'write', fraction: 0 };
    let r: CommitResult | null = null;
    try {
      r = await dataWorker().commit(
        p.jobId,
        project.id,
        takeImpulse === undefined ? opts : { ...opts, takeImpulse },
        callback((pr: Progress) => {
          if (this.committing) this.committing = pr;
        }),
      );
      this.lastCommit = r;
      const parts = [`${r.written} sample(s) imported into "${project.name}"`];
      if (r.skipped) parts.push(`${r.skipped} already there skipped`);
      if (r.models) parts.push(`${r.models} model(s) added`);
      if (r.impulseApplied) parts.push('impulse settings taken from the archive');
      if (r.error) {
        const quota = r.error.code === 'quota';
        this.message = {
          kind: 'error',
          text: `${quota ? 'Storage is full' : 'Import stopped'}: ${r.error.message} ${r.error.remedy} ${r.written} sample(s) were saved before it stopped and are kept; import the same files again later to add the rest (samples already there are skipped).`,
        };
      } else if (r.cancelled) {
        this.message = { kind: 'warning', text: `Import cancelled after ${r.written} sample(s); those are kept. Import the same files again to continue, or undo.` };
        const ids = r.ids;
        notices.push({
          kind: 'info',
          title: 'Import cancelled',
          text: `${ids.length} sample(s) were written before cancelling.`,
          action: { label: 'Remove them', run: () => void studio.s.deleteSamples(ids).then(() => studio.samplesChanged()) },
        });
      } else {
        this.message = { kind: 'success', text: `${parts.join('; ')}.` };
        this.preview = null;
      }
      if (r.impulseApplied) {
        notices.push({
          kind: 'success',
          title: 'Impulse taken from the archive',
          text: before ? 'The project\'s impulse was replaced.' : 'The project now uses the archive\'s impulse.',
          action: { label: 'Undo', run: () => void studio.updateProject({ impulse: before }).catch((e: unknown) => notices.error(e, 'Undo')) },
        });
      }
    } catch (e) {
      this.message = { kind: 'error', text: `Import failed: ${describe(e)}` };
    } finally {
      this.committing = null;
      await studio.samplesChanged();
      if (studio.project) studio.project = (await studio.s.getProject(studio.project.id)) ?? studio.project;
    }
    return r;
  }

  cancelCommit(): void {
    if (this.preview) void dataWorker().cancel(this.preview.jobId);
  }

  /** Exports the project (or the given samples) and downloads it. */
  async exportData(kind: ExportKind, ids?: string[]): Promise<void> {
    const r = await this.exportFile(kind, ids);
    if (!r) return;
    download(r.data, r.fileName, r.mime);
    this.message = { kind: 'success', text: `Exported ${r.samples} sample(s) as ${r.fileName} (${fmtBytes(r.data.length)}).` };
  }

  /** Makes the export file (progress in `exporting`); null when it failed (the message says why). */
  async exportFile(kind: ExportKind, ids?: string[]): Promise<{ data: Uint8Array; fileName: string; mime: string; samples: number } | null> {
    const project = studio.project;
    if (!project || this.exporting) return null;
    this.message = null;
    this.exporting = { stage: 'read', fraction: 0 };
    try {
      return await dataWorker().exportData(
        project.id,
        kind,
        ids,
        callback((pr: Progress) => {
          if (this.exporting) this.exporting = pr;
        }),
      );
    } catch (e) {
      this.message = { kind: 'error', text: `Export failed: ${describe(e)}` };
      return null;
    } finally {
      this.exporting = null;
    }
  }

  /** Runs the dataset health checks over the current project in the worker. */
  async runHealth(): Promise<void> {
    const project = studio.project;
    if (!project || this.healthRunning) return;
    this.healthError = null;
    this.healthRunning = { stage: 'read', fraction: 0 };
    try {
      this.health = await dataWorker().health(
        project.id,
        callback((pr: Progress) => {
          if (this.healthRunning) this.healthRunning = pr;
        }),
      );
      this.healthFor = project.id;
    } catch (e) {
      this.healthError = `The health check failed: ${describe(e)}`;
    } finally {
      this.healthRunning = null;
    }
  }
}

export const dataOps = new DataOps();
