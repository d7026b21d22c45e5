import { describe, expect, it } from 'vitest';
import { CsvLineParser, diagnoseCsv, parseCsvBytes, parseNumbers, type CsvParseResult, type CsvParserOptions } from './csv-line-parser.ts';

const enc = (s: string) => new TextEncoder().encode(s);

/** Parses `bytes` split into the given chunks and merges the results. */
function parseChunks(bytes: Uint8Array, cuts: number[], opts?: CsvParserOptions): CsvParseResult {
  const p = new CsvLineParser(opts);
  const all: CsvParseResult = { readings: [], errors: [], deviceErrors: [] };
  let prev = 0;
  for (const c of [...cuts, bytes.length]) {
    const r = p.push(bytes.subarray(prev, c), 0);
    all.readings.push(...r.readings);
    all.errors.push(...r.errors);
    all.deviceErrors.push(...r.deviceErrors);
    prev = c;
  }
  return all;
}

/** Whole-stream result must equal the result at every single split point and byte by byte. */
function expectChunkingInvariant(bytes: Uint8Array, opts?: CsvParserOptions): CsvParseResult {
  const whole = parseChunks(bytes, [], opts);
  for (let k = 0; k <= bytes.length; k++) expect(parseChunks(bytes, [k], opts)).toEqual(whole);
  expect(parseChunks(bytes, Array.from({ length: bytes.length }, (_, i) => i), opts)).toEqual(whole);
  return whole;
}

describe('parseNumbers', () => {
  it('parses the separators and number forms exactly like parseFloat', () => {
    const out: number[] = [];
    const cases: [string, number[] | null][] = [
      ['1,2,3', [1, 2, 3]],
      ['-0.5\t2.25  -3e2', [-0.5, 2.25, -300]],
      [' 0.1 , -9.81 ,+4 ', [0.1, -9.81, 4]],
      ['.5,5.,1E-3', [0.5, 5, 0.001]],
      ['123456789012345678901234,0.1234567890123456789', [parseFloat('123456789012345678901234'), parseFloat('0.1234567890123456789')]],
      ['1,,2', null], ['1,2,', null], ['a,1', null], ['1;2', null], ['nan', null], ['1e', null], ['-', null], ['0x10', null],
    ];
    for (const [s, want] of cases) {
      const b = enc(s);
      const n = parseNumbers(b, 0, b.length, out);
      if (want === null) expect(n, s).toBe(-1);
      else expect(out, s).toEqual(want);
    }
    // random decimals agree bit for bit with parseFloat
    let seed = 1;
    for (let i = 0; i < 2000; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const s = ((seed % 2000000) / 1000 - 1000).toFixed(1 + (seed % 6));
      const b = enc(s);
      parseNumbers(b, 0, b.length, out);
      expect(Object.is(out[0], parseFloat(s)), s).toBe(true);
    }
  });
});

describe('CsvLineParser', () => {
  it('skips the cut first line, handles \\r\\n, \\n and \\r, and is chunking invariant', () => {
    const text = '.81,0.2\r\n1,2,3\r\n4,5,6\n7\t8\t9\r10 11 12\r\n\r\n-1,-2,-3\n';
    const r = expectChunkingInvariant(enc(text));
    expect(r.readings.map((x) => x.values)).toEqual([[1, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12], [-1, -2, -3]]);
    expect(r.errors).toEqual([]);
  });

  it('counts non-numeric, wrong-count, ERR and garbled lines without emitting them', () => {
    const bytes = new Uint8Array([
      ...enc('xx\n1,2,3\nhello world\n4,5\n6,7,8,9\nERR: IMU not found\n'),
      0xf8, 0x80, 0x1c, 0xfe, 0x07, 0xc3, 0x0a,
      ...enc('10,11,12\n  ERR 2\n1.5,2.5,3.5\n'),
    ]);
    const r = expectChunkingInvariant(bytes, { expectedValues: 3 });
    expect(r.readings.map((x) => x.values)).toEqual([[1, 2, 3], [10, 11, 12], [1.5, 2.5, 3.5]]);
    expect(r.errors.map((e) => [e.kind, e.lineNo])).toEqual([
      ['non-numeric', 3], ['wrong-count', 4], ['wrong-count', 5], ['garbled', 7],
    ]);
    expect(r.errors[3].text).toBe('······');
    expect(r.deviceErrors).toEqual([{ lineNo: 6, text: 'ERR: IMU not found' }, { lineNo: 9, text: 'ERR 2' }]);
  });

  it('treats valid UTF-8 text as non-numeric, not as a baud problem', () => {
    const r = parseCsvBytes(enc('\nTemperatur 21 °C\n1,2\n'));
    expect(r.errors).toEqual([{ kind: 'non-numeric', lineNo: 2, text: 'Temperatur 21 °C' }]);
    expect(r.readings.map((x) => x.values)).toEqual([[1, 2]]);
  });

  it('drops over-long lines once each, in any chunking, and keeps the leftover', () => {
    const long = '1,'.repeat(40) + '1';
    const text = `\n1,2\n${long}\n3,4\n${long}`;
    const r = expectChunkingInvariant(enc(text), { maxLineLength: 32 });
    expect(r.readings.map((x) => x.values)).toEqual([[1, 2], [3, 4]]);
    // the unterminated last line is reported as soon as it is known to be too long
    expect(r.errors.map((e) => [e.kind, e.lineNo])).toEqual([['too-long', 3], ['too-long', 5]]);
    const p = new CsvLineParser({ maxLineLength: 32 });
    p.push(enc('\n1,2\n5,6'));
    expect(new TextDecoder().decode(p.leftover())).toBe('5,6');
  });

  it('diagnoses a wrong-baud byte soup and never crashes on random bytes', () => {
    let s = 7;
    const soup = new Uint8Array(20000).map(() => {
      s = (s * 1664525 + 1013904223) >>> 0;
      const b = s >>> 24;
      return b === 0x0a && (s & 0x300) !== 0 ? 0x8a : b; // wrong-baud soup rarely has newlines
    });
    const p = new CsvLineParser({ expectedValues: 3 });
    let readings = 0;
    for (let i = 0; i < soup.length; i += 61) readings += p.push(soup.subarray(i, i + 61)).readings.length;
    expect(readings).toBe(0);
    expect(p.stats.garbled + p.stats.tooLong).toBeGreaterThan(10);
    const d = diagnoseCsv(p.stats);
    expect(d?.code).toBe('wrong-baud');
    expect(d?.message).toMatch(/wrong baud rate/);
  });

  it('diagnoses text-only streams and stays silent on clean ones', () => {
    expect(diagnoseCsv(parseCsvBytes(enc('\n' + 'Hello from the sketch\n'.repeat(10))).stats)?.code).toBe('not-numeric');
    expect(diagnoseCsv(parseCsvBytes(enc('\n' + '1,2,3\n'.repeat(10))).stats)).toBeNull();
  });

  it('stamps readings with the arrival time of the chunk that completed them', () => {
    const p = new CsvLineParser();
    expect(p.push(enc('x\n1,2'), 10).readings).toEqual([]);
    expect(p.push(enc('\n3,4\n'), 20).readings).toEqual([{ values: [1, 2], t: 20 }, { values: [3, 4], t: 20 }]);
  });
});
