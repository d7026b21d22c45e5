/**
 * Locates the read-only `../shared` folder (datasets, reference vectors) next to the repository.
 * Tests that need it skip with a one-line reason when it is absent, so a bare clone still passes.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '..', '..');

/** Absolute path of `../shared/<rel>` or null when it is missing. */
export function sharedPath(rel = ''): string | null {
  const base = process.env.TINYML_SHARED ?? resolve(repoRoot, '..', 'shared');
  const p = resolve(base, rel);
  return existsSync(p) ? p : null;
}

export function skipReason(rel: string): string {
  return `skipped: ../shared/${rel} not found (tests on shared data need the sibling shared/ folder)`;
}
