/**
 * Peak memory of a hostile import, measured: the CLI (`tinyml convert`, a child process so the figure
 * is its own) converts a zip of 8 CSV entries, each within the per-entry and compression-ratio limits,
 * whose values together are far past the import's memory budget. It must refuse (exit 3) with a peak
 * RSS under 1 GB. bench/import.bench.ts runs the full-size case (8 × 250 MB entries).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { csvBombZip } from './test-fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'tinyml-import-memory-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('import memory', () => {
  it('refuses 8 × 32 MB of CSV (470 MB of float32 values) with a peak RSS under 1 GB', () => {
    const { zip } = csvBombZip(32e6, 8, true);
    const zipPath = join(dir, 'bomb.zip');
    writeFileSync(zipPath, zip);
    const rssFile = join(dir, 'rss.txt');
    const hook = join(dir, 'rss-hook.mjs');
    writeFileSync(hook, `import { writeFileSync } from 'node:fs';\nprocess.on('exit', () => writeFileSync(${JSON.stringify(rssFile)}, String(process.resourceUsage().maxRSS)));\n`);
    const cli = resolve(import.meta.dirname, '../../../bin/tinyml.mjs');
    const r = spawnSync(process.execPath, ['--import', pathToFileURL(hook).href, cli, 'convert', '--in', zipPath, '--out', join(dir, 'out'), '--to', 'csv'], { encoding: 'utf8' });
    const peakMb = Number(readFileSync(rssFile, 'utf8')) / 1024;
    expect(r.stderr).toMatch(/more than this import's memory budget of 256\.0 MB/);
    expect(r.status).toBe(3);
    console.log(`BENCH import.memory_test_peak_rss_mb ${peakMb.toFixed(0)} MB`);
    expect(peakMb).toBeLessThan(1024);
  }, 60_000);
});
