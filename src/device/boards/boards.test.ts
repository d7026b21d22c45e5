import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { BOARDS, isRpBootRom } from './index.ts';
import { USB_VENDORS } from './usb-vendors.ts';

const srcRoot = join(import.meta.dirname, '..', '..');

describe('the board table is the one source of USB IDs', () => {
  it('every vendor of a board (sketch or bootloader) is offered by the port picker', () => {
    const known = new Set(USB_VENDORS.map((v) => v.vendorId));
    for (const b of BOARDS) for (const u of [...b.usb, ...b.bootUsb]) expect(known.has(u.vendorId), `${b.id} ${u.vendorId.toString(16)}`).toBe(true);
  });

  it('the RP2040/RP2350 boot ROM IDs come from the boards with an rp2 UF2 family', () => {
    for (const b of BOARDS.filter((x) => x.uf2Family?.startsWith('rp2'))) for (const u of b.bootUsb) expect(isRpBootRom(u.vendorId, u.productId)).toBe(true);
    expect(isRpBootRom(0x2e8a, 0x000a)).toBe(false); // the Pico running a sketch
    expect(isRpBootRom(0x2341, 0x005a)).toBe(false); // Nano 33 BLE bootloader
  });

  it('no module of src/device or src/data writes a board vendor ID outside src/device/boards', () => {
    const vendorIds = new Set(BOARDS.flatMap((b) => [...b.usb, ...b.bootUsb].map((u) => u.vendorId)));
    const pattern = new RegExp(`\\b0x0*(${[...vendorIds].map((v) => v.toString(16)).join('|')})\\b`, 'i');
    const offenders: string[] = [];
    for (const dir of ['device', 'data', 'ml', 'dsp', 'core']) {
      for (const f of readdirSync(join(srcRoot, dir), { recursive: true, encoding: 'utf8' })) {
        const rel = relative(srcRoot, join(srcRoot, dir, f)).split(sep).join('/');
        if (!/\.ts$/.test(f) || /\.test\.ts$/.test(f) || rel.startsWith('device/boards/') || rel.includes('/test-support/')) continue;
        if (pattern.test(readFileSync(join(srcRoot, rel), 'utf8'))) offenders.push(rel);
      }
    }
    expect(offenders).toEqual([]);
  });
});
