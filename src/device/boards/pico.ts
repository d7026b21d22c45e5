/** Raspberry Pi Pico / Pico 2 with an external MPU6050 or LSM6DS3 on I²C. DOM-free core module. */
import type { BoardDef } from './board.ts';

export const pico: BoardDef = {
  id: 'pico',
  name: 'Raspberry Pi Pico (with I²C IMU)',
  usb: [{ vendorId: 0x2e8a, productId: 0x000a }, { vendorId: 0x2e8a, productId: 0x00c0 }],
  bootUsb: [{ vendorId: 0x2e8a, productId: 0x0003 }],
  sensors: 'MPU6050 or LSM6DS3 on I²C (SDA GP4, SCL GP5)',
  flashMethod: 'picoboot',
  // 2 MB flash: the last 256 KB.
  modelSlot: { address: 0x101c0000, size: 0x40000 },
  arenaCapacity: 96 * 1024,
  fqbn: 'rp2040:rp2040:rpipico',
  uf2Family: 'rp2040',
  runtime: true,
};

export const pico2: BoardDef = {
  id: 'pico2',
  name: 'Raspberry Pi Pico 2 (with I²C IMU)',
  usb: [{ vendorId: 0x2e8a, productId: 0x0009 }, { vendorId: 0x2e8a, productId: 0x000a }],
  bootUsb: [{ vendorId: 0x2e8a, productId: 0x000f }],
  sensors: 'MPU6050 or LSM6DS3 on I²C (SDA GP4, SCL GP5)',
  flashMethod: 'picoboot',
  // 4 MB flash: the last 256 KB.
  modelSlot: { address: 0x103c0000, size: 0x40000 },
  arenaCapacity: 128 * 1024,
  fqbn: 'rp2040:rp2040:rpipico2',
  uf2Family: 'rp2350-arm-s',
  runtime: true,
};
