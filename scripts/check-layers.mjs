#!/usr/bin/env node
// Folder-level layering of src/: a module may import its own folder or a folder of a LOWER layer only.
//   core < dsp, data < ml < device < deploy < workers < cli, ui
// (ml knows nothing of boards or ports; the simulated board runs the ml interpreter, so device sits above
// ml; deploy packages ml artefacts for device boards.) Test files (*.test.ts, test-support/) may reach
// across layers. `npm run check:cycles` runs this after madge; exit 1 lists each offending import.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const LAYERS = { core: 0, dsp: 1, data: 1, ml: 2, device: 3, deploy: 4, workers: 5, cli: 6, ui: 6 };

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* walk(p);
    else if (/\.(ts|svelte)$/.test(name)) yield p;
  }
}

const isTestOnly = (rel) => /\.test\.ts$/.test(rel) || /\.fixtures\.ts$/.test(rel) || rel.split(sep).includes('test-support');
const folderOf = (abs) => relative(src, abs).split(sep)[0];

/** Every layering violation in src/ as `file: imports target (a → b)`. */
export function layerViolations() {
  const out = [];
  for (const file of walk(src)) {
    const rel = relative(src, file);
    if (isTestOnly(rel)) continue;
    const from = folderOf(file);
    if (!(from in LAYERS)) continue; // top-level entry files (src/main.ts) may import anything
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g)) {
      const spec = m[1] ?? m[2];
      const target = resolve(dirname(file), spec);
      if (!target.startsWith(src + sep)) continue;
      const to = folderOf(target);
      if (to === from || !(to in LAYERS)) continue;
      if (LAYERS[to] >= LAYERS[from]) out.push(`src/${rel}: imports ${spec} (${from} → ${to})`);
    }
  }
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const v = layerViolations();
  if (v.length) {
    console.error(`✖ ${v.length} import(s) go up or sideways in the folder layering (${Object.entries(LAYERS).map(([k, r]) => `${k}:${r}`).join(' ')}):`);
    for (const l of v) console.error('  ' + l);
    console.error('Move the shared piece down a layer (or the importer up), or pass it in as a parameter.');
    process.exit(1);
  }
  console.log('✔ Folder layering holds (core < dsp, data < ml < device < deploy < workers < cli, ui).');
}
