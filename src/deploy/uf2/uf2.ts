/**
 * UF2 writer: wraps binary images into 512-byte UF2 blocks for drag-and-drop flashing. DOM-free core module.
 *
 * Block layout (all little-endian 32-bit words): magic0 0x0A324655 ("UF2\n"), magic1 0x9E5D5157,
 * flags, target address, payload size, block number, number of blocks, family id (flag 0x2000), then
 * 476 data bytes of which the first `payloadSize` carry the payload and the rest are zero, and the
 * final magic 0x0AB16F30. Family ids are those of the UF2 families list (utils/uf2families.json in
 * the UF2 specification repository) and the RP2350 boot ROM (RP2350 datasheet, "UF2 targeting").
 */
import { StudioError } from '../../core/errors.ts';

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
