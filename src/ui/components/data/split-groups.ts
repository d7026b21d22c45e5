/**
 * Split items for the train/test rebalance from sample metadata: pieces cut from one recording
 * (named `<source>.<n>` by the sample view) share a group, so they land on the same side. UI helper.
 */
import type { SampleMeta } from '../../../data/sample.ts';
import type { SplitItem } from '../../../data/split.ts';

/** The recording a sample was cut from: `idle.abc.3` → `idle.abc`; a plain `<label>.<id>` is its own. */
export function recordingGroup(m: Pick<SampleMeta, 'id' | 'sourceName'>): string {
  const name = m.sourceName;
  if (!name) return m.id;
  let g = name;
  while ((g.match(/\./g)?.length ?? 0) >= 2 && /\.\d+$/.test(g)) g = g.replace(/\.\d+$/, '');
  return `src:${g}`;
}

export function splitItems(samples: SampleMeta[], byRecording: boolean): (SplitItem & { category: SampleMeta['category'] })[] {
  return samples.map((m) => ({ id: m.id, label: m.label, category: m.category, group: byRecording ? recordingGroup(m) : m.id }));
}
