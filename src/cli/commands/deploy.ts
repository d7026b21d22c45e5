/**
 * `tinyml deploy --model OUT --board BOARD --out FILE [--format uf2|slot|payload] [--sequence N]`
 *
 * Packages what `tinyml train --out OUT` saved (model.tflite, the int8 model, and impulse.json with its
 * input standardisation) into the one slot payload (src/deploy/slot-payload.ts) and writes it as the
 * board's deploy file (src/deploy/deploy-file.ts) — the same function and bytes as the app's Deploy
 * step. No training, no re-quantization: the .tflite is used as saved.
 *
 * Exit codes (src/cli/exit-codes.ts): 0 ok, 1 failure, 2 usage, 3 bad input.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StudioError } from '../../core/errors.ts';
import type { ImpulseConfig } from '../../core/impulse.ts';
import { DEPLOY_FILE_BOARDS, deployFile, deployFileBoard, type DeployFileBoard, type DeployFileFormat } from '../../deploy/deploy-file.ts';
import { makeSlotPayload } from '../../deploy/slot-payload.ts';
import { defineCommand, runCommand } from '../command.ts';
import { echo } from '../../core/echo.ts';
import { EXIT } from '../exit-codes.ts';
import { badInput, readFullConfig, usageError } from '../impulse-args.ts';
import { writeOut } from '../out-path.ts';

const boardLines = DEPLOY_FILE_BOARDS.map((b) => `    ${b.id.padEnd(22)} ${b.name} (${b.formats.join(', ')})`).join('\n');

const HELP = `usage: tinyml deploy --model OUT --board BOARD --out FILE [options]

Writes the model a \`tinyml train --out OUT\` run saved as a file for the board's runtime firmware.
  --model OUT      folder written by \`tinyml train\` (model.tflite + impulse.json)
  --board BOARD    one of:
${boardLines}
  --out FILE       file to write
  --format F       uf2 (default for RP2040/RP2350 boards): drag onto the board in BOOTSEL mode;
                   slot (default otherwise): the model slot image, to write at the slot address;
                   payload: model + impulse descriptor alone (what the serial upload sends)
  --sequence N     deployment number the board reports back (default 1)`;

function readModelDir(dir: string): { int8Tflite: Uint8Array; impulse: ImpulseConfig } {
  const impPath = join(dir, 'impulse.json');
  const tflPath = join(dir, 'model.tflite');
  if (!existsSync(impPath)) throw badInput('no-model', `"${dir}" has no impulse.json.`, 'Pass the --out folder of `tinyml train`.');
  const cfg = readFullConfig(impPath);
  if (cfg.learn.block === 'anomaly') throw badInput('anomaly-model', 'Anomaly models are not TFLite models; the runtime firmware cannot load them.', 'Use anomaly.h from the training folder in your own sketch.');
  if (!existsSync(tflPath)) throw badInput('no-model', `"${dir}" has no model.tflite.`, 'Train again with `tinyml train` (it writes the int8 model.tflite).');
  return { int8Tflite: new Uint8Array(readFileSync(tflPath)), impulse: cfg };
}

function flagValues(values: { board?: string; format?: string; sequence?: string }): { board: DeployFileBoard; format: DeployFileFormat | undefined; sequence: number } {
  let board;
  try {
    board = deployFileBoard(values.board!);
  } catch (e) {
    if (e instanceof StudioError) throw usageError(e.message, e.remedy || 'Run `tinyml deploy --help` for the boards.');
    throw e;
  }
  const format = values.format as DeployFileFormat | undefined;
  if (format !== undefined && !board.formats.includes(format)) throw usageError(`--format for ${board.name} must be ${board.formats.join(', ')}, got ${echo(format)}.`);
  const sequence = values.sequence === undefined ? 1 : Number(values.sequence);
  if (!Number.isInteger(sequence) || sequence < 1 || sequence > 0xffffffff) throw usageError(`--sequence must be a whole number from 1, got ${echo(values.sequence ?? '')}.`);
  return { board, format, sequence };
}

export const command = defineCommand({
  name: 'deploy',
  help: HELP,
  options: { model: { type: 'string' }, board: { type: 'string' }, out: { type: 'string' }, format: { type: 'string' }, sequence: { type: 'string' } },
  required: ['model', 'board', 'out'],
  output: (v) => {
    flagValues(v);
    return { flag: 'out', path: v.out!, kind: 'file', replace: true };
  },
  async run(values, ctx) {
    const { board, format, sequence } = flagValues(values);
    const { int8Tflite, impulse } = readModelDir(values.model!);
    const payload = makeSlotPayload({ int8Tflite, impulse, normalization: impulse.normalization ?? null });
    const file = deployFile(board.id, payload, sequence, format);
    writeOut(ctx.out!, file.bytes);
    console.log(`wrote ${values.out}: ${file.bytes.length} bytes, ${file.format} — ${file.note}; sequence ${sequence}`);
    return EXIT.ok;
  },
});

export const run = (args: string[]): Promise<number> => runCommand(command, args);
