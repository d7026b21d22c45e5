import 'fake-indexeddb/auto';
import { describe, it, expect } from 'vitest';
import { openStudioDb } from '../../../data/store/open-db.ts';
import { StudioStore } from '../../../data/store/studio-store.ts';
import { stratifiedSplit } from '../../../data/split.ts';
import type { RawRecording } from '../../../data/sample.ts';
import { applyPlan, planRebalance, undoPlan } from './rebalance-plan.ts';
import { splitItems } from './split-groups.ts';

function rec(label: string, i: number, category: 'training' | 'testing'): RawRecording {
  const values = new Float32Array(30).map((_, k) => Math.sin(k + i));
  return { name: `${label}.${i}`, label, category, axes: [{ name: 'accX', units: 'm/s2' }], intervalMs: 16, values };
}

describe('rebalance plan', () => {
  it('counts the moves once and undo restores a hand-picked split after the sample list changed', async () => {
    const store = new StudioStore(await openStudioDb({ name: `rb-${Math.random()}` }));
    const p = await store.createProject('p');
    const recs: RawRecording[] = [];
    for (const label of ['idle', 'wave']) for (let i = 0; i < 10; i++) recs.push(rec(label, i, i < 5 ? 'testing' : 'training'));
    await store.addSamples(p.id, recs);
    const list = async () => (await store.listSamples(p.id)).filter((m) => m.complete);
    const before = new Map((await list()).map((m) => [m.id, m.category]));
    const result = stratifiedSplit(splitItems(await list(), true), { testFraction: 0.2, seed: 1 });
    const plan = planRebalance(await list(), result);
    expect(plan.moves.length).toBe(result.changed.length);
    expect(plan.moves.length).toBeGreaterThan(0);
    await applyPlan(store, plan);
    const mid = await list();
    // Recomputing the split on the new list finds nothing to change: the plan must not depend on it.
    expect(stratifiedSplit(splitItems(mid, true), { testFraction: 0.2, seed: 1 }).changed).toEqual([]);
    expect(mid.filter((m) => m.category !== before.get(m.id))).toHaveLength(plan.moves.length);
    expect(plan.toTesting.length + plan.toTraining.length).toBe(plan.moves.length);
    await undoPlan(store, plan);
    expect(new Map((await list()).map((m) => [m.id, m.category]))).toEqual(before);
  });
});
