/**
 * Import → export → re-import of the shared recordings (../shared/datasets): slow, so it runs in the
 * `slow` vitest project (vitest.slow.config.ts), which `npm test` and CI run once.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { detectAndImport } from './import.ts';
import { exportCsvZip, exportEiZip, exportProjectZip } from './export.ts';
import { memFile, sameBits } from './test-fixtures.ts';
import { sharedPath, skipReason } from '../../../tests/helpers/shared.ts';

for (const ds of ['xiao_ei_motion', 'arduino_punch_flex']) {
  const dir = sharedPath(`datasets/${ds}`);
  describe.skipIf(!dir)(`shared ${ds} (${dir ? 'present' : skipReason(`datasets/${ds}`)})`, () => {
    it('imports the folder, then its project export and EI export re-import bit-exact', async () => {
      const files = readdirSync(dir!).map((n) => memFile(n, new Uint8Array(readFileSync(join(dir!, n)))));
      const p = await detectAndImport(files);
      expect(p.errors).toEqual([]);
      const meta = JSON.parse(readFileSync(join(dir!, 'dataset.json'), 'utf8')) as { test_ids: string[] };
      expect(p.recordings.filter((r) => r.category === 'testing').map((r) => r.name).sort()).toEqual([...meta.test_ids].sort());
      for (const z of [
        exportProjectZip({ name: ds, labels: [], recordings: p.recordings, models: [] }),
        exportEiZip(p.recordings),
        exportCsvZip(p.recordings),
      ]) {
        const again = await detectAndImport([memFile('x.zip', z)]);
        expect(again.errors).toEqual([]);
        expect(again.recordings.length).toBe(p.recordings.length);
        const byName = new Map(again.recordings.map((r) => [r.name, r]));
        for (const r of p.recordings) {
          const o = byName.get(r.name)!;
          expect(sameBits(o.values, r.values)).toBe(true);
          expect([o.label, o.category, o.intervalMs]).toEqual([r.label, r.category, r.intervalMs]);
          expect(o.axes).toEqual(r.axes);
        }
      }
    });
  });
}
