/**
 * Node-only file loading for the emulated board (the harness core stays free of Node APIs).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(here, '../../..');
export const BOOTROM_DIR = join(here, 'bootrom');
export const FIRMWARE_UF2 = join(REPO_ROOT, 'public/firmware/tinyml-runtime-rp2040.uf2');
export const FIRMWARE_RECORD = join(REPO_ROOT, 'public/firmware/tinyml-runtime-rp2040.json');

export function loadBootrom(): Uint8Array {
  return new Uint8Array(readFileSync(join(BOOTROM_DIR, 'bootrom.bin')));
}

export interface BootromRecord {
  sourcesSha256: string;
  sources: string[];
  binSha256: string;
  binBytes: number;
  compiler: string;
}

export function loadBootromRecord(): BootromRecord {
  return JSON.parse(readFileSync(join(BOOTROM_DIR, 'bootrom.json'), 'utf8')) as BootromRecord;
}

/** SHA-256 over the boot ROM's sources, computed as bootrom/record.mjs does. */
export function bootromSourcesHash(sources: string[]): string {
  const h = createHash('sha256');
  for (const f of sources) {
    h.update(`${f}\n`);
    h.update(readFileSync(join(BOOTROM_DIR, f)));
  }
  return h.digest('hex');
}

export function sha256(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

/** The committed runtime image and its build record, or a reason why they are missing. */
export function loadFirmware(): { image: Uint8Array; record: Record<string, unknown> } | { missing: string } {
  if (!existsSync(FIRMWARE_UF2) || !existsSync(FIRMWARE_RECORD))
    return { missing: 'public/firmware/tinyml-runtime-rp2040.uf2 (+ .json) is not in this checkout' };
  return {
    image: new Uint8Array(readFileSync(FIRMWARE_UF2)),
    record: JSON.parse(readFileSync(FIRMWARE_RECORD, 'utf8')) as Record<string, unknown>,
  };
}
