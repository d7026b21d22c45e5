#!/usr/bin/env node
// `npm run fuzz [runs]`: runs every property-based test (`*.fuzz.test.ts`) with FUZZ_RUNS cases per
// target (default 10,000), then the firmware core's sanitizer fuzz driver (scripts/fuzz-firmware.mjs,
// when present and a C++ compiler is) for FUZZ_FIRMWARE_S seconds (default 300). Prints the
// `BENCH fuzz.*` lines of every target again at the end and exits non-zero on any failure.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const runs = Number(process.argv[2] ?? process.env.FUZZ_RUNS ?? 10000);
const env = { ...process.env, FUZZ_RUNS: String(runs) };
const lines = [];
let failed = 0;
function run(cmd, args) {
  console.log(`\n=== ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 256 * 1024 * 1024 });
  process.stdout.write(r.stdout ?? '');
  for (const l of (r.stdout ?? '').split('\n')) {
    const m = l.match(/BENCH fuzz\.\S+ .*/);
    if (m) lines.push(m[0]);
  }
  if (r.status !== 0) failed++;
}
for (const config of ['vitest.config.ts', 'vitest.slow.config.ts']) {
  run('npx', ['vitest', 'run', '--config', config, '--testTimeout', '3600000', '--reporter', 'dot', '--silent', 'false', '.fuzz.test.ts']);
}
if (existsSync('scripts/fuzz-firmware.mjs')) run('node', ['scripts/fuzz-firmware.mjs', '--seconds', process.env.FUZZ_FIRMWARE_S ?? '300']);
console.log('\n=== fuzz targets');
for (const l of lines) console.log(l);
console.log(`\n${lines.length} fuzz targets${failed ? `, ${failed} run(s) failed` : ', no failure'}.`);
process.exit(failed ? 1 : 0);
