import { describe, it, expect } from 'vitest';
import { createHash } from 'node:crypto';
import { writeUf2, parseUf2Family, UF2_FAMILIES } from './uf2.ts';
import { isStudioError } from '../../core/errors.ts';

/** Independent reader: walks the file with a DataView field by field, as a boot ROM would. */
interface ParsedBlock {
  flags: number;
  addr: number;
  size: number;
  blockNo: number;
  numBlocks: number;
  family: number;
  payload: Uint8Array;
  tail: Uint8Array;
}
function readUf2(file: Uint8Array): ParsedBlock[] {
  if (file.length % 512 !== 0) throw new Error('not a multiple of 512');
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const blocks: ParsedBlock[] = [];
  for (let at = 0; at < file.length; at += 512) {
    if (dv.getUint32(at, true) !== 0x0a324655) throw new Error('magic0');
    if (dv.getUint32(at + 4, true) !== 0x9e5d5157) throw new Error('magic1');
    if (dv.getUint32(at + 508, true) !== 0x0ab16f30) throw new Error('magic end');
    const size = dv.getUint32(at + 16, true);
    blocks.push({
      flags: dv.getUint32(at + 8, true),
      addr: dv.getUint32(at + 12, true),
      size,
      blockNo: dv.getUint32(at + 20, true),
      numBlocks: dv.getUint32(at + 24, true),
      family: dv.getUint32(at + 28, true),
      payload: file.slice(at + 32, at + 32 + size),
      tail: file.slice(at + 32 + size, at + 508),
    });
  }
  return blocks;
}

const pattern = (n: number, f: (i: number) => number) => Uint8Array.from({ length: n }, (_, i) => f(i) & 0xff);
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('UF2 writer', () => {
  it('lays out blocks, numbering and padding for a partial last block', () => {
    const data = pattern(1000, (i) => (i * 7) % 251);
    const file = writeUf2({ address: 0x10000000, data }, { familyId: UF2_FAMILIES.rp2040 });
    const blocks = readUf2(file);
    expect(blocks).toHaveLength(4);
    blocks.forEach((b, i) => {
      expect(b.flags).toBe(0x2000);
      expect(b.addr).toBe(0x10000000 + 256 * i);
      expect(b.size).toBe(256);
      expect(b.blockNo).toBe(i);
      expect(b.numBlocks).toBe(4);
      expect(b.family).toBe(0xe48bff56);
      expect(b.tail.every((x) => x === 0)).toBe(true);
    });
    const joined = new Uint8Array(1024);
    blocks.forEach((b, i) => joined.set(b.payload, i * 256));
    expect(joined.subarray(0, 1000)).toEqual(data);
    expect(joined.subarray(1000).every((x) => x === 0)).toBe(true);
  });

  it('is byte-identical to reference files', () => {
    // sha256 of UF2 files built by an independent Python struct.pack('<8I', ...) writer at development time.
    const a = writeUf2({ address: 0x10000000, data: pattern(1000, (i) => (i * 7) % 251) }, { familyId: parseUf2Family('rp2040') });
    expect(sha(a)).toBe('860f1c883eea503a593c9662327ba2e69273c7b5b3f0b7888f1f20f1acbc1383');
    const b = writeUf2({ address: 0x10100000, data: pattern(4096, (i) => i * 13 + 5) }, { familyId: parseUf2Family('rp2350-arm-s') });
    expect(sha(b)).toBe('1d6975b7311c0a4726dc2467e0aaaa686f885e3d02ca7cbd9eccbbde22f4ba49');
  });

  it('numbers blocks across several segments in the given order', () => {
    const file = writeUf2(
      [
        { address: 0x10180100, data: pattern(600, (i) => i) },
        { address: 0x10180000, data: pattern(256, (i) => 255 - i) },
      ],
      { familyId: UF2_FAMILIES['rp2350-arm-ns'] },
    );
    const blocks = readUf2(file);
    expect(blocks.map((b) => b.blockNo)).toEqual([0, 1, 2, 3]);
    expect(blocks.map((b) => b.numBlocks)).toEqual([4, 4, 4, 4]);
    expect(blocks.map((b) => b.addr)).toEqual([0x10180100, 0x10180200, 0x10180300, 0x10180000]);
    expect(blocks[3].payload[0]).toBe(255);
    expect(blocks.every((b) => b.family === 0xe48bff5b)).toBe(true);
  });

  it('knows the family ids of the UF2 families list', () => {
    expect(parseUf2Family('RP2350-RISCV')).toBe(0xe48bff5a);
    expect(parseUf2Family('absolute')).toBe(0xe48bff57);
    expect(parseUf2Family('data')).toBe(0xe48bff58);
    expect(parseUf2Family('nrf52840')).toBe(0xada52840);
    expect(parseUf2Family('samd21')).toBe(0x68ed2b88);
    expect(parseUf2Family('samd51')).toBe(0x55114460);
    expect(parseUf2Family('esp32s2')).toBe(0xbfdd4eee);
    expect(parseUf2Family('esp32s3')).toBe(0xc47e5767);
    expect(parseUf2Family('0xDEADBEEF')).toBe(0xdeadbeef);
  });

  it('rejects garbage with clear errors', () => {
    expect(() => parseUf2Family('pdp11')).toThrow(/not a UF2 family/);
    try {
      writeUf2({ address: 0x10000000, data: new Uint8Array(0) }, { familyId: 1 });
      expect.unreachable();
    } catch (e) {
      expect(isStudioError(e, 'uf2-empty')).toBe(true);
    }
    expect(() => writeUf2({ address: 0x10000002, data: new Uint8Array(4) }, { familyId: 1 })).toThrow(/aligned/);
    expect(() => writeUf2({ address: 0xffffff00, data: new Uint8Array(512) }, { familyId: 1 })).toThrow(/32-bit/);
  });
});

describe('readUf2', () => {
  it('reads back what writeUf2 wrote, contiguous blocks merged, in address order', async () => {
    const { readUf2 } = await import('./uf2.ts');
    const a = pattern(700, (i) => i * 7);
    const b = pattern(300, (i) => i * 3 + 1);
    const img = readUf2(writeUf2([{ address: 0x10001000, data: b }, { address: 0x10000000, data: a }], { familyId: UF2_FAMILIES.rp2040 }));
    expect(img.familyId).toBe(UF2_FAMILIES.rp2040);
    expect(img.segments.map((s) => s.address)).toEqual([0x10000000, 0x10001000]);
    // the writer pads a segment's last block with zeros
    expect(img.segments[0].data.subarray(0, 700)).toEqual(a);
    expect(img.segments[0].data.length).toBe(768);
    expect(img.segments[1].data.subarray(0, 300)).toEqual(b);
  });

  it('refuses damaged, overlapping or mixed-family files with a StudioError', async () => {
    const { readUf2 } = await import('./uf2.ts');
    const good = writeUf2({ address: 0x10000000, data: pattern(512, (i) => i) }, { familyId: UF2_FAMILIES.rp2040 });
    const bad = good.slice();
    bad[0] ^= 1;
    const twice = new Uint8Array(1024);
    twice.set(good.subarray(0, 512), 0);
    twice.set(good.subarray(0, 512), 512);
    new DataView(twice.buffer).setUint32(24, 2, true);
    new DataView(twice.buffer).setUint32(512 + 24, 2, true);
    const mixed = good.slice();
    new DataView(mixed.buffer).setUint32(512 + 28, UF2_FAMILIES['rp2350-arm-s'], true);
    for (const [f, code] of [[new Uint8Array(100), 'uf2-bad-file'], [bad, 'uf2-bad-block'], [twice, 'uf2-overlap'], [mixed, 'uf2-mixed-family']] as const) {
      let err: unknown;
      try {
        readUf2(f);
      } catch (e) {
        err = e;
      }
      expect(isStudioError(err, code), code).toBe(true);
    }
  });
});
