/**
 * Flash plans: which bytes go to which address for a board, a trained model and (optionally) the
 * full runtime firmware image. DOM-free core module.
 *
 * The model goes into the runtime firmware's model slot. The slot image (header, pending record,
 * progress words, model) comes from the serial/firmware side's encoder in
 * src/device/protocol/model-slot.ts, so there is one slot format. Plans list the slot's first page
 * (the header) as the last write, so an interrupted flash never leaves a valid-looking header over
 * a half-written model. Slot addresses per board must match the firmware's linker script /
 * partition table (firmware/).
 */
import { StudioError } from '../core/errors.ts';
import { buildModelSlotImage } from '../device/protocol/model-slot.ts';
import type { FlashRegion } from './flash-region.ts';
import { hex } from './flash-region.ts';
import { UF2_FAMILIES, writeUf2 } from './uf2/uf2.ts';

export type FlashMethod = 'picoboot' | 'uf2' | 'dfuse' | 'dfu' | 'esptool' | 'serial';

export interface BoardFlashInfo {
  id: string;
  name: string;
  /** Methods in order of preference. */
  methods: FlashMethod[];
  flashBase: number;
  flashSize: number;
  /** Where the runtime firmware image starts. */
  runtimeAddress: number;
  /** Sector-aligned model slot. */
  modelSlot: { address: number; size: number };
  /** Erase granularity at the slot. */
  sectorSize: number;
  uf2Family?: number;
}

/** Boards the flashers know. Slot addresses are this app's convention, shared with firmware/. */
export const FLASH_BOARDS = {
  pico: {
    id: 'pico', name: 'Raspberry Pi Pico (RP2040)', methods: ['picoboot', 'uf2', 'serial'],
    flashBase: 0x10000000, flashSize: 2 << 20, runtimeAddress: 0x10000000,
    modelSlot: { address: 0x10180000, size: 0x80000 }, sectorSize: 4096, uf2Family: UF2_FAMILIES.rp2040,
  },
  pico2: {
    id: 'pico2', name: 'Raspberry Pi Pico 2 (RP2350)', methods: ['picoboot', 'uf2', 'serial'],
    flashBase: 0x10000000, flashSize: 4 << 20, runtimeAddress: 0x10000000,
    modelSlot: { address: 0x10300000, size: 0x100000 }, sectorSize: 4096, uf2Family: UF2_FAMILIES['rp2350-arm-s'],
  },
  'nano-rp2040-connect': {
    id: 'nano-rp2040-connect', name: 'Arduino Nano RP2040 Connect', methods: ['picoboot', 'uf2', 'serial'],
    flashBase: 0x10000000, flashSize: 16 << 20, runtimeAddress: 0x10000000,
    modelSlot: { address: 0x10f00000, size: 0x100000 }, sectorSize: 4096, uf2Family: UF2_FAMILIES.rp2040,
  },
  'portenta-h7': {
    id: 'portenta-h7', name: 'Arduino Portenta H7', methods: ['dfuse', 'serial'],
    flashBase: 0x08000000, flashSize: 2 << 20, runtimeAddress: 0x08040000,
    modelSlot: { address: 0x08180000, size: 0x80000 }, sectorSize: 128 * 1024,
  },
  'nicla-vision': {
    id: 'nicla-vision', name: 'Arduino Nicla Vision', methods: ['dfuse', 'serial'],
    flashBase: 0x08000000, flashSize: 2 << 20, runtimeAddress: 0x08040000,
    modelSlot: { address: 0x08180000, size: 0x80000 }, sectorSize: 128 * 1024,
  },
  'giga-r1': {
    id: 'giga-r1', name: 'Arduino GIGA R1 WiFi', methods: ['dfuse', 'serial'],
    flashBase: 0x08000000, flashSize: 2 << 20, runtimeAddress: 0x08040000,
    modelSlot: { address: 0x08180000, size: 0x80000 }, sectorSize: 128 * 1024,
  },
  opta: {
    id: 'opta', name: 'Arduino Opta', methods: ['dfuse', 'serial'],
    flashBase: 0x08000000, flashSize: 2 << 20, runtimeAddress: 0x08040000,
    modelSlot: { address: 0x08180000, size: 0x80000 }, sectorSize: 128 * 1024,
  },
  'uno-r4-minima': {
    id: 'uno-r4-minima', name: 'Arduino UNO R4 Minima', methods: ['dfu', 'serial'],
    flashBase: 0x00000000, flashSize: 256 * 1024, runtimeAddress: 0x00004000,
    modelSlot: { address: 0x00030000, size: 0x10000 }, sectorSize: 2048,
  },
  'nano-esp32': {
    id: 'nano-esp32', name: 'Arduino Nano ESP32 (ESP32-S3)', methods: ['esptool', 'serial'],
    flashBase: 0x00000000, flashSize: 16 << 20, runtimeAddress: 0x00000000,
    modelSlot: { address: 0x00610000, size: 0x100000 }, sectorSize: 4096, uf2Family: UF2_FAMILIES.esp32s3,
  },
} as const satisfies Record<string, BoardFlashInfo>;

export type FlashBoardId = keyof typeof FLASH_BOARDS;

export interface ModelToFlash {
  /** The int8 .tflite flatbuffer. */
  tflite: Uint8Array;
  arenaSize: number;
  /** Increases with every deployment; the board reports it back in INFO. */
  sequence: number;
}

export interface PlanInput {
  board: FlashBoardId | BoardFlashInfo;
  model: ModelToFlash;
  /** The full runtime firmware image (starts at the board's runtimeAddress). */
  runtime?: Uint8Array;
  /** The caller knows whether the runtime firmware is on the board (e.g. from its INFO). */
  firmwarePresent?: boolean;
  method?: FlashMethod;
}

export interface FlashPlan {
  board: BoardFlashInfo;
  method: FlashMethod;
  /** The whole slot image at modelSlot.address. */
  slotImage: Uint8Array;
  /** Model-slot writes in order: body, then the header page. */
  slotRegions: FlashRegion[];
  /** Runtime firmware region, when given. */
  runtime?: FlashRegion;
  firmwarePresent?: boolean;
  /** Everything to write, in order, for flashers that cannot check the board first. */
  regions: FlashRegion[];
  /** Bytes to write with this plan. */
  totalBytes: number;
}

function planError(code: string, message: string, remedy: string): StudioError {
  return new StudioError({ family: 'flash', code, message, remedy });
}

export function boardInfo(board: FlashBoardId | BoardFlashInfo): BoardFlashInfo {
  if (typeof board !== 'string') return board;
  const b = (FLASH_BOARDS as Record<string, BoardFlashInfo>)[board];
  if (!b) throw planError('unknown-board', `"${board}" is not a board this app can flash.`, `Pick one of ${Object.keys(FLASH_BOARDS).join(', ')}.`);
  return b;
}

/** Builds the plan; throws clear StudioErrors for models that do not fit or images that overlap. */
export function planFlash(input: PlanInput): FlashPlan {
  const board = boardInfo(input.board);
  const method = input.method ?? board.methods[0];
  if (!board.methods.includes(method)) {
    throw planError('unsupported-method', `${board.name} cannot be flashed by ${method}.`, `Use ${board.methods.join(' or ')}.`);
  }
  const slotAddr = board.modelSlot.address;
  if (slotAddr % board.sectorSize) throw planError('bad-flash-plan', `The model slot ${hex(slotAddr)} is not sector aligned.`, 'This is a bug in the board table.');
  const slotImage = buildModelSlotImage(input.model.tflite, { sequence: input.model.sequence, arenaSize: input.model.arenaSize, slotSize: board.modelSlot.size });
  // esptool-js erases per written file in 4 KB sectors, so the split there is by sector, not page.
  const split = method === 'esptool' ? 4096 : 256;
  const slotRegions: FlashRegion[] = [
    ...(slotImage.length > split ? [{ address: slotAddr + split, data: slotImage.subarray(split), label: 'model' }] : []),
    { address: slotAddr, data: slotImage.subarray(0, Math.min(split, slotImage.length)), label: 'model slot header' },
  ];
  let runtime: FlashRegion | undefined;
  if (input.runtime) {
    if (input.runtime.length === 0) throw planError('bad-runtime-image', 'The runtime firmware image is empty.', 'Pick the firmware .bin built from firmware/.');
    const end = board.runtimeAddress + input.runtime.length;
    if (end > slotAddr && board.runtimeAddress < slotAddr + board.modelSlot.size) {
      throw planError('runtime-overlaps-slot', `The runtime firmware (${input.runtime.length} bytes) runs into the model slot at ${hex(slotAddr)}.`, 'Build the firmware for this board from firmware/ (its linker script keeps the slot free).');
    }
    if (end > board.flashBase + board.flashSize) throw planError('runtime-too-large', `The runtime firmware does not fit ${board.name}'s flash.`, 'Pick the firmware built for this board.');
    runtime = { address: board.runtimeAddress, data: input.runtime, label: 'runtime firmware' };
  }

  let regions: FlashRegion[];
  if (method === 'dfu') {
    // A plain DFU bootloader takes one contiguous application image: runtime, 0xFF gap, slot.
    if (!runtime) {
      throw planError('needs-runtime-image', `${board.name}'s DFU bootloader can only write the whole firmware.`, 'Send the model over the serial connection instead (the runtime firmware must be on the board), or provide the runtime firmware image.');
    }
    const whole = new Uint8Array(slotAddr - board.runtimeAddress + slotImage.length).fill(0xff);
    whole.set(runtime.data, 0);
    whole.set(slotImage, slotAddr - board.runtimeAddress);
    regions = [{ address: board.runtimeAddress, data: whole, label: 'firmware with model' }];
  } else if (method === 'serial') {
    regions = [];
  } else {
    regions = [...(runtime && input.firmwarePresent !== true ? [runtime] : []), ...slotRegions];
  }
  return {
    board,
    method,
    slotImage,
    slotRegions,
    runtime,
    firmwarePresent: input.firmwarePresent,
    regions,
    totalBytes: regions.reduce((s, r) => s + r.data.length, 0),
  };
}

/** The "download .uf2" fallback: the plan's regions as a UF2 file (header page last). */
export function planToUf2(plan: FlashPlan): Uint8Array {
  if (plan.board.uf2Family === undefined) {
    throw planError('no-uf2', `${plan.board.name} does not take UF2 files.`, `Use ${plan.board.methods.join(' or ')}.`);
  }
  const regions = plan.method === 'uf2' || plan.method === 'picoboot' ? plan.regions : [...(plan.runtime && plan.firmwarePresent !== true ? [plan.runtime] : []), ...plan.slotRegions];
  return writeUf2(regions.map((r) => ({ address: r.address, data: r.data })), { familyId: plan.board.uf2Family });
}
