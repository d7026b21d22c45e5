import { describe, it, expect } from 'vitest';
import { planFlash, planToUf2, FLASH_BOARDS, flashInfoFromBoard, boardInfo } from './flash-plan.ts';
import { BOARDS, boardById } from '../device/boards/index.ts';
import { flashPico } from './picoboot/pico-flasher.ts';
import { PicobootSim } from './picoboot/picoboot-sim.ts';
import { flashDfu } from './dfu/dfu-flasher.ts';
import { DfuSim } from './dfu/dfu-sim.ts';
import { MemoryFlash, readSlot, splitSlotPayload, type SlotPayload } from '../device/protocol/model-slot.ts';
import { payloadFixture } from './test-support/payload-fixture.ts';

const fx = payloadFixture();
const tflite = fx.int8Tflite;
const payloadBytes = fx.payload.bytes;
const model = { payload: fx.payload, sequence: 42 };
const runtime = Uint8Array.from({ length: 40_000 }, (_, i) => (i * 5 + 1) & 0xff);

const same = (a: Uint8Array, b: Uint8Array) => Buffer.compare(a, b) === 0;
const PICO_SLOT = FLASH_BOARDS.pico.modelSlot;

function slotAt(bytes: Uint8Array, offset: number, size: number) {
  return readSlot(new MemoryFlash(size, 4096, 256, bytes.subarray(offset, offset + size)));
}

describe('flash plans', () => {
  it('take every board layout from src/device/boards (one table)', () => {
    for (const [id, info] of Object.entries(FLASH_BOARDS)) {
      const b = boardById(id);
      expect(b, id).not.toBeNull();
      expect(info).toEqual(flashInfoFromBoard(b!));
      expect(boardInfo(id as keyof typeof FLASH_BOARDS)).toBe(info);
    }
    // the slot tables that used to disagree now agree
    expect(FLASH_BOARDS.pico.modelSlot).toEqual({ address: boardById('pico')!.modelSlot!.address, size: boardById('pico')!.modelSlot!.size });
    expect(() => flashInfoFromBoard({ ...BOARDS[0], modelSlot: null })).toThrow(expect.objectContaining({ code: 'no-model-slot' }));
  });

  it('keeps every slot sector aligned, inside flash, clear of the runtime start and of the RP2040 EEPROM sector', () => {
    for (const b of BOARDS) {
      if (!b.modelSlot || !b.flash) continue;
      const s = b.modelSlot;
      expect(s.address % s.sectorSize, b.id).toBe(0);
      expect(s.size % s.sectorSize, b.id).toBe(0);
      expect(s.address, b.id).toBeGreaterThan(b.flash.runtimeAddress);
      expect(s.address + s.size, b.id).toBeLessThanOrEqual(b.flash.base + b.flash.size);
      // arduino-pico keeps its EEPROM emulation in the last 4 KB sector
      if (b.fqbn?.startsWith('rp2040:')) expect(s.address + s.size, b.id).toBeLessThanOrEqual(b.flash.base + b.flash.size - 4096);
    }
  });

  it('stores the impulse descriptor after the model, under the header CRC', () => {
    const p = planFlash({ board: 'pico', model });
    const s = slotAt(p.slotImage, 0, p.slotImage.length);
    expect(s.valid).toBe(true);
    expect(s.model).toEqual(tflite);
    expect(s.descriptor).toEqual(splitSlotPayload(payloadBytes).descriptor);
    expect(s.descriptor!.length).toBe(fx.payload.descriptorLength);
    expect(s.header).toMatchObject({ length: payloadBytes.length, arenaSize: fx.payload.arenaSize, sequence: 42 });
    expect(s.payload).toEqual(payloadBytes);
  });

  it('puts the model-slot header page last and the runtime first when it must be written', () => {
    const p = planFlash({ board: 'pico', model, runtime });
    expect(p.method).toBe('picoboot');
    expect(p.regions.map((r) => [r.address, r.data.length])).toEqual([
      [0x10000000, 40_000],
      [0x10180100, p.slotImage.length - 256],
      [0x10180000, 256],
    ]);
    expect(p.totalBytes).toBe(40_000 + p.slotImage.length);
    expect(planFlash({ board: 'pico', model, runtime, firmwarePresent: true }).regions).toHaveLength(2);
  });

  it('splits by 4 KB sector for esptool and builds one contiguous image for plain DFU', () => {
    const e = planFlash({ board: 'nano-esp32', model });
    expect(e.regions.map((r) => r.address)).toEqual([0x610000 + 4096, 0x610000]);
    expect(e.regions[1].data.length).toBe(4096);
    const d = planFlash({ board: 'uno-r4-minima', model, runtime });
    expect(d.regions).toHaveLength(1);
    const whole = d.regions[0].data;
    expect(d.regions[0].address).toBe(0x4000);
    expect(same(whole.subarray(0, runtime.length), runtime)).toBe(true);
    expect(whole[runtime.length]).toBe(0xff);
    expect(slotAt(whole, 0x30000 - 0x4000, 0x10000)).toMatchObject({ valid: true, header: { sequence: 42, arenaSize: fx.payload.arenaSize } });
  });

  it('rejects what cannot work, with clear errors', () => {
    expect(() => planFlash({ board: 'uno-r4-minima', model })).toThrow(expect.objectContaining({ code: 'needs-runtime-image' }));
    expect(() => planFlash({ board: 'pico', model: { ...model, payload: { ...fx.payload, bytes: new Uint8Array(0x80000) } as SlotPayload } })).toThrow(expect.objectContaining({ code: 'model-too-large' }));
    expect(() => planFlash({ board: 'pico', model, runtime: new Uint8Array(0x190000) })).toThrow(expect.objectContaining({ code: 'runtime-overlaps-slot' }));
    expect(() => planFlash({ board: 'pico', model, method: 'dfuse' })).toThrow(expect.objectContaining({ code: 'unsupported-method' }));
    expect(() => planFlash({ board: 'atari' as never, model })).toThrow(expect.objectContaining({ code: 'unknown-board' }));
    expect(() => planToUf2(planFlash({ board: 'portenta-h7', model }))).toThrow(expect.objectContaining({ code: 'no-uf2' }));
  });

  it('makes a drag-and-drop UF2 whose blocks rebuild the plan', () => {
    const p = planFlash({ board: 'pico2', model, runtime, method: 'uf2' });
    const file = planToUf2(p);
    const dv = new DataView(file.buffer);
    const mem = new Map<number, number>();
    for (let at = 0; at < file.length; at += 512) {
      expect(dv.getUint32(at + 28, true)).toBe(0xe48bff59);
      const addr = dv.getUint32(at + 12, true);
      for (let i = 0; i < 256; i++) mem.set(addr + i, file[at + 32 + i]);
    }
    expect(dv.getUint32(file.length - 512 + 12, true)).toBe(0x10300000); // header block last
    let mismatches = 0;
    for (const r of p.regions) r.data.forEach((b, i) => mem.get(r.address + i) !== b && mismatches++);
    expect(mismatches).toBe(0);
  });

  it('flashes a plan end to end into the Pico and H7 simulators', async () => {
    const pico = new PicobootSim();
    const pp = planFlash({ board: 'pico', model, runtime });
    await flashPico(pico, { regions: pp.slotRegions, runtime: pp.runtime }, { clock: pico.clock });
    expect(same(pico.flashBytes.subarray(0, runtime.length), runtime)).toBe(true);
    expect(slotAt(pico.flashBytes, 0x180000, PICO_SLOT.size)).toMatchObject({ valid: true, header: { length: payloadBytes.length, sequence: 42 } });

    const h7 = new DfuSim({ variant: 'dfuse' });
    const hp = planFlash({ board: 'portenta-h7', model, runtime });
    await flashDfu(h7, { regions: hp.regions }, { clock: h7.clock });
    expect(same(h7.memory.subarray(0x40000, 0x40000 + runtime.length), runtime)).toBe(true);
    expect(slotAt(h7.memory, 0x180000, 0x80000)).toMatchObject({ valid: true, header: { length: payloadBytes.length, sequence: 42 } });
    expect(Object.keys(FLASH_BOARDS).length).toBeGreaterThan(5);
  });
});
