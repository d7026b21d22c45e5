/**
 * This app's project archive: a zip with `project.json` plus `samples/<label>.<id>.csv` in the common
 * layout (with its dataset.json) and `models/…` binaries. DOM-free core module.
 *
 * project.json: `{format: 'tinyml-studio-project', version: 1, name, labels, samples: [{file, id, name,
 * label, category, axes, intervalMs, deviceName, createdAt}], impulse?, models?: [{id, name, createdAt,
 * metrics, impulse, files: {int8: 'models/x.int8.tflite', …}}]}`. Reading goes through `SafeZip`
 * (limits, zip-bomb and path checks), parses only the files project.json lists, and upgrades older
 * versions of project.json first (`upgradeProjectJson`).
 */
import type { ImpulseConfig } from '../../core/impulse.ts';
import type { OpOptions } from '../../core/progress.ts';
import { throwIfAborted } from '../../core/errors.ts';
import type { CaptureInfo, Category, GapInfo, RawRecording, SensorAxis } from '../sample.ts';
import { parseCommonCsv } from './common-csv.ts';
import { type FileError, fileError, writeDatasetFolder } from './dataset-folder.ts';
import { type ImportBudget, type ImportLimits, budgetOf, checkRecordingNames, dict, importError, isRecord, parseJsonLimited, toImportError, withLimits } from './limits.ts';
import { echo, echoValue, escapeText, shownPath } from '../../core/echo.ts';
import { idFromName, safePart } from './names.ts';
import { SafeZip, writeZip } from './safe-zip.ts';
import { ProjectJsonSchema } from './project-schema.ts';
import { checkValue } from '../../core/schema-check.ts';

export const PROJECT_FORMAT = 'tinyml-studio-project';
export const PROJECT_VERSION = 1;

/** A recording with its sample id (the store's id; defaults to the id part of the name). */
export type ArchiveRecording = RawRecording & { id?: string };

export interface ArchiveModel {
  id: string;
  name: string;
  createdAt: number;
  /** Plain JSON (accuracy, confusion matrix, …). */
  metrics?: unknown;
  impulse?: ImpulseConfig;
  /** Binary files by kind, e.g. { int8: <tflite bytes>, float32: … }. */
  files: Record<string, Uint8Array>;
}

export interface ProjectArchive {
  name: string;
  labels: string[];
  recordings: ArchiveRecording[];
  impulse?: ImpulseConfig;
  models: ArchiveModel[];
}

export interface ProjectSampleEntry {
  file: string;
  id: string;
  name: string;
  label: string;
  category: Category;
  axes: SensorAxis[];
  intervalMs: number;
  deviceName?: string;
  createdAt?: number;
  /** Who recorded it, the kind of device ("phone", "csv", "framed"), resampling figures and gaps. */
  deviceType?: string;
  person?: string;
  capture?: CaptureInfo;
  gaps?: GapInfo[];
}

export interface ProjectJson {
  format: typeof PROJECT_FORMAT;
  version: typeof PROJECT_VERSION;
  name: string;
  labels: string[];
  samples: ProjectSampleEntry[];
  impulse?: ImpulseConfig;
  models?: { id: string; name: string; createdAt: number; metrics?: unknown; impulse?: ImpulseConfig; files: Record<string, string> }[];
}

/** Writes the archive (deflate level 3 unless given: within a few % of level 6's size, much faster). */
export function writeProjectArchive(p: ProjectArchive, opts: { level?: 0 | 1 | 3 | 6 | 9 } = {}): Uint8Array {
  const csvs = writeDatasetFolder(p.recordings, { name: p.name }, 'samples/');
  const samples: ProjectSampleEntry[] = p.recordings.map((r, i) => {
    const e: ProjectSampleEntry = {
      file: csvs[i].name,
      id: r.id ?? idFromName(r.name),
      name: r.name,
      label: r.label,
      category: r.category,
      axes: r.axes,
      intervalMs: r.intervalMs,
    };
    if (r.deviceName !== undefined) e.deviceName = r.deviceName;
    if (r.createdAt !== undefined) e.createdAt = r.createdAt;
    if (r.deviceType !== undefined) e.deviceType = r.deviceType;
    if (r.person !== undefined) e.person = r.person;
    if (r.capture) e.capture = r.capture;
    if (r.gaps?.length) e.gaps = r.gaps;
    return e;
  });
  const bins: { name: string; data: Uint8Array }[] = [];
  const usedModel = new Set<string>();
  const models = p.models.map((m) => {
    let base = safePart(m.id);
    while (usedModel.has(base)) base += '_';
    usedModel.add(base);
    const files: Record<string, string> = {};
    for (const [kind, data] of Object.entries(m.files)) {
      const path = `models/${base}.${safePart(kind)}.tflite`;
      files[kind] = path;
      bins.push({ name: path, data });
    }
    return { id: m.id, name: m.name, createdAt: m.createdAt, metrics: m.metrics, impulse: m.impulse, files };
  });
  const labels = [...new Set([...p.labels, ...p.recordings.map((r) => r.label)])];
  const pj: ProjectJson = { format: PROJECT_FORMAT, version: PROJECT_VERSION, name: p.name, labels, samples };
  if (p.impulse) pj.impulse = p.impulse;
  if (models.length) pj.models = models;
  const json = { name: 'project.json', data: new TextEncoder().encode(JSON.stringify(pj, null, 1) + '\n') };
  return writeZip([json, ...csvs, ...bins], { level: opts.level ?? 3, store: (n) => n.endsWith('.tflite') });
}

const num = (x: unknown): number | undefined => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);
const str = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined);

const MAX_META_TEXT = 200;

/** The optional per-sample fields (device type, person, capture figures, gaps); malformed ones are dropped. */
function carriedFields(s: Record<string, unknown>): Pick<ProjectSampleEntry, 'deviceType' | 'person' | 'capture' | 'gaps'> {
  const out: Pick<ProjectSampleEntry, 'deviceType' | 'person' | 'capture' | 'gaps'> = {};
  const text = (x: unknown) => (typeof x === 'string' && x.length <= MAX_META_TEXT ? x : undefined);
  const dt = text(s.deviceType);
  const pe = text(s.person);
  if (dt !== undefined) out.deviceType = dt;
  if (pe !== undefined) out.person = pe;
  const c = s.capture;
  if (isRecord(c)) {
    const source = text(c.source);
    const method = text(c.method);
    const measuredHz = num(c.measuredHz);
    const jitterMs = num(c.jitterMs);
    const resampledToHz = num(c.resampledToHz);
    if (source !== undefined && method !== undefined && measuredHz !== undefined && jitterMs !== undefined && resampledToHz !== undefined) {
      out.capture = { source, method, measuredHz, jitterMs, resampledToHz };
    }
  }
  if (Array.isArray(s.gaps)) {
    const gaps: GapInfo[] = [];
    for (const g of (s.gaps as unknown[]).slice(0, 10_000)) {
      if (!isRecord(g)) continue;
      const atFrame = num(g.atFrame);
      const missingMs = num(g.missingMs);
      if (atFrame !== undefined && missingMs !== undefined && Number.isInteger(atFrame) && atFrame >= 0 && missingMs > 0) gaps.push({ atFrame, missingMs });
    }
    if (gaps.length) out.gaps = gaps;
  }
  return out;
}

function category(x: unknown): Category {
  return x === 'testing' || x === 'test' ? 'testing' : 'training';
}

/**
 * Brings any project.json we ever wrote to the current version. Version 0 (before the version field)
 * used snake_case sample fields (`interval_ms`, `device_name`, `created_at`) and 'train'/'test'
 * categories. Newer versions than this build knows are refused.
 */
export function upgradeProjectJson(file: string, raw: unknown): ProjectJson {
  if (!isRecord(raw) || raw.format !== PROJECT_FORMAT) {
    throw importError('not-a-project', file, `is not a TinyML Studio project (format ${echoValue(isRecord(raw) ? raw.format : '')}).`);
  }
  const version = raw.version === undefined ? 0 : raw.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) throw importError('bad-project', file, 'has an invalid version.');
  if (version > PROJECT_VERSION) {
    throw importError('newer-project', file, `was written by a newer version of the studio (format version ${version}; this one reads up to ${PROJECT_VERSION}).`, {
      remedy: 'Update the studio (reload the page) and import again.',
    });
  }
  if (!Array.isArray(raw.samples)) throw importError('bad-project', file, 'has no "samples" list.');
  const samples: ProjectSampleEntry[] = [];
  raw.samples.forEach((s: unknown, i: number) => {
    if (!isRecord(s)) throw importError('bad-project', file, `samples[${i}] is not an object.`);
    const f = str(s.file);
    const label = str(s.label);
    const intervalMs = num(s.intervalMs) ?? num(s.interval_ms);
    if (!f || label === undefined || intervalMs === undefined || intervalMs <= 0) {
      throw importError('bad-project', file, `samples[${i}] needs "file", "label" and a positive "intervalMs".`);
    }
    const axes: SensorAxis[] = [];
    if (Array.isArray(s.axes)) {
      for (const a of s.axes as unknown[]) {
        if (isRecord(a) && typeof a.name === 'string') axes.push({ name: a.name, units: str(a.units) ?? '' });
      }
    }
    const stem = f.replace(/^.*\//, '').replace(/\.csv$/i, '');
    const e: ProjectSampleEntry = {
      file: f,
      id: str(s.id) ?? idFromName(stem),
      name: str(s.name) ?? stem,
      label,
      category: category(s.category),
      axes,
      intervalMs,
    };
    const dn = str(s.deviceName) ?? str(s.device_name);
    const ca = num(s.createdAt) ?? num(s.created_at);
    if (dn !== undefined) e.deviceName = dn;
    if (ca !== undefined) e.createdAt = ca;
    Object.assign(e, carriedFields(s));
    samples.push(e);
  });
  // Project fields, impulse, model versions and their metrics: checked with their schemas, never cast.
  const head = checkValue(ProjectJsonSchema, raw, 'project');
  if (!head.ok) {
    throw importError('bad-project', file, `${head.problem}.`, { remedy: 'The archive was changed or damaged. Export it again from the studio, or fix that field in project.json.' });
  }
  const pj = head.value;
  const out: ProjectJson = {
    format: PROJECT_FORMAT,
    version: PROJECT_VERSION,
    name: pj.name || 'Imported project',
    labels: pj.labels ?? [],
    samples,
  };
  if (pj.impulse) out.impulse = pj.impulse;
  if (pj.models) {
    out.models = pj.models.map((m) => ({ id: m.id, name: m.name ?? m.id, createdAt: m.createdAt ?? 0, metrics: m.metrics ?? undefined, impulse: m.impulse, files: m.files }));
  }
  return out;
}

export interface ReadArchiveResult {
  project: ProjectArchive;
  warnings: string[];
  errors: FileError[];
}

export interface ReadArchiveOptions extends OpOptions {
  limits?: Partial<ImportLimits>;
  strict?: boolean;
  /** The import's memory budget (shared by all files of one import); a fresh one when absent. */
  budget?: ImportBudget;
}

/** True when the zip holds a project.json (the caller then reads it with `readProjectArchive`). */
export function isProjectArchive(zip: SafeZip): boolean {
  return zip.find('project.json') !== undefined;
}

/** Reads a project archive. Samples that fail are listed in `errors` (or thrown with `strict`). */
export function readProjectArchive(source: Uint8Array | SafeZip, fileName: string, opts: ReadArchiveOptions = {}): ReadArchiveResult {
  const limits = withLimits(opts.limits);
  const zip = source instanceof SafeZip ? source : new SafeZip(source, fileName, limits);
  const pjEntry = zip.find('project.json');
  if (!pjEntry) throw importError('not-a-project', fileName, 'has no project.json.');
  const where = `${fileName}/project.json`;
  if (pjEntry.size > Math.min(limits.maxFileBytes, limits.maxJsonBytes)) throw importError('too-large', where, 'project.json is too large.');
  const pj = upgradeProjectJson(where, parseJsonLimited(where, zip.readText(pjEntry), limits.maxJsonDepth));
  const warnings: string[] = [];
  const errors: FileError[] = [];
  const budget = budgetOf(limits, opts.budget);
  const fail = (e: unknown, file: string): void => {
    const se = toImportError(e, file);
    if (opts.strict || se.code === 'over-budget') throw se;
    errors.push(fileError(se, file));
  };
  const recordings: ArchiveRecording[] = [];
  const names = new Set<string>();
  // Each entry is read once: a second listing of the same file is an error, not a second inflate.
  const used = new Set<string>();
  const claim = (file: string, path: string): void => {
    if (used.has(file)) throw importError('listed-twice', path, 'is listed more than once in project.json; it was read once.');
    used.add(file);
  };
  pj.samples.forEach((s, i) => {
    throwIfAborted(opts.signal, 'import');
    opts.onProgress?.({ stage: 'import', fraction: i / pj.samples.length, detail: s.file });
    const path = `${fileName}/${s.file}`;
    try {
      if (!/^samples\/[^/]+\.csv$/.test(s.file)) throw importError('bad-project', path, 'sample files must be samples/<name>.csv.');
      const entry = zip.find(s.file);
      if (!entry) throw importError('missing-file', path, 'is listed in project.json but not in the archive.');
      claim(s.file, path);
      const units = dict<string>();
      for (const a of s.axes) units[a.name] = a.units;
      const parsed = parseCommonCsv(path, zip.readText(entry), {
        limits,
        budget,
        sidecar: { intervalMs: s.intervalMs, units, label: s.label, category: s.category, deviceName: s.deviceName, createdAt: s.createdAt },
      });
      const rec: ArchiveRecording = { ...parsed.recording, name: s.name, id: s.id };
      if (s.deviceType !== undefined) rec.deviceType = s.deviceType;
      if (s.person !== undefined) rec.person = s.person;
      if (s.capture) rec.capture = s.capture;
      if (s.gaps) rec.gaps = s.gaps;
      try {
        checkRecordingNames(path, rec, limits);
        if (s.axes.length && s.axes.map((a) => a.name).join('\u0000') !== rec.axes.map((a) => a.name).join('\u0000')) {
          throw importError('bad-project', path, 'its columns do not match the axes listed in project.json.');
        }
        if (names.has(rec.name)) throw importError('duplicate', path, `a second sample named ${echo(rec.name)}.`);
      } catch (e) {
        budget.release(rec.values.length * 4);
        throw e;
      }
      names.add(rec.name);
      recordings.push(rec);
      warnings.push(...parsed.warnings.filter((w) => !w.includes('dataset.json used')));
    } catch (e) {
      if (opts.signal?.aborted) throw e;
      fail(e, path);
    }
  });
  const models: ArchiveModel[] = [];
  for (const m of pj.models ?? []) {
    const files = dict<Uint8Array>();
    try {
      for (const [kind, p] of Object.entries(m.files)) {
        if (!/^models\/[^/]+$/.test(p)) throw importError('bad-project', `${fileName}/${p}`, 'model files must be under models/.');
        const entry = zip.find(p);
        if (!entry) throw importError('missing-file', `${fileName}/${p}`, 'is listed in project.json but not in the archive.');
        claim(p, `${fileName}/${p}`);
        files[kind] = zip.read(entry);
      }
      const am: ArchiveModel = { id: m.id, name: m.name, createdAt: m.createdAt, files };
      if (m.metrics !== undefined) am.metrics = m.metrics;
      if (m.impulse) am.impulse = m.impulse;
      models.push(am);
    } catch (e) {
      fail(e, `${fileName}/models`);
    }
  }
  const listed = new Set([...pj.samples.map((s) => s.file), 'samples/dataset.json', 'project.json', ...(pj.models ?? []).flatMap((m) => Object.values(m.files))]);
  const extra = zip.entries.filter((e) => !listed.has(e.name)).length;
  if (extra) warnings.push(`${shownPath(fileName)}: ${extra} file(s) not listed in project.json were ignored.`);
  opts.onProgress?.({ stage: 'import', fraction: 1 });
  // Names shown in the preview are bounded like every other name from input.
  const labels = pj.labels.filter((l) => l.length <= limits.maxNameLength).slice(0, 10_000);
  if (labels.length < pj.labels.length) warnings.push(`${shownPath(fileName)}: ${pj.labels.length - labels.length} label(s) in project.json longer than ${limits.maxNameLength} characters (or past the first 10,000) were ignored.`);
  const name = pj.name.length <= limits.maxNameLength ? pj.name : `${escapeText(pj.name, 60)}`;
  const project: ProjectArchive = { name, labels, recordings, models };
  if (pj.impulse) project.impulse = pj.impulse;
  return { project, warnings, errors };
}
