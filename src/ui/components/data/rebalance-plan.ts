/**
 * A rebalance as a fixed list of moves, taken once when the person applies it: what the notice
 * counts and what Undo puts back, unaffected by the sample list changing afterwards. UI helper.
 */
import type { Category } from '../../../data/sample.ts';
import type { SplitResult } from '../../../data/split.ts';

export interface RebalanceMove {
  id: string;
  from: Category;
  to: Category;
}

export interface RebalancePlan {
  moves: RebalanceMove[];
  toTesting: string[];
  toTraining: string[];
}

/** The samples whose category the split changes, with where each one was. */
export function planRebalance(samples: readonly { id: string; category: Category }[], result: SplitResult): RebalancePlan {
  const moves: RebalanceMove[] = [];
  for (const s of samples) {
    const to = result.categories.get(s.id);
    if (to && to !== s.category) moves.push({ id: s.id, from: s.category, to });
  }
  return {
    moves,
    toTesting: moves.filter((m) => m.to === 'testing').map((m) => m.id),
    toTraining: moves.filter((m) => m.to === 'training').map((m) => m.id),
  };
}

/** The ids to set back to each category to undo a plan. */
export function undoMoves(plan: RebalancePlan): Record<Category, string[]> {
  const back: Record<Category, string[]> = { training: [], testing: [] };
  for (const m of plan.moves) back[m.from].push(m.id);
  return back;
}

export interface CategoryWriter {
  updateSamples(ids: string[], patch: { category: Category }): Promise<unknown>;
}

export async function applyPlan(store: CategoryWriter, plan: RebalancePlan): Promise<void> {
  if (plan.toTesting.length) await store.updateSamples(plan.toTesting, { category: 'testing' });
  if (plan.toTraining.length) await store.updateSamples(plan.toTraining, { category: 'training' });
}

export async function undoPlan(store: CategoryWriter, plan: RebalancePlan): Promise<void> {
  const back = undoMoves(plan);
  if (back.training.length) await store.updateSamples(back.training, { category: 'training' });
  if (back.testing.length) await store.updateSamples(back.testing, { category: 'testing' });
}
