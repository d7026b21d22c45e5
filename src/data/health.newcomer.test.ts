/**
 * Dataset health on what a newcomer has: the demo's simulated recordings. No false alarms on a sound
 * dataset, readable numbers and titles, and the window the Impulse step would propose.
 */
import { describe, it, expect } from 'vitest';
import { datasetHealth, findingTitle, healthWindowing, type HealthSample } from './health.ts';
import { makeDemoDataset } from '../device/sim/demo-dataset.ts';

function demo(perLabel: number, seed = 7, durationMs = 4000): HealthSample[] {
  return makeDemoDataset({ seed, perLabel, durationMs, rateHz: 62.5 }).map((r, i) => ({ id: `s${i}`, label: r.label, category: r.category ?? 'training', axes: r.axes, intervalMs: r.intervalMs, values: r.values }));
}

describe('dataset health on the demo recordings', () => {
  it('does not call sound idle recordings outliers, nor periodic recordings near-duplicates', () => {
    for (const seed of [7, 8, 9]) {
      const r = datasetHealth(demo(13, seed));
      const outliers = r.findings.filter((f) => f.kind === 'outlier');
      // Idle recordings are still, and some people hold the board the other way up: no outliers.
      expect(outliers.filter((f) => f.label === 'idle'), `seed ${seed}`).toEqual([]);
      // Elsewhere at most an unusually vigorous take or two, never a large part of a label (7 of 13 before).
      for (const f of outliers) expect(f.sampleIds.length, `seed ${seed} ${f.label}`).toBeLessThanOrEqual(2);
      expect(r.findings.filter((f) => f.kind === 'near-duplicate'), `seed ${seed}`).toEqual([]);
    }
  });

  it('still finds a mislabelled recording and a near copy', () => {
    const ss = demo(13);
    const wave = ss.find((s) => s.label === 'wave')!;
    const mislabelled = { ...wave, id: 'oops', label: 'idle' };
    const copy = { ...ss[3], id: 'copy', values: ss[3].values.map((v, i) => v + (i % 2 ? 1e-3 : -1e-3)) };
    const r = datasetHealth([...ss, mislabelled, copy]);
    expect(r.findings.find((f) => f.kind === 'outlier' && f.label === 'idle')?.sampleIds).toEqual(['oops']);
    expect(r.findings.find((f) => f.kind === 'near-duplicate')?.sampleIds.sort()).toEqual(['copy', ss[3].id].sort());
  });

  it('prints values with a few significant digits, not raw floats', () => {
    const ss = demo(10);
    const clip = { ...ss[0], id: 'clip', values: ss[0].values.slice() };
    for (let i = 40; i < 46; i++) clip.values[i * 6] = Math.fround(29.307422637939453);
    const r = datasetHealth([...ss, clip]);
    const f = r.findings.find((x) => x.kind === 'clipped')!;
    expect(f.message).toMatch(/29\.31/);
    for (const x of r.findings) expect(x.message).not.toMatch(/\d\.\d{5,}/);
  });

  it('titles read as words', () => {
    expect(findingTitle('need-more')).toBe('Needs more data');
    expect(findingTitle('near-duplicate')).toBe('Nearly identical samples');
  });

  it("uses the Impulse step's proposed window (2000 ms, or the typical recording when shorter), not 1000 ms", () => {
    const r = datasetHealth(demo(10));
    expect(r.windowMs).toBe(2000);
    expect(healthWindowing([4000, 4000, 1600, 4000])).toEqual({ windowMs: 2000, strideMs: 500 });
    expect(healthWindowing([1000, 1000, 990])).toEqual({ windowMs: 1000, strideMs: 500 });
    expect(datasetHealth(demo(10), { windowMs: 1500, strideMs: 250 }).windowMs).toBe(1500);
  });
});
