/**
 * Hostile import: the zip bomb of the import hardening work — a few MB of zip holding 8 entries of about
 * 250 MB each of CSV zeros (60 axes, 100 Hz from a dataset.json), every entry under the per-entry
 * limit. It is built here in a temp directory (one entry compressed once, stored 8 times under different
 * names), then converted by the real CLI (`tinyml convert`) in a child process, so the peak RSS is the
 * CLI's own. Goal: refused in under 5 s with a peak RSS under 1 GB.
 *
 * Prints `BENCH import.bomb_peak_rss_mb`, `BENCH import.bomb_refuse_s`, and the same figures
 * (`import.budget_*`) for a variant with a timestamp column, which compresses within the ratio limit
 * (≈ 45:1, a 44 MB zip) so that the import's memory budget is what refuses it.
 * Run: npx tsx bench/import.bench.ts   (env BENCH_BOMB_ENTRY_MB to change the entry size)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { csvBombZip } from '../src/data/io/test-fixtures.ts';

const entryMb = Number(process.env.BENCH_BOMB_ENTRY_MB ?? 250);
const AXES = 60;
const ENTRIES = 8;

const dir = mkdtempSync(join(tmpdir(), 'tinyml-bench-bomb-'));

/** Builds the bomb (with or without a timestamp column), converts it with the CLI, returns peak RSS and time. */
function run(withTime: boolean): { peakMb: number; seconds: number } {
  const { zip, entryBytes, rows } = csvBombZip(entryMb * 1e6, ENTRIES, withTime);
  const zipPath = join(dir, 'bomb.zip');
  writeFileSync(zipPath, zip);
  console.log(`bomb${withTime ? ' with timestamps' : ''}: ${(zip.length / 1e6).toFixed(1)} MB zip, ${ENTRIES} entries of ${(entryBytes / 1e6).toFixed(0)} MB (${rows} rows × ${AXES} axes)`);

  // The child writes its own peak RSS (kB) when it exits.
  const rssFile = join(dir, 'rss.txt');
  const hook = join(dir, 'rss-hook.mjs');
  writeFileSync(hook, `import { writeFileSync } from 'node:fs';\nprocess.on('exit', () => writeFileSync(${JSON.stringify(rssFile)}, String(process.resourceUsage().maxRSS)));\n`);
  const cli = resolve(import.meta.dirname, '../bin/tinyml.mjs');
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', pathToFileURL(hook).href, cli, 'convert', '--in', zipPath, '--out', join(dir, 'out'), '--to', 'csv'], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = (performance.now() - t0) / 1000;
  const peakMb = Number(readFileSync(rssFile, 'utf8')) / 1024;
  const stderr = r.stderr.trim();
  console.log(`exit ${r.status} after ${seconds.toFixed(2)} s, peak RSS ${peakMb.toFixed(0)} MB; stderr (${stderr.length} chars): ${stderr.split('\n').slice(0, 3).join(' | ')}`);
  if (r.status === 0) console.log('NOT REFUSED: the bomb was converted.');
  return { peakMb, seconds };
}

try {
  // The zip bomb as reported: refused from the zip directory (compression ratio).
  const bomb = run(false);
  console.log(`BENCH import.bomb_peak_rss_mb ${bomb.peakMb.toFixed(0)} MB`);
  console.log(`BENCH import.bomb_refuse_s ${bomb.seconds.toFixed(2)} s`);
  // The same with a timestamp column: compresses within the ratio limit, so the memory budget refuses it.
  const budget = run(true);
  console.log(`BENCH import.budget_peak_rss_mb ${budget.peakMb.toFixed(0)} MB`);
  console.log(`BENCH import.budget_refuse_s ${budget.seconds.toFixed(2)} s`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
