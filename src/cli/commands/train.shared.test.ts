/**
 * `tinyml train` on the shared xiao_ei_motion recordings (../shared/datasets): slow, so it runs in the
 * `slow` vitest project (vitest.slow.config.ts), which `npm test` and CI run once.
 */
import { describe, it, expect, vi } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../main.ts';
import { sharedPath, skipReason } from '../../../tests/helpers/shared.ts';

const xiao = sharedPath('datasets/xiao_ei_motion');
describe.skipIf(!xiao)(`tinyml train on xiao_ei_motion with defaults${xiao ? '' : ' — ' + skipReason('datasets/xiao_ei_motion')}`, () => {
  it('beats 92.3 % per window on the dataset test split (float and int8)', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'tinyml-xiao-'));
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      expect(await main(['train', '--data', xiao!, '--out', tmp, '--quiet'])).toBe(0);
      const m = JSON.parse(readFileSync(join(tmp, 'metrics.json'), 'utf8'));
      expect(m.labels).toEqual(['circle', 'flick', 'idle', 'updown']);
      expect(m.training.split).toBe('dataset.json');
      expect(m.float.accuracy).toBeGreaterThan(0.923);
      expect(m.int8.accuracy).toBeGreaterThan(0.923);
    } finally {
      log.mockRestore();
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
