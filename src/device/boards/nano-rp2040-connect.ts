/** Arduino Nano RP2040 Connect (LSM6DSOX). DOM-free core module. */
import type { BoardDef } from './board.ts';

export const nanoRp2040Connect: BoardDef = {
  id: 'nano-rp2040-connect',
  name: 'Arduino Nano RP2040 Connect',
  usb: [{ vendorId: 0x2341, productId: 0x005e }, { vendorId: 0x2341, productId: 0x805e }, { vendorId: 0x2341, productId: 0x025e }],
  bootUsb: [{ vendorId: 0x2e8a, productId: 0x0003 }],
  sensors: 'LSM6DSOX',
  flashMethod: 'picoboot',
  // 16 MB QSPI flash mapped at 0x10000000; slot at 14 MB.
  modelSlot: { address: 0x10e00000, size: 0x40000 },
  arenaCapacity: 96 * 1024,
  fqbn: 'arduino:mbed_nano:nanorp2040connect',
  uf2Family: 'rp2040',
  runtime: true,
};
