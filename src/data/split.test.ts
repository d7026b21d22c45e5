import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mulberry32, splitWarnings, stratifiedSplit, type SplitItem } from './split.ts';
import type { Category } from './sample.ts';
import { sharedPath, skipReason } from '../../tests/helpers/shared.ts';

function items(counts: Record<string, number>): SplitItem[] {
  return Object.entries(counts).flatMap(([label, n]) => Array.from({ length: n }, (_, i) => ({ id: `${label}-${i}`, label, category: 'training' as Category })));
}

describe('stratifiedSplit', () => {
  it('puts 20% of each label in testing, deterministically, regardless of input order', () => {
    const its = items({ a: 50, b: 10, c: 7, d: 1 });
    const r1 = stratifiedSplit(its, { seed: 42 });
    const r2 = stratifiedSplit([...its].reverse(), { seed: 42 });
    expect([...r1.categories.entries()].sort()).toEqual([...r2.categories.entries()].sort());
    const tests = (l: string): number => its.filter((i) => i.label === l && r1.categories.get(i.id) === 'testing').length;
    expect([tests('a'), tests('b'), tests('c'), tests('d')]).toEqual([10, 2, 1, 0]);
    expect(r1.changed.length).toBe(13);
    const r3 = stratifiedSplit(its, { seed: 43 });
    expect([...r3.categories.entries()].sort()).not.toEqual([...r1.categories.entries()].sort());
  });

  it('keeps groups together and never empties a side of a label with two groups', () => {
    const its: SplitItem[] = [
      ...Array.from({ length: 6 }, (_, i) => ({ id: `x${i}`, label: 'x', group: 'long1' })),
      ...Array.from({ length: 6 }, (_, i) => ({ id: `y${i}`, label: 'x', group: 'long2' })),
    ];
    const r = stratifiedSplit(its, { testFraction: 0.2 });
    const cats = its.map((i) => r.categories.get(i.id));
    expect(new Set(cats.slice(0, 6)).size).toBe(1);
    expect(new Set(cats.slice(6)).size).toBe(1);
    expect(cats[0]).not.toBe(cats[6]);
  });

  it('mulberry32 is uniform enough', () => {
    const r = mulberry32(9);
    const bins = new Array<number>(10).fill(0);
    for (let i = 0; i < 100_000; i++) bins[Math.floor(r() * 10)]++;
    for (const b of bins) expect(Math.abs(b - 10_000)).toBeLessThan(500);
  });
});

describe('splitWarnings', () => {
  it('flags missing test data, missing training data and skew, listing the samples', () => {
    const its = [
      ...items({ a: 10 }).map((i) => ({ ...i, category: 'training' as Category })),
      ...items({ b: 3 }).map((i) => ({ ...i, category: 'testing' as Category })),
      ...items({ c: 10 }).map((i, k) => ({ ...i, category: (k < 6 ? 'testing' : 'training') as Category })),
      ...items({ d: 10 }).map((i, k) => ({ ...i, category: (k < 2 ? 'testing' : 'training') as Category })),
    ];
    const w = splitWarnings(its);
    expect(w.map((x) => [x.kind, x.label])).toEqual([
      ['no-test-data', 'a'],
      ['no-training-data', 'b'],
      ['label-skewed', 'c'],
      ['overall-skewed', undefined],
    ]);
    expect(w[0].sampleIds.length).toBe(10);
    expect(w[0].message).toMatch(/move about 2 of its 10/);
    expect(w[2].sampleIds).toEqual(['c-0', 'c-1', 'c-2', 'c-3', 'c-4', 'c-5']);
  });

  it('is quiet after a rebalance', () => {
    const its = items({ a: 30, b: 25, c: 12 });
    const r = stratifiedSplit(its);
    expect(splitWarnings(its.map((i) => ({ ...i, category: r.categories.get(i.id)! })))).toEqual([]);
  });
});

const xiao = sharedPath('datasets/xiao_ei_motion');
describe.skipIf(!xiao)(`shared xiao_ei_motion split (${xiao ? 'present' : skipReason('datasets/xiao_ei_motion')})`, () => {
  it('its own test split raises no warnings; a 0% split does', () => {
    const meta = JSON.parse(readFileSync(join(xiao!, 'dataset.json'), 'utf8')) as { test_ids: string[]; num_recordings: Record<string, number> };
    // 6 of 24 per label are testing (25%): within tolerance of 20%.
    const test = new Set(meta.test_ids);
    const its = meta.test_ids.map((id) => ({ id, label: id.split('.')[0], category: 'testing' as Category }));
    for (const [label, n] of Object.entries(meta.num_recordings)) {
      for (let i = 0; i < n - meta.test_ids.filter((t) => t.startsWith(`${label}.`)).length; i++) its.push({ id: `${label}.train${i}`, label, category: 'training' });
    }
    expect(test.size).toBe(24);
    expect(splitWarnings(its)).toEqual([]);
    expect(splitWarnings(its.map((i) => ({ ...i, category: 'training' as Category }))).length).toBe(5);
  });
});
