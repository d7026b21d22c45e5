/**
 * Limits for untrusted imports and the error helpers every importer shares. DOM-free core module.
 *
 * Imports are untrusted: every reader checks sizes and counts against `ImportLimits` before and while
 * it works, and reports problems as `StudioError`s of family 'import' naming the file (and line).
 */
import { StudioError, type ErrorCode } from '../../core/errors.ts';

export interface ImportLimits {
  /** Largest single text file (CSV/JSON) or WAV read, bytes. */
  maxFileBytes: number;
  /** Largest number of data rows (frames) in one recording. */
  maxRows: number;
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
}

export const DEFAULT_LIMITS: ImportLimits = {
  maxFileBytes: 256 * 1024 * 1024,
  maxRows: 10_000_000,
  maxAxes: 64,
  maxFiles: 100_000,
  maxZipBytes: 1024 * 1024 * 1024,
  maxZipEntries: 100_000,
  maxEntryBytes: 256 * 1024 * 1024,
  maxTotalBytes: 2 * 1024 * 1024 * 1024,
  maxJsonDepth: 32,
};

export function withLimits(partial?: Partial<ImportLimits>): ImportLimits {
  return { ...DEFAULT_LIMITS, ...(partial ?? {}) };
}

/** A StudioError of family 'import' that names the file and, when known, the line. */
export function importError(
  code: ErrorCode<'import'>,
  file: string,
  message: string,
  opts: { line?: number; remedy?: string; cause?: unknown } = {},
): StudioError {
  const where = opts.line !== undefined ? `${file}, line ${opts.line}` : file;
  const err = new StudioError({
    family: 'import',
    code,
    message: `${where}: ${message}`,
    remedy: opts.remedy ?? 'Fix or remove this file and import again; nothing from it was imported.',
    cause: opts.cause,
  });
  if (opts.line !== undefined) (err as StudioError & { line?: number }).line = opts.line;
  (err as StudioError & { file?: string }).file = file;
  return err;
}

/** File and line an import error refers to, if it was made by `importError`. */
export function errorLocation(e: unknown): { file?: string; line?: number } {
  const x = e as { file?: unknown; line?: unknown } | null;
  return {
    file: typeof x?.file === 'string' ? x.file : undefined,
    line: typeof x?.line === 'number' ? x.line : undefined,
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
    throw importError('bad-json', file, `not valid JSON (${e instanceof Error ? e.message : String(e)}).`, { cause: e });
  }
}

export function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Any error from reading one file as a StudioError('import') naming that file. */
export function toImportError(e: unknown, file: string): StudioError {
  if (e instanceof StudioError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return importError('unreadable', file, `could not be read (${msg}).`, { cause: e });
}
