import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readDatasetFolder, writeDatasetFolder, type InputFile } from './dataset-folder.ts';
import { makeRecording, memFile, sameBits } from './test-fixtures.ts';
import type { RawRecording } from '../sample.ts';
import { sharedPath, skipReason } from '../../../tests/helpers/shared.ts';

const dec = new TextDecoder();
const toInputs = (files: { name: string; data: Uint8Array }[]): InputFile[] => files.map((f) => memFile(f.name, f.data));

function expectSame(a: RawRecording[], b: RawRecording[]): void {
  expect(b.length).toBe(a.length);
  const byName = new Map(b.map((r) => [r.name, r]));
  for (const r of a) {
    const o = byName.get(r.name);
    expect(o, r.name).toBeDefined();
    expect(o!.label).toBe(r.label);
    expect(o!.category).toBe(r.category);
    expect(o!.axes).toEqual(r.axes);
    expect(o!.intervalMs).toBe(r.intervalMs);
    expect(o!.deviceName).toBe(r.deviceName);
    expect(o!.createdAt).toBe(r.createdAt);
    expect(sameBits(o!.values, r.values)).toBe(true);
  }
}

describe('dataset folder', () => {
  it('round-trips recordings with categories, odd names, other rates and units, device metadata', async () => {
    const recs = [
      makeRecording('idle', 'a1'),
      makeRecording('idle', 'a2', { category: 'testing' }),
      makeRecording('wave', 'b1', { rateHz: 50, units: 'm/s2' }),
      { ...makeRecording('=HYPERLINK("x")', '../../etc/passwd'), deviceName: 'nano', createdAt: 1700000000000 },
      { ...makeRecording('CON', 'x y', { category: 'testing' }) },
    ];
    const files = writeDatasetFolder(recs, { name: 'mine' });
    for (const f of files) expect(f.name).toMatch(/^[A-Za-z0-9_.-]+$/);
    expect(files.some((f) => f.name.includes('..'))).toBe(false);
    const back = await readDatasetFolder(toInputs(files));
    expect(back.errors).toEqual([]);
    expectSame(recs, back.recordings);
    expect(back.info.name).toBe('mine');
    expect(back.info.testIds.sort()).toEqual(['CON.x y', 'idle.a2']);
    expect(back.info.labels).toContain('=HYPERLINK("x")');
  });

  it('honours test_ids, sample_rate_hz and units from dataset.json; everything else is training', async () => {
    const csv = 'timestamp_ms,x\n0,1\n8,2\n17,3\n';
    const files = [
      memFile('d/dataset.json', JSON.stringify({ sample_rate_hz: 119, units: { x: 'g' }, test_ids: ['a.2'] })),
      memFile('d/a.1.csv', csv),
      memFile('d/a.2.csv', csv),
      memFile('d/README.md', 'hello'),
    ];
    const r = await readDatasetFolder(files);
    expect(r.recordings.map((x) => [x.name, x.category])).toEqual([
      ['a.1', 'training'],
      ['a.2', 'testing'],
    ]);
    expect(r.recordings[0].intervalMs).toBe(1000 / 119);
    expect(r.recordings[0].axes[0].units).toBe('g');
    expect(r.info.sampleRateHz).toBe(119);
    expect(r.warnings.join('\n')).toMatch(/not \.csv were ignored/);
  });

  it('keeps going past bad files and lists them, with nothing half-read', async () => {
    const good = 'timestamp_ms,x\n0,1\n10,2\n20,3\n';
    const files = [
      memFile('a.1.csv', good),
      memFile('a.2.csv', 'timestamp_ms,x\n0,1\n10,2\n20,oops\n'),
      memFile('dataset.json', '{"test_ids": [[[['),
      memFile('b.1.csv', good),
    ];
    const r = await readDatasetFolder(files);
    expect(r.recordings.map((x) => x.name)).toEqual(['a.1', 'b.1']);
    expect(r.errors.map((e) => [e.file, e.line])).toEqual([
      ['dataset.json', undefined],
      ['a.2.csv', 4],
    ]);
    await expect(readDatasetFolder(files, { strict: true })).rejects.toMatchObject({ family: 'import' });
  });

  it('refuses too many files or too many bytes before reading', async () => {
    const files = Array.from({ length: 5 }, (_, i) => memFile(`a.${i}.csv`, 'timestamp_ms,x\n0,1\n1,2\n'));
    await expect(readDatasetFolder(files, { limits: { maxFiles: 4 } })).rejects.toMatchObject({ code: 'too-many-files' });
    await expect(readDatasetFolder(files, { limits: { maxTotalBytes: 50 } })).rejects.toMatchObject({ code: 'too-large' });
  });

  it('can be cancelled', async () => {
    const ac = new AbortController();
    ac.abort();
    const files = [memFile('a.1.csv', 'timestamp_ms,x\n0,1\n1,2\n')];
    await expect(readDatasetFolder(files, { signal: ac.signal })).rejects.toMatchObject({ code: 'cancelled' });
  });
});

function sharedFiles(dir: string): InputFile[] {
  return readdirSync(dir).map((n) => {
    const buf = readFileSync(join(dir, n));
    return memFile(n, new Uint8Array(buf));
  });
}

for (const ds of ['xiao_ei_motion', 'arduino_punch_flex']) {
  const dir = sharedPath(`datasets/${ds}`);
  describe.skipIf(!dir)(`shared ${ds} (${dir ? 'present' : skipReason(`datasets/${ds}`)})`, () => {
    it('reads with its test split and round-trips through writeDatasetFolder bit-exact', async () => {
      const meta = JSON.parse(readFileSync(join(dir!, 'dataset.json'), 'utf8')) as { test_ids: string[]; sample_rate_hz: number; num_recordings: Record<string, number> };
      const r = await readDatasetFolder(sharedFiles(dir!));
      expect(r.errors).toEqual([]);
      const total = Object.values(meta.num_recordings).reduce((a, b) => a + b, 0);
      expect(r.recordings.length).toBe(total);
      expect(r.info.testIds.sort()).toEqual([...meta.test_ids].sort());
      expect(r.info.sampleRateHz).toBeCloseTo(meta.sample_rate_hz, 9);
      const written = writeDatasetFolder(r.recordings, { name: ds });
      const again = await readDatasetFolder(toInputs(written));
      expectSame(r.recordings, again.recordings);
      // The CSVs we write are the source files again, byte for byte (modulo line endings).
      const src = readFileSync(join(dir!, `${r.recordings[0].name}.csv`), 'utf8').replace(/\r\n/g, '\n');
      expect(dec.decode(written.find((f) => f.name === `${r.recordings[0].name}.csv`)!.data)).toBe(src.endsWith('\n') ? src : src + '\n');
    });
  });
}
