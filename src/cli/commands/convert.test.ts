import { describe, it, expect, beforeAll, afterAll, vi } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from './convert.ts';
import { loadDatasetDir } from '../dataset-dir.ts';
import { writeDatasetFolder } from '../../data/io/dataset-folder.ts';
import { makeRecording, sameBits } from '../../data/io/test-fixtures.ts';
import type { RawRecording } from '../../data/sample.ts';
import { sharedPath, skipReason } from '../../../tests/helpers/shared.ts';

let tmp = '';
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'tinyml-convert-'));
  vi.spyOn(console, 'log').mockImplementation(() => {});
  vi.spyOn(console, 'error').mockImplementation(() => {});
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
  vi.restoreAllMocks();
});

function expectSameRecordings(a: RawRecording[], b: RawRecording[]): void {
  expect(b.length).toBe(a.length);
  const byName = new Map(b.map((r) => [r.name, r]));
  for (const r of a) {
    const o = byName.get(r.name);
    expect(o, r.name).toBeDefined();
    expect([o!.label, o!.category, o!.intervalMs]).toEqual([r.label, r.category, r.intervalMs]);
    expect(o!.axes).toEqual(r.axes);
    expect(sameBits(o!.values, r.values), r.name).toBe(true);
  }
}

function writeDir(dir: string, files: { name: string; data: Uint8Array }[]): void {
  mkdirSync(dir, { recursive: true });
  for (const f of files) writeFileSync(join(dir, f.name), f.data);
}

describe('tinyml convert', () => {
  it('csv → ei-json → csv and csv → zip → csv reproduce every value (self-made data)', async () => {
    const recs = [
      makeRecording('idle', 'a1', { frames: 300 }),
      makeRecording('idle', 'a2', { category: 'testing' }),
      makeRecording('wave', 'b1', { rateHz: 62.5 }),
      makeRecording('wave', 'b2', { axes: ['ax', 'ay', 'az', 'gx', 'gy', 'gz'], units: 'deg/s', category: 'testing' }),
    ];
    const src = join(tmp, 'src');
    writeDir(src, writeDatasetFolder(recs, { name: 'self' }));
    const before = (await loadDatasetDir(src)).recordings;
    expectSameRecordings(recs, before);

    expect(await run(['--in', src, '--out', join(tmp, 'ei'), '--to', 'ei-json'])).toBe(0);
    expect(readdirSync(join(tmp, 'ei')).sort()).toEqual(['info.labels', 'testing', 'training']);
    expect(await run(['--in', join(tmp, 'ei'), '--out', join(tmp, 'back1'), '--to', 'csv'])).toBe(0);
    expectSameRecordings(recs, (await loadDatasetDir(join(tmp, 'back1'))).recordings);

    expect(await run(['--in', src, '--out', join(tmp, 'p.zip'), '--to', 'zip'])).toBe(0);
    expect(await run(['--in', join(tmp, 'p.zip'), '--out', join(tmp, 'back2'), '--to', 'csv'])).toBe(0);
    expectSameRecordings(recs, (await loadDatasetDir(join(tmp, 'back2'))).recordings);

    // Zipped outputs of the other formats read back too.
    expect(await run(['--in', src, '--out', join(tmp, 'ei.zip'), '--to', 'ei-json'])).toBe(0);
    expect(await run(['--in', join(tmp, 'ei.zip'), '--out', join(tmp, 'back3'), '--to', 'csv'])).toBe(0);
    expectSameRecordings(recs, (await loadDatasetDir(join(tmp, 'back3'))).recordings);
  });

  it('exit codes: usage 2, existing output 2, bad input 3, --skip-bad converts the rest', async () => {
    expect(await run([])).toBe(2);
    expect(await run(['--in', 'x', '--out', 'y', '--to', 'xml'])).toBe(2);
    expect(await run(['--bogus'])).toBe(2);
    const bad = join(tmp, 'bad');
    writeDir(bad, [
      { name: 'a.1.csv', data: new TextEncoder().encode('timestamp_ms,x\n0,1\n10,2\n') },
      { name: 'a.2.csv', data: new TextEncoder().encode('timestamp_ms,x\n0,1\n10,=cmd()\n') },
    ]);
    expect(await run(['--in', bad, '--out', join(tmp, 'bad-out'), '--to', 'csv'])).toBe(3);
    expect(() => readdirSync(join(tmp, 'bad-out'))).toThrow();
    expect(await run(['--in', bad, '--out', join(tmp, 'bad-out'), '--to', 'csv', '--skip-bad'])).toBe(0);
    expect((await loadDatasetDir(join(tmp, 'bad-out'))).recordings.map((r) => r.name)).toEqual(['a.1']);
    expect(await run(['--in', bad, '--out', join(tmp, 'bad-out'), '--to', 'csv'])).toBe(2); // existing, non-empty output
    expect(await run(['--in', join(tmp, 'nope'), '--out', join(tmp, 'n2'), '--to', 'csv'])).toBe(2); // no such input
    expect(() => readdirSync(join(tmp, 'n2'))).toThrow();
  });
});

describe('hidden files in a dataset folder', () => {
  it('are named in a note, not dropped without a word; hidden folders (.git) are not read', async () => {
    const dir = join(tmp, 'hidden');
    writeDir(dir, [
      { name: 'idle.1.csv', data: new TextEncoder().encode('timestamp_ms,x\n0,1\n10,2\n') },
      { name: '.idle.2.csv', data: new TextEncoder().encode('timestamp_ms,x\n0,1\n10,2\n') },
    ]);
    mkdirSync(join(dir, '.git'), { recursive: true });
    writeFileSync(join(dir, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    const r = await loadDatasetDir(dir);
    expect(r.recordings.map((x) => x.name)).toEqual(['idle.1']);
    const notes = r.warnings.join('\n');
    expect(notes).toMatch(/1 hidden file\(s\) skipped \(\.idle\.2\.csv\)/);
    expect(notes).not.toMatch(/HEAD/);
  });
});

for (const ds of ['xiao_ei_motion', 'arduino_punch_flex']) {
  const dir = sharedPath(`datasets/${ds}`);
  describe.skipIf(!dir)(`convert shared ${ds} (${dir ? 'present' : skipReason(`datasets/${ds}`)})`, () => {
    it('csv → ei-json → csv and csv → zip → csv give the source files back byte for byte', async () => {
      const base = join(tmp, ds);
      expect(await run(['--in', dir!, '--out', join(base, 'ei'), '--to', 'ei-json'])).toBe(0);
      expect(await run(['--in', join(base, 'ei'), '--out', join(base, 'csv1'), '--to', 'csv'])).toBe(0);
      expect(await run(['--in', dir!, '--out', join(base, 'p.zip'), '--to', 'zip'])).toBe(0);
      expect(await run(['--in', join(base, 'p.zip'), '--out', join(base, 'csv2'), '--to', 'csv'])).toBe(0);
      const orig = await loadDatasetDir(dir!);
      for (const out of ['csv1', 'csv2']) {
        const back = await loadDatasetDir(join(base, out));
        expectSameRecordings(orig.recordings, back.recordings);
        expect(back.info.testIds.sort()).toEqual(orig.info.testIds.sort());
        for (const f of readdirSync(dir!).filter((n) => n.endsWith('.csv'))) {
          expect(readFileSync(join(base, out, f), 'utf8'), f).toBe(readFileSync(join(dir!, f), 'utf8').replace(/\r\n/g, '\n'));
        }
      }
    });
  });
}
