/**
 * Property: the CLI's flag parser (`parseFlags`, used by every command's guard) turns any argv —
 * unknown flags, missing values, unicode, `--`, repeated and inherited-looking names — into either
 * parsed values that follow the option spec or a usage StudioError (exit 2) whose message is one
 * short line. Nothing else may escape.
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { StudioError } from '../core/errors.ts';
import { fuzzParams } from '../../tests/helpers/fuzz.ts';
import { parseFlags } from './command.ts';
import { exitCodeOf } from './exit-codes.ts';
import { IMPULSE_OPTIONS } from './impulse-args.ts';

const OPTIONS = { ...IMPULSE_OPTIONS, data: { type: 'string' }, out: { type: 'string' }, epochs: { type: 'string' }, quiet: { type: 'boolean' } } as const;
const NAMES = Object.keys(OPTIONS);

const token = fc.oneof(
  fc.constantFrom(...NAMES.map((n) => `--${n}`), '--help', '-h', '--debug', '--', '-', '--=', '---', '--quiet=1', '--out=', '--dsp-param=a=b'),
  fc.constantFrom('--__proto__', '--constructor', '--toString', '--hasOwnProperty', '-x', '--no-quiet', '--OUT', '--ｏｕｔ'),
  fc.string({ unit: 'grapheme', maxLength: 12 }).map((s) => `--${s}`),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.string({ maxLength: 300 }),
  fc.constantFrom('1000', '-1', 'x', '', '1e309', 'fft-length=64', '\u0000\u001b[2J', '\u202e', 'a\nb'),
);

describe('CLI flag parser (fuzz)', () => {
  it('returns spec-shaped values or throws a one-line usage error (exit 2)', () => {
    fc.assert(
      fc.property(fc.array(token, { maxLength: 12 }), (argv) => {
        let values: Record<string, unknown>;
        try {
          values = parseFlags('train', OPTIONS, argv);
        } catch (e) {
          expect(e).toBeInstanceOf(StudioError);
          expect(exitCodeOf(e)).toBe(2);
          const se = e as StudioError;
          expect(se.remedy.length).toBeGreaterThan(0);
          // echoed arguments are cut and escaped: one short line
          // eslint-disable-next-line no-control-regex
          expect(se.describe()).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
          expect(se.describe().length).toBeLessThan(400);
          return;
        }
        expect(Object.getPrototypeOf(values)).toBeNull();
        for (const [k, v] of Object.entries(values)) {
          const spec = (OPTIONS as Record<string, { type: string; multiple?: boolean }>)[k] ?? { type: 'boolean' };
          expect(['help', 'debug', ...NAMES]).toContain(k);
          if (spec.type === 'boolean') expect(v).toBe(true);
          else if (spec.multiple) expect(Array.isArray(v) && v.every((x) => typeof x === 'string')).toBe(true);
          else expect(typeof v).toBe('string');
        }
      }),
      fuzzParams('cli_args'),
    );
  });
});
