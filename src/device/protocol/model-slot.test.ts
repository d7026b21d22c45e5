import { describe, it, expect } from 'vitest';
import { crc32 } from '../../core/crc.ts';
import { SLOT } from '../../core/slot-layout.ts';
import { MemoryFlash, buildModelSlotImage, buildSlotPayload, readSlot, splitSlotPayload } from './model-slot.ts';

const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 97 + seed * 31 + 5) & 0xff);
const flashOf = (img: Uint8Array, size = 64 * 1024) => new MemoryFlash(size, 4096, 256, img);

describe('model slot payload (model + impulse descriptor)', () => {
  it('places the descriptor 16-byte aligned after the model and ends with the trailer', () => {
    for (const m of [1, 15, 16, 17, 100, 3001]) {
      for (const d of [1, 3, 4, 77]) {
        const model = bytes(m, 1);
        const desc = bytes(d, 2);
        const p = buildSlotPayload(model, desc);
        const off = Math.ceil(m / 16) * 16;
        const v = new DataView(p.buffer, p.length - 16);
        expect([v.getUint32(0, true), v.getUint32(4, true), v.getUint32(8, true), v.getUint32(12, true)]).toEqual([m, off, d, SLOT.TRAILER_MAGIC]);
        expect(p.length).toBe(Math.ceil((off + d) / 4) * 4 + 16);
        expect(p.subarray(off, off + d)).toEqual(desc);
        expect(p.subarray(m, off).every((b) => b === 0)).toBe(true);
        expect(splitSlotPayload(p)).toEqual({ model, descriptor: desc });
      }
    }
  });

  it('treats a payload without a consistent trailer as a bare model', () => {
    const model = bytes(500, 3);
    expect(splitSlotPayload(model)).toEqual({ model, descriptor: null });
    const p = buildSlotPayload(model, bytes(40, 4));
    for (const at of [p.length - 16, p.length - 12, p.length - 8, p.length - 4]) {
      const c = p.slice();
      c[at] ^= 0x10;
      expect(splitSlotPayload(c).descriptor).toBeNull();
    }
    expect(splitSlotPayload(new Uint8Array(0)).descriptor).toBeNull();
    expect(() => buildSlotPayload(new Uint8Array(0), bytes(4, 1))).toThrow(expect.objectContaining({ code: 'empty-model' }));
    expect(() => buildSlotPayload(model, new Uint8Array(0))).toThrow(expect.objectContaining({ code: 'empty-descriptor' }));
  });

  it('builds slot images whose header CRC covers the descriptor; readSlot returns both parts', () => {
    const model = bytes(9000, 5);
    const descriptor = bytes(120, 6);
    const img = buildModelSlotImage(model, { sequence: 4, arenaSize: 777, descriptor });
    const s = readSlot(flashOf(img));
    expect(s.valid).toBe(true);
    expect(s.model).toEqual(model);
    expect(s.descriptor).toEqual(descriptor);
    expect(s.header).toMatchObject({ length: s.payload!.length, crc32: crc32(s.payload!), sequence: 4, arenaSize: 777 });
    // the same image from a prebuilt payload
    expect(buildModelSlotImage(buildSlotPayload(model, descriptor), { sequence: 4, arenaSize: 777 })).toEqual(img);
    // a flipped descriptor byte invalidates the whole slot
    const bad = img.slice();
    bad[SLOT.DATA_OFFSET + Math.ceil(9000 / 16) * 16 + 7] ^= 4;
    expect(readSlot(flashOf(bad)).valid).toBe(false);
    // a bare model still reads as before
    const bare = readSlot(flashOf(buildModelSlotImage(model, { sequence: 1, arenaSize: 1 })));
    expect(bare).toMatchObject({ valid: true, descriptor: null });
    expect(bare.model).toEqual(model);
    // the descriptor counts against the slot capacity
    expect(() => buildModelSlotImage(bytes(8192 - 4096 - 32, 1), { sequence: 1, arenaSize: 1, slotSize: 8192, descriptor: bytes(64, 1) })).toThrow(
      expect.objectContaining({ code: 'model-too-large' }),
    );
  });
});
