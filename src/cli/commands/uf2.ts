/**
 * `tinyml uf2`: wraps a raw binary into a UF2 file for drag-and-drop flashing.
 *
 *   tinyml uf2 --in FILE.bin --base 0x10000000 --family rp2040|rp2350-arm-s|… --out FILE.uf2
 */
import { readFile } from 'node:fs/promises';
import { StudioError } from '../../core/errors.ts';
import { parseUf2Family, uf2FamilyNames, writeUf2 } from '../../deploy/uf2/uf2.ts';
import { defineCommand, runCommand } from '../command.ts';
import { echo } from '../../core/echo.ts';
import { EXIT } from '../exit-codes.ts';
import { fsError } from '../fs-errors.ts';
import { writeOut } from '../out-path.ts';

const HELP = `usage: tinyml uf2 --in FILE.bin --base ADDRESS --family NAME --out FILE.uf2

  --in      raw binary image to wrap
  --base    flash address of the first byte (e.g. 0x10000000 for RP2040/RP2350)
  --family  UF2 family: ${uf2FamilyNames().join(', ')} or a hex id
  --out     UF2 file to write
  --payload payload bytes per block (default 256)`;

function parseAddress(text: string): number {
  const t = text.trim().toLowerCase();
  const n = /^0x[0-9a-f]+$/.test(t) ? Number.parseInt(t.slice(2), 16) : /^[0-9]+$/.test(t) ? Number(t) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 0 || n > 0xffffffff) {
    throw new StudioError({ family: 'config', code: 'bad-address', message: `${echo(text)} is not an address.`, remedy: 'Give it in hex, e.g. --base 0x10000000.' });
  }
  return n;
}

/** --family as a UF2 family id; an unknown name is a usage error. */
function familyFlag(text: string): number {
  try {
    return parseUf2Family(text);
  } catch (e) {
    if (e instanceof StudioError) throw new StudioError({ family: 'config', code: 'bad-family', message: e.message, remedy: e.remedy || `Use one of ${uf2FamilyNames().join(', ')} or a hex id.` });
    throw e;
  }
}

export const command = defineCommand({
  name: 'uf2',
  help: HELP,
  options: {
    in: { type: 'string' },
    base: { type: 'string' },
    family: { type: 'string' },
    out: { type: 'string' },
    payload: { type: 'string' },
  },
  required: ['in', 'base', 'family', 'out'],
  output: (v) => {
    // Flag values first (usage errors), then the output path, then the work.
    parseAddress(v.base!);
    familyFlag(v.family!);
    if (v.payload !== undefined) parseAddress(v.payload);
    return { flag: 'out', path: v.out!, kind: 'file', replace: true };
  },
  async run(values, ctx) {
    const base = parseAddress(values.base!);
    const familyId = familyFlag(values.family!);
    const payloadSize = values.payload === undefined ? undefined : parseAddress(values.payload);
    let data: Uint8Array;
    try {
      data = new Uint8Array(await readFile(values.in!));
    } catch (e) {
      throw fsError(e, 'read', `--in ${echo(values.in!)}`) ?? e;
    }
    const file = writeUf2({ address: base, data }, { familyId, payloadSize });
    writeOut(ctx.out!, file);
    console.log(`wrote ${values.out}: ${file.length / 512} blocks, ${data.length} bytes at 0x${base.toString(16)}, family 0x${familyId.toString(16)}`);
    return EXIT.ok;
  },
});

export const run = (args: string[]): Promise<number> => runCommand(command, args);
