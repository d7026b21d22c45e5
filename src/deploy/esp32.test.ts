import { describe, it, expect } from 'vitest';
import { espWriteList, flashEsp32 } from './esp32.ts';
import type { EspFile, EspFlashBackend } from './esp32.ts';
import { planFlash } from './flash-plan.ts';
import { payloadFixture } from './test-support/payload-fixture.ts';
import { readSlot, MemoryFlash } from '../device/protocol/model-slot.ts';

class FakeEsp implements EspFlashBackend {
  flash = new Uint8Array(16 << 20).fill(0xff);
  calls: string[] = [];
  failWith?: Error;
  async connect() {
    this.calls.push('connect');
    return 'ESP32-S3';
  }
  async writeFlash(files: EspFile[], onProgress: (i: number, w: number, t: number) => void) {
    if (this.failWith) throw this.failWith;
    files.forEach((f, i) => {
      // esptool erases each file's 4 KB sectors, then writes it.
      this.flash.fill(0xff, f.address, Math.ceil((f.address + f.data.length) / 4096) * 4096);
      this.flash.set(f.data, f.address);
      onProgress(i, f.data.length, f.data.length);
    });
    this.calls.push(`write ${files.map((f) => f.address.toString(16)).join(',')}`);
  }
  async hardReset() {
    this.calls.push('reset');
  }
  async disconnect() {
    this.calls.push('disconnect');
  }
}

const model = { payload: payloadFixture().payload, sequence: 5 };

describe('ESP32 flashing through esptool', () => {
  it('writes the model partition (header sector last) and the slot reads back valid', async () => {
    const plan = planFlash({ board: 'nano-esp32', model });
    const files = espWriteList(plan);
    expect(files.map((f) => f.address)).toEqual([0x611000, 0x610000]);
    const esp = new FakeEsp();
    const fractions: number[] = [];
    const r = await flashEsp32(esp, files, { onProgress: (p) => p.fraction !== undefined && fractions.push(p.fraction) });
    expect(r).toEqual({ chip: 'ESP32-S3', bytesWritten: plan.slotImage.length });
    expect(esp.calls).toEqual(['connect', 'write 611000,610000', 'reset', 'disconnect']);
    expect(fractions.at(-1)).toBe(1);
    const s = readSlot(new MemoryFlash(0x100000, 4096, 256, esp.flash.subarray(0x610000, 0x710000)));
    expect(s).toMatchObject({ valid: true, header: { sequence: 5 } });
  });

  it('writes the whole image first when the runtime firmware is given', () => {
    const plan = planFlash({ board: 'nano-esp32', model, runtime: new Uint8Array(0x2000).fill(1) });
    expect(espWriteList(plan).map((f) => f.address)).toEqual([0x0, 0x611000, 0x610000]);
    expect(() => espWriteList(planFlash({ board: 'pico', model }))).toThrow(/not esptool/);
  });

  it('turns esptool failures into a StudioError with a remedy', async () => {
    const esp = new FakeEsp();
    esp.failWith = new Error('Failed to connect with the device');
    await expect(flashEsp32(esp, [{ address: 0x610000, data: new Uint8Array(16) }])).rejects.toMatchObject({ code: 'esp-flash-failed', remedy: expect.stringMatching(/BOOT/) });
    expect(esp.calls.at(-1)).toBe('disconnect');
  });
});
