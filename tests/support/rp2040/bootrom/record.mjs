// Writes bootrom.json: what bootrom.bin was built from (sources hash, compiler), checked by a unit test.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SOURCES = ['start.S', 'bootrom.c', 'bootrom.ld', 'build.sh'];

export function sourcesHash(dir) {
  const h = createHash('sha256');
  for (const f of SOURCES) {
    h.update(`${f}\n`);
    h.update(readFileSync(join(dir, f)));
  }
  return h.digest('hex');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dir = dirname(fileURLToPath(import.meta.url));
  const bin = readFileSync(join(dir, 'bootrom.bin'));
  const record = {
    sourcesSha256: sourcesHash(dir),
    sources: SOURCES,
    binSha256: createHash('sha256').update(bin).digest('hex'),
    binBytes: bin.length,
    compiler: process.argv[2] ?? 'unknown',
  };
  writeFileSync(join(dir, 'bootrom.json'), JSON.stringify(record, null, 2) + '\n');
  console.log(`bootrom.bin ${bin.length} bytes`);
}
