/**
 * Issue 7 "Done when", accuracy part: for every classifying learning block (dense on the default
 * flatten impulse, conv1d on raw windows), int8 test accuracy within 1 percentage point of float on a
 * self-made simulated-board dataset (6 axes, m/s² and deg/s). Trains with the one train job `tinyml train` uses (model trained on and fed standardised
 * features, then int8); the int8 accuracy is our TFLite Micro-exact interpreter's. The same check on
 * ../shared/datasets/* (minutes of training) runs in `npm run bench` (bench/int8.bench.ts).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accuracyCase, type AccuracyCase } from '../../../tests/e2e/tflite-runtime/pipeline-cases.ts';
import { CLASSIFIER_BLOCKS, writeDemoDataset, type DatasetSpec } from '../../../tests/e2e/tflite-runtime/trained-cases.ts';

const PP = 0.01 + 1e-9;

function report(c: AccuracyCase): string {
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  return `${c.name}: ${c.windows} windows, float ${pct(c.floatAcc)}, int8 ${pct(c.int8Acc)} (${c.int8Disagree} windows differ from float${c.standardized ? ', standardised input' : ''})`;
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
