import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { ERROR_CODES, StudioError, errorAction, isCancelled, shownError, toStudioError, type ErrorAction, type ErrorFamily } from './errors.ts';

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

describe('error codes are a closed set per family, each with what the app should do', () => {
  it('every family has cancelled (stop quietly) and unexpected (a defect to report)', () => {
    for (const family of Object.keys(ERROR_CODES) as ErrorFamily[]) {
      const codes: Record<string, ErrorAction> = ERROR_CODES[family];
      expect(codes.cancelled, family).toBe('stop-quietly');
      expect(codes.unexpected, family).toBe('report');
    }
  });

  it('errorAction and shownError read the table; anything else is a defect', () => {
    const quota = new StudioError({ family: 'storage', code: 'quota', message: 'Storage is full.', remedy: 'Export and delete old projects.' });
    expect(errorAction(quota)).toBe('free-space');
    expect(shownError(quota)).toEqual({ message: 'Storage is full.', remedy: 'Export and delete old projects.', action: 'free-space' });
    expect(errorAction(new StudioError({ family: 'device', code: 'disconnected', message: 'Gone.' }))).toBe('reconnect');
    expect(errorAction(new StudioError({ family: 'flash', code: 'winusb-driver-missing', message: 'No driver.' }))).toBe('grant-access');
    expect(errorAction(new TypeError('x is undefined'))).toBe('report');
    expect(shownError('plain').action).toBe('report');
    expect(errorAction(toStudioError(new Error('boom'), 'dsp'))).toBe('report');
  });

  it('the compiler refuses a code from another family', () => {
    // @ts-expect-error 'quota' is a storage code, not a device code
    const e = new StudioError({ family: 'device', code: 'quota', message: 'x' });
    expect(e.code).toBe('quota');
  });

  it('no listed code is stale: each appears in a module under src/ besides errors.ts', () => {
    const text: string[] = [];
    for (const f of readdirSync(srcRoot, { recursive: true, encoding: 'utf8' })) {
      if (!/\.(ts|svelte)$/.test(f) || /\.test\.ts$/.test(f) || f.split(sep).join('/') === 'core/errors.ts') continue;
      text.push(readFileSync(join(srcRoot, f), 'utf8'));
    }
    const all = text.join('\n');
    const stale: string[] = [];
    for (const [family, codes] of Object.entries(ERROR_CODES)) {
      for (const code of Object.keys(codes)) {
        if (code === 'cancelled' || code === 'unexpected') continue;
        if (!all.includes(`'${code}'`)) stale.push(`${family}/${code}`);
      }
    }
    expect(stale).toEqual([]);
  });
});
