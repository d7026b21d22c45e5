/**
 * `tinyml uf2`: wraps a raw binary into a UF2 file for drag-and-drop flashing.
 *
 *   tinyml uf2 --in FILE.bin --base 0x10000000 --family rp2040|rp2350-arm-s|… --out FILE.uf2
 */
import { parseArgs } from 'node:util';
import { readFile, writeFile } from 'node:fs/promises';
import { StudioError } from '../../core/errors.ts';
import { parseUf2Family, uf2FamilyNames, writeUf2 } from '../../deploy/uf2/uf2.ts';

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
    throw new StudioError({ family: 'config', code: 'bad-address', message: `"${text}" is not an address.`, remedy: 'Give it in hex, e.g. --base 0x10000000.' });
  }
  return n;
}

export async function run(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        in: { type: 'string' },
        base: { type: 'string' },
        family: { type: 'string' },
        out: { type: 'string' },
        payload: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (e) {
    console.error(`tinyml uf2: ${e instanceof Error ? e.message : String(e)}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (!values.in || !values.base || !values.family || !values.out) {
    console.error(`tinyml uf2: --in, --base, --family and --out are required\n\n${HELP}`);
    return 2;
  }
  let base: number;
  let familyId: number;
  let payloadSize: number | undefined;
  try {
    base = parseAddress(values.base);
    familyId = parseUf2Family(values.family);
    payloadSize = values.payload === undefined ? undefined : parseAddress(values.payload);
  } catch (e) {
    console.error(`tinyml uf2: ${e instanceof StudioError ? e.describe() : String(e)}`);
    return 2;
  }
  let data: Uint8Array;
  try {
    data = new Uint8Array(await readFile(values.in));
  } catch (e) {
    console.error(`tinyml uf2: cannot read ${values.in}: ${e instanceof Error ? e.message : String(e)}`);
    return 3;
  }
  let file: Uint8Array;
  try {
    file = writeUf2({ address: base, data }, { familyId, payloadSize });
  } catch (e) {
    if (e instanceof StudioError) {
      console.error(`tinyml uf2: ${e.describe()}`);
      return 3;
    }
    throw e;
  }
  await writeFile(values.out, file);
  console.log(`wrote ${values.out}: ${file.length / 512} blocks, ${data.length} bytes at 0x${base.toString(16)}, family 0x${familyId.toString(16)}`);
  return 0;
}
