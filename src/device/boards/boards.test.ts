import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { BOARDS, isRpBootRom } from './index.ts';
import { USB_BOOTLOADERS, USB_VENDORS } from './usb-vendors.ts';

const srcRoot = join(import.meta.dirname, '..', '..');

/** Every vendor ID the app knows, written as a hex literal. */
const vendorIds = new Set([...BOARDS.flatMap((b) => [...b.usb, ...b.bootUsb]), ...USB_VENDORS, ...USB_BOOTLOADERS].map((u) => u.vendorId));
const VENDOR_LITERAL = new RegExp(`\\b0x0*(${[...vendorIds].map((v) => v.toString(16)).join('|')})\\b`, 'i');
/** A product ID written as a number next to its name: `productId: 0x…`, `productId === 0x…`. */
const PRODUCT_LITERAL = /\b(usb)?productId\s*(:|===?|!==?)\s*0x[0-9a-f]+/i;

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

  it('no module of src/device, src/deploy or the other core folders writes a USB vendor or product ID outside src/device/boards', () => {
    const offenders: string[] = [];
    for (const dir of ['device', 'deploy', 'data', 'ml', 'dsp', 'core']) {
      for (const f of readdirSync(join(srcRoot, dir), { recursive: true, encoding: 'utf8' })) {
        const rel = relative(srcRoot, join(srcRoot, dir, f)).split(sep).join('/');
        if (!/\.ts$/.test(f) || /\.test\.ts$/.test(f) || rel.startsWith('device/boards/')) continue;
        const text = readFileSync(join(srcRoot, rel), 'utf8');
        if (VENDOR_LITERAL.test(text) || PRODUCT_LITERAL.test(text)) offenders.push(rel);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('the scan sees an ID table when there is one', () => {
    expect(VENDOR_LITERAL.test('{ vendor: 0x2E8A, product: 3 }')).toBe(true);
    expect(VENDOR_LITERAL.test('options.vendor ?? (dfuse ? 0x0483 : other)')).toBe(true);
    expect(PRODUCT_LITERAL.test("this.chip = device.productId === 0x000f ? 'a' : 'b'")).toBe(true);
    expect(PRODUCT_LITERAL.test('{ usbVendorId: v, usbProductId: 0x000a }')).toBe(true);
    expect(PRODUCT_LITERAL.test('{ address: 0x2e8a0, productId: id.productId }')).toBe(false);
  });
});
