/**
 * int8 vs float benchmark for every classifying learning block (dense on the default flatten impulse,
 * conv1d on raw windows) on ../shared/datasets/* (skipped with a line when absent) and the self-made
 * simulated-board dataset: train with the pipeline (as `tinyml train` does), export int8, score the
 * test split with the TypeScript interpreter (TFLite Micro arithmetic).
 *
 * Run: npx tsx bench/int8.bench.ts
 * Figures per <dataset>_<block>: float and int8 test accuracy (%) of what `tinyml train` ships (the
 * model trained on and fed features standardised with the impulse's normalization), int8 model bytes
 * and the planned tensor arena bytes. conv1d on xiao_ei_motion trains 15 epochs (not 30) for time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accuracyCase, type AccuracyCase } from '../tests/e2e/tflite-runtime/pipeline-cases.ts';
import { CLASSIFIER_BLOCKS, SHARED_DATASETS, sharedDatasets, writeDemoDataset } from '../tests/e2e/tflite-runtime/trained-cases.ts';

const tmp = mkdtempSync(join(tmpdir(), 'int8-bench-'));
const rows: AccuracyCase[] = [];
try {
  const found = sharedDatasets();
  for (const d of SHARED_DATASETS) if (!found.some((f) => f.name === d.name)) console.log(`skipped ${d.name}: ../shared/datasets/${d.name} not found`);
  for (const ds of [writeDemoDataset(join(tmp, 'demo')), ...found]) {
    for (const spec of CLASSIFIER_BLOCKS) {
      const c = await accuracyCase(ds, spec);
      rows.push(c);
      const line = (fig: string, v: number, unit: string) => console.log(`BENCH int8.${c.name}_${fig} ${Number(v.toPrecision(4))} ${unit}`);
      line('float_acc', c.floatAcc * 100, '%');
      line('int8_acc', c.int8Acc * 100, '%');
      line('model_bytes', c.modelBytes, 'bytes');
      line('arena_bytes', c.arenaBytes, 'bytes');
    }
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
console.log('\nint8 (TFLite Micro arithmetic) vs float on each test split:');
for (const c of rows) {
  const d = (c.int8Acc - c.floatAcc) * 100;
  console.log(
    `  ${c.name.padEnd(26)} ${String(c.windows).padStart(4)} windows  float ${(c.floatAcc * 100).toFixed(1)}%  int8 ${(c.int8Acc * 100).toFixed(1)}% (${d >= 0 ? '+' : ''}${d.toFixed(1)} pp${Math.abs(d) > 1 ? ', OVER 1 pp' : ''})  ` +
      `${c.modelBytes} B model, ${c.arenaBytes} B arena, trained in ${(c.trainMs / 1000).toFixed(1)} s`,
  );
}
