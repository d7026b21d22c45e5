/**
 * A dataset folder in the common layout: `<label>.<id>.csv` files plus an optional `dataset.json`
 * sidecar (rate, axes, units, labels, `test_ids`). DOM-free core module.
 *
 * `readDatasetFolder` takes file-like objects (a browser `File`, or the CLI's Node wrapper) and keeps
 * going past bad files, listing them in `errors`; a recording is only returned when its whole file
 * parsed. `writeDatasetFolder` writes the same layout back, so a folder re-reads bit-exact.
 */
import { throwIfAborted } from '../../core/errors.ts';
import type { OpOptions } from '../../core/progress.ts';
import type { Category, RawRecording } from '../sample.ts';
import { type CsvSidecar, type TimingReport, parseCommonCsv, writeCommonCsv } from './common-csv.ts';
import { type ImportBudget, type ImportLimits, budgetOf, checkInterval, checkRecordingNames, decodeText, dict, errorLocation, importError, isRecord, parseJsonLimited, toImportError, withLimits } from './limits.ts';
import { echo, shownPath } from '../../core/echo.ts';
import { baseName, idPart, safeStem, splitName } from './names.ts';

/** A file as importers take it; a browser `File` fits. */
export interface InputFile {
  /** File name, possibly with a relative path (`training/idle.1.json`). */
  name: string;
  size: number;
  text(): Promise<string>;
  arrayBuffer?(): Promise<ArrayBuffer>;
}

export interface DatasetInfo {
  name?: string;
  sampleRateHz?: number;
  intervalMs?: number;
  axes: string[];
  /** Units per axis name. */
  units: Record<string, string>;
  labels: string[];
  /** Recording names (`<label>.<id>`) of the test split. */
  testIds: string[];
}

export interface FileError {
  file: string;
  line?: number;
  code: string;
  /** The whole message, starting with the file (and line). */
  message: string;
  /** The message without the file and line, for lists that show the file in a column of its own. */
  detail?: string;
}

/** A failed file as a `FileError` (file, line, code, message and its detail). */
export function fileError(se: { code: string; message: string }, file: string): FileError {
  const loc = errorLocation(se);
  const fe: FileError = { file: loc.file ?? shownPath(file), line: loc.line, code: se.code, message: se.message };
  if (loc.detail !== undefined) fe.detail = loc.detail;
  return fe;
}

/**
 * The text of an input file, decoded by the importers (UTF-8, or UTF-16 with a BOM) rather than by the
 * file's own `text()`, so the browser and the CLI read every file alike.
 */
export async function inputText(f: InputFile): Promise<string> {
  if (!f.arrayBuffer) return f.text();
  return decodeText(new Uint8Array(await f.arrayBuffer()));
}

/** The note for hidden files that were skipped (at most 5 named). */
export function hiddenNote(paths: string[]): string {
  const shown = paths.slice(0, 5).map((p) => shownPath(p)).join(', ');
  const more = paths.length > 5 ? ` and ${paths.length - 5} more` : '';
  return `${paths.length} hidden file(s) skipped (${shown}${more}): names starting with "." or under __MACOSX are system files; rename a file if it holds data.`;
}

/** True for names a folder holds for the system rather than the person (`.DS_Store`, `._x.csv`, `__MACOSX/`). */
export function isHiddenPath(path: string): boolean {
  return path.split(/[\\/]/).some((p) => p.startsWith('.') || p === '__MACOSX');
}

export interface DatasetFolderResult {
  recordings: RawRecording[];
  info: DatasetInfo;
  warnings: string[];
  /** Files that could not be read; none of their data is in `recordings`. */
  errors: FileError[];
  /** Timing analysis per recording name. */
  timing: Record<string, TimingReport>;
}

export interface ReadFolderOptions extends OpOptions {
  limits?: Partial<ImportLimits>;
  /** Throw on the first bad file instead of listing it in `errors`. */
  strict?: boolean;
  /** The import's memory budget (shared by all files of one import); a fresh one when absent. */
  budget?: ImportBudget;
}

/** Per-file metadata our writer adds to dataset.json when the file name and dataset-level fields cannot carry it. */
interface FileMeta {
  name?: string;
  label?: string;
  category?: Category;
  interval_ms?: number;
  units?: Record<string, string>;
  device_name?: string;
  created_at?: number;
}

interface Sidecar {
  name?: string;
  sampleRateHz?: number;
  intervalMs?: number;
  axes?: string[];
  units: Record<string, string>;
  labels?: string[];
  testIds: Set<string>;
  files: Record<string, FileMeta>;
}

const posNum = (x: unknown): number | undefined => (typeof x === 'number' && Number.isFinite(x) && x > 0 ? x : undefined);
const strArr = (x: unknown): string[] | undefined =>
  Array.isArray(x) && x.every((s) => typeof s === 'string') ? (x as string[]) : undefined;
const strMap = (x: unknown): Record<string, string> => {
  const out = dict<string>();
  if (isRecord(x)) for (const [k, v] of Object.entries(x)) if (typeof v === 'string') out[k] = v;
  return out;
};

/** Parses a dataset.json sidecar (untrusted): wrong-typed fields are ignored with a warning. */
export function parseSidecar(file: string, text: string, limits: ImportLimits, warnings: string[]): Sidecar {
  const j = parseJsonLimited(file, text, limits.maxJsonDepth);
  if (!isRecord(j)) throw importError('bad-sidecar', file, 'dataset.json is not a JSON object.');
  const sc: Sidecar = { units: strMap(j.units), testIds: new Set(strArr(j.test_ids) ?? []), files: dict<FileMeta>() };
  if (j.test_ids !== undefined && !strArr(j.test_ids)) warnings.push(`${shownPath(file)}: test_ids is not a list of names; ignored.`);
  if (typeof j.name === 'string') sc.name = j.name;
  sc.sampleRateHz = posNum(j.sample_rate_hz);
  sc.intervalMs = posNum(j.interval_ms) ?? (sc.sampleRateHz ? 1000 / sc.sampleRateHz : undefined);
  if (sc.sampleRateHz === undefined && sc.intervalMs !== undefined) sc.sampleRateHz = 1000 / sc.intervalMs;
  if ((j.sample_rate_hz !== undefined || j.interval_ms !== undefined) && sc.intervalMs === undefined) {
    warnings.push(`${shownPath(file)}: sample_rate_hz/interval_ms is not a positive number; rates come from the timestamps.`);
  }
  if (sc.sampleRateHz !== undefined) checkInterval(file, 1000 / sc.sampleRateHz, 'sample_rate_hz', limits);
  if (sc.intervalMs !== undefined) checkInterval(file, sc.intervalMs, 'interval_ms', limits);
  const names = (key: string): string[] | undefined => {
    const xs = strArr(j[key]);
    if (!xs) return undefined;
    const ok = xs.filter((x) => x.length <= limits.maxNameLength).slice(0, 10_000);
    if (ok.length < xs.length) warnings.push(`${shownPath(file)}: ${xs.length - ok.length} of the ${key} are longer than ${limits.maxNameLength} characters (or past the first 10,000); they were ignored.`);
    return ok;
  };
  sc.axes = names('axes');
  sc.labels = names('labels');
  if (sc.name !== undefined && sc.name.length > limits.maxNameLength) {
    warnings.push(`${shownPath(file)}: the dataset name is longer than ${limits.maxNameLength} characters; it was ignored.`);
    delete sc.name;
  }
  if (isRecord(j.files)) {
    for (const [stem, m] of Object.entries(j.files)) {
      if (!isRecord(m)) continue;
      const fm: FileMeta = {};
      if (typeof m.name === 'string') fm.name = m.name;
      if (typeof m.label === 'string') fm.label = m.label;
      if (m.category === 'training' || m.category === 'testing') fm.category = m.category;
      if (posNum(m.interval_ms) !== undefined) {
        checkInterval(file, m.interval_ms as number, `files[${echo(stem)}].interval_ms`, limits);
        fm.interval_ms = m.interval_ms as number;
      }
      if (isRecord(m.units)) fm.units = strMap(m.units);
      if (typeof m.device_name === 'string') fm.device_name = m.device_name;
      if (typeof m.created_at === 'number' && Number.isFinite(m.created_at)) fm.created_at = m.created_at;
      sc.files[stem] = fm;
    }
  }
  return sc;
}

function folderCategory(path: string): Category | undefined {
  const parts = path.split(/[\\/]/).slice(0, -1).map((p) => p.toLowerCase());
  if (parts.includes('testing') || parts.includes('test')) return 'testing';
  if (parts.includes('training') || parts.includes('train')) return 'training';
  return undefined;
}

/** Reads a folder of common-layout CSV files (plus dataset.json). */
export async function readDatasetFolder(files: InputFile[], opts: ReadFolderOptions = {}): Promise<DatasetFolderResult> {
  const limits = withLimits(opts.limits);
  const warnings: string[] = [];
  const errors: FileError[] = [];
  const timing = dict<TimingReport>();
  const budget = budgetOf(limits, opts.budget);
  const fail = (e: unknown, file: string): void => {
    const se = toImportError(e, file);
    if (opts.strict) throw se;
    errors.push(fileError(se, file));
  };
  if (files.length > limits.maxFiles) {
    throw importError('too-many-files', `${files.length} files`, `more than the limit of ${limits.maxFiles} files.`);
  }
  let total = 0;
  for (const f of files) total += f.size;
  if (total > limits.maxTotalBytes) {
    throw importError('too-large', 'the selection', `${total} bytes in all, more than the limit of ${limits.maxTotalBytes}.`);
  }

  // The shallowest dataset.json is the sidecar.
  const sidecarFile = files
    .filter((f) => baseName(f.name).toLowerCase() === 'dataset.json' && !isHiddenPath(f.name))
    .sort((a, b) => a.name.split('/').length - b.name.split('/').length)[0];
  let sc: Sidecar = { units: dict<string>(), testIds: new Set(), files: dict<FileMeta>() };
  if (sidecarFile) {
    try {
      if (sidecarFile.size > limits.maxFileBytes) throw importError('too-large', sidecarFile.name, 'dataset.json is too large.');
      sc = parseSidecar(sidecarFile.name, await inputText(sidecarFile), limits, warnings);
    } catch (e) {
      fail(e, sidecarFile.name);
      warnings.push('dataset.json could not be read; rates come from the timestamps and everything is training data.');
    }
  }

  const hidden = files.filter((f) => isHiddenPath(f.name));
  if (hidden.length) warnings.push(hiddenNote(hidden.map((f) => f.name)));
  const csvs = files
    .filter((f) => f.name.toLowerCase().endsWith('.csv') && !isHiddenPath(f.name))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const ignored = files.length - csvs.length - hidden.length - (sidecarFile ? 1 : 0);
  if (ignored > 0) warnings.push(`${ignored} file(s) that are not .csv were ignored.`);
  const recordings: RawRecording[] = [];
  const names = new Set<string>();
  const stems = new Set<string>();
  for (let i = 0; i < csvs.length; i++) {
    throwIfAborted(opts.signal, 'import');
    const f = csvs[i];
    opts.onProgress?.({ stage: 'import', fraction: i / csvs.length, detail: f.name });
    try {
      if (f.size > limits.maxFileBytes) {
        throw importError('too-large', f.name, `the file is ${f.size} bytes, more than the limit of ${limits.maxFileBytes}.`);
      }
      const stem = baseName(f.name).slice(0, -4);
      const fm: FileMeta = sc.files[stem] ?? {};
      const units = dict<string>();
      Object.assign(units, sc.units, fm.units ?? {});
      const sidecar: CsvSidecar = {
        intervalMs: fm.interval_ms ?? sc.intervalMs,
        units,
        label: fm.label,
        category: fm.category ?? (sc.testIds.has(stem) ? 'testing' : folderCategory(f.name)),
        deviceName: fm.device_name,
        createdAt: fm.created_at,
      };
      const parsed = parseCommonCsv(f.name, await inputText(f), { sidecar, limits, budget });
      if (fm.name) parsed.recording.name = fm.name;
      const key = parsed.recording.name;
      try {
        checkRecordingNames(f.name, parsed.recording, limits);
        if (names.has(key)) throw importError('duplicate', f.name, `a recording named ${echo(key)} was already imported from another file.`);
      } catch (e) {
        budget.release(parsed.recording.values.length * 4);
        throw e;
      }
      names.add(key);
      stems.add(stem);
      recordings.push(parsed.recording);
      timing[key] = parsed.timing;
      warnings.push(...parsed.warnings);
    } catch (e) {
      if (opts.signal?.aborted) throw e;
      // Past the memory budget the whole import stops: reading on would only be refused again.
      if (e instanceof Error && (e as { code?: string }).code === 'over-budget') throw e;
      fail(e, f.name);
    }
  }
  opts.onProgress?.({ stage: 'import', fraction: 1 });
  let unmatched = 0;
  for (const id of sc.testIds) {
    if (stems.has(id)) continue;
    if (unmatched++ < 20) warnings.push(`dataset.json lists test recording ${echo(id)} but no such file was imported.`);
  }
  if (unmatched > 20) warnings.push(`…and ${unmatched - 20} more test recordings listed in dataset.json were not imported.`);
  return { recordings, info: describeRecordings(recordings, sc), warnings, errors, timing };
}

function describeRecordings(recs: RawRecording[], sc?: Partial<Sidecar>): DatasetInfo {
  const axes: string[] = [];
  const units = dict<string>();
  for (const a of sc?.axes ?? []) if (!axes.includes(a)) axes.push(a);
  for (const r of recs) {
    for (const a of r.axes) {
      if (!axes.includes(a.name)) axes.push(a.name);
      if (!(a.name in units) && a.units) units[a.name] = a.units;
    }
  }
  Object.assign(units, sc?.units ?? {});
  const labels = [...new Set([...(sc?.labels ?? []), ...recs.map((r) => r.label)])].sort();
  const intervals = new Set(recs.map((r) => r.intervalMs));
  const intervalMs = sc?.intervalMs ?? (intervals.size === 1 ? [...intervals][0] : undefined);
  const info: DatasetInfo = {
    axes,
    units,
    labels,
    testIds: recs.filter((r) => r.category === 'testing').map((r) => r.name),
  };
  if (sc?.name) info.name = sc.name;
  if (intervalMs !== undefined) {
    info.intervalMs = intervalMs;
    info.sampleRateHz = sc?.sampleRateHz ?? 1000 / intervalMs;
  }
  return info;
}

export interface WriteFolderInfo {
  name?: string;
}

export interface OutputFile {
  name: string;
  data: Uint8Array;
}

function mostCommon<T>(xs: T[]): T | undefined {
  const counts = new Map<T, number>();
  let best: T | undefined;
  let bestN = 0;
  for (const x of xs) {
    const n = (counts.get(x) ?? 0) + 1;
    counts.set(x, n);
    if (n > bestN) {
      best = x;
      bestN = n;
    }
  }
  return best;
}

/**
 * The common layout for a list of recordings: one safe-named CSV each plus dataset.json (rate, axes,
 * units, labels, test_ids, and a `files` map for whatever the file name and dataset-level fields
 * cannot say: original names and labels that were made file-name-safe, other rates or units, device).
 * `prefix` (e.g. "samples/") is put before every CSV name.
 */
export function writeDatasetFolder(recordings: RawRecording[], info: WriteFolderInfo = {}, prefix = ''): OutputFile[] {
  const enc = new TextEncoder();
  const intervalMs = mostCommon(recordings.map((r) => r.intervalMs));
  const units = dict<string>();
  const axes: string[] = [];
  for (const r of recordings) {
    for (const a of r.axes) {
      if (!axes.includes(a.name)) axes.push(a.name);
      if (!(a.name in units)) units[a.name] = a.units;
    }
  }
  const used = new Set<string>();
  const out: OutputFile[] = [];
  const files = dict<FileMeta>();
  const testIds: string[] = [];
  const counts = dict<number>();
  for (const r of recordings) {
    const stem = safeStem(r.label, idPart(r.label, r.name), used);
    const fm: FileMeta = {};
    if (stem !== r.name) fm.name = r.name;
    if (splitName(stem).label !== r.label) fm.label = r.label;
    if (r.intervalMs !== intervalMs) fm.interval_ms = r.intervalMs;
    const u = dict<string>();
    for (const a of r.axes) if (units[a.name] !== a.units) u[a.name] = a.units;
    if (Object.keys(u).length) fm.units = u;
    if (r.deviceName !== undefined) fm.device_name = r.deviceName;
    if (r.createdAt !== undefined) fm.created_at = r.createdAt;
    if (Object.keys(fm).length) files[stem] = fm;
    if (r.category === 'testing') testIds.push(stem);
    counts[r.label] = (counts[r.label] ?? 0) + 1;
    out.push({ name: `${prefix}${stem}.csv`, data: enc.encode(writeCommonCsv(r)) });
  }
  const json: Record<string, unknown> = {};
  if (info.name !== undefined) json.name = info.name;
  if (intervalMs !== undefined) {
    json.sample_rate_hz = 1000 / intervalMs;
    json.interval_ms = intervalMs;
  }
  json.axes = axes;
  json.units = units;
  json.labels = Object.keys(counts).sort();
  json.num_recordings = counts;
  json.test_ids = testIds;
  if (Object.keys(files).length) json.files = files;
  out.push({ name: `${prefix}dataset.json`, data: enc.encode(JSON.stringify(json, null, 2) + '\n') });
  return out;
}
