/**
 * Train/test split: a seeded, stratified rebalance by recording, and warnings when a split is
 * unusable or skewed. DOM-free core module.
 *
 * Works on sample metadata only (id, label, category, optional group), so the UI can run it on the
 * whole project without loading values. Recordings that share a `group` (e.g. pieces cut from one long
 * recording) always land on the same side, so windows from one take cannot leak between train and test.
 */
import { mulberry32, shuffleInPlace } from '../core/prng.ts';
import type { Category } from './sample.ts';

export interface SplitItem {
  id: string;
  label: string;
  category?: Category;
  /** Items with the same group stay together (default: the id). */
  group?: string;
}

export interface SplitOptions {
  /** Share of recordings (groups) per label that go to testing; default 0.2. */
  testFraction?: number;
  /** PRNG seed; the same items and seed give the same split. Default 1. */
  seed?: number;
}

/** Re-exported for existing importers; the PRNG lives in src/core/prng.ts. */
export { mulberry32 };

export interface SplitResult {
  /** New category for every item id. */
  categories: Map<string, Category>;
  /** Ids whose category changes. */
  changed: string[];
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Stratified split by label: for each label, its groups are shuffled with the seeded PRNG and
 * round(n × testFraction) go to testing (at least one when a label has two or more groups, never all).
 * Independent of input order.
 */
export function stratifiedSplit(items: SplitItem[], opts: SplitOptions = {}): SplitResult {
  const frac = opts.testFraction ?? 0.2;
  if (!(frac >= 0 && frac <= 1)) throw new RangeError('testFraction must be between 0 and 1');
  const byLabel = new Map<string, Map<string, string[]>>();
  for (const it of items) {
    const groups = byLabel.get(it.label) ?? new Map<string, string[]>();
    const g = it.group ?? it.id;
    groups.set(g, [...(groups.get(g) ?? []), it.id]);
    byLabel.set(it.label, groups);
  }
  const categories = new Map<string, Category>();
  for (const label of [...byLabel.keys()].sort(cmp)) {
    const groups = byLabel.get(label)!;
    const keys = [...groups.keys()].sort(cmp);
    // Seed per label, so adding a label does not reshuffle the others.
    let h = (opts.seed ?? 1) >>> 0;
    for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 16777619) >>> 0;
    shuffleInPlace(keys, mulberry32(h));
    let nTest = Math.round(keys.length * frac);
    if (frac > 0 && keys.length >= 2) nTest = Math.max(1, nTest);
    if (frac < 1 && keys.length >= 2) nTest = Math.min(keys.length - 1, nTest);
    keys.forEach((k, i) => {
      for (const id of groups.get(k)!) categories.set(id, i < nTest ? 'testing' : 'training');
    });
  }
  const changed = items.filter((it) => it.category !== undefined && it.category !== categories.get(it.id)).map((it) => it.id);
  return { categories, changed };
}

export interface SplitWarning {
  kind: 'no-test-data' | 'no-training-data' | 'label-skewed' | 'overall-skewed';
  label?: string;
  message: string;
  /** The samples concerned. */
  sampleIds: string[];
}

export interface SplitWarningOptions {
  /** Intended test share; default 0.2. */
  testFraction?: number;
  /** Allowed absolute deviation of a label's (or the whole set's) test share; default 0.1. */
  tolerance?: number;
  /** Labels with fewer items are not checked for skew (only for missing data); default 5. */
  minItemsForSkew?: number;
}

/** Warnings for labels without test or training data and for shares far from the intended split. */
export function splitWarnings(items: (SplitItem & { category: Category })[], opts: SplitWarningOptions = {}): SplitWarning[] {
  const target = opts.testFraction ?? 0.2;
  const tol = opts.tolerance ?? 0.1;
  const minItems = opts.minItemsForSkew ?? 5;
  const out: SplitWarning[] = [];
  const labels = new Map<string, { train: string[]; test: string[] }>();
  for (const it of items) {
    const l = labels.get(it.label) ?? { train: [], test: [] };
    (it.category === 'testing' ? l.test : l.train).push(it.id);
    labels.set(it.label, l);
  }
  let nTest = 0;
  for (const label of [...labels.keys()].sort(cmp)) {
    const { train, test } = labels.get(label)!;
    nTest += test.length;
    const n = train.length + test.length;
    if (test.length === 0) {
      out.push({ kind: 'no-test-data', label, message: `"${label}" has no test data, so its accuracy cannot be measured; move about ${Math.max(1, Math.round(n * target))} of its ${n} samples to testing.`, sampleIds: train });
    } else if (train.length === 0) {
      out.push({ kind: 'no-training-data', label, message: `"${label}" has only test data, so the model cannot learn it; move samples to training.`, sampleIds: test });
    } else if (n >= minItems && Math.abs(test.length / n - target) > tol) {
      const pct = Math.round((100 * test.length) / n);
      out.push({
        kind: 'label-skewed',
        label,
        message: `"${label}" has ${pct}% of its samples in testing (intended ${Math.round(target * 100)}%); rebalance the split.`,
        sampleIds: test.length / n > target ? test : train,
      });
    }
  }
  if (items.length >= minItems && Math.abs(nTest / items.length - target) > tol) {
    out.push({
      kind: 'overall-skewed',
      message: `${Math.round((100 * nTest) / items.length)}% of all samples are in testing (intended ${Math.round(target * 100)}%).`,
      sampleIds: items.filter((i) => i.category === 'testing').map((i) => i.id),
    });
  }
  return out;
}
