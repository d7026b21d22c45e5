/**
 * Issue 7 "Done when", accuracy part: for every classifying learning block (dense on the default
 * flatten impulse, conv1d on raw windows), int8 test accuracy within 1 percentage point of float, on
 * ../shared/datasets/* (their test splits) and on a self-made simulated-board dataset (6 axes, m/s² and
 * deg/s). Trains with the pipeline and exports as `tinyml train` does (input standardised with the
 * impulse's normalization, then int8); the int8 accuracy is our TFLite Micro-exact interpreter's.
 * The log line also shows the int8 accuracy without input standardisation, for comparison.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accuracyCase, type AccuracyCase } from '../../../tests/e2e/tflite-runtime/pipeline-cases.ts';
import { CLASSIFIER_BLOCKS, SHARED_DATASETS, writeDemoDataset, type DatasetSpec } from '../../../tests/e2e/tflite-runtime/trained-cases.ts';
import { sharedPath, skipReason } from '../../../tests/helpers/shared.ts';

const PP = 0.01 + 1e-9;

function report(c: AccuracyCase): string {
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  return `${c.name}: ${c.windows} windows, float ${pct(c.floatAcc)}, int8 ${pct(c.int8Acc)} (${c.int8Disagree} windows differ from float${c.standardized ? ', standardised input' : ''}), without input standardisation ${pct(c.rawInt8Acc)} (${c.rawInt8Disagree} differ)`;
}

function defineChecks(getDs: () => DatasetSpec, dsName: string): void {
  for (const spec of CLASSIFIER_BLOCKS) {
    const name = `${dsName}_${spec.block}`;
    it(`${name}: int8 test accuracy is within 1 pp of float`, async () => {
      const r = await accuracyCase(getDs(), spec);
      console.log(report(r));
      expect(r.windows).toBeGreaterThan(0);
      expect(r.floatAcc).toBeGreaterThan(0.7); // a meaningful model, not chance
      expect(r.standardized).toBe(true);
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
