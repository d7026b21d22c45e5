/**
 * Raspberry Pi Pico / Pico 2 with an external MPU6050 or LSM6DS3 on I²C. DOM-free core module.
 *
 * arduino-pico lays flash out as sketch | LittleFS (size from the "Flash Size" menu, 0 by default) |
 * EEPROM emulation (the last 4 KB sector). The slot ends right below the EEPROM sector, so it is safe
 * with the default "no FS" option; the firmware checks the linker symbols _FS_start/_FS_end,
 * _EEPROM_start and __flash_binary_end at boot and refuses a slot that overlaps any of them.
 *
 * The Pico's runtime is the prebuilt image (public/firmware/tinyml-runtime-rp2040.uf2, built by
 * firmware/pico with the pico-sdk and TFLite Micro): it uses this same slot, and its tensor arena is
 * the build record's `arenaBytes`. An arduino-pico build of firmware/tinyml_runtime has no TFLite
 * Micro library to link (no TFLM Arduino library lists the rp2040 architecture), so it runs no model.
 */
import build from '../../../public/firmware/tinyml-runtime-rp2040.json' with { type: 'json' };
import type { BoardDef } from './board.ts';

export const pico: BoardDef = {
  id: 'pico',
  name: 'Raspberry Pi Pico (with I²C IMU)',
  usb: [{ vendorId: 0x2e8a, productId: 0x000a }, { vendorId: 0x2e8a, productId: 0x00c0 }],
  bootUsb: [{ vendorId: 0x2e8a, productId: 0x0003 }],
  sensors: 'MPU6050 or LSM6DS3 on I²C (SDA GP4, SCL GP5)',
  deployMethods: ['picoboot', 'uf2', 'serial'],
  // 2 MB flash: 1.5 MB for the sketch, then 508 KB of slot up to the EEPROM sector at 0x101ff000.
  modelSlot: { address: 0x10180000, size: 0x7f000, sectorSize: 4096 },
  flash: { base: 0x10000000, size: 2 << 20, runtimeAddress: 0x10000000 },
  // The prebuilt image's TINYML_ARENA_BYTES (98304), from its build record.
  arenaCapacity: build.arenaBytes,
  fqbn: 'rp2040:rp2040:rpipico',
  uf2Family: 'rp2040',
  runtime: true,
  firmwareCondition: 'defined(ARDUINO_ARCH_RP2040) && !defined(ARDUINO_ARCH_MBED) && !defined(PICO_RP2350)',
  notes:
    `Install the prebuilt runtime image (tinyml-runtime-rp2040.uf2, pico-sdk + TFLite Micro, ${Math.round(build.arenaBytes / 1024)} KB tensor arena) ` +
    'over WebUSB or by drag-and-drop in BOOTSEL mode; no Arduino IDE needed. An Arduino IDE (arduino-pico) build of the runtime sketch has no ' +
    'TFLite Micro library for RP2040, so it cannot run a model: use the image.',
};

export const pico2: BoardDef = {
  id: 'pico2',
  name: 'Raspberry Pi Pico 2 (with I²C IMU)',
  usb: [{ vendorId: 0x2e8a, productId: 0x0009 }, { vendorId: 0x2e8a, productId: 0x000a }],
  bootUsb: [{ vendorId: 0x2e8a, productId: 0x000f }],
  sensors: 'MPU6050 or LSM6DS3 on I²C (SDA GP4, SCL GP5)',
  deployMethods: ['picoboot', 'uf2', 'serial'],
  // 4 MB flash: 3 MB for the sketch, then 1020 KB of slot up to the EEPROM sector at 0x103ff000.
  modelSlot: { address: 0x10300000, size: 0xff000, sectorSize: 4096 },
  flash: { base: 0x10000000, size: 4 << 20, runtimeAddress: 0x10000000 },
  arenaCapacity: 128 * 1024,
  fqbn: 'rp2040:rp2040:rpipico2',
  uf2Family: 'rp2350-arm-s',
  runtime: true,
  firmwareCondition: 'defined(ARDUINO_ARCH_RP2040) && !defined(ARDUINO_ARCH_MBED) && defined(PICO_RP2350)',
};
