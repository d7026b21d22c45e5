/**
 * The prebuilt RP2040 runtime firmware the app ships (public/firmware/, precached by the PWA): its
 * build record, the UF2 image checked against the record's SHA-256, and the image decoded into the
 * flash regions PICOBOOT writes. DOM-free core module; the caller supplies a same-origin fetch.
 */
import { StudioError, type ErrorCode } from '../core/errors.ts';
import type { BoardFlashInfo } from './flash-plan.ts';
import type { FlashRegion } from './flash-region.ts';
import { hex } from './flash-region.ts';
import { readUf2, UF2_FAMILIES } from './uf2/uf2.ts';

/** Paths relative to the app's origin root (public/ in the repository). */
export const RUNTIME_IMAGE_PATH = 'firmware/tinyml-runtime-rp2040.uf2';
export const RUNTIME_RECORD_PATH = 'firmware/tinyml-runtime-rp2040.json';
export const RUNTIME_IMAGE_NAME = 'tinyml-runtime-rp2040.uf2';

/** The fields of the build record this module reads (the record holds more: toolchain, sources…). */
export interface RuntimeRecord {
  firmwareVersion: string;
  arenaBytes: number;
  sizes: Record<string, number>;
  runtimeFlashBytes: number;
  imageSha256: string;
  slot: unknown;
}

export interface RuntimeImage {
  record: RuntimeRecord;
  uf2: Uint8Array;
  /** Flash regions in address order, page aligned (what the boot ROM would write from the UF2). */
  regions: FlashRegion[];
  bytes: number;
}

function imageError(code: ErrorCode<'flash'>, message: string, remedy: string, cause?: unknown): StudioError {
  return new StudioError({ family: 'flash', code, message, remedy, cause });
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const d = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return Array.from(d, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function parseRuntimeRecord(text: string): RuntimeRecord {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch (e) {
    throw imageError('runtime-record-invalid', 'The runtime firmware\'s build record is not valid JSON.', 'Reload the app; if it persists, the installed copy is damaged — clear the site data.', e);
  }
  const r = j as Partial<RuntimeRecord>;
  if (!r || typeof r.imageSha256 !== 'string' || !/^[0-9a-f]{64}$/i.test(r.imageSha256) || typeof r.firmwareVersion !== 'string') {
    throw imageError('runtime-record-invalid', 'The runtime firmware\'s build record has no image hash or version.', 'Reload the app; if it persists, report it.');
  }
  return r as RuntimeRecord;
}

/**
 * Checks the image against its record and decodes it for `board` (RP2040 family, inside flash, clear
 * of the model slot so a model already on the board survives).
 */
export async function decodeRuntimeImage(uf2: Uint8Array, record: RuntimeRecord, board: BoardFlashInfo): Promise<RuntimeImage> {
  const sha = await sha256Hex(uf2);
  if (sha !== record.imageSha256.toLowerCase()) {
    throw imageError('runtime-image-mismatch', `The runtime firmware image does not match its build record (SHA-256 ${sha.slice(0, 12)}…, expected ${record.imageSha256.slice(0, 12)}…).`, 'Reload the app so it fetches a fresh copy; never flash an image that fails this check.');
  }
  const img = readUf2(uf2);
  if (img.familyId !== UF2_FAMILIES.rp2040 || board.uf2Family !== UF2_FAMILIES.rp2040) {
    throw imageError('runtime-wrong-board', `The runtime image is for RP2040 boards; ${board.name} needs its own build.`, 'Pick a Raspberry Pi Pico (RP2040), or build the firmware for this board with the Arduino IDE.');
  }
  const slot = board.modelSlot;
  const rs = record.slot as { address?: unknown; size?: unknown } | null | undefined;
  if (rs && typeof rs.address === 'number' && (rs.address !== slot.address || rs.size !== slot.size)) {
    throw imageError('runtime-slot-layout', `The runtime image keeps its model slot at ${hex(rs.address)}, but the app writes ${board.name}'s slot at ${hex(slot.address)}.`, 'Rebuild the image from firmware/ (the board table and the firmware must agree), or report it.');
  }
  for (const s of img.segments) {
    const end = s.address + s.data.length;
    if (s.address < board.flashBase || end > board.flashBase + board.flashSize || s.address % 256) {
      throw imageError('runtime-image-range', `The runtime image writes ${hex(s.address)}…${hex(end)}, outside ${board.name}'s flash.`, 'Use the image the app ships.');
    }
    if (s.address < slot.address + slot.size && end > slot.address) {
      throw imageError('runtime-overlaps-slot', `The runtime image runs into the model slot at ${hex(slot.address)}.`, 'Use the image the app ships (its linker script keeps the slot free).');
    }
  }
  const regions = img.segments.map((s) => ({ address: s.address, data: s.data, label: 'runtime firmware' }));
  return { record, uf2, regions, bytes: regions.reduce((n, r) => n + r.data.length, 0) };
}

/** Fetches record and image (same origin) and decodes them. */
export async function loadRuntimeImage(fetchBytes: (path: string) => Promise<Uint8Array>, board: BoardFlashInfo): Promise<RuntimeImage> {
  let recordBytes: Uint8Array;
  let uf2: Uint8Array;
  try {
    [recordBytes, uf2] = await Promise.all([fetchBytes(RUNTIME_RECORD_PATH), fetchBytes(RUNTIME_IMAGE_PATH)]);
  } catch (e) {
    throw imageError('runtime-image-missing', 'The runtime firmware image could not be loaded.', 'Check that the app finished installing (it works offline once installed), then reload and try again.', e);
  }
  return decodeRuntimeImage(uf2, parseRuntimeRecord(new TextDecoder().decode(recordBytes)), board);
}
