/**
 * One entry point for every import: files or a dropped folder in the common CSV layout, Edge Impulse
 * data-acquisition JSON (loose, or an export zip/folder with `info.labels`), WAV audio, and this app's
 * project archive. DOM-free core module.
 *
 * `detectAndImport` routes each file by extension (and by content when the extension says nothing),
 * keeps going past bad files and reports them in `errors` with file and line; a recording is only in
 * `recordings` when its whole file parsed. The preview's `summary` (labels, counts, durations, rate,
 * axes, irregular timing) is what the UI shows before anything is stored.
 */
import { isCancelled, throwIfAborted } from '../../core/errors.ts';
import type { OpOptions } from '../../core/progress.ts';
import type { Category } from '../sample.ts';
import type { TimingReport } from './common-csv.ts';
import { type DatasetInfo, type FileError, type InputFile, fileError, hiddenNote, inputText, isHiddenPath, readDatasetFolder } from './dataset-folder.ts';
import { type InfoLabelsEntry, parseEiJson, parseInfoLabels } from './ei-json.ts';
import { ImportBudget, type ImportLimits, checkRecordingNames, checkSize, importError, toImportError, withLimits } from './limits.ts';
import { echo, shownPath } from '../../core/echo.ts';
import { baseName, extension } from './names.ts';
import { type ArchiveModel, type ArchiveRecording, isProjectArchive, readProjectArchive } from './project-archive.ts';
import type { ImpulseConfig } from '../../core/impulse.ts';
import { SafeZip, isZip } from './safe-zip.ts';
import { parseWav } from './wav.ts';

export interface ImportSummary {
  labels: { label: string; count: number; durationMs: number }[];
  categories: { training: number; testing: number };
  /** The sample rate when all recordings share one, else null (see `rates`). */
  rateHz: number | null;
  rates: { rateHz: number; count: number }[];
  /** Axis names in order of first appearance. */
  axes: string[];
  /** Recordings whose timestamps were irregular. */
  irregular: { name: string; maxJitterMs: number; gapCount: number; intervalMs: number }[];
}

export interface ImportPreview {
  recordings: ArchiveRecording[];
  summary: ImportSummary;
  errors: FileError[];
  warnings: string[];
  /** Set when a project archive was imported: what else it holds. */
  project?: { name: string; labels: string[]; impulse?: ImpulseConfig; models: ArchiveModel[] };
  /** Dataset-level facts from a dataset.json, when there was one. */
  info?: DatasetInfo;
}

export interface ImportOptions extends OpOptions {
  limits?: Partial<ImportLimits>;
}

type Kind = 'csv' | 'sidecar' | 'ei-json' | 'wav' | 'zip' | 'info-labels' | 'cbor' | 'project-json' | 'unknown';

function kindByName(name: string): Kind {
  const b = baseName(name).toLowerCase();
  if (b === 'dataset.json') return 'sidecar';
  if (b === 'project.json') return 'project-json';
  if (b === 'info.labels') return 'info-labels';
  const ext = extension(name);
  if (ext === 'csv') return 'csv';
  if (ext === 'json') return 'ei-json';
  if (ext === 'wav') return 'wav';
  if (ext === 'zip') return 'zip';
  if (ext === 'cbor') return 'cbor';
  return 'unknown';
}

async function bytesOf(f: InputFile, limit: number): Promise<Uint8Array> {
  checkSize(f.name, f.size, limit);
  if (!f.arrayBuffer) throw importError('unreadable', f.name, 'binary contents are not available for this file.');
  return new Uint8Array(await f.arrayBuffer());
}

async function sniff(f: InputFile): Promise<Kind> {
  // Zip entries are not sniffed: that would inflate them once more just to look at 12 bytes.
  if (!f.arrayBuffer || f.size < 4 || f.size > 64 * 1024 * 1024 || (f as ZipInputFile).zipEntry) return 'unknown';
  const b = new Uint8Array(await f.arrayBuffer()).subarray(0, 12);
  if (isZip(b)) return 'zip';
  if (b[0] === 0x52 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x46) return 'wav';
  return 'unknown';
}

function dirOf(path: string): string {
  const i = path.replace(/\\/g, '/').lastIndexOf('/');
  return i >= 0 ? path.slice(0, i + 1) : '';
}

function folderCategory(path: string): Category | undefined {
  const parts = path.split(/[\\/]/).slice(0, -1).map((p) => p.toLowerCase());
  if (parts.includes('testing') || parts.includes('test')) return 'testing';
  if (parts.includes('training') || parts.includes('train')) return 'training';
  return undefined;
}

type ZipInputFile = InputFile & { zipEntry?: true };

/**
 * Entries of a (non-project) zip as files, read lazily through the zip's limits. Nothing is cached:
 * an entry is inflated when its importer reads it (once; `SafeZip` refuses a second read) and its
 * bytes are garbage as soon as that importer has parsed them.
 */
function zipFiles(zip: SafeZip): ZipInputFile[] {
  return zip.entries.map((e) => ({
    name: `${zip.fileName}/${e.name}`,
    size: e.size,
    zipEntry: true,
    text: async () => zip.readText(e),
    arrayBuffer: async () => {
      const b = zip.read(e);
      return (b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? b.buffer : b.slice().buffer) as ArrayBuffer;
    },
  }));
}

class Collector {
  readonly recordings: ArchiveRecording[] = [];
  readonly errors: FileError[] = [];
  readonly warnings: string[] = [];
  readonly timing = new Map<string, TimingReport>();
  readonly names = new Set<string>();
  project?: ImportPreview['project'];
  info?: DatasetInfo;

  constructor(readonly budget: ImportBudget) {}

  fail(e: unknown, file: string): void {
    const se = toImportError(e, file);
    // Cancelling stops the import; so does passing its memory budget (reading on would be refused too).
    if (isCancelled(se) || se.code === 'over-budget') throw se;
    this.errors.push(fileError(se, file));
  }

  add(r: ArchiveRecording, file: string, limits: ImportLimits): void {
    try {
      checkRecordingNames(file, r, limits);
      if (this.names.has(r.name)) {
        throw importError('duplicate', file, `a recording named ${echo(r.name)} was already imported from another file; this one was skipped.`);
      }
    } catch (e) {
      this.budget.release(r.values.length * 4);
      this.fail(e, file);
      return;
    }
    this.names.add(r.name);
    this.recordings.push(r);
  }
}

/** Imports a group of files (a selection, a dropped folder, or a zip's entries). */
async function importGroup(all: InputFile[], c: Collector, limits: ImportLimits, opts: ImportOptions, allowZip: boolean): Promise<void> {
  const hidden = all.filter((f) => isHiddenPath(f.name));
  if (hidden.length) c.warnings.push(hiddenNote(hidden.map((f) => f.name)));
  const files = hidden.length ? all.filter((f) => !isHiddenPath(f.name)) : all;
  const kinds = await Promise.all(files.map(async (f) => {
    const k = kindByName(f.name);
    return k === 'unknown' ? sniff(f) : k;
  }));
  // info.labels maps export-relative paths to label and category.
  const infoLabels = new Map<string, InfoLabelsEntry>();
  for (let i = 0; i < files.length; i++) {
    if (kinds[i] !== 'info-labels') continue;
    try {
      checkSize(files[i].name, files[i].size, limits.maxJsonBytes, 'JSON file');
      const base = dirOf(files[i].name);
      for (const [p, e] of parseInfoLabels(files[i].name, await inputText(files[i]), limits)) infoLabels.set(base + p, e);
    } catch (e) {
      c.fail(e, files[i].name);
    }
  }
  const csvGroup = files.filter((_, i) => kinds[i] === 'csv' || kinds[i] === 'sidecar');
  if (csvGroup.some((f) => kindByName(f.name) === 'csv')) {
    const r = await readDatasetFolder(csvGroup, { limits, signal: opts.signal, budget: c.budget });
    for (const rec of r.recordings) c.add(rec, rec.name, limits);
    c.errors.push(...r.errors);
    c.warnings.push(...r.warnings);
    for (const [k, t] of Object.entries(r.timing)) c.timing.set(k, t);
    if (csvGroup.some((f) => kindByName(f.name) === 'sidecar')) c.info = r.info;
  }
  let done = 0;
  const total = files.length;
  for (let i = 0; i < files.length; i++) {
    throwIfAborted(opts.signal, 'import');
    const f = files[i];
    const k = kinds[i];
    opts.onProgress?.({ stage: 'import', fraction: done++ / total, detail: f.name });
    const meta = infoLabels.get(f.name.replace(/\\/g, '/'));
    const category = meta?.category ?? folderCategory(f.name);
    try {
      switch (k) {
        case 'ei-json': {
          checkSize(f.name, f.size, limits.maxJsonBytes, 'JSON file');
          const p = parseEiJson(f.name, await inputText(f), { limits, category, label: meta?.label, budget: c.budget });
          if (meta?.name) p.recording.name = meta.name;
          c.add(p.recording, f.name, limits);
          c.warnings.push(...p.warnings);
          break;
        }
        case 'wav': {
          const rec = parseWav(f.name, await bytesOf(f, limits.maxFileBytes), { limits, category, label: meta?.label, budget: c.budget, warnings: c.warnings });
          if (meta?.name) rec.name = meta.name;
          c.add(rec, f.name, limits);
          break;
        }
        case 'zip': {
          if (!allowZip) {
            c.warnings.push(`${shownPath(f.name)}: a zip inside a zip is not opened.`);
            break;
          }
          const zip = new SafeZip(await bytesOf(f, limits.maxZipBytes), f.name, limits);
          if (isProjectArchive(zip)) {
            const r = readProjectArchive(zip, f.name, { limits, signal: opts.signal, budget: c.budget });
            for (const rec of r.project.recordings) c.add(rec, `${f.name}/${rec.name}`, limits);
            c.errors.push(...r.errors);
            c.warnings.push(...r.warnings);
            const { name, labels, impulse, models } = r.project;
            c.project = { name, labels, models, ...(impulse ? { impulse } : {}) };
          } else {
            const inner = zipFiles(zip);
            if (inner.length > limits.maxFiles) throw importError('too-many-files', f.name, `has more than ${limits.maxFiles} files.`);
            await importGroup(inner, c, limits, opts, false);
          }
          break;
        }
        case 'cbor':
          throw importError('cbor-unsupported', f.name, 'CBOR sample files are not supported.', {
            remedy: 'Export the data again choosing the JSON (data acquisition) format.',
          });
        case 'project-json':
          c.warnings.push(`${shownPath(f.name)}: an unzipped project folder is not read; import the project .zip instead.`);
          break;
        case 'unknown':
          c.warnings.push(`${shownPath(f.name)}: not a CSV, JSON, WAV or zip file; ignored.`);
          break;
        default:
          break; // csv, sidecar, info-labels: handled above
      }
    } catch (e) {
      if (isCancelled(e)) throw e;
      c.fail(e, f.name);
    }
  }
}

/** Routes every file to its importer and returns a preview; nothing is stored here. */
export async function detectAndImport(files: InputFile[], opts: ImportOptions = {}): Promise<ImportPreview> {
  const limits = withLimits(opts.limits);
  if (files.length > limits.maxFiles) {
    throw importError('too-many-files', `${files.length} files`, `more than the limit of ${limits.maxFiles} files at once.`, {
      remedy: 'Import the folder in parts.',
    });
  }
  const c = new Collector(new ImportBudget(limits.maxDecodedBytes));
  await importGroup(files, c, limits, opts, true);
  opts.onProgress?.({ stage: 'import', fraction: 1 });
  const preview: ImportPreview = {
    recordings: c.recordings,
    summary: summarise(c.recordings, c.timing),
    errors: c.errors,
    warnings: c.warnings,
  };
  if (c.project) preview.project = c.project;
  if (c.info) preview.info = c.info;
  return preview;
}

/** Labels with counts and durations, categories, rates, axes and irregular timing of a set of recordings. */
export function summarise(recs: ArchiveRecording[], timing: Map<string, TimingReport> | Record<string, TimingReport> = new Map()): ImportSummary {
  const labels = new Map<string, { count: number; durationMs: number }>();
  const rates = new Map<number, number>();
  const axes: string[] = [];
  const categories = { training: 0, testing: 0 };
  for (const r of recs) {
    const frames = r.axes.length ? Math.floor(r.values.length / r.axes.length) : 0;
    const l = labels.get(r.label) ?? { count: 0, durationMs: 0 };
    l.count++;
    l.durationMs += frames * r.intervalMs;
    labels.set(r.label, l);
    const hz = Math.round((1000 / r.intervalMs) * 1000) / 1000;
    rates.set(hz, (rates.get(hz) ?? 0) + 1);
    for (const a of r.axes) if (!axes.includes(a.name)) axes.push(a.name);
    categories[r.category]++;
  }
  const irregular = [...(timing instanceof Map ? timing.entries() : Object.entries(timing))]
    .filter(([, t]) => t.irregular)
    .map(([name, t]) => ({ name, maxJitterMs: t.jitter.maxMs, gapCount: t.gapCount, intervalMs: t.intervalMs }));
  return {
    labels: [...labels.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([label, v]) => ({ label, ...v })),
    categories,
    rateHz: rates.size === 1 ? [...rates.keys()][0] : null,
    rates: [...rates.entries()].map(([rateHz, count]) => ({ rateHz, count })).sort((a, b) => b.count - a.count),
    axes,
    irregular,
  };
}
