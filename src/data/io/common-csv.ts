/**
 * One recording in the common CSV layout: `<label>.<id>.csv`, header `timestamp_ms` (or `timestamp`)
 * then one column per axis, one row per frame. DOM-free core module.
 *
 * Reading is strict (every cell must be a finite number; the file and line of the first bad cell are
 * named) and works out the sample interval from the timestamps (or takes it from a sidecar), reporting
 * jitter and gaps. Writing uses the shortest float32-exact decimals, so a written file reads back
 * bit-exact, and escapes header cells so spreadsheets do not run them as formulas.
 */
import { MAX_SCANNED_EXPONENT, fastDecimal } from '../../core/decimal.ts';
import type { Category, RawRecording, SensorAxis } from '../sample.ts';
import { formatFixed, formatFloat32 } from './float-format.ts';
import { type ImportBudget, type ImportLimits, budgetOf, checkInterval, checkName, checkSize, importError, ownString, withLimits } from './limits.ts';
import { echo, shownPath } from '../../core/echo.ts';
import { baseName, csvTextCell, splitCsvLine, splitName, unescapeTextCell } from './names.ts';

/** What a sidecar (dataset.json) says about one recording. */
export interface CsvSidecar {
  intervalMs?: number;
  /** Units per axis name. */
  units?: Record<string, string>;
  label?: string;
  category?: Category;
  deviceName?: string;
  createdAt?: number;
}

export interface TimingReport {
  /** Interval used for the recording, ms. */
  intervalMs: number;
  source: 'timestamps' | 'sidecar';
  /** Median of the timestamp deltas, ms (NaN without timestamps). */
  medianDeltaMs: number;
  /** True when some delta differs from the mean interval by more than 5 %. */
  irregular: boolean;
  /** |delta − mean interval| statistics, ms. */
  jitter: { meanMs: number; maxMs: number; stdMs: number };
  /** Deltas longer than 1.5 × the median (at most 20 listed), and how many there were. */
  gaps: { afterFrame: number; deltaMs: number }[];
  gapCount: number;
}

export interface ParsedCsv {
  recording: RawRecording;
  timing: TimingReport;
  warnings: string[];
}

export interface ParseCsvOptions {
  sidecar?: CsvSidecar;
  limits?: Partial<ImportLimits>;
  category?: Category;
  /** The import's memory budget (shared by all files of one import); a fresh one when absent. */
  budget?: ImportBudget;
}

/** End position of the last `scanNumber` call. */
let scanEnd = 0;

/**
 * Reads a decimal number (optional spaces and sign, digits with an optional point, optional exponent,
 * optional spaces) starting at `i`; NaN when there is none. The value follows the one rule shared with
 * the serial parser (`fastDecimal`, src/core/decimal.ts): exact fast path, else Number() of the text —
 * the same value as Number() either way.
 */
function scanNumber(s: string, i: number): number {
  const start = i;
  let c = s.charCodeAt(i);
  while (c === 32) c = s.charCodeAt(++i);
  let neg = false;
  if (c === 45 || c === 43) {
    neg = c === 45;
    c = s.charCodeAt(++i);
  }
  let m = 0;
  let digits = 0;
  let sig = 0;
  let frac = 0;
  let dot = false;
  for (;;) {
    if (c >= 48 && c <= 57) {
      if (sig > 0 || c !== 48) sig++;
      m = m * 10 + (c - 48);
      digits++;
      if (dot) frac++;
    } else if (c === 46 && !dot) dot = true;
    else break;
    c = s.charCodeAt(++i);
  }
  if (digits === 0) {
    scanEnd = i;
    return Number.NaN;
  }
  let exp = 0;
  if (c === 101 || c === 69) {
    c = s.charCodeAt(++i);
    let eneg = false;
    if (c === 45 || c === 43) {
      eneg = c === 45;
      c = s.charCodeAt(++i);
    }
    let ed = 0;
    while (c >= 48 && c <= 57) {
      exp = Math.min(MAX_SCANNED_EXPONENT, exp * 10 + (c - 48));
      ed++;
      c = s.charCodeAt(++i);
    }
    if (ed === 0) {
      scanEnd = i;
      return Number.NaN;
    }
    if (eneg) exp = -exp;
  }
  const numEnd = i;
  while (c === 32) c = s.charCodeAt(++i);
  scanEnd = i;
  const v = fastDecimal(m, sig, digits, exp - frac);
  if (v !== v) return +s.slice(start, numEnd);
  return neg ? -v : v;
}

/** The number at `i` of `s` as the CSV importer reads it, and where it ends (NaN when there is none). */
export function numberAt(s: string, i = 0): { value: number; end: number } {
  const value = scanNumber(s, i);
  return { value, end: scanEnd };
}

function cellNumberError(cell: string, file: string, line: number, column: string): never {
  const what = /^\s*[+-]?(nan|inf|infinity)\s*$/i.test(cell) ? 'NaN/Infinity is not allowed' : 'not a number';
  throw importError('bad-cell', file, `column ${echo(column)} has ${echo(cell)}: ${what}.`, { line });
}

/** End of the line starting at `pos`: the next CR or LF (or the end of the text). */
function lineEnd(text: string, pos: number): number {
  const lf = text.indexOf('\n', pos);
  const cr = text.indexOf('\r', pos);
  if (cr < 0) return lf < 0 ? text.length : lf;
  if (lf < 0) return cr;
  return Math.min(cr, lf);
}

/** Start of the line after the one ending at `end` (CRLF, LF and CR-only endings). */
function afterEnd(text: string, end: number): number {
  return text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10 ? end + 2 : end + 1;
}

/**
 * Upper bound of the lines from `pos` on (LF, CRLF or CR line endings), counted without copying. A file
 * without blank lines has exactly this many rows, so its arrays need no trimming copy.
 */
function countLines(text: string, pos: number): number {
  const last = text.charCodeAt(text.length - 1);
  let n = last === 10 || last === 13 ? 0 : 1;
  if (text.indexOf('\r', pos) < 0) {
    for (let i = text.indexOf('\n', pos); i >= 0; i = text.indexOf('\n', i + 1)) n++;
    return n;
  }
  for (let i = pos; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) n++;
  }
  return n;
}

/** Parses one CSV file of the common layout. Throws a StudioError('import') naming file and line on bad input. */
export function parseCommonCsv(fileName: string, text: string, opts: ParseCsvOptions = {}): ParsedCsv {
  const limits = withLimits(opts.limits);
  checkSize(fileName, text.length, limits.maxFileBytes);
  const sidecar = opts.sidecar ?? {};
  const warnings: string[] = [];
  const base = baseName(fileName);
  const stem = base.toLowerCase().endsWith('.csv') ? base.slice(0, -4) : base;
  checkName(fileName, 'file name', stem, limits);
  const parts = splitName(stem);
  if (parts.id === stem && !sidecar.label) warnings.push(`${shownPath(fileName)}: no "<label>.<id>" in the file name; label ${echo(stem)} used.`);

  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let lineNo = 0;
  const nextLine = (): string | null => {
    while (pos < text.length) {
      const end = lineEnd(text, pos);
      // A header longer than any sensible one is refused before it is copied and split.
      if (end - pos > (limits.maxAxes + 1) * (limits.maxNameLength + 3)) {
        throw importError('bad-header', fileName, `the first line is ${(end - pos).toLocaleString('en-US')} characters long, too long for a header of at most ${limits.maxAxes} axes with names up to ${limits.maxNameLength} characters (it starts ${echo(text.slice(pos, pos + 80))}).`, { line: lineNo + 1 });
      }
      const line = text.slice(pos, end);
      pos = afterEnd(text, end);
      lineNo++;
      if (line.trim() !== '') return line;
    }
    return null;
  };

  const headerLine = nextLine();
  if (headerLine === null) throw importError('empty', fileName, 'the file is empty.');
  const header = splitCsvLine(headerLine).map((c) => unescapeTextCell(c.trim()));
  const first = header[0].toLowerCase();
  const hasTime = first === 'timestamp_ms' || first === 'timestamp';
  if (!hasTime && sidecar.intervalMs === undefined) {
    throw importError('no-timestamp', fileName, `the first column is ${echo(header[0])}, expected "timestamp_ms" or "timestamp".`, {
      line: lineNo,
      remedy: 'Add a timestamp_ms column, or a dataset.json with sample_rate_hz next to the files.',
    });
  }
  const axisNames = hasTime ? header.slice(1) : header;
  if (axisNames.length === 0) throw importError('no-axes', fileName, 'the header has no axis columns.', { line: lineNo });
  if (axisNames.length > limits.maxAxes) {
    throw importError('too-many-axes', fileName, `${axisNames.length} axis columns, more than the limit of ${limits.maxAxes}.`, { line: lineNo });
  }
  const seen = new Set<string>();
  for (const a of axisNames) {
    if (!a) throw importError('bad-header', fileName, 'an axis column has no name.', { line: lineNo });
    checkName(fileName, 'axis name', a, limits, lineNo);
    if (seen.has(a)) throw importError('bad-header', fileName, `axis ${echo(a)} appears twice in the header.`, { line: lineNo });
    seen.add(a);
  }
  const nAxes = axisNames.length;
  const nCols = header.length;

  // Rows: scanned in place (no per-line strings) into arrays sized from a count of the lines, whose
  // bytes are reserved in the import's memory budget before they are allocated.
  const budget = budgetOf(limits, opts.budget);
  const cap = Math.max(1, Math.min(limits.maxRows + 1, countLines(text, pos)));
  const reserved = cap * nAxes * 4 + (hasTime ? cap * 8 : 0);
  budget.reserve(fileName, reserved);
  let kept = 0;
  try {
    const r = readRows(cap);
    kept = r.recording.values.length * 4;
    return r;
  } finally {
    budget.release(reserved - kept);
  }

  function readRows(cap: number): ParsedCsv {
    const vals = new Float32Array(cap * nAxes);
    const times = new Float64Array(hasTime ? cap : 0);
    let n = 0;
    const len = text.length;
    const cellText = (at: number): string => {
      let e = at;
      while (e < len && text.charCodeAt(e) !== 44 && text.charCodeAt(e) !== 10 && text.charCodeAt(e) !== 13) e++;
      return text.slice(at, e); // a view, not a copy; messages show at most ECHO_MAX of it
    };
    const lineCells = (lineStart: number): number => {
      const e = lineEnd(text, lineStart);
      if (e - lineStart > 1_000_000) return text.slice(lineStart, e).split(',').length;
      return splitCsvLine(text.slice(lineStart, e)).length;
    };
    while (pos < len) {
      // Skip blank lines (only spaces/CR).
      let q = pos;
      let ch = text.charCodeAt(q);
      while (ch === 32 || ch === 13 || ch === 9) ch = text.charCodeAt(++q);
      if (q >= len) break;
      lineNo++;
      if (ch === 10) {
        pos = q + 1;
        continue;
      }
      if (n >= limits.maxRows) {
        throw importError('too-many-rows', fileName, `more than ${limits.maxRows} rows.`, { line: lineNo });
      }
      if (n === cap) throw importError('bad-row', fileName, 'more rows than lines; the file changed while it was read.', { line: lineNo });
      const lineStart = pos;
      let i = pos;
      const o = n * nAxes;
      for (let col = 0; col < nCols; col++) {
        const v = scanNumber(text, i);
        const e = scanEnd;
        const term = e < len ? text.charCodeAt(e) : 10;
        const isTime = hasTime && col === 0;
        const column = isTime ? 'timestamp' : axisNames[col - (hasTime ? 1 : 0)];
        // Not a number, or junk right after one ("1a", "0x10").
        if (v !== v || (term !== 44 && term !== 10 && term !== 13)) cellNumberError(cellText(i), fileName, lineNo, column);
        const lastCol = col === nCols - 1;
        if (lastCol ? term === 44 : term !== 44) {
          throw importError('bad-row', fileName, `${lineCells(lineStart)} cells, the header has ${nCols}.`, { line: lineNo });
        }
        if (isTime) {
          if (!Number.isFinite(v)) cellNumberError(cellText(i), fileName, lineNo, column);
          if (n > 0 && v < times[n - 1]) {
            throw importError('time-backwards', fileName, `timestamp ${v} is earlier than the row before (${times[n - 1]}).`, { line: lineNo });
          }
          times[n] = v;
        } else {
          const f = Math.fround(v);
          if (f === Infinity || f === -Infinity) {
            throw importError('bad-cell', fileName, `column ${echo(column)} has ${echo(cellText(i).trim())}, out of the float32 range.`, { line: lineNo });
          }
          vals[o + col - (hasTime ? 1 : 0)] = f;
        }
        i = e + 1;
        if (term === 13 && i < len && text.charCodeAt(i) === 10) i++;
      }
      pos = i;
      n++;
    }
    if (n === 0) throw importError('no-rows', fileName, 'the file has a header but no data rows.');
    const values = vals.length === n * nAxes ? vals : vals.slice(0, n * nAxes);
    return finish(values, hasTime ? times.subarray(0, n) : undefined, n);
  }

  function finish(values: Float32Array, times: Float64Array | undefined, n: number): ParsedCsv {
    const timing = times ? analyseTimestamps(times) : undefined;
    let intervalMs: number;
    let report: TimingReport;
    if (sidecar.intervalMs !== undefined) {
      intervalMs = sidecar.intervalMs;
      checkInterval(fileName, intervalMs, 'the dataset\'s interval or sample_rate_hz', limits);
      report = timing ? { ...timing, intervalMs, source: 'sidecar' } : emptyTiming(intervalMs);
      if (timing && n > 1 && Math.abs(timing.intervalMs - intervalMs) > 0.05 * intervalMs) {
        warnings.push(
          `${shownPath(fileName)}: timestamps say ${timing.intervalMs.toPrecision(5)} ms per row but dataset.json says ${intervalMs.toPrecision(5)} ms; dataset.json used.`,
        );
      }
    } else {
      if (!timing || n < 2) {
        throw importError('no-rate', fileName, 'only one row, so the sample rate cannot be worked out.', {
          remedy: 'Add a dataset.json with sample_rate_hz next to the file, or record longer.',
        });
      }
      if (!(timing.intervalMs > 0)) {
        throw importError('no-rate', fileName, 'all timestamps are equal, so the sample rate cannot be worked out.');
      }
      checkInterval(fileName, timing.intervalMs, `the timestamps (${+timing.intervalMs.toPrecision(4)} ms per row)`, limits);
      intervalMs = timing.intervalMs;
      report = timing;
    }
    if (report.irregular) {
      warnings.push(
        `${shownPath(fileName)}: irregular timestamps (jitter up to ${report.jitter.maxMs.toPrecision(3)} ms, ${report.gapCount} gap(s)); ${intervalMs.toPrecision(6)} ms per row assumed.`,
      );
    }
    const axes: SensorAxis[] = axisNames.map((name) => ({ name, units: ownString(sidecar.units, name) ?? '' }));
    const recording: RawRecording = {
      name: stem,
      label: sidecar.label ?? parts.label,
      category: sidecar.category ?? opts.category ?? 'training',
      axes,
      intervalMs,
      values,
    };
    if (sidecar.deviceName !== undefined) recording.deviceName = sidecar.deviceName;
    if (sidecar.createdAt !== undefined) recording.createdAt = sidecar.createdAt;
    return { recording, timing: report, warnings };
  }
}

function emptyTiming(intervalMs: number): TimingReport {
  return {
    intervalMs,
    source: 'sidecar',
    medianDeltaMs: Number.NaN,
    irregular: false,
    jitter: { meanMs: 0, maxMs: 0, stdMs: 0 },
    gaps: [],
    gapCount: 0,
  };
}

/**
 * Interval and regularity from timestamps (ms). Regular timestamps give the mean interval, snapped to
 * a whole number of Hz when that reproduces every timestamp to its printed precision; irregular ones
 * give the median delta.
 */
export function analyseTimestamps(t: Float64Array): TimingReport {
  const n = t.length;
  if (n < 2) return { ...emptyTiming(Number.NaN), source: 'timestamps' };
  const deltas = new Float64Array(n - 1);
  for (let i = 1; i < n; i++) deltas[i - 1] = t[i] - t[i - 1];
  const sorted = deltas.slice().sort();
  const m = sorted.length;
  const median = m % 2 ? sorted[(m - 1) / 2] : (sorted[m / 2 - 1] + sorted[m / 2]) / 2;
  const mean = (t[n - 1] - t[0]) / (n - 1);
  const q = quantum(t);
  let sum = 0;
  let sum2 = 0;
  let max = 0;
  let gapCount = 0;
  const gaps: { afterFrame: number; deltaMs: number }[] = [];
  for (let i = 0; i < m; i++) {
    const j = Math.abs(deltas[i] - mean);
    sum += j;
    sum2 += j * j;
    if (j > max) max = j;
    if (deltas[i] > 1.5 * median && deltas[i] - mean > 1.01 * q) {
      gapCount++;
      if (gaps.length < 20) gaps.push({ afterFrame: i, deltaMs: deltas[i] });
    }
  }
  const meanJ = sum / m;
  // Jitter within one printed step (e.g. integer-ms timestamps at 104 Hz) is rounding, not irregularity.
  const irregular = max > Math.max(0.05 * mean, 1.01 * q) || gapCount > 0;
  let intervalMs = irregular ? median : mean;
  if (!irregular && mean > 0) {
    // Snap to a whole rate in Hz if that reproduces every timestamp within the rounding of the file.
    const rate = Math.round(1000 / mean);
    const cand = 1000 / rate;
    if (rate > 0 && Math.abs(cand - mean) * (n - 1) < 0.01 * mean) {
      const tol = q / 2 + 1e-9 * Math.abs(t[n - 1]);
      let ok = true;
      for (let i = 0; i < n && ok; i++) if (Math.abs(t[i] - t[0] - i * cand) > tol + 1e-12) ok = false;
      if (ok) intervalMs = cand;
    }
  }
  return {
    intervalMs,
    source: 'timestamps',
    medianDeltaMs: median,
    irregular,
    jitter: { meanMs: meanJ, maxMs: max, stdMs: Math.sqrt(Math.max(0, sum2 / m - meanJ * meanJ)) },
    gaps,
    gapCount,
  };
}

/** The finest printed step of the timestamps (e.g. 0.001 for "9.615"), from a sample of rows. */
function quantum(t: Float64Array): number {
  const step = Math.max(1, Math.floor(t.length / 256));
  for (let d = 0; d <= 9; d++) {
    const m = 10 ** d;
    let ok = true;
    for (let i = 0; i < t.length && ok; i += step) {
      const x = t[i] * m;
      if (Math.abs(x - Math.round(x)) > 1e-6 + 1e-12 * Math.abs(x)) ok = false;
    }
    if (ok) return 1 / m;
  }
  return 1e-9;
}

/** Decimals used when writing timestamps: 3 (like the shared datasets), more for sub-millisecond intervals. */
export function timestampDecimals(intervalMs: number): number {
  return intervalMs >= 1 ? 3 : Math.min(9, 3 + Math.ceil(-Math.log10(intervalMs)));
}

/**
 * Writes one recording in the common layout. Values must be finite (they are float32); timestamps
 * are interval·i rounded to `timestampDecimals(interval)` places.
 */
export function writeCommonCsv(rec: RawRecording): string {
  const nA = rec.axes.length;
  if (nA === 0) throw importError('no-axes', rec.name, 'the recording has no axes.');
  const header = ['timestamp_ms', ...rec.axes.map((a) => csvTextCell(a.name))].join(',');
  const n = Math.floor(rec.values.length / nA);
  const dec = timestampDecimals(rec.intervalMs);
  const out: string[] = [header];
  const row: string[] = new Array<string>(nA + 1);
  const v = rec.values;
  for (let i = 0; i < n; i++) {
    row[0] = formatFixed(i * rec.intervalMs, dec);
    const o = i * nA;
    for (let a = 0; a < nA; a++) {
      const x = v[o + a];
      if (!Number.isFinite(x)) {
        throw importError('bad-value', rec.name, `frame ${i}, axis "${rec.axes[a].name}" is ${x}; only finite values can be exported.`);
      }
      row[a + 1] = formatFloat32(x);
    }
    out.push(row.join(','));
  }
  return out.join('\n') + '\n';
}
