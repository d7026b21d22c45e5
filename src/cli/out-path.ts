/**
 * Checking and creating a command's output path before any work is done, so a long run is never
 * thrown away because the output cannot be written. Node-only.
 *
 * A file output: not a folder, its parent folder created, writable (probed), an existing file only
 * replaced when allowed. A folder output: not a file, created, writable, a non-empty folder only
 * written into when allowed. Problems are usage errors naming the flag (exit 2).
 */
import { accessSync, constants, mkdirSync, readdirSync, rmdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { StudioError, type ErrorCode } from '../core/errors.ts';
import { echo } from '../core/echo.ts';
import { fsError } from './fs-errors.ts';

export interface OutputTarget {
  /** The flag the path came from, e.g. 'out' (named in messages). */
  flag: string;
  path: string;
  kind: 'file' | 'folder';
  /** An existing file (or a non-empty folder) may be written over; false: refused with `remedy`. */
  replace: boolean;
  /** What to do instead of writing over existing output (default: choose another path). */
  replaceRemedy?: string;
}

export interface PreparedOutput {
  /** Absolute path. */
  path: string;
  /** Removes the folders this preparation created, if they are still empty (after a failed run). */
  cleanup(): void;
}

function outError(t: OutputTarget, code: ErrorCode<'config'>, message: string, remedy: string, cause?: unknown): StudioError {
  return new StudioError({ family: 'config', code, message: `--${t.flag} ${echo(t.path)}: ${message}`, remedy, ...(cause !== undefined ? { cause } : {}) });
}

function statOrUndefined(p: string) {
  try {
    return statSync(p);
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return undefined;
    if ((e as { code?: string }).code === 'ENOTDIR') return 'under-file' as const;
    throw e;
  }
}

/** Makes `dir` (and parents); returns the topmost folder it created, if any. */
function makeDir(t: OutputTarget, dir: string): string | undefined {
  try {
    return mkdirSync(dir, { recursive: true });
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ENOTDIR' || code === 'EEXIST') throw outError(t, 'out-under-file', 'part of this path is a file, so no folder can be made there.', 'Check the path: a parent name is an existing file.', e);
    throw fsError(e, 'write', `--${t.flag} ${echo(t.path)}`) ?? e;
  }
}

/** Creates and removes a probe file: the only reliable "may I write here" check. */
function probeWritable(t: OutputTarget, dir: string): void {
  const probe = join(dir, `.tinyml-write-check-${process.pid}`);
  try {
    writeFileSync(probe, '', { flag: 'wx' });
    unlinkSync(probe);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') throw outError(t, 'out-not-writable', `the folder ${echo(dir)} cannot be written to (${code}).`, 'Choose a folder you may write to, or change its permissions.', e);
    throw fsError(e, 'write', `--${t.flag} ${echo(t.path)}`) ?? e;
  }
}

export function prepareOutput(t: OutputTarget): PreparedOutput {
  const abs = resolve(t.path);
  const st = statOrUndefined(abs);
  if (st === 'under-file') throw outError(t, 'out-under-file', 'part of this path is a file, so nothing can be written under it.', 'Check the path: a parent name is an existing file.');
  const keep = t.replaceRemedy ?? 'Choose another path, or remove the existing one first.';
  let created: string | undefined;
  let folder: string;
  if (t.kind === 'file') {
    if (st?.isDirectory()) throw outError(t, 'out-is-folder', 'this is a folder, but a file is written here.', 'Give a file name (e.g. inside that folder).');
    if (st && !t.replace) throw outError(t, 'out-exists', 'this file already exists.', keep);
    folder = dirname(abs);
    created = makeDir(t, folder);
    if (st) {
      try {
        accessSync(abs, constants.W_OK);
      } catch (e) {
        throw outError(t, 'out-not-writable', 'this file cannot be written over (permission denied).', 'Choose another path or change its permissions.', e);
      }
    }
  } else {
    if (st && !st.isDirectory()) throw outError(t, 'out-is-file', 'this is a file, but a folder is written here.', 'Give a folder path (it is created when missing).');
    if (st && !t.replace && readdirSync(abs).length > 0) throw outError(t, 'out-exists', 'this folder exists and is not empty.', keep);
    folder = abs;
    created = makeDir(t, abs);
  }
  try {
    probeWritable(t, folder);
  } catch (e) {
    cleanupFrom(folder, created);
    throw e;
  }
  return { path: abs, cleanup: () => cleanupFrom(folder, created) };
}

function cleanupFrom(deepest: string, topmost: string | undefined): void {
  if (!topmost) return;
  let d = deepest;
  for (;;) {
    try {
      rmdirSync(d);
    } catch {
      return;
    }
    if (d === topmost || dirname(d) === d) return;
    d = dirname(d);
  }
}

/** Writes a file of the command's output; a file-system failure becomes a StudioError with a remedy. */
export function writeOut(path: string, data: string | Uint8Array): void {
  try {
    writeFileSync(path, data);
  } catch (e) {
    throw fsError(e, 'write') ?? e;
  }
}
