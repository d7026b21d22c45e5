/**
 * Board lookup by USB IDs. DOM-free core module.
 */
import { gigaR1, nanoEsp32, niclaVision, opta, portentaH7, unoR4Minima } from './arduino-dfu.ts';
import type { BoardDef, UsbId } from './board.ts';
import { esp32 } from './esp32.ts';
import { nano33bleSense } from './nano33ble-sense.ts';
import { nanoRp2040Connect } from './nano-rp2040-connect.ts';
import { pico, pico2 } from './pico.ts';
import { xiaoNrf52840Sense } from './xiao-nrf52840-sense.ts';

export type { BoardDef, DeployMethod, FlashLayout, ModelSlotDef, UsbId } from './board.ts';

export const BOARDS: BoardDef[] = [
  nano33bleSense, nanoRp2040Connect, pico, pico2, esp32, xiaoNrf52840Sense,
  portentaH7, niclaVision, gigaR1, opta, unoR4Minima, nanoEsp32,
];

export function boardById(id: string): BoardDef | null {
  return BOARDS.find((b) => b.id === id) ?? null;
}

/**
 * The board for a USB vendor/product pair (running sketch IDs first, then bootloader IDs).
 * Pass productId -1 to match on the vendor alone when that is unambiguous.
 */
export function findBoardByUsb(vendorId: number, productId: number): BoardDef | null {
  const hit = (list: 'usb' | 'bootUsb') => BOARDS.find((b) => b[list].some((u) => u.vendorId === vendorId && u.productId === productId));
  const b = hit('usb') ?? hit('bootUsb');
  if (b) return b;
  if (productId === -1) {
    const byVendor = BOARDS.filter((x) => x.usb.some((u) => u.vendorId === vendorId));
    return byVendor.length === 1 ? byVendor[0] : null;
  }
  return null;
}

/** True for the RP2040/RP2350 boot ROM (BOOTSEL) IDs. */
export function isRpBootRom(vendorId: number, productId: number): boolean {
  return BOARDS.some((b) => b.uf2Family?.startsWith('rp2') && b.bootUsb.some((u) => u.vendorId === vendorId && u.productId === productId));
}

/** The boot ROM's USB ID of an RP chip, read from the boards with that chip's UF2 family. */
export function rpBootRomUsb(chip: 'rp2040' | 'rp2350'): UsbId {
  const id = BOARDS.find((b) => b.uf2Family?.startsWith(chip) && b.bootUsb.length)?.bootUsb[0];
  if (!id) throw new Error(`no board of the table has the ${chip} boot ROM`);
  return id;
}

/** Which RP chip a boot ROM USB ID belongs to (null when it is none). */
export function rpBootRomChip(vendorId: number, productId: number): 'rp2040' | 'rp2350' | null {
  const b = BOARDS.find((x) => x.uf2Family?.startsWith('rp2') && x.bootUsb.some((u) => u.vendorId === vendorId && u.productId === productId));
  if (!b) return null;
  return b.uf2Family!.startsWith('rp2350') ? 'rp2350' : 'rp2040';
}
