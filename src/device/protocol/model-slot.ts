/**
 * The runtime firmware's model slot: NOR-flash model, slot header/pending-record codecs and the
 * slot image builder. DOM-free core module.
 *
 * Slot layout (offsets from the sector-aligned slot start; numbers in ids.ts `SLOT`):
 *   0    header (32 B)          written LAST, after the CRC over flash matched: the model is active
 *   32   pending record (32 B)  written by MODEL_BEGIN: what is being uploaded (for resume after reset)
 *   64   progress words         one u32 per 1 KiB block of model data, programmed to 0 once in flash
 *   4096 payload                sector aligned; `length` and `crc32` of the header cover all of it
 * Header and pending record share one layout: magic u32, format version u16, header size u16,
 * length u32, crc32 u32, arena size u32, sequence u32, reserved u32 (0), record crc32 u32 (over bytes 0..27).
 *
 * Payload: the .tflite model alone, or (buildSlotPayload) the model, zero padding to 16 bytes, the
 * impulse descriptor (src/ml/export/impulse-descriptor.ts), zero padding to 4 bytes and a 16-byte
 * trailer {model length u32, descriptor offset u32, descriptor length u32, magic "TMLT" u32} that ends
 * the payload. The firmware reads the trailer to find the descriptor; a payload without one is a bare
 * model. The serial upload sends the payload as its "model" bytes, so the protocol is unchanged.
 */
import { StudioError } from '../../core/errors.ts';
import type { QuantParams } from '../../core/impulse.ts';
import { crc32 } from '../../core/crc.ts';
import { SLOT } from '../../core/slot-layout.ts';

/** A flash region with NOR semantics: erase sets 0xFF, program can only clear bits. */
export interface FlashMemory {
  readonly size: number;
  /** Erase granularity. */
  readonly sectorSize: number;
  /** Program granularity: addresses and lengths of `program` must be multiples of it. */
  readonly programUnit: number;
  read(addr: number, length: number): Uint8Array;
  erase(addr: number, length: number): void;
  program(addr: number, data: Uint8Array): void;
}

function flashError(message: string): StudioError {
  return new StudioError({ family: 'flash', code: 'flash-range', message, remedy: 'This is a bug in the caller.' });
}

/** In-memory NOR flash (the simulated board and tests). `bytes` may be shared with a file or a UI. */
export class MemoryFlash implements FlashMemory {
  readonly bytes: Uint8Array;
  /** Counters for tests and benches. */
  eraseCount = 0;
  programCount = 0;

  constructor(
    readonly size: number,
    readonly sectorSize = SLOT.SECTOR_SIZE,
    readonly programUnit = 256,
    initial?: Uint8Array,
  ) {
    this.bytes = new Uint8Array(size).fill(0xff);
    if (initial) this.bytes.set(initial.subarray(0, size));
  }

  read(addr: number, length: number): Uint8Array {
    if (addr < 0 || length < 0 || addr + length > this.size) throw flashError(`flash read ${addr}+${length} out of range`);
    return this.bytes.slice(addr, addr + length);
  }

  erase(addr: number, length: number): void {
    if (addr % this.sectorSize || length % this.sectorSize || addr < 0 || addr + length > this.size) {
      throw flashError(`flash erase ${addr}+${length} not sector aligned or out of range`);
    }
    this.bytes.fill(0xff, addr, addr + length);
    this.eraseCount++;
  }

  program(addr: number, data: Uint8Array): void {
    if (addr % this.programUnit || data.length % this.programUnit || addr < 0 || addr + data.length > this.size) {
      throw flashError(`flash program ${addr}+${data.length} not aligned to ${this.programUnit} or out of range`);
    }
    for (let i = 0; i < data.length; i++) this.bytes[addr + i] &= data[i];
    this.programCount++;
  }
}

export interface SlotRecord {
  magic: number;
  formatVersion: number;
  length: number;
  crc32: number;
  arenaSize: number;
  sequence: number;
}

export function encodeSlotRecord(r: Omit<SlotRecord, 'formatVersion'> & { formatVersion?: number }): Uint8Array {
  const b = new Uint8Array(SLOT.HEADER_SIZE);
  const v = new DataView(b.buffer);
  v.setUint32(0, r.magic >>> 0, true);
  v.setUint16(4, r.formatVersion ?? SLOT.FORMAT_VERSION, true);
  v.setUint16(6, SLOT.HEADER_SIZE, true);
  v.setUint32(8, r.length >>> 0, true);
  v.setUint32(12, r.crc32 >>> 0, true);
  v.setUint32(16, r.arenaSize >>> 0, true);
  v.setUint32(20, r.sequence >>> 0, true);
  v.setUint32(24, 0, true);
  v.setUint32(28, crc32(b, 0, 28), true);
  return b;
}

/** Parses a 32-byte record; null unless magic, version, size and record CRC are right. */
export function decodeSlotRecord(b: Uint8Array, magic: number): SlotRecord | null {
  if (b.length < SLOT.HEADER_SIZE) return null;
  const v = new DataView(b.buffer, b.byteOffset, SLOT.HEADER_SIZE);
  if (v.getUint32(0, true) !== magic) return null;
  if (v.getUint16(4, true) !== SLOT.FORMAT_VERSION || v.getUint16(6, true) !== SLOT.HEADER_SIZE) return null;
  if (v.getUint32(28, true) !== crc32(b, 0, 28)) return null;
  return {
    magic, formatVersion: SLOT.FORMAT_VERSION, length: v.getUint32(8, true), crc32: v.getUint32(12, true),
    arenaSize: v.getUint32(16, true), sequence: v.getUint32(20, true),
  };
}

/** Model bytes a slot of `slotSize` bytes can hold. */
export function slotCapacity(slotSize: number): number {
  const progressWords = (SLOT.DATA_OFFSET - SLOT.PROGRESS_OFFSET) / 4;
  return Math.max(0, Math.min(slotSize - SLOT.DATA_OFFSET, progressWords * SLOT.PROGRESS_BLOCK));
}

/**
 * The bytes to write at the slot address for a model (for the PICOBOOT / DFU / UF2 flashers that write
 * the slot directly): header, pending record, progress all-done, model at DATA_OFFSET. Padded with 0xFF
 * to a whole number of sectors.
 */
export function buildModelSlotImage(
  modelOrPayload: Uint8Array,
  opts: { sequence: number; arenaSize: number; slotSize?: number; descriptor?: Uint8Array },
): Uint8Array {
  if (modelOrPayload.length === 0) throw new StudioError({ family: 'model', code: 'empty-model', message: 'The model is empty.', remedy: 'Export the model again.' });
  const model = opts.descriptor ? buildSlotPayload(modelOrPayload, opts.descriptor) : modelOrPayload;
  if (opts.slotSize !== undefined && model.length > slotCapacity(opts.slotSize)) {
    throw new StudioError({
      family: 'flash', code: 'model-too-large',
      message: `The model (${model.length} bytes) does not fit the board's model slot (${slotCapacity(opts.slotSize)} bytes).`,
      remedy: 'Make the model smaller (fewer or narrower layers) or use a board with more flash.',
    });
  }
  const total = Math.ceil((SLOT.DATA_OFFSET + model.length) / SLOT.SECTOR_SIZE) * SLOT.SECTOR_SIZE;
  const img = new Uint8Array(total).fill(0xff);
  const c = crc32(model);
  const rec = { length: model.length, crc32: c, arenaSize: opts.arenaSize, sequence: opts.sequence };
  img.set(encodeSlotRecord({ magic: SLOT.HEADER_MAGIC, ...rec }), 0);
  img.set(encodeSlotRecord({ magic: SLOT.PENDING_MAGIC, ...rec }), SLOT.PENDING_OFFSET);
  const blocks = Math.ceil(model.length / SLOT.PROGRESS_BLOCK);
  img.fill(0, SLOT.PROGRESS_OFFSET, SLOT.PROGRESS_OFFSET + 4 * blocks);
  img.set(model, SLOT.DATA_OFFSET);
  return img;
}

declare const slotPayloadBrand: unique symbol;

/**
 * A slot payload that carries its impulse descriptor: made only by src/deploy/slot-payload.ts
 * `makeSlotPayload` (the brand keeps a bare model or hand-made bytes out of the deploy paths).
 */
export interface SlotPayload {
  /** Model + descriptor + trailer: what the slot header's length and CRC cover. */
  readonly bytes: Uint8Array;
  readonly modelLength: number;
  readonly descriptorLength: number;
  /** Tensor arena the model needs on the board, bytes (the slot header's arena field). */
  readonly arenaSize: number;
  /** The model's input/output quantization, as read from the .tflite (and put in the descriptor). */
  readonly input: QuantParams;
  readonly output: QuantParams;
  readonly [slotPayloadBrand]: true;
}

export interface SlotContent {
  header: SlotRecord | null;
  pending: SlotRecord | null;
  /** Header present and CRC over the payload matches. */
  valid: boolean;
  /** The model bytes (the whole payload when it has no descriptor trailer). */
  model: Uint8Array | null;
  /** The impulse descriptor bytes when the payload carries one. */
  descriptor: Uint8Array | null;
  /** Everything the header's length and CRC cover. */
  payload: Uint8Array | null;
}

/** Reads and verifies a slot from a flash (what the firmware does at boot). */
export function readSlot(flash: FlashMemory): SlotContent {
  const meta = flash.read(0, SLOT.HEADER_SIZE * 2);
  const header = decodeSlotRecord(meta.subarray(0, SLOT.HEADER_SIZE), SLOT.HEADER_MAGIC);
  const pending = decodeSlotRecord(meta.subarray(SLOT.PENDING_OFFSET), SLOT.PENDING_MAGIC);
  let valid = false;
  let model: Uint8Array | null = null;
  let descriptor: Uint8Array | null = null;
  let payload: Uint8Array | null = null;
  if (header && header.length > 0 && header.length <= slotCapacity(flash.size)) {
    const m = flash.read(SLOT.DATA_OFFSET, header.length);
    if (crc32(m) === header.crc32) {
      valid = true;
      payload = m;
      ({ model, descriptor } = splitSlotPayload(m));
    }
  }
  return { header, pending, valid, model, descriptor, payload };
}

const align = (n: number, a: number) => Math.ceil(n / a) * a;

/**
 * The slot payload for a model and its impulse descriptor: model, zeros to 16 bytes, descriptor,
 * zeros to 4 bytes, trailer {model length, descriptor offset, descriptor length, "TMLT"}. Upload it
 * with the serial protocol as the "model", or give the descriptor to buildModelSlotImage.
 */
export function buildSlotPayload(model: Uint8Array, descriptor: Uint8Array): Uint8Array {
  if (model.length === 0) throw new StudioError({ family: 'model', code: 'empty-model', message: 'The model is empty.', remedy: 'Export the model again.' });
  if (descriptor.length === 0) {
    throw new StudioError({ family: 'model', code: 'empty-descriptor', message: 'The impulse descriptor is empty.', remedy: 'Export the model again.' });
  }
  const descOffset = align(model.length, SLOT.PAYLOAD_ALIGN);
  const trailerAt = align(descOffset + descriptor.length, 4);
  const out = new Uint8Array(trailerAt + SLOT.TRAILER_SIZE);
  out.set(model, 0);
  out.set(descriptor, descOffset);
  const v = new DataView(out.buffer, trailerAt);
  v.setUint32(0, model.length, true);
  v.setUint32(4, descOffset, true);
  v.setUint32(8, descriptor.length, true);
  v.setUint32(12, SLOT.TRAILER_MAGIC, true);
  return out;
}

/** Splits a slot payload into model and descriptor (descriptor null for a bare model). Never throws. */
export function splitSlotPayload(payload: Uint8Array): { model: Uint8Array; descriptor: Uint8Array | null } {
  const n = payload.length;
  if (n >= SLOT.TRAILER_SIZE + 1) {
    const v = new DataView(payload.buffer, payload.byteOffset + n - SLOT.TRAILER_SIZE, SLOT.TRAILER_SIZE);
    const modelLength = v.getUint32(0, true);
    const descOffset = v.getUint32(4, true);
    const descLength = v.getUint32(8, true);
    const trailerAt = n - SLOT.TRAILER_SIZE;
    if (
      v.getUint32(12, true) === SLOT.TRAILER_MAGIC && modelLength > 0 && descLength > 0 &&
      descOffset === align(modelLength, SLOT.PAYLOAD_ALIGN) && align(descOffset + descLength, 4) === trailerAt
    ) {
      return { model: payload.slice(0, modelLength), descriptor: payload.slice(descOffset, descOffset + descLength) };
    }
  }
  return { model: payload.slice(), descriptor: null };
}
