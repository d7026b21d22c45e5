/**
 * UF2 writer: wraps binary images into 512-byte UF2 blocks for drag-and-drop flashing. DOM-free core module.
 *
 * Block layout (all little-endian 32-bit words): magic0 0x0A324655 ("UF2\n"), magic1 0x9E5D5157,
 * flags, target address, payload size, block number, number of blocks, family id (flag 0x2000), then
 * 476 data bytes of which the first `payloadSize` carry the payload and the rest are zero, and the
 * final magic 0x0AB16F30. Family ids are those of the UF2 families list (utils/uf2families.json in
 * the UF2 specification repository) and the RP2350 boot ROM (RP2350 datasheet, "UF2 targeting").
 */
import { StudioError, type ErrorCode } from '../../core/errors.ts';

export const UF2_MAGIC_START0 = 0x0a324655;
export const UF2_MAGIC_START1 = 0x9e5d5157;
export const UF2_MAGIC_END = 0x0ab16f30;
export const UF2_FLAG_NOT_MAIN_FLASH = 0x00000001;
export const UF2_FLAG_FILE_CONTAINER = 0x00001000;
export const UF2_FLAG_FAMILY_ID_PRESENT = 0x00002000;
export const UF2_FLAG_MD5_PRESENT = 0x00004000;
export const UF2_FLAG_EXTENSION_TAGS = 0x00008000;
export const UF2_BLOCK_SIZE = 512;
export const UF2_DATA_SIZE = 476;

/** Family ids by the short names the CLI and the board table use. */
export const UF2_FAMILIES = {
  rp2040: 0xe48bff56,
  absolute: 0xe48bff57,
  data: 0xe48bff58,
  'rp2350-arm-s': 0xe48bff59,
  'rp2350-riscv': 0xe48bff5a,
  'rp2350-arm-ns': 0xe48bff5b,
  esp32: 0x1c5f21b0,
  esp32s2: 0xbfdd4eee,
  esp32s3: 0xc47e5767,
  esp32c3: 0xd42ba06c,
  esp32c6: 0x540ddf62,
  nrf52: 0x1b57745f,
  nrf52833: 0x621e937a,
  nrf52840: 0xada52840,
  samd21: 0x68ed2b88,
  samd51: 0x55114460,
  stm32f4: 0x57755a57,
  stm32h7: 0x6db66082,
} as const;

export type Uf2FamilyName = keyof typeof UF2_FAMILIES;

export function uf2FamilyNames(): Uf2FamilyName[] {
  return Object.keys(UF2_FAMILIES) as Uf2FamilyName[];
}

/** Family id from a short name or a number ("0xe48bff56"); a clear error otherwise. */
export function parseUf2Family(name: string): number {
  const key = name.trim().toLowerCase();
  if (key in UF2_FAMILIES) return UF2_FAMILIES[key as Uf2FamilyName];
  if (/^0x[0-9a-f]{1,8}$/.test(key)) return Number.parseInt(key.slice(2), 16) >>> 0;
  throw new StudioError({
    family: 'flash',
    code: 'uf2-unknown-family',
    message: `"${name}" is not a UF2 family this app knows.`,
    remedy: `Use one of ${uf2FamilyNames().join(', ')} or a hex id such as 0xe48bff56.`,
  });
}

export interface Uf2Segment {
  address: number;
  data: Uint8Array;
}

export interface Uf2Options {
  familyId: number;
  /** Payload bytes per block; 256 (the default) is what the RP2040/RP2350 boot ROMs accept. */
  payloadSize?: number;
}

/**
 * Writes segments (each at its own address) into one UF2 file. Every block carries `payloadSize`
 * bytes; a segment's last block is padded with zeros. Blocks are numbered over the whole file in
 * segment order, so a caller can put e.g. a model-slot header page last.
 */
export function writeUf2(segments: Uf2Segment[] | Uf2Segment, options: Uf2Options): Uint8Array {
  const list = Array.isArray(segments) ? segments : [segments];
  const payload = options.payloadSize ?? 256;
  if (!Number.isInteger(payload) || payload <= 0 || payload > UF2_DATA_SIZE || payload % 4 !== 0) {
    throw new StudioError({ family: 'flash', code: 'uf2-bad-payload', message: `UF2 payload size ${payload} is not a multiple of 4 between 4 and 476.` });
  }
  let total = 0;
  for (const s of list) {
    if (!Number.isInteger(s.address) || s.address < 0 || s.address + s.data.length > 0x1_0000_0000) {
      throw new StudioError({ family: 'flash', code: 'uf2-bad-address', message: `Address 0x${s.address.toString(16)} with ${s.data.length} bytes does not fit the 32-bit address space.` });
    }
    if (s.address % 4 !== 0) {
      throw new StudioError({ family: 'flash', code: 'uf2-bad-address', message: `UF2 target address 0x${s.address.toString(16)} is not word aligned.` });
    }
    total += Math.ceil(s.data.length / payload);
  }
  if (total === 0) {
    throw new StudioError({ family: 'flash', code: 'uf2-empty', message: 'There is nothing to write: the image is empty.', remedy: 'Pick a non-empty binary file.' });
  }
  const out = new Uint8Array(total * UF2_BLOCK_SIZE);
  const view = new DataView(out.buffer);
  let block = 0;
  for (const s of list) {
    for (let off = 0; off < s.data.length; off += payload) {
      const base = block * UF2_BLOCK_SIZE;
      const words = [UF2_MAGIC_START0, UF2_MAGIC_START1, UF2_FLAG_FAMILY_ID_PRESENT, s.address + off, payload, block, total, options.familyId >>> 0];
      words.forEach((w, i) => view.setUint32(base + 4 * i, w >>> 0, true));
      out.set(s.data.subarray(off, Math.min(off + payload, s.data.length)), base + 32);
      view.setUint32(base + UF2_BLOCK_SIZE - 4, UF2_MAGIC_END, true);
      block++;
    }
  }
  return out;
}

export interface Uf2Image {
  /** Family id of the blocks (0 when none carries one). */
  familyId: number;
  /** Main-flash data, contiguous blocks merged, in address order. */
  segments: Uf2Segment[];
  blocks: number;
}

function uf2Error(code: ErrorCode<'flash'>, message: string): StudioError {
  return new StudioError({ family: 'flash', code, message, remedy: 'Use the .uf2 file the studio ships or one built for this board (e.g. with the pico-sdk).' });
}

/**
 * Reads a UF2 file back into address/data segments (what a boot ROM would write). Checks every
 * block's magics, size and numbering; skips blocks flagged "not main flash" and file containers;
 * refuses mixed families and overlapping blocks.
 */
export function readUf2(file: Uint8Array): Uf2Image {
  if (file.length === 0 || file.length % UF2_BLOCK_SIZE !== 0) throw uf2Error('uf2-bad-file', `The file (${file.length} bytes) is not a whole number of 512-byte UF2 blocks.`);
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const parts: Uf2Segment[] = [];
  let familyId = 0;
  const n = file.length / UF2_BLOCK_SIZE;
  for (let b = 0; b < n; b++) {
    const at = b * UF2_BLOCK_SIZE;
    const w = (i: number) => view.getUint32(at + 4 * i, true);
    if (w(0) !== UF2_MAGIC_START0 || w(1) !== UF2_MAGIC_START1 || view.getUint32(at + UF2_BLOCK_SIZE - 4, true) !== UF2_MAGIC_END) {
      throw uf2Error('uf2-bad-block', `Block ${b} of the UF2 file is damaged (wrong magic numbers).`);
    }
    const flags = w(2);
    const size = w(4);
    if (size === 0 || size > UF2_DATA_SIZE) throw uf2Error('uf2-bad-block', `Block ${b} claims ${size} payload bytes.`);
    if (w(6) !== n && !(flags & UF2_FLAG_FILE_CONTAINER)) throw uf2Error('uf2-bad-block', `Block ${b} says the file has ${w(6)} blocks, but it has ${n}.`);
    if (flags & (UF2_FLAG_NOT_MAIN_FLASH | UF2_FLAG_FILE_CONTAINER)) continue;
    if (flags & UF2_FLAG_FAMILY_ID_PRESENT) {
      if (familyId && w(7) !== familyId) throw uf2Error('uf2-mixed-family', `The UF2 file mixes families 0x${familyId.toString(16)} and 0x${w(7).toString(16)}.`);
      familyId = w(7);
    }
    parts.push({ address: w(3), data: file.slice(at + 32, at + 32 + size) });
  }
  parts.sort((a, b) => a.address - b.address);
  const runs: Uf2Segment[][] = [];
  let end = -1;
  for (const p of parts) {
    if (p.address < end) throw uf2Error('uf2-overlap', `Two UF2 blocks both write 0x${p.address.toString(16)}.`);
    if (p.address === end) runs[runs.length - 1].push(p);
    else runs.push([p]);
    end = p.address + p.data.length;
  }
  const segments = runs.map((run) => {
    const data = new Uint8Array(run.reduce((s, p) => s + p.data.length, 0));
    let o = 0;
    for (const p of run) {
      data.set(p.data, o);
      o += p.data.length;
    }
    return { address: run[0].address, data };
  });
  return { familyId, segments, blocks: n };
}
