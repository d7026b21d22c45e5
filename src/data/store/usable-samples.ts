/**
 * Which of a project's samples an impulse can use: complete, non-empty, at the impulse's sample rate
 * (within 1 %) and with its axes; the others listed with the reason. One function for every worker
 * (features, training, testing). Order: oldest first (the Impulse step's listing), or `order: 'name'`
 * for training — source file name as the CLI reads a folder, then creation time, then id — so the
 * same seed gives the same model as `tinyml train`. Reads metadata only, never sample values.
 * DOM-free core module.
 */
import type { WindowingConfig } from '../../core/impulse.ts';
import type { Category, SampleMeta } from '../sample.ts';
import type { StudioStore } from './studio-store.ts';

export interface SkippedSample {
  id: string;
  name: string;
  reason: string;
}

/** The name a sample goes by in results: its source file name, or label + short id. */
export function sampleName(m: Pick<SampleMeta, 'sourceName' | 'label' | 'id'>): string {
  return m.sourceName ?? `${m.label}.${m.id.slice(0, 6)}`;
}

/** Why a sample cannot be windowed for this impulse, or null. */
export function sampleProblem(m: Pick<SampleMeta, 'intervalMs' | 'axes'>, w: Pick<WindowingConfig, 'frequencyHz' | 'axes'>): string | null {
  const fs = 1000 / m.intervalMs;
  if (!(m.intervalMs > 0) || Math.abs(fs - w.frequencyHz) > 0.01 * w.frequencyHz) {
    return `sampled at ${Number.isFinite(fs) ? fs.toFixed(2) : '?'} Hz, the impulse expects ${w.frequencyHz} Hz`;
  }
  const missing = w.axes.filter((a) => !m.axes.some((x) => x.name === a));
  if (missing.length) return `has no axis ${missing.join(', ')}`;
  return null;
}

export interface UsableSamples {
  /** Usable samples in the stable order. */
  usable: SampleMeta[];
  skipped: SkippedSample[];
  /** Complete, non-empty samples looked at (usable + skipped). */
  total: number;
}

export async function usableSamples(store: StudioStore, projectId: string, w: Pick<WindowingConfig, 'frequencyHz' | 'axes'>, opts: { category?: Category; order?: 'created' | 'name' } = {}): Promise<UsableSamples> {
  const metas = (await store.listSamples(projectId)).filter((m) => m.complete && m.length > 0 && (!opts.category || m.category === opts.category));
  const key = (m: SampleMeta) => m.sourceName ?? '';
  if (opts.order === 'name')
    metas.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0) || a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const usable: SampleMeta[] = [];
  const skipped: SkippedSample[] = [];
  for (const m of metas) {
    const problem = sampleProblem(m, w);
    if (problem) skipped.push({ id: m.id, name: sampleName(m), reason: problem });
    else usable.push(m);
  }
  return { usable, skipped, total: metas.length };
}
