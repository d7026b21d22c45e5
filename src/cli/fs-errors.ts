/**
 * Node file-system errors (EACCES, ENOTDIR, EEXIST, EISDIR, ENOENT, ENOSPC, …) as StudioErrors with a
 * remedy, so the CLI prints one line and the documented exit code instead of a stack. Node-only.
 */
import { StudioError } from '../core/errors.ts';
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
  const make = (message: string, remedy: string, fam: 'config' | 'import' | 'storage' = family) => new StudioError({ family: fam, code: `fs-${e.code.toLowerCase()}`, message, remedy, cause: e });
  switch (e.code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return make(`The disk is full: ${path} could not be written.`, 'Free some disk space or write somewhere else, then run again.', 'storage');
    case 'EACCES':
    case 'EPERM':
      return make(`Permission denied: ${path} cannot be ${writing ? 'written' : 'read'}.`, writing ? 'Choose a folder you may write to, or change its permissions.' : 'Check the file permissions.');
    case 'EROFS':
      return make(`${path} is on a read-only file system.`, 'Write the output somewhere else.', 'config');
    case 'ENOTDIR':
      return make(`${path} goes through a file as if it were a folder.`, 'Check the path: one of its parent names is a file.');
    case 'EISDIR':
      return make(`${path} is a folder, but a file is needed there.`, 'Give a file name, not a folder.');
    case 'EEXIST':
      return make(`${path} already exists.`, 'Remove it or choose another name.');
    case 'ENOENT':
      return make(`${path} does not exist.`, writing ? 'Check the output path.' : 'Check the path and the spelling.');
    case 'ENAMETOOLONG':
      return make(`The path ${path} is too long.`, 'Use a shorter path.');
    case 'EMFILE':
    case 'ENFILE':
      return make('Too many files are open.', 'Close other programs or raise the open-file limit, then run again.', 'storage');
    case 'EIO':
      return make(`Reading or writing ${path} failed (input/output error).`, 'Check the disk or device, then run again.', 'storage');
    default:
      return make(`File-system error ${e.code} on ${path}.`, 'Check the path and its permissions.');
  }
}
