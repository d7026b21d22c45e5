import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { analyseTimestamps, parseCommonCsv, writeCommonCsv } from './common-csv.ts';
import { makeRecording, sameBits } from './test-fixtures.ts';
import { isStudioError } from '../../core/errors.ts';
import { sharedPath, skipReason } from '../../../tests/helpers/shared.ts';

function expectImportError(fn: () => unknown, code: string, line?: number): void {
  try {
    fn();
  } catch (e) {
    expect(isStudioError(e)).toBe(true);
    const se = e as { family: string; code: string; message: string; line?: number };
    expect(se.family).toBe('import');
    expect(se.code).toBe(code);
    if (line !== undefined) {
      expect(se.line).toBe(line);
      expect(se.message).toContain(`line ${line}`);
    }
    return;
  }
  throw new Error('expected an import error');
}

describe('parseCommonCsv', () => {
  it('reads label, id, axes and snaps the rate from rounded timestamps', () => {
    const text = 'timestamp_ms,accX,accY\n0,1.5,-2\n9.615,0.25,3\n19.231,1e-3,4\n28.846,5,6\n';
    const { recording, timing, warnings } = parseCommonCsv('circle.abc123.csv', text);
    expect(recording.label).toBe('circle');
    expect(recording.name).toBe('circle.abc123');
    expect(recording.axes.map((a) => a.name)).toEqual(['accX', 'accY']);
    expect(Array.from(recording.values)).toEqual([1.5, -2, 0.25, 3, Math.fround(0.001), 4, 5, 6]);
    expect(recording.intervalMs).toBe(1000 / 104);
    expect(timing.irregular).toBe(false);
    expect(warnings).toEqual([]);
  });

  it('accepts "timestamp", CRLF, a BOM and blank trailing lines; takes the sidecar interval and units', () => {
    const text = '\ufefftimestamp,a\r\n0,1\r\n10,2\r\n20,3\r\n\r\n';
    const { recording } = parseCommonCsv('x.1.csv', text, { sidecar: { intervalMs: 10, units: { a: 'g' } } });
    expect(recording.intervalMs).toBe(10);
    expect(recording.axes).toEqual([{ name: 'a', units: 'g' }]);
    expect(Array.from(recording.values)).toEqual([1, 2, 3]);
  });

  it('reports irregular timestamps with jitter and gaps and uses the median delta', () => {
    const t = [0, 10, 20, 31, 40, 50, 90, 100, 110];
    const text = 'timestamp_ms,a\n' + t.map((x, i) => `${x},${i}`).join('\n');
    const { recording, timing, warnings } = parseCommonCsv('w.1.csv', text);
    expect(timing.irregular).toBe(true);
    expect(timing.medianDeltaMs).toBe(10);
    expect(recording.intervalMs).toBe(10);
    expect(timing.gapCount).toBe(1);
    expect(timing.gaps[0]).toEqual({ afterFrame: 5, deltaMs: 40 });
    expect(warnings[0]).toMatch(/irregular/);
  });

  it('treats integer-millisecond rounding as regular (104 Hz logged in whole ms)', () => {
    const t = Array.from({ length: 500 }, (_, i) => Math.round((i * 1000) / 104));
    const r = analyseTimestamps(Float64Array.from(t));
    expect(r.irregular).toBe(false);
    expect(r.intervalMs).toBe(1000 / 104);
  });

  it('names file and line of bad cells', () => {
    expectImportError(() => parseCommonCsv('a.1.csv', 'timestamp_ms,x\n0,1\n1,NaN\n'), 'bad-cell', 3);
    expectImportError(() => parseCommonCsv('a.1.csv', 'timestamp_ms,x\n0,1\n1,Infinity\n'), 'bad-cell', 3);
    expectImportError(() => parseCommonCsv('a.1.csv', 'timestamp_ms,x\n0,1\n1,abc\n'), 'bad-cell', 3);
    expectImportError(() => parseCommonCsv('a.1.csv', 'timestamp_ms,x\n0,1\n1,\n'), 'bad-cell', 3);
    expectImportError(() => parseCommonCsv('a.1.csv', 'timestamp_ms,x\n0,1\n1,0x10\n'), 'bad-cell', 3);
    expectImportError(() => parseCommonCsv('a.1.csv', 'timestamp_ms,x\n0,1\n1,1e39\n'), 'bad-cell', 3);
    expectImportError(() => parseCommonCsv('a.1.csv', 'timestamp_ms,x\n0,1\n1,1e999\n'), 'bad-cell', 3);
    expectImportError(() => parseCommonCsv('a.1.csv', 'timestamp_ms,x\n0,1\n1,2,3\n'), 'bad-row', 3);
    expectImportError(() => parseCommonCsv('a.1.csv', 'timestamp_ms,x\n0,1\n\n5,2\n2,3\n'), 'time-backwards', 5);
    expectImportError(() => parseCommonCsv('a.1.csv', 'timestamp_ms,x,x\n0,1,2\n'), 'bad-header', 1);
    expectImportError(() => parseCommonCsv('a.1.csv', 'accX,accY\n1,2\n'), 'no-timestamp', 1);
    expectImportError(() => parseCommonCsv('a.1.csv', ''), 'empty');
    expectImportError(() => parseCommonCsv('a.1.csv', 'timestamp_ms,x\n'), 'no-rows');
    expectImportError(() => parseCommonCsv('a.1.csv', 'timestamp_ms,x\n0,1\n'), 'no-rate');
  });

  it('enforces row and size limits', () => {
    const text = 'timestamp_ms,x\n' + Array.from({ length: 50 }, (_, i) => `${i},${i}`).join('\n');
    expectImportError(() => parseCommonCsv('a.1.csv', text, { limits: { maxRows: 10 } }), 'too-many-rows', 12);
    expectImportError(() => parseCommonCsv('a.1.csv', text, { limits: { maxFileBytes: 20 } }), 'too-large');
  });
});

describe('writeCommonCsv', () => {
  it('round-trips every value bit-exact, including -0, subnormals and float32 max', () => {
    for (const rate of [104, 119, 16000, 62.5]) {
      const rec = makeRecording('updown', 'r1', { frames: 300, rateHz: rate, seed: rate });
      const text = writeCommonCsv(rec);
      const back = parseCommonCsv('updown.r1.csv', text).recording;
      expect(sameBits(back.values, rec.values)).toBe(true);
      expect(back.intervalMs).toBeCloseTo(rec.intervalMs, 12);
    }
  });

  it('writes timestamps rounded like the sources and escapes formula-like axis names', () => {
    const rec = makeRecording('l', 'i', { frames: 3, axes: ['=cmd()', 'b'] });
    const text = writeCommonCsv(rec);
    const [header, r0, r1] = text.split('\n');
    expect(header).toBe("timestamp_ms,'=cmd(),b");
    expect(r0.startsWith('0,')).toBe(true);
    expect(r1.startsWith('9.615,')).toBe(true);
    expect(parseCommonCsv('l.i.csv', text).recording.axes[0].name).toBe('=cmd()');
  });

  it('refuses to write NaN', () => {
    const rec = makeRecording('l', 'i', { frames: 3 });
    rec.values[4] = Number.NaN;
    expect(() => writeCommonCsv(rec)).toThrow(/only finite values/);
  });
});

for (const ds of ['xiao_ei_motion', 'arduino_punch_flex']) {
  const dir = sharedPath(`datasets/${ds}`);
  describe.skipIf(!dir)(`shared ${ds} (${dir ? 'present' : skipReason(`datasets/${ds}`)})`, () => {
    it('re-writes every file value for value and reads its rate from the timestamps', () => {
      const info = JSON.parse(readFileSync(join(dir!, 'dataset.json'), 'utf8')) as { sample_rate_hz: number };
      for (const f of readdirSync(dir!).filter((x) => x.endsWith('.csv'))) {
        const text = readFileSync(join(dir!, f), 'utf8');
        const { recording, timing } = parseCommonCsv(f, text);
        expect(timing.irregular).toBe(false);
        expect(1000 / recording.intervalMs).toBeCloseTo(info.sample_rate_hz, 9);
        const again = parseCommonCsv(f, writeCommonCsv(recording)).recording;
        expect(sameBits(again.values, recording.values)).toBe(true);
        // Same text, cell for cell, as the source (values verbatim, timestamps rounded the same way).
        expect(writeCommonCsv(recording).trim()).toBe(text.trim().replace(/\r\n/g, '\n'));
      }
    });
  });
}
