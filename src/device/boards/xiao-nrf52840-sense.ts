/** Seeed XIAO nRF52840 Sense (LSM6DS3TR-C on I²C). DOM-free core module. */
import type { BoardDef } from './board.ts';

export const xiaoNrf52840Sense: BoardDef = {
  id: 'xiao-nrf52840-sense',
  name: 'Seeed XIAO nRF52840 Sense',
  usb: [{ vendorId: 0x2886, productId: 0x8045 }, { vendorId: 0x2886, productId: 0x0045 }],
  bootUsb: [{ vendorId: 0x2886, productId: 0x0045 }],
  sensors: 'LSM6DS3TR-C',
  deployMethods: ['serial'],
  // nRF52840, 1 MB flash: application from 0x27000 (after the SoftDevice area of the UF2 bootloader),
  // slot 0xc0000..0xf0000, below the bootloader at 0xf4000.
  modelSlot: { address: 0xc0000, size: 0x30000, sectorSize: 4096 },
  flash: { base: 0, size: 1 << 20, runtimeAddress: 0x27000 },
  arenaCapacity: 64 * 1024,
  fqbn: 'Seeeduino:mbed:xiaonRF52840Sense',
  uf2Family: 'nrf52840',
  runtime: true,
  firmwareCondition: 'defined(ARDUINO_SEEED_XIAO_NRF52840_SENSE)',
};
