/**
 * Limits for untrusted imports and the error helpers every importer shares. DOM-free core module.
 *
 * Imports are untrusted: every reader checks sizes and counts against `ImportLimits` before and while
 * it works, and reports problems as `StudioError`s of family 'import' naming the file (and line).
 */
import { echo, escapeText, shownPath } from '../../core/echo.ts';
import { StudioError, type ErrorCode } from '../../core/errors.ts';

export interface ImportLimits {
  /** Largest single text file (CSV/JSON) or WAV read, bytes. */
  maxFileBytes: number;
  /** Largest number of data rows (frames) in one recording. */
  maxRows: number;
  /**
   * Largest number of frames in one WAV file. Binary audio is cheap to parse and is stored in
   * chunks, so this is far above `maxRows` (an hour of 16 kHz mono is 57.6 M frames); the decoded
   * budget still bounds the memory.
   */
  maxWavFrames: number;
  /** Largest number of axes (columns after the timestamp). */
  maxAxes: number;
  /** Largest number of files in one import (folder or zip). */
  maxFiles: number;
  /** Largest zip file accepted, bytes. */
  maxZipBytes: number;
  /** Largest number of entries in a zip's directory. */
  maxZipEntries: number;
  /** Largest decompressed size of one zip entry, bytes (enforced while inflating). */
  maxEntryBytes: number;
  /** Largest decompressed size of all entries of one zip together, bytes (enforced while inflating). */
  maxTotalBytes: number;
  /** Deepest nesting of arrays/objects accepted in JSON. */
  maxJsonDepth: number;
  /** Largest JSON file, bytes: JSON is parsed whole into objects, which take several times its text. */
  maxJsonBytes: number;
  /**
   * The memory budget of one import: bytes of decoded values (frames × axes × 4, float32) over every
   * recording of the import together. Reserved before a recording's arrays are allocated.
   */
  maxDecodedBytes: number;
  /** Largest declared size ÷ compressed size of a zip entry of 1 MB or more (deflate bombs go far beyond). */
  maxCompressionRatio: number;
  /** Slowest and fastest plausible sample rate, Hz. */
  minRateHz: number;
  maxRateHz: number;
  /** Longest axis, label, recording or device name, characters. */
  maxNameLength: number;
}

/**
 * Decoded values one import may hold (256 MiB of float32 = 67 million values, e.g. 31 hours of a
 * 6-axis IMU at 100 Hz). With the text of the file being parsed this keeps an import under about
 * 1 GB of memory. Raise it (the `limits` option) only for trusted data.
 */
export const IMPORT_MEMORY_BUDGET_BYTES = 256 * 1024 * 1024;
/** Zip entries that unpack to more than this many times their compressed size are refused unread. */
export const MAX_COMPRESSION_RATIO = 200;
/** Plausible sample rates: 0.001 Hz (one frame every ~17 minutes) to 1 MHz. */
export const MIN_RATE_HZ = 0.001;
export const MAX_RATE_HZ = 1_000_000;
/** Longest name (axis, label, recording, device) an import accepts. */
export const MAX_NAME_LENGTH = 256;
/** Characters of an input cell or name quoted in a message. */
export const DEFAULT_LIMITS: ImportLimits = {
  maxFileBytes: 256 * 1024 * 1024,
  maxRows: 10_000_000,
  maxWavFrames: 64 * 1024 * 1024,
  maxAxes: 64,
  maxFiles: 100_000,
  maxZipBytes: 1024 * 1024 * 1024,
  maxZipEntries: 100_000,
  maxEntryBytes: 256 * 1024 * 1024,
  maxTotalBytes: 2 * 1024 * 1024 * 1024,
  maxJsonDepth: 32,
  maxJsonBytes: 64 * 1024 * 1024,
  maxDecodedBytes: IMPORT_MEMORY_BUDGET_BYTES,
  maxCompressionRatio: MAX_COMPRESSION_RATIO,
  minRateHz: MIN_RATE_HZ,
  maxRateHz: MAX_RATE_HZ,
  maxNameLength: MAX_NAME_LENGTH,
};

export function withLimits(partial?: Partial<ImportLimits>): ImportLimits {
  return { ...DEFAULT_LIMITS, ...(partial ?? {}) };
}

/** Refuses a name (axis, label, …) that is empty or longer than the limit. */
export function checkName(file: string, what: string, name: string, limits: ImportLimits, line?: number): void {
  if (name.length > limits.maxNameLength) {
    throw importError('name-too-long', file, `the ${what} ${echo(name)} is longer than ${limits.maxNameLength} characters.`, {
      line,
      remedy: 'Shorten it and import again; nothing from this file was imported.',
    });
  }
}

/** Refuses a recording whose name, label, device, axis names or units are longer than the limit. */
export function checkRecordingNames(file: string, r: { name: string; label: string; deviceName?: string; axes: { name: string; units: string }[] }, limits: ImportLimits): void {
  checkName(file, 'recording name', r.name, limits);
  checkName(file, 'label', r.label, limits);
  if (r.deviceName !== undefined) checkName(file, 'device name', r.deviceName, limits);
  for (const a of r.axes) {
    checkName(file, 'axis name', a.name, limits);
    checkName(file, `units of axis ${echo(a.name)}`, a.units, limits);
  }
}

/** Refuses an interval (ms per frame) whose rate is outside the plausible range. */
export function checkInterval(file: string, intervalMs: number, source: string, limits: ImportLimits): void {
  const hz = 1000 / intervalMs;
  if (!(intervalMs > 0) || !Number.isFinite(intervalMs) || !(hz >= limits.minRateHz && hz <= limits.maxRateHz)) {
    throw importError('implausible-rate', file, `the sample rate from ${source} is ${fmtHz(hz)}, outside the plausible range ${fmtHz(limits.minRateHz)} to ${fmtHz(limits.maxRateHz)}.`, {
      remedy: 'Fix the timestamps or the rate (sample_rate_hz, interval_ms) and import again; nothing from this file was imported.',
    });
  }
}

function fmtHz(hz: number): string {
  if (!Number.isFinite(hz)) return `${hz} Hz`;
  if (hz >= 1e6 && hz < 1e9) return `${+(hz / 1e6).toPrecision(4)} MHz`;
  return `${+hz.toPrecision(4)} Hz`;
}

/**
 * The memory budget of one import (see `IMPORT_MEMORY_BUDGET_BYTES`): every importer reserves the bytes
 * of the values it is about to allocate, and the import is refused, before allocating, once the
 * recordings together would pass `limits.maxDecodedBytes`. One budget is shared by all files of an
 * import (a folder, a selection, every entry of a zip).
 */
export class ImportBudget {
  used = 0;
  constructor(readonly limit: number) {}

  /** Reserves `bytes` for values about to be decoded from `file`, or throws. */
  reserve(file: string, bytes: number): void {
    if (!(this.used + bytes <= this.limit)) {
      throw importError('over-budget', file, `its values would take ${fmtBytes(bytes)}, and with the ${fmtBytes(this.used)} already read that is more than this import's memory budget of ${fmtBytes(this.limit)}.`, {
        remedy: 'Import the data in smaller parts (or shorter recordings). Nothing from this file was imported.',
      });
    }
    this.used += bytes;
  }

  /** Gives back a reservation (a file that failed after reserving). */
  release(bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
  }
}

/** The budget passed in, or a fresh one for a single-file parse. */
export function budgetOf(limits: ImportLimits, budget?: ImportBudget): ImportBudget {
  return budget ?? new ImportBudget(limits.maxDecodedBytes);
}

/**
 * The text of a file's bytes: UTF-8 (with or without BOM), or UTF-16 LE/BE when it starts with a BOM.
 * Browser and CLI both decode through this, so a file reads the same in both.
 */
export function decodeText(bytes: Uint8Array): string {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  return new TextDecoder('utf-8').decode(bytes);
}

/** A StudioError of family 'import' that names the file and, when known, the line. */
export function importError(
  code: ErrorCode<'import'>,
  file: string,
  message: string,
  opts: { line?: number; remedy?: string; cause?: unknown } = {},
): StudioError {
  const shown = shownPath(file);
  const where = opts.line !== undefined ? `${shown}, line ${opts.line}` : shown;
  const err = new StudioError({
    family: 'import',
    code,
    message: `${where}: ${message}`,
    remedy: opts.remedy ?? 'Fix or remove this file and import again; nothing from it was imported.',
    cause: opts.cause,
  });
  if (opts.line !== undefined) (err as StudioError & { line?: number }).line = opts.line;
  (err as StudioError & { file?: string }).file = shown;
  (err as StudioError & { detail?: string }).detail = message;
  return err;
}

/**
 * File and line an import error refers to, if it was made by `importError`, and its `detail`: the
 * message without the file and line (for lists that show the file in a column of its own).
 */
export function errorLocation(e: unknown): { file?: string; line?: number; detail?: string } {
  const x = e as { file?: unknown; line?: unknown; detail?: unknown } | null;
  return {
    file: typeof x?.file === 'string' ? x.file : undefined,
    line: typeof x?.line === 'number' ? x.line : undefined,
    detail: typeof x?.detail === 'string' ? x.detail : undefined,
  };
}

/** Throws unless the size is within the limit. */
export function checkSize(file: string, size: number, max: number, what = 'file'): void {
  if (!(size <= max)) {
    throw importError('too-large', file, `the ${what} is ${fmtBytes(size)}, more than the limit of ${fmtBytes(max)}.`, {
      remedy: 'Split it into smaller files, or raise the import limit if you trust it.',
    });
  }
}

export function fmtBytes(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} kB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(2)} GB`;
}

/**
 * JSON.parse after checking nesting depth with a cheap scan (outside strings), so hostile deeply nested
 * input is refused before anything walks it.
 */
export function parseJsonLimited(file: string, text: string, maxDepth: number): unknown {
  let depth = 0;
  let inStr = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inStr) {
      if (c === 92) i++; // backslash: skip the escaped char
      else if (c === 34) inStr = false;
    } else if (c === 34) inStr = true;
    else if (c === 91 || c === 123) {
      if (++depth > maxDepth) {
        throw importError('json-too-deep', file, `JSON is nested more than ${maxDepth} levels deep.`);
      }
    } else if (c === 93 || c === 125) depth--;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw importError('bad-json', file, `not valid JSON (${escapeText(e instanceof Error ? e.message : String(e), 160)}).`, { cause: e });
  }
}

/**
 * The string stored under `key` as the object's own property, if any: never an inherited member
 * (`constructor`, `toString`, `__proto__`) of a dictionary keyed by input.
 */
export function ownString(rec: Record<string, unknown> | undefined, key: string): string | undefined {
  if (!rec || !Object.prototype.hasOwnProperty.call(rec, key)) return undefined;
  const v = rec[key];
  return typeof v === 'string' ? v : undefined;
}

/** An empty dictionary for keys that come from input (no prototype, so no inherited members). */
export function dict<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

export function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Any error from reading one file as a StudioError('import') naming that file. */
export function toImportError(e: unknown, file: string): StudioError {
  if (e instanceof StudioError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return importError('unreadable', file, `could not be read (${escapeText(msg, 200)}).`, { cause: e });
}
