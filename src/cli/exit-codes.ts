/**
 * Exit codes scripts can rely on (every `tinyml` subcommand returns one of these):
 *   0 ok · 1 failure (an unexpected error, or the machine: disk full, a failed int8 export) ·
 *   2 usage (unknown or valueless flag, bad flag value, an output path that cannot be used) ·
 *   3 bad input (a dataset, config, model or archive that cannot be read or does not fit).
 */
import { StudioError } from '../core/errors.ts';

export const EXIT = { ok: 0, failure: 1, usage: 2, badInput: 3 } as const;

/** The exit code of a failure: config → 2, storage → 1, any other StudioError → 3, anything else → 1. */
export function exitCodeOf(e: unknown): number {
  if (!(e instanceof StudioError)) return EXIT.failure;
  if (e.family === 'config') return EXIT.usage;
  if (e.family === 'storage') return EXIT.failure;
  return EXIT.badInput;
}
