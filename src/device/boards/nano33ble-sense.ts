/** Arduino Nano 33 BLE Sense Rev1 (LSM9DS1) and Rev2 (BMI270 + BMM150). DOM-free core module. */
import type { BoardDef } from './board.ts';

export const nano33bleSense: BoardDef = {
  id: 'nano33ble-sense',
  name: 'Arduino Nano 33 BLE Sense',
  usb: [{ vendorId: 0x2341, productId: 0x805a }],
  bootUsb: [{ vendorId: 0x2341, productId: 0x005a }],
  sensors: 'LSM9DS1 (Rev1) or BMI270 + BMM150 (Rev2), detected at run time',
  deployMethods: ['serial'],
  // nRF52840, 1 MB flash: bootloader 0..0x10000, sketch from 0x10000 (keep it under 704 KB), slot
  // 0xc0000..0xf0000; the last 64 KB stay free for mbed KVStore/FlashIAP storage libraries.
  modelSlot: { address: 0xc0000, size: 0x30000, sectorSize: 4096 },
  flash: { base: 0, size: 1 << 20, runtimeAddress: 0x10000 },
  arenaCapacity: 64 * 1024,
  fqbn: 'arduino:mbed_nano:nano33ble',
  runtime: true,
  firmwareCondition: 'defined(ARDUINO_ARDUINO_NANO33BLE)',
};
