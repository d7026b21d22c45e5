/** ESP32 family boards (USB-serial bridge or native USB) with an I²C IMU. DOM-free core module. */
import type { BoardDef } from './board.ts';

export const esp32: BoardDef = {
  id: 'esp32',
  name: 'ESP32 board (with I²C IMU)',
  usb: [
    { vendorId: 0x10c4, productId: 0xea60 }, // CP210x bridge
    { vendorId: 0x1a86, productId: 0x7523 }, // CH340 bridge
    { vendorId: 0x1a86, productId: 0x55d4 }, // CH9102 bridge
    { vendorId: 0x303a, productId: 0x1001 }, // ESP32-S3/C3 native USB serial/JTAG
  ],
  bootUsb: [],
  sensors: 'MPU6050 or LSM6DS3 on I²C',
  deployMethods: ['esptool', 'serial'],
  // The default 4 MB partition table's "spiffs" data partition (0x290000, 1408 KB) is the model slot.
  modelSlot: { address: 0x290000, size: 0x160000, sectorSize: 4096 },
  flash: { base: 0, size: 4 << 20, runtimeAddress: 0 },
  arenaCapacity: 128 * 1024,
  fqbn: 'esp32:esp32:esp32',
  runtime: true,
  firmwareCondition: 'defined(ARDUINO_ARCH_ESP32) && !defined(ARDUINO_NANO_ESP32)',
  notes: 'Runtime firmware uses the "spiffs" data partition of the default partition table as model slot.',
};
