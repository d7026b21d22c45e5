/**
 * Edge Impulse data-acquisition JSON (one recording per file) and the layout of a project export
 * (`training/` and `testing/` folders plus `info.labels`). DOM-free core module.
 *
 * File shape: `{ protected: {ver, alg, iat}, signature, payload: {device_name, device_type,
 * interval_ms, sensors: [{name, units}], values: [[...], ...] } }` (one-sensor files may hold a flat
 * `values` list). We write unsigned files (`alg: "none"`, signature of 64 zeros). HS256-signed files
 * are read without verifying the signature (we do not have the project's HMAC key), and say so.
 */
import type { Category, RawRecording, SensorAxis } from '../sample.ts';
import { formatFloat32 } from './float-format.ts';
import { type ImportBudget, type ImportLimits, budgetOf, checkInterval, checkName, checkSize, importError, isRecord, parseJsonLimited, withLimits } from './limits.ts';
import { echo, escapeText, shownPath } from '../../core/echo.ts';
import type { OutputFile } from './dataset-folder.ts';
import { baseName, idPart, safeStem, splitName } from './names.ts';

export interface ParsedEiJson {
  recording: RawRecording;
  /** 'none' for unsigned files; otherwise the algorithm named (signature not verified). */
  alg: string;
  deviceType?: string;
  warnings: string[];
}

export interface ParseEiOptions {
  limits?: Partial<ImportLimits>;
  category?: Category;
  label?: string;
  /** The import's memory budget (shared by all files of one import); a fresh one when absent. */
  budget?: ImportBudget;
}

/** A JSON value shown in a message: its JSON text, escaped and cut short. */
function shownJson(v: unknown): string {
  let s: string | undefined;
  try {
    s = typeof v === 'string' ? JSON.stringify(v.slice(0, 100)) : JSON.stringify(v, (_k, x: unknown) => (Array.isArray(x) && x.length > 4 ? [...x.slice(0, 4), '…'] : x));
  } catch {
    s = undefined;
  }
  return escapeText(s ?? String(v), 40);
}

function stemOf(fileName: string): string {
  const b = baseName(fileName);
  return b.toLowerCase().endsWith('.json') ? b.slice(0, -5) : b;
}

/** Parses one data-acquisition JSON file. Throws a StudioError('import') naming the file and the bad field. */
export function parseEiJson(fileName: string, text: string, opts: ParseEiOptions = {}): ParsedEiJson {
  const limits = withLimits(opts.limits);
  checkSize(fileName, text.length, Math.min(limits.maxFileBytes, limits.maxJsonBytes), 'JSON file');
  const bad = (msg: string): never => {
    throw importError('bad-ei-json', fileName, msg, {
      remedy: 'This is not an Edge Impulse data-acquisition file, or it is damaged; nothing from it was imported.',
    });
  };
  const j = parseJsonLimited(fileName, text, limits.maxJsonDepth);
  if (!isRecord(j)) return bad('the file is not a JSON object.');
  const p = j.payload;
  if (!isRecord(p)) return bad('there is no "payload" object.');
  const warnings: string[] = [];
  const prot = isRecord(j.protected) ? j.protected : {};
  const alg = typeof prot.alg === 'string' ? prot.alg : 'none';
  if (alg !== 'none') {
    warnings.push(`${shownPath(fileName)}: signed with ${echo(alg, 40)}; the signature was not verified (the signing key is not known here).`);
  }
  const interval = p.interval_ms;
  if (typeof interval !== 'number' || !Number.isFinite(interval) || interval <= 0) {
    return bad('"payload.interval_ms" must be a positive number.');
  }
  checkInterval(fileName, interval, `"payload.interval_ms" (${interval})`, limits);
  if (!Array.isArray(p.sensors) || p.sensors.length === 0) return bad('"payload.sensors" must be a non-empty list.');
  if (p.sensors.length > limits.maxAxes) return bad(`${p.sensors.length} sensors, more than the limit of ${limits.maxAxes}.`);
  const axes: SensorAxis[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < p.sensors.length; i++) {
    const s: unknown = p.sensors[i];
    if (!isRecord(s) || typeof s.name !== 'string' || s.name === '') return bad(`sensor ${i} has no name.`);
    checkName(fileName, 'sensor name', s.name, limits);
    if (seen.has(s.name)) return bad(`sensor ${echo(s.name)} appears twice.`);
    seen.add(s.name);
    const units = typeof s.units === 'string' ? s.units : '';
    checkName(fileName, `units of sensor ${echo(s.name)}`, units, limits);
    axes.push({ name: s.name, units });
  }
  const rows = p.values;
  if (!Array.isArray(rows)) return bad('"payload.values" must be a list.');
  if (rows.length === 0) return bad('"payload.values" is empty.');
  if (rows.length > limits.maxRows) return bad(`${rows.length} rows, more than the limit of ${limits.maxRows}.`);
  const nA = axes.length;
  const budget = budgetOf(limits, opts.budget);
  const reserved = rows.length * nA * 4;
  budget.reserve(fileName, reserved);
  const pay: Record<string, unknown> = p;
  const intervalMs: number = interval;
  try {
    return fill(rows, nA);
  } catch (e) {
    budget.release(reserved);
    throw e;
  }

  function fill(rows: unknown[], nA: number): ParsedEiJson {
    const values = new Float32Array(rows.length * nA);
    const flat = !Array.isArray(rows[0]);
    if (flat && nA !== 1) return bad(`"payload.values" is a flat list but there are ${nA} sensors.`);
    for (let i = 0; i < rows.length; i++) {
      const row: unknown = rows[i];
      if (flat) {
        if (typeof row !== 'number' || !Number.isFinite(Math.fround(row))) return bad(`values[${i}] is ${shownJson(row)}, not a finite number within float32 range.`);
        values[i] = row;
        continue;
      }
      if (!Array.isArray(row) || row.length !== nA) {
        return bad(`values[${i}] should be a list of ${nA} numbers (one per sensor).`);
      }
      for (let a = 0; a < nA; a++) {
        const v: unknown = row[a];
        if (typeof v !== 'number' || !Number.isFinite(Math.fround(v))) {
          return bad(`values[${i}][${a}] is ${shownJson(v)}, not a finite number within float32 range.`);
        }
        values[i * nA + a] = v;
      }
    }
    const stem = stemOf(fileName);
    checkName(fileName, 'file name', stem, limits);
    const recording: RawRecording = {
      name: stem,
      label: opts.label ?? splitName(stem).label,
      category: opts.category ?? 'training',
      axes,
      intervalMs,
      values,
    };
    if (typeof pay.device_name === 'string') recording.deviceName = pay.device_name.slice(0, limits.maxNameLength);
    if (typeof prot.iat === 'number' && Number.isFinite(prot.iat) && prot.iat > 0) recording.createdAt = prot.iat * 1000;
    const out: ParsedEiJson = { recording, alg, warnings };
    if (typeof pay.device_type === 'string') out.deviceType = pay.device_type.slice(0, limits.maxNameLength);
    return out;
  }
}

export interface WriteEiOptions {
  deviceType?: string;
}

/** One recording as an unsigned data-acquisition JSON file (values in shortest float32-exact decimals). */
export function writeEiJson(rec: RawRecording, opts: WriteEiOptions = {}): string {
  const nA = rec.axes.length;
  if (nA === 0) throw importError('no-axes', rec.name, 'the recording has no axes.');
  const n = Math.floor(rec.values.length / nA);
  const v = rec.values;
  const rows: string[] = new Array<string>(n);
  const row: string[] = new Array<string>(nA);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < nA; a++) {
      const x = v[i * nA + a];
      if (!Number.isFinite(x)) throw importError('bad-value', rec.name, `frame ${i}, axis "${rec.axes[a].name}" is ${x}; only finite values can be exported.`);
      row[a] = formatFloat32(x);
    }
    rows[i] = nA === 1 ? row[0] : `[${row.join(',')}]`;
  }
  const head = {
    protected: { ver: 'v1', alg: 'none', iat: rec.createdAt !== undefined ? Math.floor(rec.createdAt / 1000) : 0 },
    signature: '0'.repeat(64),
    payload: {
      device_name: rec.deviceName ?? '',
      device_type: opts.deviceType ?? 'TINYML_STUDIO',
      interval_ms: rec.intervalMs,
      sensors: rec.axes.map((a) => ({ name: a.name, units: a.units })),
      values: [] as number[],
    },
  };
  const s = JSON.stringify(head);
  const i = s.lastIndexOf('"values":[]');
  return `${s.slice(0, i)}"values":[${rows.join(',')}]${s.slice(i + '"values":[]'.length)}`;
}

export interface InfoLabelsEntry {
  label?: string;
  category?: Category;
  name?: string;
}

/** Reads an export's `info.labels` (path → label and category). Unknown shapes are skipped. */
export function parseInfoLabels(fileName: string, text: string, limits?: Partial<ImportLimits>): Map<string, InfoLabelsEntry> {
  const lim = withLimits(limits);
  const j = parseJsonLimited(fileName, text, lim.maxJsonDepth);
  const out = new Map<string, InfoLabelsEntry>();
  if (!isRecord(j) || !Array.isArray(j.files)) throw importError('bad-info-labels', fileName, 'expected {"version": 1, "files": [...]}.');
  for (const f of j.files as unknown[]) {
    if (!isRecord(f) || typeof f.path !== 'string') continue;
    const e: InfoLabelsEntry = {};
    if (f.category === 'training' || f.category === 'testing') e.category = f.category;
    if (isRecord(f.label) && f.label.type === 'label' && typeof f.label.label === 'string') e.label = f.label.label;
    if (typeof f.name === 'string') e.name = f.name;
    out.set(f.path.replace(/\\/g, '/').replace(/^\.\//, ''), e);
  }
  return out;
}

/**
 * Recordings as an export in the Edge Impulse layout: `training/<label>.<id>.json`,
 * `testing/<label>.<id>.json` and `info.labels` carrying every file's label and category.
 */
export function writeEiExport(recordings: RawRecording[], opts: WriteEiOptions = {}): OutputFile[] {
  const enc = new TextEncoder();
  const used = new Set<string>();
  const out: OutputFile[] = [];
  const files: unknown[] = [];
  for (const r of recordings) {
    const stem = safeStem(r.label, idPart(r.label, r.name), used);
    const path = `${r.category}/${stem}.json`;
    out.push({ name: path, data: enc.encode(writeEiJson(r, opts)) });
    files.push({ path, name: r.name, category: r.category, label: { type: 'label', label: r.label } });
  }
  out.push({ name: 'info.labels', data: enc.encode(JSON.stringify({ version: 1, files }, null, 1) + '\n') });
  return out;
}
