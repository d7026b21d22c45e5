/**
 * What the samples of a project say about a sensible impulse (rate, axes, labels, lengths), from
 * sample metadata only. DOM-free UI helper.
 */
import type { SampleMeta } from '../../data/sample.ts';
import type { ImpulseConfig } from '../../core/impulse.ts';
import { defaultImpulse } from '../../ml/defaults.ts';

function median(xs: number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/** What the samples of a project say about a sensible impulse. */
export interface DatasetFacts {
  /** Most common sample rate (Hz), or null without samples. */
  frequencyHz: number | null;
  /** Distinct rates found. */
  rates: number[];
  /** Every axis name, in first-seen order. */
  axes: string[];
  /** Axes every sample has. */
  commonAxes: string[];
  labels: string[];
  shortestMs: number;
  /** Median recording length, ms (0 without samples): what the proposed window follows. */
  typicalMs: number;
}

export function datasetFacts(samples: SampleMeta[]): DatasetFacts {
  const rateCount = new Map<number, number>();
  const axes: string[] = [];
  let common: string[] | null = null;
  let shortest = Infinity;
  const lengths: number[] = [];
  for (const s of samples) {
    const hz = Math.round((1000 / s.intervalMs) * 1000) / 1000;
    if (Number.isFinite(hz)) rateCount.set(hz, (rateCount.get(hz) ?? 0) + 1);
    const names = s.axes.map((a) => a.name);
    for (const n of names) if (!axes.includes(n)) axes.push(n);
    common = common ? common.filter((a) => names.includes(a)) : names;
    shortest = Math.min(shortest, s.length * s.intervalMs);
    lengths.push(s.length * s.intervalMs);
  }
  let best: number | null = null;
  for (const [hz, n] of rateCount) if (best === null || n > (rateCount.get(best) ?? 0)) best = hz;
  return {
    frequencyHz: best,
    rates: [...rateCount.keys()].sort((a, b) => a - b),
    axes,
    commonAxes: common ?? [],
    labels: [...new Set(samples.map((s) => s.label))].sort(),
    shortestMs: Number.isFinite(shortest) ? shortest : 0,
    typicalMs: median(lengths),
  };
}


/**
 * The impulse proposed for a project without a saved one. The typical (median) recording caps the
 * window, not the shortest: cropping or adding one short sample must not change the project's window
 * (shorter recordings are zero-padded to one window).
 */
export function proposedImpulse(samples: SampleMeta[]): ImpulseConfig {
  const facts = datasetFacts(samples);
  return defaultImpulse({
    frequencyHz: facts.frequencyHz ?? 62.5,
    axes: facts.commonAxes.length ? facts.commonAxes : facts.axes,
    labels: facts.labels,
    shortestRecordingMs: facts.typicalMs || undefined,
  });
}
