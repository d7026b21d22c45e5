/**
 * Validation splits by recording: every window of one recording (its group) lands on the same side,
 * so validation accuracy and early stopping see recordings the model never trained on. Stratified by
 * class where possible (a group's class is the majority label of its windows). DOM-free core module.
 *
 * `groupedHoldout` is the trainer's validation split; `groupedKFold` is k-fold cross-validation by
 * recording for small data sets (the impulse tuner scores candidates with it).
 */
import { createRng } from './rng.ts';

export interface IndexSplit {
  train: number[];
  val: number[];
}

interface Group {
  id: number;
  cls: number;
  windows: number[];
}

/** Groups of window indices by group id, each with its majority class; in order of first appearance. */
function collectGroups(y: ArrayLike<number>, groups: ArrayLike<number>): Group[] {
  if (groups.length !== y.length) throw new Error(`groups has ${groups.length} entries for ${y.length} windows`);
  const byId = new Map<number, Group>();
  for (let i = 0; i < y.length; i++) {
    let g = byId.get(groups[i]);
    if (!g) byId.set(groups[i], (g = { id: groups[i], cls: -1, windows: [] }));
    g.windows.push(i);
  }
  for (const g of byId.values()) {
    const counts = new Map<number, number>();
    for (const i of g.windows) counts.set(y[i], (counts.get(y[i]) ?? 0) + 1);
    let best = -1;
    let bestN = -1;
    for (const [c, n] of [...counts.entries()].sort((a, b) => a[0] - b[0])) if (n > bestN) [best, bestN] = [c, n];
    g.cls = best;
  }
  return [...byId.values()];
}

/** Groups per class (classes ascending, groups sorted by id so the order does not depend on the input order), shuffled. */
function shuffledByClass(list: Group[], seed: number): Group[][] {
  const rng = createRng(seed);
  const byClass = new Map<number, Group[]>();
  for (const g of list) {
    const l = byClass.get(g.cls) ?? [];
    l.push(g);
    byClass.set(g.cls, l);
  }
  return [...byClass.keys()].sort((a, b) => a - b).map((k) => rng.shuffle(byClass.get(k)!.sort((a, b) => a.id - b.id)) as Group[]);
}

function flatten(gs: Group[]): number[] {
  const out: number[] = [];
  for (const g of gs) out.push(...g.windows);
  return out.sort((a, b) => a - b);
}

/**
 * Seeded hold-out of about `fraction` of the recordings of each class for validation. A class with
 * fewer than two recordings keeps them all for training (no recording is ever split).
 */
export function groupedHoldout(y: ArrayLike<number>, groups: ArrayLike<number>, fraction: number, seed: number): IndexSplit {
  const all = collectGroups(y, groups);
  if (fraction <= 0) return { train: flatten(all), val: [] };
  const train: Group[] = [];
  const val: Group[] = [];
  for (const gs of shuffledByClass(all, seed ^ 0x6a0e)) {
    const n = gs.length;
    const want = Math.round(n * fraction);
    const nVal = n < 2 ? 0 : Math.min(n - 1, n >= 3 ? Math.max(1, want) : want);
    val.push(...gs.slice(0, nVal));
    train.push(...gs.slice(nVal));
  }
  return { train: flatten(train), val: flatten(val) };
}

/**
 * Seeded k-fold cross-validation by recording, stratified by class: each class's recordings are dealt
 * round-robin to the folds (starting at a rotating fold so small classes do not pile into fold 0).
 * `k` is capped at the number of recordings; folds with no validation windows are dropped.
 */
export function groupedKFold(y: ArrayLike<number>, groups: ArrayLike<number>, k: number, seed: number): IndexSplit[] {
  const all = collectGroups(y, groups);
  const folds = Math.max(2, Math.min(Math.floor(k), all.length));
  if (all.length < 2) return [];
  const members: Group[][] = Array.from({ length: folds }, () => []);
  let offset = 0;
  for (const gs of shuffledByClass(all, seed ^ 0x4f1d)) {
    gs.forEach((g, i) => members[(offset + i) % folds].push(g));
    offset = (offset + gs.length) % folds;
  }
  const out: IndexSplit[] = [];
  for (let f = 0; f < folds; f++) {
    if (members[f].length === 0) continue;
    out.push({ train: flatten(members.filter((_, j) => j !== f).flat()), val: flatten(members[f]) });
  }
  return out;
}
