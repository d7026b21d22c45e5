/** Seeed XIAO nRF52840 Sense (LSM6DS3TR-C on I²C). DOM-free core module. */
import type { BoardDef } from './board.ts';

export const xiaoNrf52840Sense: BoardDef = {
  id: 'xiao-nrf52840-sense',
  name: 'Seeed XIAO nRF52840 Sense',
  usb: [{ vendorId: 0x2886, productId: 0x8045 }, { vendorId: 0x2886, productId: 0x0045 }],
  bootUsb: [{ vendorId: 0x2886, productId: 0x0045 }],
  sensors: 'LSM6DS3TR-C',
  flashMethod: 'serial-upload',
  modelSlot: { address: 0xc0000, size: 0x30000 },
  arenaCapacity: 64 * 1024,
  fqbn: 'Seeeduino:mbed:xiaonRF52840Sense',
  uf2Family: 'nrf52840',
  runtime: true,
};
