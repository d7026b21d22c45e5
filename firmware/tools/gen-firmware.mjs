#!/usr/bin/env node
// Generates the firmware sources that come from the studio's TypeScript (one source per fact):
//   src/ml/export/templates/dsp-cpp.ts  ->  firmware/src/dsp_generated.h         (DSP kernels)
//   src/device/boards/*.ts              ->  firmware/tinyml_runtime/board_slots.h (model slots)
// Usage: node firmware/tools/gen-firmware.mjs          (write the files)
//        node firmware/tools/gen-firmware.mjs --check  (exit 1 if a committed file is out of date)
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register();
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { firmwareGeneratedFiles } = await import('../../src/deploy/firmware-sources.ts');
const files = firmwareGeneratedFiles();
if (process.argv.includes('--check')) {
  let stale = 0;
  for (const f of files) {
    const p = resolve(root, f.path);
    if (!existsSync(p) || readFileSync(p, 'utf8') !== f.text) {
      console.error(`out of date: ${f.path} (run node firmware/tools/gen-firmware.mjs)`);
      stale++;
    }
  }
  process.exit(stale ? 1 : 0);
} else {
  for (const f of files) writeFileSync(resolve(root, f.path), f.text);
  console.log('wrote', files.map((f) => f.path).join(', '));
}
