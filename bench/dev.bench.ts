/**
 * Developer feedback time: wall time of one `vitest run` of the fast unit project (vitest.config.ts;
 * the slow project — emulator, g++ host builds, shared-data cases — is not part of it).
 * Run: npx tsx bench/dev.bench.ts
 * Goal: < 30 s wall on a quiet 2-core machine. The per-file times (from vitest's JSON report) are
 * printed too, slowest first, so a machine busy with other work can be told apart from a slow test.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

interface VitestReport {
  numTotalTests: number;
  numPassedTests: number;
  numFailedTests: number;
  testResults: { name: string; startTime: number; endTime: number }[];
}

const dir = mkdtempSync(join(tmpdir(), 'dev-bench-'));
const report = join(dir, 'unit.json');
const t0 = performance.now();
const r = spawnSync('node_modules/.bin/vitest', ['run', '--reporter=json', `--outputFile.json=${report}`], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
const seconds = (performance.now() - t0) / 1000;

let j: VitestReport | null = null;
try {
  j = JSON.parse(readFileSync(report, 'utf8')) as VitestReport;
} catch {
  j = null;
}
rmSync(dir, { recursive: true, force: true });
if (!j) {
  console.error(`vitest wrote no report (exit ${r.status}):\n${r.stderr}`);
  process.exit(1);
}

console.log(`BENCH dev.unit_tests_s ${seconds.toFixed(1)} s`);
const files = j.testResults.map((f) => ({ file: relative(process.cwd(), f.name), s: (f.endTime - f.startTime) / 1000 })).sort((a, b) => b.s - a.s);
console.log(`Fast project: ${files.length} files, ${j.numPassedTests}/${j.numTotalTests} passed, ${j.numFailedTests} failed, ${seconds.toFixed(1)} s wall (goal < 30 s: ${seconds < 30 ? 'met' : 'NOT met'}).`);
console.log(`Slowest files (test time): ${files.slice(0, 5).map((f) => `${f.file} ${f.s.toFixed(1)} s`).join(', ')}.`);
if (j.numFailedTests > 0 || r.status !== 0) process.exit(1);
