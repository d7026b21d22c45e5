/**
 * `tinyml deploy --model OUT --board BOARD --out FILE [--format uf2|slot|payload] [--sequence N]`
 *
 * Packages what `tinyml train --out OUT` saved (model.tflite, the int8 model, and impulse.json with its
 * input standardisation) into the one slot payload (src/deploy/slot-payload.ts) and writes it as the
 * board's deploy file (src/deploy/deploy-file.ts) — the same function and bytes as the app's Deploy
 * step. No training, no re-quantization: the .tflite is used as saved.
 *
 * Exit codes (src/cli/main.ts): 0 ok, 1 failure, 2 usage, 3 bad input.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { StudioError } from '../../core/errors.ts';
import type { ImpulseConfig } from '../../core/impulse.ts';
import { DEPLOY_FILE_BOARDS, deployFile, deployFileBoard, type DeployFileFormat } from '../../deploy/deploy-file.ts';
import { makeSlotPayload } from '../../deploy/slot-payload.ts';
import { badInput, readConfig } from '../impulse-args.ts';

const OK = 0;
const USAGE = 2;
const BAD_INPUT = 3;

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

function usage(message: string): number {
  console.error(`tinyml deploy: ${message}\n\n${HELP}`);
  return USAGE;
}

function readModelDir(dir: string): { int8Tflite: Uint8Array; impulse: ImpulseConfig } {
  const impPath = join(dir, 'impulse.json');
  const tflPath = join(dir, 'model.tflite');
  if (!existsSync(impPath)) throw badInput('no-model', `"${dir}" has no impulse.json.`, 'Pass the --out folder of `tinyml train`.');
  const cfg = readConfig(impPath);
  if (!cfg.windowing || !cfg.dsp || !cfg.learn || !cfg.labels) {
    throw badInput('bad-config', `"${impPath}" is incomplete (windowing, dsp, learn and labels are needed).`, 'Train again with `tinyml train`.');
  }
  if (cfg.learn.block === 'anomaly') throw badInput('anomaly-model', 'Anomaly models are not TFLite models; the runtime firmware cannot load them.', 'Use anomaly.h from the training folder in your own sketch.');
  if (!existsSync(tflPath)) throw badInput('no-model', `"${dir}" has no model.tflite.`, 'Train again with `tinyml train` (it writes the int8 model.tflite).');
  return { int8Tflite: new Uint8Array(readFileSync(tflPath)), impulse: cfg as ImpulseConfig };
}

export async function run(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        model: { type: 'string' }, board: { type: 'string' }, out: { type: 'string' }, format: { type: 'string' }, sequence: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    return usage(e instanceof Error ? e.message : String(e));
  }
  if (values.help) {
    console.log(HELP);
    return OK;
  }
  if (!values.model || !values.board || !values.out) return usage('--model, --board and --out are required');
  let board;
  try {
    board = deployFileBoard(values.board);
  } catch (e) {
    return usage(e instanceof StudioError ? e.describe() : String(e));
  }
  const format = values.format as DeployFileFormat | undefined;
  if (format !== undefined && !board.formats.includes(format)) return usage(`--format for ${board.name} must be ${board.formats.join(', ')}, got "${format}"`);
  const sequence = values.sequence === undefined ? 1 : Number(values.sequence);
  if (!Number.isInteger(sequence) || sequence < 1 || sequence > 0xffffffff) return usage(`--sequence must be a whole number from 1, got "${values.sequence}"`);

  let file;
  try {
    const { int8Tflite, impulse } = readModelDir(values.model);
    const payload = makeSlotPayload({ int8Tflite, impulse, normalization: impulse.normalization ?? null });
    file = deployFile(board.id, payload, sequence, format);
  } catch (e) {
    if (e instanceof StudioError) {
      console.error(`tinyml deploy: ${e.describe()}`);
      return BAD_INPUT;
    }
    throw e;
  }
  try {
    writeFileSync(values.out, file.bytes);
  } catch (e) {
    console.error(`tinyml deploy: cannot write ${values.out}: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  console.log(`wrote ${values.out}: ${file.bytes.length} bytes, ${file.format} — ${file.note}; sequence ${sequence}`);
  return OK;
}
