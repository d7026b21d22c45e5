/**
 * The committed prebuilt RP2040 runtime image (public/firmware/tinyml-runtime-rp2040.uf2) and its
 * build record: the record's source hash must equal the hash of today's firmware sources (else the
 * image is stale and must be rebuilt), the image must be the recorded bytes, and it must be a UF2 an
 * RP2040 boots: blocks for the rp2040 family from 0x10000000, a boot2 with a valid checksum and a vector
 * table in flash, ending below the model slot.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pico } from '../../src/device/boards/pico.ts';
import { UF2_BLOCK_SIZE, UF2_FAMILIES, UF2_FLAG_FAMILY_ID_PRESENT, UF2_MAGIC_END, UF2_MAGIC_START0, UF2_MAGIC_START1 } from '../../src/deploy/uf2/uf2.ts';
import { firmwareSourceFiles, firmwareSourcesSha256, repoRoot } from '../../firmware/pico/sources.mjs';

const dir = join(repoRoot, 'public', 'firmware');
const record = JSON.parse(readFileSync(join(dir, 'tinyml-runtime-rp2040.json'), 'utf8')) as {
  image: string; board: string; firmwareVersion: string; sourcesSha256: string; sourceFiles: string[];
  imageSha256: string; imageBytes: number; binSha256: string; binBytes: number; toolchain: string; deps: Record<string, string>;
  sizes: { text: number; data: number; bss: number }; runtimeFlashBytes: number; arenaBytes: number;
  slot: { address: number; size: number }; romFunctions: string[]; rates: number[];
};
const uf2 = new Uint8Array(readFileSync(join(dir, record.image)));
const REBUILD = 'rebuild it: PICO_SDK_PATH=… TFLM_PATH=… FLATBUFFERS_PATH=… GEMMLOWP_PATH=… RUY_PATH=… firmware/pico/build.sh ' +
  '(pins in firmware/pico/deps.json, see firmware/README.md "Rebuilding the Pico image"), then commit public/firmware/';

/** Minimal UF2 reader: checks every block and returns the flash image it writes. */
function readUf2(bytes: Uint8Array): { family: number; base: number; data: Uint8Array } {
  expect(bytes.length % UF2_BLOCK_SIZE).toBe(0);
  const n = bytes.length / UF2_BLOCK_SIZE;
  const parts: Uint8Array[] = [];
  let family = -1, base = -1, next = -1;
  for (let i = 0; i < n; i++) {
    const v = new DataView(bytes.buffer, bytes.byteOffset + i * UF2_BLOCK_SIZE, UF2_BLOCK_SIZE);
    expect([v.getUint32(0, true), v.getUint32(4, true), v.getUint32(508, true)]).toEqual([UF2_MAGIC_START0, UF2_MAGIC_START1, UF2_MAGIC_END]);
    expect(v.getUint32(8, true) & UF2_FLAG_FAMILY_ID_PRESENT).toBe(UF2_FLAG_FAMILY_ID_PRESENT);
    const addr = v.getUint32(12, true), size = v.getUint32(16, true);
    expect([v.getUint32(20, true), v.getUint32(24, true)]).toEqual([i, n]);
    if (i === 0) {
      family = v.getUint32(28, true);
      base = next = addr;
    }
    expect(v.getUint32(28, true)).toBe(family);
    expect(addr).toBe(next); // contiguous
    expect(size).toBeLessThanOrEqual(476);
    parts.push(bytes.subarray(i * UF2_BLOCK_SIZE + 32, i * UF2_BLOCK_SIZE + 32 + size));
    next = addr + size;
  }
  const data = new Uint8Array(next - base);
  let o = 0;
  for (const p of parts) {
    data.set(p, o);
    o += p.length;
  }
  return { family, base, data };
}

/** The RP2040 boot ROM's boot2 check: CRC-32 (poly 0x04C11DB7, MSB first, init ~0, no final xor) of 252 bytes. */
function boot2Crc(b: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < 252; i++) {
    c ^= b[i] << 24;
    for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
    c >>>= 0;
  }
  return c >>> 0;
}

describe('prebuilt RP2040 runtime image', () => {
  it('was built from the firmware sources in this tree (else it is stale)', () => {
    const files = firmwareSourceFiles();
    const hash = firmwareSourcesSha256();
    if (hash !== record.sourcesSha256 || files.join('\n') !== record.sourceFiles.join('\n')) {
      const added = files.filter((f) => !record.sourceFiles.includes(f));
      const removed = record.sourceFiles.filter((f) => !files.includes(f));
      expect.fail(`public/firmware/${record.image} is stale: the firmware sources changed since it was built ` +
        `(sources SHA-256 ${hash}, recorded ${record.sourcesSha256}${added.length ? `; new files ${added.join(', ')}` : ''}` +
        `${removed.length ? `; removed ${removed.join(', ')}` : ''}). ${REBUILD}`);
    }
  });

  it('is the recorded image, a UF2 for the rp2040 family at 0x10000000 that boots', () => {
    expect(createHash('sha256').update(uf2).digest('hex'), `the .uf2 differs from its record; ${REBUILD}`).toBe(record.imageSha256);
    const { family, base, data } = readUf2(uf2);
    expect(family).toBe(UF2_FAMILIES.rp2040);
    expect(base).toBe(0x10000000);
    // boot2 (first 256 bytes) carries the checksum the boot ROM verifies before running it
    expect(new DataView(data.buffer).getUint32(252, true)).toBe(boot2Crc(data));
    // vector table right after boot2: stack pointer in SRAM, reset handler in flash (Thumb)
    const vt = new DataView(data.buffer, 256);
    expect(vt.getUint32(0, true)).toBeGreaterThan(0x20000000);
    expect(vt.getUint32(0, true)).toBeLessThanOrEqual(0x20042000);
    const reset = vt.getUint32(4, true);
    expect(reset & 1).toBe(1);
    expect(reset).toBeGreaterThan(0x10000100);
    expect(reset).toBeLessThan(0x10000000 + data.length);
    // the image ends below the model slot the studio writes; text + data is what is in flash
    expect(base + data.length).toBeLessThanOrEqual(pico.modelSlot!.address);
    // the UF2 carries exactly the linked binary (padded to whole blocks)
    expect(createHash('sha256').update(data.subarray(0, record.binBytes)).digest('hex')).toBe(record.binSha256);
    expect(data.subarray(record.binBytes).every((b) => b === 0 || b === 0xff)).toBe(true);
  });

  it('records what the studio and the emulated board rely on', () => {
    expect(record.board).toBe('pico');
    expect(record.slot).toEqual({ address: pico.modelSlot!.address, size: pico.modelSlot!.size });
    expect(record.arenaBytes).toBe(pico.arenaCapacity);
    expect(record.sizes.text).toBeGreaterThan(50_000);
    expect(record.sizes.bss).toBeGreaterThan(record.arenaBytes);
    expect(record.runtimeFlashBytes).toBeGreaterThan(20_000);
    expect(record.toolchain).toMatch(/arm-none-eabi-gcc/);
    const deps = JSON.parse(readFileSync(join(repoRoot, 'firmware/pico/deps.json'), 'utf8')) as Record<string, { commit: string }>;
    for (const [name, d] of Object.entries(deps)) expect(record.deps[name]).toContain(d.commit);
    // only the flash functions of the boot ROM (the emulator's own boot ROM implements these)
    const allowed = ['connect_internal_flash', 'flash_exit_xip', 'flash_range_erase', 'flash_range_program', 'flash_flush_cache', 'flash_enter_cmd_xip'];
    for (const f of record.romFunctions) expect(allowed).toContain(f);
    const ino = readFileSync(join(repoRoot, 'firmware/tinyml_runtime/tinyml_runtime.ino'), 'utf8');
    expect(ino).toContain(`firmwareVersion = "${record.firmwareVersion}"`);
    expect(record.rates.length).toBeGreaterThan(0);
  });
});
