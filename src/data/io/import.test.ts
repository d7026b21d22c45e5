import { describe, it, expect } from 'vitest';
import { detectAndImport } from './import.ts';
import { exportCsvZip, exportEiJson, exportEiZip, exportProjectZip, exportWav } from './export.ts';
import { writeCommonCsv } from './common-csv.ts';
import { writeEiExport } from './ei-json.ts';
import { crc32, writeZip } from './safe-zip.ts';
import { makeRecording, memFile, mulberry32, rawZip, sameBits, zeroBombDeflate } from './test-fixtures.ts';
import type { RawRecording } from '../sample.ts';

const enc = new TextEncoder();

function checkWhole(recs: RawRecording[]): void {
  for (const r of recs) {
    expect(r.axes.length).toBeGreaterThan(0);
    expect(r.values.length % r.axes.length).toBe(0);
    expect(r.values.length).toBeGreaterThan(0);
    expect(r.values.every((v) => Number.isFinite(v))).toBe(true);
    expect(r.intervalMs).toBeGreaterThan(0);
  }
}

describe('detectAndImport', () => {
  it('routes CSV, EI JSON, WAV, an EI export zip and a project archive in one go, with a summary', async () => {
    const csv = makeRecording('idle', 'c1');
    const ei = makeRecording('wave', 'e1');
    const wavMade = makeRecording('noise', 'w1', { axes: ['audio'], units: 'int16', rateHz: 8000 });
    const wav = { ...wavMade, values: Float32Array.from(wavMade.values, (_, i) => ((i * 7919) % 65536) - 32768) };
    const eiZipRecs = [makeRecording('wave', 'z1'), makeRecording('idle', 'z2', { category: 'testing' })];
    const projRecs = [{ ...makeRecording('idle', 'p1'), id: 'p1' }];
    const files = [
      memFile('idle.c1.csv', writeCommonCsv(csv)),
      memFile(exportEiJson(ei).name, exportEiJson(ei).data),
      memFile(exportWav(wav).name, exportWav(wav).data),
      memFile('ei-export.zip', exportEiZip(eiZipRecs)),
      memFile('project.zip', exportProjectZip({ name: 'P', labels: [], recordings: projRecs, models: [] })),
    ];
    const p = await detectAndImport(files);
    expect(p.errors).toEqual([]);
    const byName = new Map(p.recordings.map((r) => [r.name, r]));
    expect([...byName.keys()].sort()).toEqual(['idle.c1', 'idle.p1', 'idle.z2', 'noise.w1', 'wave.e1', 'wave.z1']);
    for (const o of [csv, ei, wav, ...eiZipRecs, ...projRecs]) {
      expect(sameBits(byName.get(o.name)!.values, o.values), o.name).toBe(true);
      expect(byName.get(o.name)!.category).toBe(o.category);
    }
    expect(p.project?.name).toBe('P');
    expect(p.summary.labels.map((l) => [l.label, l.count])).toEqual([
      ['idle', 3],
      ['noise', 1],
      ['wave', 2],
    ]);
    expect(p.summary.categories).toEqual({ training: 5, testing: 1 });
    expect(p.summary.rateHz).toBeNull();
    expect(p.summary.rates[0]).toEqual({ rateHz: 104, count: 5 });
    expect(p.summary.axes).toEqual(['accX', 'accY', 'accZ', 'audio']);
    expect(p.summary.labels[0].durationMs).toBeCloseTo(3 * 200 * (1000 / 104), 6);
  });

  it('reads an unzipped EI export folder using info.labels for labels and categories', async () => {
    const recs = [makeRecording('a.b', 'x'), makeRecording('up', 'y', { category: 'testing' })];
    const files = writeEiExport(recs).map((f) => memFile(`export/${f.name}`, f.data));
    const p = await detectAndImport(files);
    expect(p.errors).toEqual([]);
    expect(p.recordings.map((r) => [r.name, r.label, r.category])).toEqual([
      ['a.b.x', 'a.b', 'training'],
      ['up.y', 'up', 'testing'],
    ]);
  });

  it('reports irregular timestamps in the summary', async () => {
    const t = [0, 10, 20, 30, 80, 90, 100];
    const p = await detectAndImport([memFile('g.1.csv', 'timestamp_ms,x\n' + t.map((x) => `${x},1`).join('\n'))]);
    expect(p.summary.irregular).toEqual([{ name: 'g.1', maxJitterMs: expect.any(Number), gapCount: 1, intervalMs: 10 }]);
  });

  it('keeps going past bad files; errors name the file (and line); nothing half-read is kept', async () => {
    const good = writeCommonCsv(makeRecording('a', '1', { frames: 20 }));
    const lines = good.split('\n');
    lines[7] = lines[7].replace(/,[^,]*$/, ',NaN');
    const files = [
      memFile('a.1.csv', good),
      memFile('a.2.csv', lines.join('\n')),
      memFile('x.cbor', new Uint8Array([0xa1])),
      memFile('b.1.json', '{"payload": {}}'),
      memFile('c.1.wav', 'RIFF....WAVEjunk'),
      memFile('notes.txt', 'hi'),
      memFile('dup/a.1.csv', good),
    ];
    const p = await detectAndImport(files);
    expect(p.recordings.map((r) => r.name)).toEqual(['a.1']);
    const errs = new Map(p.errors.map((e) => [e.file, e]));
    expect(errs.get('a.2.csv')?.line).toBe(8);
    expect(errs.get('x.cbor')?.code).toBe('cbor-unsupported');
    expect(errs.get('b.1.json')?.code).toBe('bad-ei-json');
    expect(errs.get('c.1.wav')?.code).toBe('bad-wav');
    expect(errs.get('dup/a.1.csv')?.code).toBe('duplicate');
    expect(p.warnings.join('\n')).toMatch(/notes\.txt/);
  });
});

describe('fuzz: hostile and corrupted inputs never crash and never leave partial recordings', () => {
  const rnd = mulberry32(2024);
  const corrupt = (b: Uint8Array, mode: number): Uint8Array => {
    const c = b.slice();
    if (mode === 0) return c.slice(0, Math.floor(rnd() * c.length));
    if (mode === 1) {
      for (let k = 0; k < 1 + Math.floor(rnd() * 6); k++) c[Math.floor(rnd() * c.length)] = Math.floor(rnd() * 256);
      return c;
    }
    return new Uint8Array(1 + Math.floor(rnd() * 400)).map(() => Math.floor(rnd() * 256));
  };

  it('every importer, 600 mangled files', async () => {
    const rec = makeRecording('f', 'z', { frames: 40 });
    const sources: [string, Uint8Array][] = [
      ['f.z.csv', enc.encode(writeCommonCsv(rec))],
      ['f.z.json', exportEiJson(rec).data],
      ['f.z.wav', exportWav(rec).data],
      ['ei.zip', exportEiZip([rec])],
      ['p.zip', exportProjectZip({ name: 'p', labels: [], recordings: [rec], models: [] }, { level: 0 })],
      ['c.zip', exportCsvZip([rec])],
    ];
    let kept = 0;
    for (let i = 0; i < 600; i++) {
      const [name, data] = sources[i % sources.length];
      const bad = corrupt(data, i % 3);
      const p = await detectAndImport([memFile(name, bad)]);
      checkWhole(p.recordings);
      for (const e of p.errors) {
        expect(e.message.length).toBeGreaterThan(0);
        expect(e.file.startsWith(name)).toBe(true);
      }
      // A recording that survived corruption is either bit-identical or a complete, valid parse.
      kept += p.recordings.length;
      expect(p.recordings.length + p.errors.length + p.warnings.length).toBeGreaterThan(0);
    }
    expect(kept).toBeLessThan(600);
  });

  it('huge numbers, NaN, wrong column counts, deep JSON, giant declared sizes, traversal, bombs', async () => {
    const deep = '{"payload":' + '['.repeat(200000) + ']'.repeat(200000) + '}';
    const bomb = zeroBombDeflate(1 << 30);
    const pj = enc.encode(JSON.stringify({ format: 'tinyml-studio-project', version: 1, name: 'x', labels: [], samples: [{ file: 'samples/a.1.csv', label: 'a', intervalMs: 1, axes: [] }] }));
    const files = [
      memFile('h.1.csv', 'timestamp_ms,x\n0,1\n1,1' + '0'.repeat(400) + '\n'),
      memFile('h.2.csv', 'timestamp_ms,x\n0,nan\n1,2\n'),
      memFile('h.3.csv', 'timestamp_ms,x,y\n0,1\n1,2,3\n'),
      memFile('h.4.json', deep),
      memFile('h.5.json', '{"payload":{"interval_ms":1,"sensors":[{"name":"a"}],"values":[1e308]}}'),
      memFile('bomb.zip', rawZip([{ name: 'training/a.1.json', data: bomb, size: 2000 }])),
      memFile('bomb2.zip', rawZip([{ name: 'training/a.1.json', data: bomb, size: 1 << 30 }])),
      memFile('pbomb.zip', rawZip([{ name: 'project.json', data: pj, method: 0, crc: crc32(pj) }, { name: 'samples/a.1.csv', data: bomb, size: 100 }])),
      memFile('trav.zip', rawZip([{ name: '../../evil.csv', data: enc.encode('timestamp_ms,x\n0,1\n1,2\n'), method: 0 }])),
      memFile('giant.zip', rawZip([{ name: 'a.1.csv', data: new Uint8Array(4), size: 0xfffffff0 }])),
    ];
    const t0 = performance.now();
    const p = await detectAndImport(files);
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect(p.recordings).toEqual([]);
    const codes = Object.fromEntries(p.errors.map((e) => [e.file.split('/')[0], e.code]));
    expect(codes).toEqual({
      'h.1.csv': 'bad-cell',
      'h.2.csv': 'bad-cell',
      'h.3.csv': 'bad-row',
      'h.4.json': 'json-too-deep',
      'h.5.json': 'bad-ei-json',
      'bomb.zip': 'zip-bomb',
      'bomb2.zip': 'too-large', // refused from its declared size, before inflating
      'pbomb.zip': 'zip-bomb',
      'trav.zip': 'unsafe-path',
      'giant.zip': 'zip-bomb',
    });
  });

  it('too many files at once is refused up front', async () => {
    const files = Array.from({ length: 11 }, (_, i) => memFile(`a.${i}.csv`, 'timestamp_ms,x\n0,1\n1,2\n'));
    await expect(detectAndImport(files, { limits: { maxFiles: 10 } })).rejects.toMatchObject({ code: 'too-many-files' });
    const zip = writeZip(files.map((f, i) => ({ name: `a.${i}.csv`, data: enc.encode('timestamp_ms,x\n0,1\n1,2\n') })));
    const p = await detectAndImport([memFile('many.zip', zip)], { limits: { maxZipEntries: 10 } });
    expect(p.errors[0].code).toBe('too-many-entries');
  });
});
