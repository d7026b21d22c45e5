// The firmware source files that go into the prebuilt RP2040 image, and one SHA-256 over them.
// Used by build-record.mjs (writes it into public/firmware/tinyml-runtime-rp2040.json) and by
// tests/unit/firmware-image.test.ts (recomputes it from the working tree to catch a stale image).
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

// Folders (all files, recursively) and single files, relative to the repository root.
const FOLDERS = ['firmware/src', 'firmware/tinyml_runtime', 'firmware/pico/arduino_shim'];
const FILES = ['firmware/pico/CMakeLists.txt', 'firmware/pico/main.cpp', 'firmware/pico/deps.json'];

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
}

/** Sorted repository-relative paths (forward slashes) of the image's source files. */
export function firmwareSourceFiles(root = repoRoot) {
  const abs = [];
  for (const f of FOLDERS) walk(join(root, f), abs);
  for (const f of FILES) abs.push(join(root, f));
  return abs.map((p) => relative(root, p).split('\\').join('/')).sort();
}

/** SHA-256 (hex) over, for each file in sorted order: path, "\n", byte length, "\n", the bytes. */
export function firmwareSourcesSha256(root = repoRoot) {
  const h = createHash('sha256');
  for (const rel of firmwareSourceFiles(root)) {
    const bytes = readFileSync(join(root, rel));
    h.update(`${rel}\n${bytes.length}\n`);
    h.update(bytes);
  }
  return h.digest('hex');
}
