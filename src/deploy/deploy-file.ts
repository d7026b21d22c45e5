/**
 * Deploy files: the one function that turns a slot payload into the file a person copies or flashes
 * by hand — a UF2 for the RP2040/RP2350 boot ROM, or the slot image for any other board with a model
 * slot. The Deploy step's "download .uf2" and `tinyml deploy` both call it, so they write the same
 * bytes. DOM-free core module.
 *
 * Formats:
 *   uf2      the slot image as UF2 blocks for the board's boot ROM family (header page last)
 *   slot     the slot image (header, pending record, progress words, payload; 0xFF to whole 4 KB
 *            sectors): write it at the board's slot address (esptool write_flash, dfu-util -s, a probe)
 *   payload  the slot payload alone (model + descriptor + trailer): what the serial upload sends
 */
import { StudioError } from '../core/errors.ts';
import { BOARDS } from '../device/boards/index.ts';
import type { BoardDef } from '../device/boards/board.ts';
import { buildSlotImage, flashInfoFromBoard, planFlash, planToUf2, type BoardFlashInfo } from './flash-plan.ts';
import { hex } from './flash-region.ts';
import type { SlotPayload } from './slot-payload.ts';

export type DeployFileFormat = 'uf2' | 'slot' | 'payload';

export interface DeployFileBoard {
  id: string;
  name: string;
  /** Formats this board takes; the first is the default. */
  formats: DeployFileFormat[];
  slotAddress: number;
}

/** UF2 is offered for the boot ROMs that take drag-and-drop UF2 (RP2040 and RP2350). */
const UF2_ROMS = new Set(['rp2040', 'rp2350-arm-s']);

function fileBoard(b: BoardDef): DeployFileBoard {
  const uf2 = b.uf2Family !== undefined && UF2_ROMS.has(b.uf2Family);
  return { id: b.id, name: b.name, formats: uf2 ? ['uf2', 'slot', 'payload'] : ['slot', 'payload'], slotAddress: b.modelSlot!.address };
}

/** Boards of the board table that have a model slot and a flash layout, in table order. */
export const DEPLOY_FILE_BOARDS: readonly DeployFileBoard[] = BOARDS.filter((b) => b.modelSlot && b.flash).map(fileBoard);

export function deployFileBoard(id: string): DeployFileBoard {
  const b = DEPLOY_FILE_BOARDS.find((x) => x.id === id);
  if (!b) {
    throw new StudioError({ family: 'config', code: 'unknown-board', message: `"${id}" is not a board with a model slot.`, remedy: `Use one of ${DEPLOY_FILE_BOARDS.map((x) => x.id).join(', ')}.` });
  }
  return b;
}

export interface DeployFile {
  format: DeployFileFormat;
  /** Suggested file name. */
  name: string;
  bytes: Uint8Array;
  /** Where the bytes go (UF2: carried in the blocks; slot: the slot address; payload: sent over serial). */
  note: string;
}

/** The file for `payload` at deployment `sequence` on board `boardId` (format: the board's default). */
export function deployFile(boardId: string, payload: SlotPayload, sequence: number, format?: DeployFileFormat): DeployFile {
  const fb = deployFileBoard(boardId);
  const f = format ?? fb.formats[0];
  if (!fb.formats.includes(f)) {
    throw new StudioError({ family: 'config', code: 'unsupported-format', message: `${fb.name} does not take a ${f} file.`, remedy: `Use ${fb.formats.join(' or ')}.` });
  }
  const info: BoardFlashInfo = flashInfoFromBoard(BOARDS.find((b) => b.id === boardId)!);
  const model = { payload, sequence };
  if (f === 'uf2') {
    const plan = planFlash({ board: info, model, method: 'uf2' });
    return { format: f, name: `model-${boardId}.uf2`, bytes: planToUf2(plan), note: `UF2 for the ${fb.name} boot ROM (model slot at ${hex(fb.slotAddress)})` };
  }
  if (f === 'slot') {
    return { format: f, name: `model-${boardId}-slot.bin`, bytes: buildSlotImage(model, info.modelSlot.size), note: `write at ${hex(fb.slotAddress)} (the model slot)` };
  }
  return { format: f, name: `model-${boardId}-payload.bin`, bytes: payload.bytes.slice(), note: 'slot payload (model + impulse descriptor): what the serial upload sends' };
}
