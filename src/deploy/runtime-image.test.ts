/**
 * The runtime image loader: hash check against the build record, UF2 decode, board and slot checks —
 * on a self-made image, and on the committed image when public/firmware/ holds it.
 */
import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isStudioError } from '../core/errors.ts';
import { FLASH_BOARDS } from './flash-plan.ts';
import { RUNTIME_IMAGE_PATH, RUNTIME_RECORD_PATH, decodeRuntimeImage, loadRuntimeImage, parseRuntimeRecord, sha256Hex, type RuntimeRecord } from './runtime-image.ts';
import { UF2_FAMILIES, writeUf2 } from './uf2/uf2.ts';

const data = Uint8Array.from({ length: 5000 }, (_, i) => (i * 11) & 0xff);
const uf2 = writeUf2({ address: 0x10000000, data }, { familyId: UF2_FAMILIES.rp2040 });
const record = async (over: Partial<RuntimeRecord> = {}): Promise<RuntimeRecord> => ({
  firmwareVersion: 't', arenaBytes: 1, sizes: {}, runtimeFlashBytes: 1, imageSha256: await sha256Hex(uf2), slot: { ...FLASH_BOARDS.pico.modelSlot }, ...over,
});

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    return isStudioError(e) ? e.code : String(e);
  }
}

describe('runtime image', () => {
  it('decodes a verified image into page-aligned regions', async () => {
    const img = await decodeRuntimeImage(uf2, await record(), FLASH_BOARDS.pico);
    expect(img.regions).toHaveLength(1);
    expect(img.regions[0].address).toBe(0x10000000);
    expect(img.regions[0].data.subarray(0, data.length)).toEqual(data);
  });

  it('refuses a wrong hash, a wrong board, an image over the slot, a different slot layout, a broken record', async () => {
    expect(await code(decodeRuntimeImage(uf2, await record({ imageSha256: 'a'.repeat(64) }), FLASH_BOARDS.pico))).toBe('runtime-image-mismatch');
    expect(await code(decodeRuntimeImage(uf2, await record(), FLASH_BOARDS.pico2))).toBe('runtime-wrong-board');
    expect(await code(decodeRuntimeImage(uf2, await record({ slot: { address: 0x10100000, size: 4096 } }), FLASH_BOARDS.pico))).toBe('runtime-slot-layout');
    const over = writeUf2({ address: FLASH_BOARDS.pico.modelSlot.address, data }, { familyId: UF2_FAMILIES.rp2040 });
    expect(await code(decodeRuntimeImage(over, { ...(await record()), imageSha256: await sha256Hex(over) }, FLASH_BOARDS.pico))).toBe('runtime-overlaps-slot');
    expect(() => parseRuntimeRecord('{"firmwareVersion":"1"}')).toThrow(expect.objectContaining({ code: 'runtime-record-invalid' }));
    expect(() => parseRuntimeRecord('nope')).toThrow(expect.objectContaining({ code: 'runtime-record-invalid' }));
    expect(await code(loadRuntimeImage(async () => { throw new Error('offline'); }, FLASH_BOARDS.pico))).toBe('runtime-image-missing');
  });

  const pub = fileURLToPath(new URL('../../public/', import.meta.url));
  const committed = existsSync(pub + RUNTIME_IMAGE_PATH) && existsSync(pub + RUNTIME_RECORD_PATH);
  it.skipIf(!committed)('the committed image matches its record and fits the Pico layout' + (committed ? '' : ' (skipped: public/firmware/ has no image yet)'), async () => {
    const img = await loadRuntimeImage(async (p) => new Uint8Array(readFileSync(pub + p)), FLASH_BOARDS.pico);
    expect(img.bytes).toBeGreaterThan(10_000);
    expect(img.regions[0].address).toBe(0x10000000);
  });
});
