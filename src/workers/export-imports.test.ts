/**
 * The Deploy export only packages what training saved, so its worker bundle must not contain TF.js:
 * walks the run-time import graph (type-only imports are erased by the build) from the export worker
 * entry with a small resolver and lists the packages it reaches.
 */
import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Specifiers a module loads at run time: `import … from`, `import '…'`, `export … from`, `import('…')`; not `import type` / `export type`. */
function runtimeSpecifiers(code: string): string[] {
  const out: string[] = [];
  const stmt = /(?:^|[;\n])\s*(import|export)\s+(type\s+)?([^;'"]*?)\s*from\s*['"]([^'"]+)['"]/g;
  for (const m of code.matchAll(stmt)) {
    if (m[2]) continue; // import type / export type
    const clause = m[3].trim();
    // `import { type A, type B } from` is erased too
    if (/^\{[^}]*\}$/.test(clause) && clause.slice(1, -1).split(',').every((p) => p.trim() === '' || p.trim().startsWith('type '))) continue;
    out.push(m[4]);
  }
  for (const m of code.matchAll(/(?:^|[;\n])\s*import\s*['"]([^'"]+)['"]/g)) out.push(m[1]);
  for (const m of code.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push(m[1]);
  for (const m of code.matchAll(/new URL\(\s*['"](\.[^'"]+)['"]\s*,\s*import\.meta\.url\s*\)/g)) out.push(m[1]);
  return out;
}

/** Every source file and bare package reached from `entry`. */
function importGraph(entry: string): { files: Set<string>; packages: Map<string, string> } {
  const files = new Set<string>();
  const packages = new Map<string, string>();
  const todo = [resolve(root, entry)];
  while (todo.length) {
    const f = todo.pop()!;
    if (files.has(f)) continue;
    files.add(f);
    const code = readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
    for (const spec of runtimeSpecifiers(code)) {
      if (spec.startsWith('.')) {
        const target = resolve(dirname(f), spec.replace(/\?.*$/, ''));
        if (!existsSync(target)) throw new Error(`${relative(root, f)} imports ${spec}, which does not exist`);
        if (/\.(ts|js|mjs)$/.test(target)) todo.push(target);
      } else {
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
        if (!packages.has(name)) packages.set(name, relative(root, f));
      }
    }
  }
  return { files, packages };
}

describe('export worker imports', () => {
  it('reach no @tensorflow package (the resolver does find TF.js from the ML worker)', () => {
    const exp = importGraph('src/workers/export-worker.ts');
    expect(exp.files.has(join(root, 'src/workers/export-job.ts'))).toBe(true);
    expect(exp.files.has(join(root, 'src/ml/export/arduino-library.ts'))).toBe(true);
    const tf = [...exp.packages].filter(([name]) => name.startsWith('@tensorflow'));
    expect(tf, `TF.js reached from ${tf.map(([, from]) => from).join(', ')}`).toEqual([]);
    // no sample reading or feature code either
    expect([...exp.files].map((f) => relative(root, f)).filter((f) => /store-features|usable-samples|dsp\/features|ml\/train\/(train-job|pipeline|trainer|int8-export)|ml\/quantize\/quantize/.test(f))).toEqual([]);
    // the same walk from the ML worker does reach TF.js, so the check above can fail
    expect([...importGraph('src/workers/ml-worker.ts').packages.keys()]).toContain('@tensorflow/tfjs');
  });
});
