/**
 * What the studio knows about a board: USB IDs (running sketch and bootloader), sensors, how a model
 * gets onto it, its flash layout and where the runtime firmware's model slot lives. DOM-free core module.
 *
 * This is the ONE table of model-slot addresses: src/deploy/flash-plan.ts derives its flash plans
 * from it and firmware/tinyml_runtime/board_slots.h is generated from it
 * (firmware/tools/gen-firmware.mjs; a test fails when the header is stale).
 */
/**
 * The one list of ways the deploy step can put a model on a board (flash plans, USB flashers and the
 * board table all use this type; a board lists its own in `deployMethods`, preferred first).
 */
export type DeployMethod = 'picoboot' | 'uf2' | 'dfuse' | 'dfu' | 'esptool' | 'serial';

export interface UsbId {
  vendorId: number;
  productId: number;
}

export interface ModelSlotDef {
  /** Absolute flash address as the flashers address it (XIP address on RP2040/RP2350), sector aligned. */
  address: number;
  /** Bytes, a multiple of sectorSize. */
  size: number;
  /** Erase granularity of the flash at the slot. */
  sectorSize: number;
}

export interface FlashLayout {
  /** Address of the first flash byte as the flashers see it. */
  base: number;
  /** Bytes of flash the flashers may write. */
  size: number;
  /** Where a full runtime firmware image starts. */
  runtimeAddress: number;
}

export interface BoardDef {
  id: string;
  name: string;
  /** IDs while a sketch (or our runtime) runs. */
  usb: UsbId[];
  /** IDs of the bootloader / boot ROM the flasher talks to. */
  bootUsb: UsbId[];
  /** Human list of on-board sensors, e.g. "LSM9DS1 (Rev1) or BMI270 + BMM150 (Rev2)". */
  sensors: string;
  /** Ways to put a model on the board, in order of preference (first = default). */
  deployMethods: DeployMethod[];
  /** Model slot; null if the board has no slot yet. */
  modelSlot: ModelSlotDef | null;
  /** Flash layout for whole-image writes; null if unknown. */
  flash: FlashLayout | null;
  /** Tensor arena the runtime firmware reserves, bytes. */
  arenaCapacity: number;
  /** arduino-cli FQBN for building firmware/tinyml_runtime. */
  fqbn?: string;
  /** UF2 family name when the bootloader takes UF2 files. */
  uf2Family?: 'rp2040' | 'rp2350-arm-s' | 'nrf52840' | 'esp32s3';
  /** Does the runtime firmware in firmware/ support it? */
  runtime: boolean;
  /**
   * C preprocessor condition selecting this board's slot in firmware/tinyml_runtime/board_slots.h
   * (runtime boards only), e.g. `defined(ARDUINO_RASPBERRY_PI_PICO)`.
   */
  firmwareCondition?: string;
  notes?: string;
}
