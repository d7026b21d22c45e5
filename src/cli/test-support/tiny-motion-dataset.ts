/**
 * A small motion-like dataset folder for the CLI tests, in the shared layout: 3 labels (idle, shake,
 * wave) × 6 recordings of 3 s at 50 Hz on accX/accY/accZ, `<label>.r<k>.csv`; with `sidecar`, a
 * dataset.json whose test_ids hold the last recording of each label.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRng } from '../../ml/train/rng.ts';

export function makeTinyMotionDataset(dir: string, opts: { seed: number; sidecar: boolean }): void {
  mkdirSync(dir, { recursive: true });
  const rng = createRng(opts.seed);
  const labels = ['idle', 'shake', 'wave'];
  const testIds: string[] = [];
  for (const label of labels) {
    for (let r = 0; r < 6; r++) {
      const name = `${label}.r${r}`;
      if (r === 5) testIds.push(name);
      const lines = ['timestamp_ms,accX,accY,accZ'];
      for (let i = 0; i < 150; i++) {
        const t = i / 50;
        const n = () => 0.05 * rng.normal();
        let x = n();
        let y = n();
        let z = 1 + n();
        if (label === 'shake') x += 1.2 * Math.sin(2 * Math.PI * 6 * t + r);
        if (label === 'wave') {
          y += 0.8 * Math.sin(2 * Math.PI * 1.5 * t + r);
          z -= 0.5;
        }
        lines.push(`${i * 20},${x.toFixed(4)},${y.toFixed(4)},${z.toFixed(4)}`);
      }
      writeFileSync(join(dir, `${name}.csv`), lines.join('\n') + '\n');
    }
  }
  if (opts.sidecar) writeFileSync(join(dir, 'dataset.json'), JSON.stringify({ name: 'tiny', sample_rate_hz: 50, axes: ['accX', 'accY', 'accZ'], labels, test_ids: testIds }));
}
