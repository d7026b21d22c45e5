import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { StudioError, isCancelled } from './errors.ts';

const srcRoot = join(import.meta.dirname, '..');

/** A cancel check written by hand: comparing an error code with 'cancelled', or asking isStudioError for it. */
const HAND_WRITTEN_CANCEL = [
  /\bcode\s*[!=]==?\s*['"`]cancelled['"`]/,
  /['"`]cancelled['"`]\s*[!=]==?\s*[\w.?]*\bcode\b/,
  /\bisStudioError\([^)]*['"`]cancelled['"`]/,
];

describe('isCancelled is the one cancel check', () => {
  it('is true for a cancel of any family and for nothing else', () => {
    expect(isCancelled(new StudioError({ family: 'flash', code: 'cancelled', message: 'No board was selected.' }))).toBe(true);
    expect(isCancelled(new StudioError({ family: 'model', code: 'cancelled', message: 'Training was stopped.' }))).toBe(true);
    expect(isCancelled(new StudioError({ family: 'flash', code: 'device-busy', message: 'Busy.' }))).toBe(false);
    expect(isCancelled(Object.assign(new Error('cancelled'), { code: 'cancelled' }))).toBe(false);
    expect(isCancelled(new DOMException('The operation was aborted.', 'AbortError'))).toBe(false);
    expect(isCancelled(undefined)).toBe(false);
  });

  it('no module under src/ compares an error code with "cancelled" by hand (errors.ts owns it)', () => {
    const offenders: string[] = [];
    for (const f of readdirSync(srcRoot, { recursive: true, encoding: 'utf8' })) {
      if (!/\.(ts|svelte)$/.test(f)) continue;
      const rel = relative(srcRoot, join(srcRoot, f)).split(sep).join('/');
      if (rel === 'core/errors.ts' || rel === 'core/errors.test.ts') continue;
      const text = readFileSync(join(srcRoot, f), 'utf8');
      const hits = HAND_WRITTEN_CANCEL.filter((re) => re.test(text));
      if (hits.length) offenders.push(rel);
    }
    expect(offenders).toEqual([]);
  });

  it('the scan recognises the hand-written forms', () => {
    const caught = (s: string) => HAND_WRITTEN_CANCEL.some((re) => re.test(s));
    expect(caught("if (e instanceof StudioError && e.code === 'cancelled') return;")).toBe(true);
    expect(caught('if (err.code !== "cancelled") show(err);')).toBe(true);
    expect(caught("if ('cancelled' === e.code) return;")).toBe(true);
    expect(caught("if (isStudioError(e, 'cancelled')) throw e;")).toBe(true);
    expect(caught("if (def.end === 'cancelled') patch.opError = x;")).toBe(false); // a flow's end state, not an error code
    expect(caught('if (isCancelled(e)) return;')).toBe(false);
  });
});
