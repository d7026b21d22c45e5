/**
 * Data import/export throughput: a ~100 MB folder in the common CSV layout is generated in a temp
 * directory (deleted afterwards), imported from disk with the app's importer, exported as a project
 * archive zip, and the zip imported again.
 *
 * Run: npx tsx bench/data.bench.ts   (env BENCH_DATA_MB to change the size)
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectAndImport } from '../src/data/io/import.ts';
import { exportProjectZip } from '../src/data/io/export.ts';
import { writeDatasetFolder } from '../src/data/io/dataset-folder.ts';
import { listInputFiles } from '../src/cli/dataset-dir.ts';
import { mulberry32 } from '../src/data/split.ts';
import type { RawRecording } from '../src/data/sample.ts';

const targetMb = Number(process.env.BENCH_DATA_MB ?? 100);
const axes = ['accX', 'accY', 'accZ', 'gyrX', 'gyrY', 'gyrZ'];
const frames = 4000;
const labels = ['idle', 'wave', 'punch', 'flex'];

function recording(i: number, rnd: () => number): RawRecording {
  const values = new Float32Array(frames * axes.length);
  for (let f = 0; f < frames; f++) {
    for (let a = 0; a < axes.length; a++) {
      const scale = a < 3 ? 2 : 250;
      // Three decimals, like real IMU logs.
      values[f * axes.length + a] = Math.round((Math.sin(f * 0.05 * (a + 1) + i) * 0.6 + (rnd() - 0.5) * 0.4) * scale * 1000) / 1000;
    }
  }
  const label = labels[i % labels.length];
  return { name: `${label}.r${i}`, label, category: i % 5 === 0 ? 'testing' : 'training', axes: axes.map((name, a) => ({ name, units: a < 3 ? 'g' : 'deg/s' })), intervalMs: 1000 / 119, values };
}

const dir = mkdtempSync(join(tmpdir(), 'tinyml-bench-data-'));
try {
  const rnd = mulberry32(1);
  let bytes = 0;
  let files = 0;
  const src = join(dir, 'csv');
  mkdirSync(src);
  const tGen = performance.now();
  const all: RawRecording[] = [];
  // 40 distinct recordings, written round-robin under distinct names (generation is not what is measured).
  for (let i = 0; i < 40; i++) all.push(recording(i, rnd));
  const texts = writeDatasetFolder(all).filter((f) => !f.name.endsWith('dataset.json'));
  while (bytes < targetMb * 1e6) {
    const i = files % texts.length;
    const label = labels[i % labels.length];
    writeFileSync(join(src, `${label}.r${files}.csv`), texts[i].data);
    bytes += texts[i].data.length;
    files++;
  }
  const genS = (performance.now() - tGen) / 1000;

  const t0 = performance.now();
  const imported = await detectAndImport(listInputFiles(src));
  const importS = (performance.now() - t0) / 1000;
  if (imported.errors.length || imported.recordings.length !== files) throw new Error('import failed');
  const totalFrames = imported.recordings.reduce((a, r) => a + r.values.length / r.axes.length, 0);

  const t1 = performance.now();
  const zip = exportProjectZip({ name: 'bench', labels, recordings: imported.recordings, models: [] });
  const exportS = (performance.now() - t1) / 1000;

  const zipPath = join(dir, 'p.zip');
  writeFileSync(zipPath, zip);
  const t2 = performance.now();
  const again = await detectAndImport(listInputFiles(zipPath));
  const importZipS = (performance.now() - t2) / 1000;
  if (again.errors.length || again.recordings.length !== files) throw new Error('zip import failed');

  const mb = bytes / 1e6;
  console.log(`BENCH data.import_csv_samples_per_s ${Math.round(totalFrames / importS)} samples/s`);
  console.log(`BENCH data.import_csv_mb_per_s ${(mb / importS).toFixed(2)} MB/s`);
  console.log(`BENCH data.export_zip_mb_per_s ${(mb / exportS).toFixed(2)} MB/s`);
  console.log(`BENCH data.import_zip_mb_per_s ${(mb / importZipS).toFixed(2)} MB/s`);
  console.log(`BENCH data.zip_ratio ${(zip.length / bytes).toFixed(3)} ratio`);
  console.log(
    `\n${files} CSV files, ${mb.toFixed(1)} MB, ${totalFrames} samples (frames of ${axes.length} axes) generated in ${genS.toFixed(1)} s; ` +
      `import ${importS.toFixed(2)} s, project zip export ${exportS.toFixed(2)} s (${(zip.length / 1e6).toFixed(1)} MB), zip import ${importZipS.toFixed(2)} s. ` +
      `"MB" is MB of CSV text (1e6 bytes); a sample is one frame (row).`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
