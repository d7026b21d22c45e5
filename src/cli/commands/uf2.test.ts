import { describe, it, expect, vi, afterEach } from 'vitest';
import { mkdtemp, readFile, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from './uf2.ts';

afterEach(() => vi.restoreAllMocks());

describe('tinyml uf2', () => {
  it('wraps a binary into a UF2 file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'uf2-'));
    try {
      const bin = Uint8Array.from({ length: 700 }, (_, i) => (i * 31) & 0xff);
      await writeFile(join(dir, 'a.bin'), bin);
      vi.spyOn(console, 'log').mockImplementation(() => {});
      const code = await run(['--in', join(dir, 'a.bin'), '--base', '0x10000000', '--family', 'rp2350-arm-s', '--out', join(dir, 'a.uf2')]);
      expect(code).toBe(0);
      const out = new Uint8Array(await readFile(join(dir, 'a.uf2')));
      expect(out.length).toBe(3 * 512);
      const dv = new DataView(out.buffer, out.byteOffset);
      expect(dv.getUint32(512 * 2 + 12, true)).toBe(0x10000200);
      expect(dv.getUint32(512 * 2 + 28, true)).toBe(0xe48bff59);
      expect(out.subarray(512 * 2 + 32, 512 * 2 + 32 + 188)).toEqual(bin.subarray(512));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('returns usage and bad-input codes', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await run(['--in', 'x.bin'])).toBe(2);
    expect(await run(['--in', 'x', '--base', 'zz', '--family', 'rp2040', '--out', 'y'])).toBe(2);
    expect(await run(['--in', 'x', '--base', '0x0', '--family', 'vax', '--out', 'y'])).toBe(2);
    expect(await run(['--bogus'])).toBe(2);
    const dir = await mkdtemp(join(tmpdir(), 'uf2-'));
    try {
      expect(await run(['--in', join(dir, 'missing.bin'), '--base', '0x10000000', '--family', 'rp2040', '--out', join(dir, 'o.uf2')])).toBe(3);
      await writeFile(join(dir, 'empty.bin'), new Uint8Array(0));
      expect(await run(['--in', join(dir, 'empty.bin'), '--base', '0x10000000', '--family', 'rp2040', '--out', join(dir, 'o.uf2')])).toBe(3);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
