/**
 * Issue 7 "Done when", accuracy part: for every classifying learning block (dense on the default
 * flatten impulse, conv1d on raw windows), int8 test accuracy within 1 percentage point of float, on
 * ../shared/datasets/* (their test splits) and on a self-made simulated-board dataset.
 *
 * Two int8 exports of the same trained model are checked: the one `tinyml train` ships today
 * (`exportInt8`: input standardisation folded into the first layer, so one int8 input scale spans raw
 * channels) and one with a standardised int8 input tensor (src/ml/verify/standardized-input.ts).
 * The shipped export misses the bound where channels have very different ranges (gyroscope in deg/s
 * next to accelerometer in g or m/s²): those cases are `it.fails` until the export standardises its
 * input (see the report of this check); the standardised export meets the bound everywhere.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accuracyCase, type AccuracyCase } from '../../../tests/e2e/tflite-runtime/pipeline-cases.ts';
import { CLASSIFIER_BLOCKS, SHARED_DATASETS, writeDemoDataset, type DatasetSpec } from '../../../tests/e2e/tflite-runtime/trained-cases.ts';
import { sharedPath, skipReason } from '../../../tests/helpers/shared.ts';

const PP = 0.01 + 1e-9;

/** Cases the shipped (folded) export fails today: one int8 scale over deg/s and g (or m/s²) channels. */
const SHIPPED_FAILS = new Set(['arduino_punch_flex_conv1d', 'demo_dense']);

function report(c: AccuracyCase): string {
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  return `${c.name}: ${c.windows} windows, float ${pct(c.floatAcc)}, int8 ${pct(c.int8Acc)} (${c.int8Disagree} differ), int8 std-input ${pct(c.int8StdAcc)} (${c.int8StdDisagree} differ), input scale ${c.inputScale.toPrecision(3)}`;
}

function defineChecks(getDs: () => DatasetSpec, dsName: string): void {
  for (const spec of CLASSIFIER_BLOCKS) {
    const name = `${dsName}_${spec.block}`;
    let c: AccuracyCase;
    const get = async () => (c ??= await accuracyCase(getDs(), spec));
    it(`${name}: int8 with a standardised input tensor is within 1 pp of float`, async () => {
      const r = await get();
      console.log(report(r));
      expect(r.windows).toBeGreaterThan(0);
      expect(r.floatAcc).toBeGreaterThan(0.7); // a meaningful model, not chance
      expect(Math.abs(r.int8StdAcc - r.floatAcc)).toBeLessThanOrEqual(PP);
    }, 120_000);
    (SHIPPED_FAILS.has(name) ? it.fails : it)(`${name}: shipped int8 export (folded, one raw input scale) is within 1 pp of float`, async () => {
      const r = await get();
      expect(Math.abs(r.int8Acc - r.floatAcc)).toBeLessThanOrEqual(PP);
    }, 120_000);
  }
}

describe('int8 vs float accuracy on a self-made dataset (simulated board, 6 axes)', () => {
  let tmp = '';
  let ds: DatasetSpec;
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'tinyml-int8-'));
    ds = writeDemoDataset(join(tmp, 'demo'));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  defineChecks(() => ds, 'demo');
});

for (const d of SHARED_DATASETS) {
  const dir = sharedPath(`datasets/${d.name}`);
  describe.skipIf(!dir)(`int8 vs float accuracy on ${d.name} (${dir ? 'its test split' : skipReason(`datasets/${d.name}`)})`, () => {
    defineChecks(() => ({ name: d.name, dir: dir!, epochs: d.epochs }), d.name);
  });
}
