/**
 * Node file-system errors (EACCES, ENOTDIR, EEXIST, EISDIR, ENOENT, ENOSPC, …) as StudioErrors with a
 * remedy, so the CLI prints one line and the documented exit code instead of a stack. Node-only.
 */
import { StudioError, type ErrorCode, type StudioErrorInit } from '../core/errors.ts';
import { echo } from '../core/echo.ts';

interface NodeFsError {
  code: string;
  syscall?: string;
  path?: string;
}

function isFsError(e: unknown): e is Error & NodeFsError {
  return e instanceof Error && typeof (e as unknown as Partial<NodeFsError>).code === 'string' && /^E[A-Z]+$/.test((e as unknown as NodeFsError).code);
}

const WRITE_CALLS = new Set(['mkdir', 'write', 'rename', 'unlink', 'rmdir', 'copyfile', 'symlink', 'link', 'utime', 'chmod', 'truncate']);

/**
 * The StudioError for a Node file-system error, or undefined when `e` is not one. `role` says whether
 * the path was something to read (bad input, exit 3) or to write (the --out flag, exit 2); unknown:
 * guessed from the system call. Running out of space is a failure of the machine (storage, exit 1).
 */
export function fsError(e: unknown, role?: 'read' | 'write', what?: string): StudioError | undefined {
  if (!isFsError(e)) return undefined;
  const path = what ?? (e.path !== undefined ? echo(e.path) : 'a file');
  const writing = role ? role === 'write' : WRITE_CALLS.has(e.syscall ?? '');
  const family = writing ? 'config' : 'import';
  // Each case names its code; the code is listed under every family the case can use (core/errors.ts).
  const make = (code: ErrorCode<'config'> | ErrorCode<'import'> | ErrorCode<'storage'>, message: string, remedy: string, fam: 'config' | 'import' | 'storage' = family) =>
    new StudioError({ family: fam, code, message, remedy, cause: e } as StudioErrorInit);
  switch (e.code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return make('fs-enospc', `The disk is full: ${path} could not be written.`, 'Free some disk space or write somewhere else, then run again.', 'storage');
    case 'EACCES':
    case 'EPERM':
      return make('fs-eacces', `Permission denied: ${path} cannot be ${writing ? 'written' : 'read'}.`, writing ? 'Choose a folder you may write to, or change its permissions.' : 'Check the file permissions.');
    case 'EROFS':
      return make('fs-erofs', `${path} is on a read-only file system.`, 'Write the output somewhere else.', 'config');
    case 'ENOTDIR':
      return make('fs-enotdir', `${path} goes through a file as if it were a folder.`, 'Check the path: one of its parent names is a file.');
    case 'EISDIR':
      return make('fs-eisdir', `${path} is a folder, but a file is needed there.`, 'Give a file name, not a folder.');
    case 'EEXIST':
      return make('fs-eexist', `${path} already exists.`, 'Remove it or choose another name.');
    case 'ENOENT':
      return make('fs-enoent', `${path} does not exist.`, writing ? 'Check the output path.' : 'Check the path and the spelling.');
    case 'ENAMETOOLONG':
      return make('fs-enametoolong', `The path ${path} is too long.`, 'Use a shorter path.');
    case 'EMFILE':
    case 'ENFILE':
      return make('fs-emfile', 'Too many files are open.', 'Close other programs or raise the open-file limit, then run again.', 'storage');
    case 'EIO':
      return make('fs-eio', `Reading or writing ${path} failed (input/output error).`, 'Check the disk or device, then run again.', 'storage');
    default:
      return make('fs-other', `File-system error ${e.code} on ${path}.`, 'Check the path and its permissions.');
  }
}
