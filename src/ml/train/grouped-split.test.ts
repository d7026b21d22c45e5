/**
 * Validation by recording: windows of one recording never sit on both sides of a split.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import fc from 'fast-check';
import { makeDemoDataset } from '../../device/sim/demo-dataset.ts';
import { defaultImpulse } from '../defaults.ts';
import { useBackend } from './backend.ts';
import { groupedHoldout, groupedKFold } from './grouped-split.ts';
import { runPipeline } from './pipeline.ts';

/** n recordings per class, each with w windows: y and group per window. */
function layout(classes: number, perClass: number, windows: number) {
  const y: number[] = [];
  const g: number[] = [];
  let id = 0;
  for (let c = 0; c < classes; c++)
    for (let r = 0; r < perClass; r++, id++) for (let w = 0; w < windows; w++) {
      y.push(c);
      g.push(id * 7 + 3);
    }
  return { y, g };
}

const sides = (g: number[], idx: number[]) => new Set(idx.map((i) => g[i]));

describe('groupedHoldout', () => {
  it('puts whole recordings on one side, about the fraction per class, every window once', () => {
    const { y, g } = layout(3, 10, 6);
    const { train, val } = groupedHoldout(y, g, 0.2, 4);
    const tr = sides(g, train);
    for (const r of sides(g, val)) expect(tr.has(r)).toBe(false);
    for (let c = 0; c < 3; c++) expect(val.filter((i) => y[i] === c).length).toBe(2 * 6);
    expect([...train, ...val].sort((a, b) => a - b)).toEqual(y.map((_, i) => i));
  });

  it('keeps a class with one recording for training and never splits a recording (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ cls: fc.integer({ min: 0, max: 3 }), n: fc.integer({ min: 1, max: 5 }) }), { minLength: 1, maxLength: 30 }), fc.double({ min: 0, max: 0.9, noNaN: true }), fc.integer(), (recs, frac, seed) => {
        const y: number[] = [];
        const g: number[] = [];
        recs.forEach((r, id) => {
          for (let w = 0; w < r.n; w++) {
            y.push(r.cls);
            g.push(id);
          }
        });
        const { train, val } = groupedHoldout(y, g, frac, seed);
        const tr = sides(g, train);
        for (const r of sides(g, val)) expect(tr.has(r)).toBe(false);
        expect(train.length + val.length).toBe(y.length);
        // every class keeps at least one recording for training
        for (const c of new Set(y)) expect(train.some((i) => y[i] === c)).toBe(true);
      }),
      { seed: 12, numRuns: 200 },
    );
  });

  it('is seeded: same seed, same split; another seed, another split', () => {
    const { y, g } = layout(2, 12, 3);
    expect(groupedHoldout(y, g, 0.25, 1)).toEqual(groupedHoldout(y, g, 0.25, 1));
    expect(groupedHoldout(y, g, 0.25, 1).val).not.toEqual(groupedHoldout(y, g, 0.25, 2).val);
  });
});

describe('groupedKFold', () => {
  it('each recording is validated exactly once, never on both sides, folds stratified', () => {
    const { y, g } = layout(3, 5, 4);
    const folds = groupedKFold(y, g, 5, 9);
    expect(folds).toHaveLength(5);
    const seen = new Map<number, number>();
    for (const f of folds) {
      const tr = sides(g, f.train);
      for (const r of sides(g, f.val)) {
        expect(tr.has(r)).toBe(false);
        seen.set(r, (seen.get(r) ?? 0) + 1);
      }
      expect(f.train.length + f.val.length).toBe(y.length);
      // 5 recordings per class over 5 folds: one per class per fold
      for (let c = 0; c < 3; c++) expect(f.val.filter((i) => y[i] === c).length).toBe(4);
    }
    expect(seen.size).toBe(15);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
  });

  it('caps k at the number of recordings', () => {
    const { y, g } = layout(1, 3, 2);
    expect(groupedKFold(y, g, 10, 0)).toHaveLength(3);
    expect(groupedKFold([0, 0], [1, 1], 5, 0)).toEqual([]);
  });
});

describe('training splits validation by recording', () => {
  beforeAll(async () => {
    expect(await useBackend('cpu')).toBe(true);
  });

  it('the pipeline carries each window\'s recording and no recording has windows in both training and validation', async () => {
    const recs = makeDemoDataset({ seed: 3, perLabel: 6, durationMs: 3000, testFraction: 0, startTime: 1_700_000_000_000 });
    const imp = defaultImpulse({ frequencyHz: 62.5, axes: recs[0].axes.map((a) => a.name), labels: [], shortestRecordingMs: 3000 });
    imp.windowing = { ...imp.windowing, windowMs: 1000, strideMs: 250 };
    imp.training = { ...imp.training, epochs: 2, validationSplit: 0.3 };
    const res = await runPipeline(recs, imp);
    const cls = res.classifier!;
    const recOf = (i: number) => res.train.windows[i].recording;
    const val = new Set(cls.validationIndices.map(recOf));
    expect(val.size).toBeGreaterThan(0);
    const trainRecs = new Set(res.train.windows.map((_, i) => i).filter((i) => !cls.validationIndices.includes(i)).map(recOf));
    for (const r of val) expect(trainRecs.has(r)).toBe(false);
    cls.model.dispose();
  }, 60_000);
});
