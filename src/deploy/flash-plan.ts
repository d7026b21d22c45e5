/**
 * Flash plans: which bytes go to which address for a board, a trained model and (optionally) the
 * full runtime firmware image. DOM-free core module.
 *
 * The model goes into the runtime firmware's model slot. The slot image (header, pending record,
 * progress words, model + impulse descriptor) comes from the serial/firmware side's encoder in
 * src/device/protocol/model-slot.ts, so there is one slot format. Plans list the slot's first page
 * (the header) as the last write, so an interrupted flash never leaves a valid-looking header over
 * a half-written model. Board flash layouts and slot addresses come from src/device/boards/*.ts, the
 * one table the firmware's board_slots.h is generated from too.
 */
import { StudioError, type ErrorCode } from '../core/errors.ts';
import { buildModelSlotImage, type SlotPayload } from '../device/protocol/model-slot.ts';
import type { BoardDef, DeployMethod } from '../device/boards/board.ts';
import { gigaR1, nanoEsp32, niclaVision, opta, portentaH7, unoR4Minima } from '../device/boards/arduino-dfu.ts';
import { esp32 } from '../device/boards/esp32.ts';
import { nano33bleSense } from '../device/boards/nano33ble-sense.ts';
import { nanoRp2040Connect } from '../device/boards/nano-rp2040-connect.ts';
import { pico, pico2 } from '../device/boards/pico.ts';
import { xiaoNrf52840Sense } from '../device/boards/xiao-nrf52840-sense.ts';
import type { FlashRegion } from './flash-region.ts';
import { hex } from './flash-region.ts';
import { UF2_FAMILIES, writeUf2 } from './uf2/uf2.ts';

export type FlashMethod = DeployMethod;

export interface BoardFlashInfo {
  id: string;
  name: string;
  /** Methods in order of preference. */
  methods: readonly FlashMethod[];
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

/** The flash-plan view of a board from src/device/boards; throws when the board has no slot or layout. */
export function flashInfoFromBoard(b: BoardDef): BoardFlashInfo {
  if (!b.modelSlot || !b.flash) {
    throw planError('no-model-slot', `${b.name} has no model slot this app can write.`, 'Send the model over the serial connection of the runtime firmware, or pick another board.');
  }
  return {
    id: b.id,
    name: b.name,
    methods: b.deployMethods,
    flashBase: b.flash.base,
    flashSize: b.flash.size,
    runtimeAddress: b.flash.runtimeAddress,
    modelSlot: { address: b.modelSlot.address, size: b.modelSlot.size },
    sectorSize: b.modelSlot.sectorSize,
    ...(b.uf2Family ? { uf2Family: UF2_FAMILIES[b.uf2Family] } : {}),
  };
}

/**
 * Boards the Deploy step offers: those the USB/esptool flashers write directly and the runtime boards
 * that take the model over serial only (all take their layout from src/device/boards).
 */
const FLASHABLE = {
  pico, pico2, 'nano-rp2040-connect': nanoRp2040Connect,
  'portenta-h7': portentaH7, 'nicla-vision': niclaVision, 'giga-r1': gigaR1, opta,
  'uno-r4-minima': unoR4Minima, 'nano-esp32': nanoEsp32,
  'nano33ble-sense': nano33bleSense, 'xiao-nrf52840-sense': xiaoNrf52840Sense, esp32,
} satisfies Record<string, BoardDef>;

export type FlashBoardId = keyof typeof FLASHABLE;

export const FLASH_BOARDS: Readonly<Record<FlashBoardId, BoardFlashInfo>> = Object.fromEntries(
  Object.entries(FLASHABLE).map(([id, b]) => [id, flashInfoFromBoard(b)]),
) as Record<FlashBoardId, BoardFlashInfo>;

export interface ModelToFlash {
  /**
   * Model + impulse descriptor (src/deploy/slot-payload.ts `makeSlotPayload`, the one producer): a bare
   * .tflite cannot be planned. Its arena size goes into the slot header.
   */
  payload: SlotPayload;
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

function planError(code: ErrorCode<'flash'>, message: string, remedy: string): StudioError {
  return new StudioError({ family: 'flash', code, message, remedy });
}

export function boardInfo(board: FlashBoardId | BoardFlashInfo): BoardFlashInfo {
  if (typeof board !== 'string') return board;
  const b = (FLASH_BOARDS as Record<string, BoardFlashInfo>)[board];
  if (!b) throw planError('unknown-board', `"${board}" is not a board this app can flash.`, `Pick one of ${Object.keys(FLASH_BOARDS).join(', ')}.`);
  return b;
}

/** The slot image (header, pending record, progress words, payload) for a payload at a sequence. */
export function buildSlotImage(model: ModelToFlash, slotSize?: number): Uint8Array {
  return buildModelSlotImage(model.payload.bytes, { sequence: model.sequence, arenaSize: model.payload.arenaSize, slotSize });
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
  const slotImage = buildSlotImage(input.model, board.modelSlot.size);
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
