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
import { deflateSync } from 'fflate';
import { crc32 } from '../src/data/io/safe-zip.ts';

const entryMb = Number(process.env.BENCH_BOMB_ENTRY_MB ?? 250);
const AXES = 60;
const ENTRIES = 8;

/** A zip (deflate) written by hand so one compressed entry can be stored under several names. */
function zipOf(files: { name: string; raw: Uint8Array; size: number; crc: number; method: 0 | 8 }[]): Uint8Array {
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let off = 0;
  for (const f of files) {
    const name = enc.encode(f.name);
    const lh = new Uint8Array(30 + name.length);
    const dv = new DataView(lh.buffer);
    dv.setUint32(0, 0x04034b50, true);
    dv.setUint16(4, 20, true);
    dv.setUint16(8, f.method, true);
    dv.setUint32(14, f.crc, true);
    dv.setUint32(18, f.raw.length, true);
    dv.setUint32(22, f.size, true);
    dv.setUint16(26, name.length, true);
    lh.set(name, 30);
    const ch = new Uint8Array(46 + name.length);
    const cv = new DataView(ch.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true);
    cv.setUint16(6, 20, true);
    cv.setUint16(10, f.method, true);
    cv.setUint32(16, f.crc, true);
    cv.setUint32(20, f.raw.length, true);
    cv.setUint32(24, f.size, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(42, off, true);
    ch.set(name, 46);
    parts.push(lh, f.raw);
    central.push(ch);
    off += lh.length + f.raw.length;
  }
  const cdSize = central.reduce((n, c) => n + c.length, 0);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, files.length, true);
  ev.setUint16(10, files.length, true);
  ev.setUint32(12, cdSize, true);
  ev.setUint32(16, off, true);
  const all = [...parts, ...central, end];
  const out = new Uint8Array(all.reduce((n, p) => n + p.length, 0));
  let p = 0;
  for (const a of all) {
    out.set(a, p);
    p += a.length;
  }
  return out;
}

const dir = mkdtempSync(join(tmpdir(), 'tinyml-bench-bomb-'));

/** Builds the bomb (with or without a timestamp column), converts it with the CLI, returns peak RSS and time. */
function run(withTime: boolean): { peakMb: number; seconds: number } {
  // One entry: a header of 60 axes, then rows of 60 zeros, ≈ entryMb MB.
  const header = (withTime ? 'timestamp_ms,' : '') + Array.from({ length: AXES }, (_, a) => `a${a}`).join(',') + '\n';
  const zeros = Array(AXES).fill('0').join(',') + '\n';
  const enc = new TextEncoder();
  const rowLen = zeros.length + (withTime ? 9 : 0);
  const rows = Math.floor((entryMb * 1e6 - header.length) / rowLen);
  const csv = new Uint8Array(header.length + rows * rowLen + 64);
  csv.set(enc.encode(header), 0);
  let o = header.length;
  const zb = enc.encode(zeros);
  for (let i = 0; i < rows; i++) {
    if (withTime) o += enc.encodeInto(`${i * 10},`, csv.subarray(o)).written;
    csv.set(zb, o);
    o += zb.length;
  }
  const body = csv.subarray(0, o);
  const deflated = deflateSync(body, { level: 6 });
  const crc = crc32(body);
  const sidecar = enc.encode(JSON.stringify({ sample_rate_hz: 100 }));
  const zip = zipOf([
    { name: 'dataset.json', raw: sidecar, size: sidecar.length, crc: crc32(sidecar), method: 0 },
    ...Array.from({ length: ENTRIES }, (_, i) => ({ name: `idle.${i}.csv`, raw: deflated, size: body.length, crc, method: 8 as const })),
  ]);
  const zipPath = join(dir, 'bomb.zip');
  writeFileSync(zipPath, zip);
  console.log(`bomb${withTime ? ' with timestamps' : ''}: ${(zip.length / 1e6).toFixed(1)} MB zip, ${ENTRIES} entries of ${(body.length / 1e6).toFixed(0)} MB (${rows} rows × ${AXES} axes)`);

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
