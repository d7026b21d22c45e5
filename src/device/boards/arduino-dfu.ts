/**
 * Arduino boards whose bootloader is USB DFU (STM32 DfuSe or plain DFU). The runtime firmware does
 * not support them yet (no glue in firmware/); listed so ports are named and the DFU flasher knows the
 * IDs. DOM-free core module.
 */
import type { BoardDef } from './board.ts';

const dfuBoard = (id: string, name: string, sketchPid: number, bootPid: number, method: 'dfu' | 'dfuse', fqbn: string): BoardDef => ({
  id, name,
  usb: [{ vendorId: 0x2341, productId: sketchPid }],
  bootUsb: [{ vendorId: 0x2341, productId: bootPid }],
  sensors: 'depends on the shield / carrier',
  flashMethod: method,
  modelSlot: null,
  arenaCapacity: 0,
  fqbn,
  runtime: false,
});

export const portentaH7 = dfuBoard('portenta-h7', 'Arduino Portenta H7', 0x025b, 0x035b, 'dfuse', 'arduino:mbed_portenta:envie_m7');
export const niclaVision = dfuBoard('nicla-vision', 'Arduino Nicla Vision', 0x025f, 0x035f, 'dfuse', 'arduino:mbed_nicla:nicla_vision');
export const gigaR1 = dfuBoard('giga-r1', 'Arduino GIGA R1 WiFi', 0x0266, 0x0366, 'dfuse', 'arduino:mbed_giga:giga');
export const unoR4Minima = dfuBoard('uno-r4-minima', 'Arduino UNO R4 Minima', 0x0069, 0x0369, 'dfu', 'arduino:renesas_uno:minima');
export const nanoEsp32 = dfuBoard('nano-esp32', 'Arduino Nano ESP32', 0x0070, 0x0070, 'dfu', 'arduino:esp32:nano_nora');
