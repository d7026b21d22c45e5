import { describe, it, expect } from 'vitest';
import { deflateSync, inflateSync } from 'fflate';
import { SafeZip, checkEntryName, crc32, writeZip } from './safe-zip.ts';
import { rawZip, zeroBombDeflate } from './test-fixtures.ts';

const enc = new TextEncoder();

describe('SafeZip', () => {
  it('reads what writeZip wrote, stored and deflated, with CRCs checked', () => {
    const files = [
      { name: 'project.json', data: enc.encode('{"a":1}') },
      { name: 'samples/a.1.csv', data: enc.encode('timestamp_ms,x\n0,1\n'.repeat(100)) },
      { name: 'models/m.tflite', data: new Uint8Array([1, 2, 3, 250]) },
    ];
    const z = new SafeZip(writeZip(files, { store: (n) => n.endsWith('.tflite') }), 'x.zip');
    expect(z.entries.map((e) => e.name)).toEqual(files.map((f) => f.name));
    for (const f of files) expect(z.read(z.find(f.name)!)).toEqual(f.data);
    expect(z.entries[2].method).toBe(0);
  });

  it('crc32 matches the standard check value', () => {
    expect(crc32(enc.encode('123456789'))).toBe(0xcbf43926);
  });

  it('the hand-made bomb stream really inflates to zeros (checked at 1 MB)', () => {
    const out = inflateSync(zeroBombDeflate(1 << 20));
    expect(out.length).toBe(1 << 20);
    expect(out.every((b) => b === 0)).toBe(true);
  });

  it('refuses a 1 GB zip bomb that declares its size, without inflating it', () => {
    const bomb = zeroBombDeflate(1 << 30);
    const t0 = performance.now();
    const z = new SafeZip(rawZip([{ name: 'a.csv', data: bomb, size: 1 << 30 }]), 'bomb.zip');
    expect(() => z.read(z.entries[0])).toThrow(expect.objectContaining({ family: 'import', code: 'zip-too-large' }));
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('refuses a 1 GB zip bomb that lies about its size, while inflating, quickly', () => {
    const bomb = zeroBombDeflate(1 << 30);
    const before = process.memoryUsage().rss;
    const t0 = performance.now();
    const z = new SafeZip(rawZip([{ name: 'a.csv', data: bomb, size: 1000 }]), 'bomb.zip');
    expect(() => z.read(z.entries[0])).toThrow(expect.objectContaining({ code: 'zip-bomb' }));
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
  });

  it('refuses many small entries summing past the total limit (declared), and enforces the running total', () => {
    const data = deflateSync(new Uint8Array(1000));
    const crc = crc32(new Uint8Array(1000));
    const entries = Array.from({ length: 10 }, (_, i) => ({ name: `f${i}.csv`, data, size: 1000, crc }));
    expect(() => new SafeZip(rawZip(entries), 'z.zip', { maxTotalBytes: 5000 })).toThrow(expect.objectContaining({ code: 'zip-too-large' }));
    expect(() => new SafeZip(rawZip(entries), 'z.zip', { maxZipEntries: 5 })).toThrow(expect.objectContaining({ code: 'too-many-entries' }));
    const z = new SafeZip(rawZip(entries), 'z.zip');
    for (const e of z.entries) expect(z.read(e).length).toBe(1000);
  });

  it('rejects path traversal, absolute paths and drive letters', () => {
    for (const name of ['../evil.csv', 'a/../../evil.csv', '/etc/passwd', 'C:\\x.csv', '..\\x.csv', 'a\0b']) {
      expect(() => new SafeZip(rawZip([{ name, data: new Uint8Array(0), method: 0 }]), 'z.zip'), name).toThrow(
        expect.objectContaining({ code: 'unsafe-path' }),
      );
    }
    expect(checkEntryName('z', './a/b.csv')).toBe('a/b.csv');
  });

  it('reports corrupt zips clearly: truncated, bad CRC, bad deflate, encrypted, random bytes', () => {
    const good = writeZip([{ name: 'a.csv', data: enc.encode('hello world '.repeat(50)) }]);
    for (let cut = 1; cut < good.length; cut += 7) {
      try {
        const z = new SafeZip(good.slice(0, cut), 't.zip');
        for (const e of z.entries) z.read(e);
      } catch (e) {
        expect((e as { family?: string }).family).toBe('import');
      }
    }
    const badCrc = rawZip([{ name: 'a.csv', data: enc.encode('abc'), method: 0, crc: 1 }]);
    const z1 = new SafeZip(badCrc, 'c.zip');
    expect(() => z1.read(z1.entries[0])).toThrow(/checksum/);
    const badDeflate = rawZip([{ name: 'a.csv', data: new Uint8Array([0xff, 0xff, 0xff, 0xff]), size: 10 }]);
    const z2 = new SafeZip(badDeflate, 'd.zip');
    expect(() => z2.read(z2.entries[0])).toThrow(expect.objectContaining({ code: 'bad-zip' }));
    expect(() => new SafeZip(rawZip([{ name: 'a.csv', data: new Uint8Array(3), flags: 1 }]), 'e.zip')).toThrow(
      expect.objectContaining({ code: 'encrypted' }),
    );
    let seed = 1;
    for (let i = 0; i < 200; i++) {
      const junk = new Uint8Array(50 + i * 3).map(() => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 24));
      expect(() => new SafeZip(junk, 'r.zip')).toThrow(expect.objectContaining({ family: 'import' }));
    }
  });
});
