/**
 * Arduino boards whose bootloader is USB DFU (STM32 DfuSe or plain DFU). The runtime firmware does
 * not support them yet (no IMU/flash glue in firmware/); their model slots are the flashers'
 * convention for images built elsewhere. DOM-free core module.
 */
import type { BoardDef, DeployMethod, FlashLayout, ModelSlotDef } from './board.ts';

const dfuBoard = (
  id: string, name: string, sketchPid: number, bootPid: number, method: 'dfu' | 'dfuse', fqbn: string,
  slot: ModelSlotDef, flash: FlashLayout, deployMethods: DeployMethod[] = [method, 'serial'],
): BoardDef => ({
  id, name,
  usb: [{ vendorId: 0x2341, productId: sketchPid }],
  bootUsb: [{ vendorId: 0x2341, productId: bootPid }],
  sensors: 'depends on the shield / carrier',
  deployMethods,
  modelSlot: slot,
  flash,
  arenaCapacity: 0,
  fqbn,
  runtime: false,
});

// STM32H747 (2 MB, 128 KB sectors): bootloader 0x08000000..0x08040000, M7 sketch from 0x08040000 with
// the default "2 MB M7" split; the slot is the last 512 KB.
const h7Slot: ModelSlotDef = { address: 0x08180000, size: 0x80000, sectorSize: 128 * 1024 };
const h7Flash: FlashLayout = { base: 0x08000000, size: 2 << 20, runtimeAddress: 0x08040000 };

export const portentaH7 = dfuBoard('portenta-h7', 'Arduino Portenta H7', 0x025b, 0x035b, 'dfuse', 'arduino:mbed_portenta:envie_m7', h7Slot, h7Flash);
export const niclaVision = dfuBoard('nicla-vision', 'Arduino Nicla Vision', 0x025f, 0x035f, 'dfuse', 'arduino:mbed_nicla:nicla_vision', h7Slot, h7Flash);
export const gigaR1 = dfuBoard('giga-r1', 'Arduino GIGA R1 WiFi', 0x0266, 0x0366, 'dfuse', 'arduino:mbed_giga:giga', h7Slot, h7Flash);
export const opta = dfuBoard('opta', 'Arduino Opta', 0x0064, 0x0364, 'dfuse', 'arduino:mbed_opta:opta', h7Slot, h7Flash);
// RA4M1 (256 KB code flash, 2 KB blocks; EEPROM is the separate data flash): bootloader 0..0x4000,
// sketch from 0x4000, slot = the last 64 KB.
export const unoR4Minima = dfuBoard('uno-r4-minima', 'Arduino UNO R4 Minima', 0x0069, 0x0369, 'dfu', 'arduino:renesas_uno:minima',
  { address: 0x30000, size: 0x10000, sectorSize: 2048 }, { base: 0, size: 256 * 1024, runtimeAddress: 0x4000 });
// ESP32-S3 (16 MB) with the board's default partition table (app 0x10000 and 0x310000, 3 MB each; ffat
// from 0x610000): the slot is the first MB of the ffat partition.
export const nanoEsp32: BoardDef = {
  ...dfuBoard('nano-esp32', 'Arduino Nano ESP32 (ESP32-S3)', 0x0070, 0x0070, 'dfu', 'arduino:esp32:nano_nora',
    { address: 0x610000, size: 0x100000, sectorSize: 4096 }, { base: 0, size: 16 << 20, runtimeAddress: 0 }, ['esptool', 'serial']),
  uf2Family: 'esp32s3',
};
