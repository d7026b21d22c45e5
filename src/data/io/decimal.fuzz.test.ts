/**
 * One float rule for the file importers and the serial parser: for any decimal text, the CSV importer's
 * scanner (`numberAt`), the serial CSV parser (`parseNumbers`, on the UTF-8 bytes) and Number() give
 * the same float64 (bit for bit, including −0), and agree on what is not a number.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseNumbers } from '../../device/serial/csv-line-parser.ts';
import { fuzzParams } from '../../../tests/helpers/fuzz.ts';
import { numberAt } from './common-csv.ts';

const enc = new TextEncoder();

function viaSerial(text: string): number {
  const b = enc.encode(text);
  const out: number[] = [];
  const n = parseNumbers(b, 0, b.length, out);
  return n === 1 ? out[0] : Number.NaN;
}

function viaImporter(text: string): number {
  const r = numberAt(text, 0);
  return r.end === text.length ? r.value : Number.NaN;
}

const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom('0', '1', '2', '3', '4', '5', '6', '7', '8', '9'), minLength: min, maxLength: max });
const decimal = fc
  .record({
    sign: fc.constantFrom('', '-', '+'),
    int: digits(0, 25),
    frac: fc.option(digits(0, 25), { nil: undefined }),
    exp: fc.option(fc.tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '-', '+'), fc.oneof(digits(1, 3), fc.constantFrom('22', '23', '308', '309', '324', '400', '99999'))), { nil: undefined }),
  })
  .map(({ sign, int, frac, exp }) => `${sign}${int}${frac !== undefined ? `.${frac}` : ''}${exp ? exp.join('') : ''}`);
const anyNumber = fc.oneof(
  { weight: 4, arbitrary: decimal },
  { weight: 2, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => String(x)) },
  { weight: 1, arbitrary: fc.tuple(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: 0, max: 20 })).map(([x, d]) => x.toExponential(d)) },
);

function same(a: number, b: number): boolean {
  return Object.is(a, b);
}

describe('one float rule', () => {
  it('importer, serial parser and Number() agree on every decimal text', () => {
    fc.assert(
      fc.property(anyNumber, (text) => {
        const want = text === '' || /^[+-]?\.?(e|E|$)/.test(text) || /^[+-]?$/.test(text) ? Number.NaN : Number(text);
        const imp = viaImporter(text);
        const ser = viaSerial(text);
        if (!same(imp, want) || !same(ser, want)) throw new Error(`${JSON.stringify(text)}: importer ${imp}, serial ${ser}, Number ${want}`);
      }),
      fuzzParams('decimal_parsers', 2000),
    );
  });

  it('exact on the fast path, including exponents and many zeros', () => {
    for (const t of ['0.1', '-0', '1e22', '1e23', '9007199254740993', '123456789012345e-22', '4.9e-324', '1.7976931348623157e308', '2.5e-3', '0.000000000000000000001', '1.', '.5', '-.5e1']) {
      expect(Object.is(viaImporter(t), Number(t)), t).toBe(true);
      expect(Object.is(viaSerial(t), Number(t)), t).toBe(true);
    }
  });
});
