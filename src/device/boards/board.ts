/**
 * What the studio knows about a board: USB IDs (running sketch and bootloader), sensors, how a model
 * gets onto it, and where the runtime firmware's model slot lives. DOM-free core module.
 */
export type FlashMethod = 'picoboot' | 'dfu' | 'dfuse' | 'esptool' | 'serial-upload';

export interface UsbId {
  vendorId: number;
  productId: number;
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
  /** Preferred way to put a model on the board. */
  flashMethod: FlashMethod;
  /** Model slot: absolute flash address (as the flasher addresses it) and size; null if not supported yet. */
  modelSlot: { address: number; size: number } | null;
  /** Tensor arena the runtime firmware reserves, bytes. */
  arenaCapacity: number;
  /** arduino-cli FQBN for building firmware/tinyml_runtime. */
  fqbn?: string;
  /** UF2 family name when the bootloader takes UF2 files. */
  uf2Family?: 'rp2040' | 'rp2350-arm-s' | 'nrf52840' | 'esp32s3';
  /** Does the runtime firmware in firmware/ support it? */
  runtime: boolean;
  notes?: string;
}
