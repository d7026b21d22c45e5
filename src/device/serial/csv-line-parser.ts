/**
 * Plain-CSV ("data forwarder" style) serial parser: bytes in, readings / bad lines / device errors out.
 * DOM-free core module.
 *
 * One reading per line, values split on commas, tabs or spaces (runs of blanks count once, blanks around
 * a comma are allowed), all numeric. Rules:
 * - the first line is skipped (the port was opened at a random point of the stream);
 * - blank lines are ignored;
 * - lines starting with `ERR` are device errors (shown to the user, never data);
 * - lines with control bytes or invalid UTF-8 are "garbled" — the signature of a wrong baud rate;
 * - lines that are not all numbers, or (once `expectedValues` is set) have another count, are counted
 *   and reported but never emitted as readings; lines over `maxLineLength` are dropped as "too-long".
 * The result is the same however the bytes are chunked.
 */
import { MAX_SCANNED_EXPONENT, fastDecimal } from '../../core/decimal.ts';
import { StudioError } from '../../core/errors.ts';
import { LineSplitter, type LineSink } from './line-splitter.ts';

export interface CsvReading {
  values: number[];
  /** Arrival time of the chunk that completed the line (caller's clock, ms). */
  t: number;
}

export type CsvErrorKind = 'non-numeric' | 'wrong-count' | 'garbled' | 'too-long';

export interface CsvLineError {
  kind: CsvErrorKind;
  /** 1-based line number in the stream (the skipped first line is line 1). */
  lineNo: number;
  /** Printable excerpt of the line (max 80 chars, non-printables as `·`). */
  text: string;
}

export interface CsvDeviceError {
  lineNo: number;
  text: string;
}

export interface CsvParseResult {
  readings: CsvReading[];
  errors: CsvLineError[];
  deviceErrors: CsvDeviceError[];
}

export interface CsvStats {
  lines: number;
  readings: number;
  nonNumeric: number;
  wrongCount: number;
  garbled: number;
  tooLong: number;
  deviceErrors: number;
  blank: number;
}

export interface CsvParserOptions {
  /** Values per line; lines with another count become `wrong-count` errors. Unset: any count passes. */
  expectedValues?: number;
  /** Default 256 bytes. */
  maxLineLength?: number;
  /** Default true. */
  skipFirstLine?: boolean;
}

const td = new TextDecoder('utf-8', { fatal: false });

function isValidUtf8(b: Uint8Array, s: number, e: number): boolean {
  for (let i = s; i < e; ) {
    const c = b[i];
    if (c < 0x80) { i++; continue; }
    let n: number;
    if (c >= 0xc2 && c <= 0xdf) n = 1;
    else if (c >= 0xe0 && c <= 0xef) n = 2;
    else if (c >= 0xf0 && c <= 0xf4) n = 3;
    else return false;
    if (i + n >= e) return false;
    for (let k = 1; k <= n; k++) if ((b[i + k] & 0xc0) !== 0x80) return false;
    i += n + 1;
  }
  return true;
}

/** Printable excerpt of a line for the UI. */
// Control characters and U+FFFD, shown as a middle dot in excerpts of bad lines.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f\ufffd]/g;

export function lineExcerpt(b: Uint8Array, s: number, e: number): string {
  const end = Math.min(e, s + 80);
  let out = '';
  let ascii = true;
  for (let i = s; i < end; i++) if (b[i] >= 0x80) ascii = false;
  if (!ascii && isValidUtf8(b, s, e)) return td.decode(b.subarray(s, end)).replace(CONTROL_CHARS, '·');
  for (let i = s; i < end; i++) {
    const c = b[i];
    out += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '·';
  }
  return out;
}

/**
 * Parses the numbers of one line into `out`; returns the count, or -1 when a field is not a number.
 * Values come from `fastDecimal` (src/core/decimal.ts, shared with the file importers) or parseFloat:
 * the same value as parseFloat either way.
 */
export function parseNumbers(b: Uint8Array, s: number, e: number, out: number[]): number {
  let i = s;
  let count = 0;
  out.length = 0;
  // trim
  while (i < e && (b[i] === 32 || b[i] === 9)) i++;
  while (e > i && (b[e - 1] === 32 || b[e - 1] === 9)) e--;
  if (i >= e) return 0;
  for (;;) {
    // one number at i
    const numStart = i;
    let neg = false;
    if (b[i] === 45) { neg = true; i++; } else if (b[i] === 43) i++;
    let mant = 0;
    let digits = 0;
    let sig = 0;
    let frac = 0;
    let seen = false;
    while (i < e && b[i] >= 48 && b[i] <= 57) {
      if (sig > 0 || b[i] !== 48) sig++;
      mant = mant * 10 + (b[i] - 48);
      digits++;
      i++;
      seen = true;
    }
    if (i < e && b[i] === 46) {
      i++;
      while (i < e && b[i] >= 48 && b[i] <= 57) {
        if (sig > 0 || b[i] !== 48) sig++;
        mant = mant * 10 + (b[i] - 48);
        frac++;
        digits++;
        i++;
        seen = true;
      }
    }
    if (!seen) return -1;
    let exp = 0;
    if (i < e && (b[i] === 101 || b[i] === 69)) {
      i++;
      let eneg = false;
      if (i < e && (b[i] === 45 || b[i] === 43)) { eneg = b[i] === 45; i++; }
      let ed = 0;
      while (i < e && b[i] >= 48 && b[i] <= 57) {
        exp = exp * 10 + (b[i] - 48);
        if (exp > MAX_SCANNED_EXPONENT) exp = MAX_SCANNED_EXPONENT;
        ed++;
        i++;
      }
      if (ed === 0) return -1;
      if (eneg) exp = -exp;
    }
    // separator or end
    const numEnd = i;
    if (i < e) {
      const c = b[i];
      if (c !== 44 && c !== 32 && c !== 9) return -1;
      while (i < e && (b[i] === 32 || b[i] === 9)) i++;
      if (i < e && b[i] === 44) {
        i++;
        while (i < e && (b[i] === 32 || b[i] === 9)) i++;
        if (i >= e) return -1; // trailing comma: empty field
      }
    }
    let v = fastDecimal(mant, sig, digits, exp - frac);
    if (v !== v) v = parseFloat(td.decode(b.subarray(numStart, numEnd)));
    else if (neg) v = -v;
    out.push(v);
    count++;
    if (i >= e) return count;
  }
}

export class CsvLineParser implements LineSink {
  private readonly splitter: LineSplitter;
  private lineNo = 0;
  private t = 0;
  private res: CsvParseResult = { readings: [], errors: [], deviceErrors: [] };
  private readonly scratch: number[] = [];
  expectedValues: number | undefined;
  readonly skipFirstLine: boolean;
  readonly stats: CsvStats = { lines: 0, readings: 0, nonNumeric: 0, wrongCount: 0, garbled: 0, tooLong: 0, deviceErrors: 0, blank: 0 };

  constructor(opts: CsvParserOptions = {}) {
    this.splitter = new LineSplitter(opts.maxLineLength ?? 256);
    this.expectedValues = opts.expectedValues;
    this.skipFirstLine = opts.skipFirstLine ?? true;
  }

  /** Bytes of the unfinished last line. */
  leftover(): Uint8Array {
    return this.splitter.leftover();
  }

  /** Parses a chunk that arrived at `arrivalMs`. */
  push(chunk: Uint8Array, arrivalMs = 0): CsvParseResult {
    this.t = arrivalMs;
    this.res = { readings: [], errors: [], deviceErrors: [] };
    this.splitter.push(chunk, this);
    return this.res;
  }

  /** @internal LineSink */
  tooLong(): void {
    this.lineNo++;
    if (this.lineNo === 1 && this.skipFirstLine) return;
    this.stats.lines++;
    this.stats.tooLong++;
    this.res.errors.push({ kind: 'too-long', lineNo: this.lineNo, text: '' });
  }

  /** @internal LineSink */
  line(b: Uint8Array, s: number, e: number): void {
    this.lineNo++;
    if (this.lineNo === 1 && this.skipFirstLine) return;
    let printable = true;
    let blank = true;
    for (let i = s; i < e; i++) {
      const c = b[i];
      if (c < 0x20 ? c !== 9 : c >= 0x7f) { printable = false; break; }
      if (c !== 32 && c !== 9) blank = false;
    }
    if (printable && blank) {
      this.stats.blank++;
      return;
    }
    this.stats.lines++;
    if (!printable) {
      let garbled = false;
      for (let i = s; i < e; i++) {
        const c = b[i];
        if ((c < 0x20 && c !== 9) || c === 0x7f) { garbled = true; break; }
      }
      if (garbled || !isValidUtf8(b, s, e)) {
        this.stats.garbled++;
        this.res.errors.push({ kind: 'garbled', lineNo: this.lineNo, text: lineExcerpt(b, s, e) });
        return;
      }
    }
    let k = s;
    while (k < e && (b[k] === 32 || b[k] === 9)) k++;
    if (e - k >= 3 && b[k] === 69 && b[k + 1] === 82 && b[k + 2] === 82) {
      this.stats.deviceErrors++;
      this.res.deviceErrors.push({ lineNo: this.lineNo, text: lineExcerpt(b, k, e).trim() });
      return;
    }
    const n = printable ? parseNumbers(b, s, e, this.scratch) : -1;
    if (n <= 0) {
      this.stats.nonNumeric++;
      this.res.errors.push({ kind: 'non-numeric', lineNo: this.lineNo, text: lineExcerpt(b, s, e) });
      return;
    }
    if (this.expectedValues !== undefined && n !== this.expectedValues) {
      this.stats.wrongCount++;
      this.res.errors.push({ kind: 'wrong-count', lineNo: this.lineNo, text: lineExcerpt(b, s, e) });
      return;
    }
    this.stats.readings++;
    this.res.readings.push({ values: this.scratch.slice(), t: this.t });
  }
}

/** One-shot parse of a whole byte string (chunk arrival time 0). */
export function parseCsvBytes(bytes: Uint8Array, opts: CsvParserOptions = {}): CsvParseResult & { stats: CsvStats; leftover: Uint8Array } {
  const p = new CsvLineParser(opts);
  const r = p.push(bytes);
  return { ...r, stats: p.stats, leftover: p.leftover() };
}

/**
 * A diagnosis for the UI when the stream looks wrong, or null: mostly garbled lines mean a wrong baud
 * rate; mostly non-numeric lines mean the sketch prints something else than numbers.
 */
export function diagnoseCsv(stats: CsvStats): StudioError | null {
  const total = stats.lines;
  if (total < 5) return null;
  if (stats.garbled / total >= 0.3) {
    return new StudioError({
      family: 'device', code: 'wrong-baud',
      message: `${stats.garbled} of ${total} lines from the board arrived as unreadable bytes — this looks like a wrong baud rate.`,
      remedy: 'Pick the baud rate the sketch uses in Serial.begin(...) (115200 is the usual one) and connect again.',
    });
  }
  if (stats.readings === 0 && stats.nonNumeric / total >= 0.5) {
    return new StudioError({
      family: 'device', code: 'not-numeric',
      message: `The board sends text, not numbers (${stats.nonNumeric} of ${total} lines).`,
      remedy: 'Upload a sketch that prints one line of comma-separated numbers per reading, e.g. Serial.println(String(x) + "," + y + "," + z).',
    });
  }
  if (stats.readings > 0 && stats.wrongCount / total >= 0.2) {
    return new StudioError({
      family: 'device', code: 'inconsistent-values',
      message: `${stats.wrongCount} of ${total} lines have a different number of values than expected.`,
      remedy: 'Make the sketch print the same number of values on every line, or detect the stream again.',
    });
  }
  return null;
}
