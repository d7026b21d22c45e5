#!/usr/bin/env node
// `npm run bench`: runs every bench/*.bench.ts (Node, through tsx) one after another. Each prints
// `BENCH <group>.<figure> <value> <unit>` lines and a short summary; this prints them all again at the end.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const only = process.argv.slice(2);
const files = readdirSync('bench').filter((f) => f.endsWith('.bench.ts') && (!only.length || only.some((o) => f.includes(o)))).sort();
const lines = [];
let failed = 0;
for (const f of files) {
  console.log(`\n=== bench/${f}`);
  const r = spawnSync('node', ['--import', 'tsx', `bench/${f}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024 });
  process.stdout.write(r.stdout ?? '');
  for (const l of (r.stdout ?? '').split('\n')) if (l.startsWith('BENCH ')) lines.push(l);
  if (r.status !== 0) {
    failed++;
    console.log(`bench/${f} exited with ${r.status}`);
  }
}
console.log('\n=== all figures');
for (const l of lines) console.log(l);
console.log(`\n${lines.length} figures from ${files.length} benchmarks${failed ? `, ${failed} failed` : ''}.`);
process.exit(failed ? 1 : 0);
