/** Arduino Nano RP2040 Connect (LSM6DSOX). DOM-free core module. */
import type { BoardDef } from './board.ts';

export const nanoRp2040Connect: BoardDef = {
  id: 'nano-rp2040-connect',
  name: 'Arduino Nano RP2040 Connect',
  usb: [{ vendorId: 0x2341, productId: 0x005e }, { vendorId: 0x2341, productId: 0x805e }, { vendorId: 0x2341, productId: 0x025e }],
  bootUsb: [{ vendorId: 0x2e8a, productId: 0x0003 }],
  sensors: 'LSM6DSOX',
  deployMethods: ['picoboot', 'uf2', 'serial'],
  // 16 MB QSPI flash mapped at 0x10000000: slot = the 15th MB. The last MB stays free for the
  // LittleFS/KVStore libraries of the mbed core, which place their block device at the end of flash.
  modelSlot: { address: 0x10e00000, size: 0x100000, sectorSize: 4096 },
  flash: { base: 0x10000000, size: 16 << 20, runtimeAddress: 0x10000000 },
  arenaCapacity: 96 * 1024,
  fqbn: 'arduino:mbed_nano:nanorp2040connect',
  uf2Family: 'rp2040',
  runtime: true,
  firmwareCondition: 'defined(ARDUINO_NANO_RP2040_CONNECT)',
};
