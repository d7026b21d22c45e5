/**
 * Per-sample (per-recording) results from per-window probabilities: majority vote of the windows'
 * top classes or the mean of their probabilities. DOM-free core module.
 */
import { argmaxRows, UNCERTAIN } from './classification.ts';

export type SampleAggregation = 'vote' | 'mean';

export interface SampleResult {
  /** Sample key (e.g. recording name). */
  key: string;
  truth: number;
  /** Aggregated class probabilities (mean) or vote fractions (vote). */
  probs: Float32Array;
  windows: number;
}

/**
 * Groups windows by `keys[i]`, in first-seen order. `truth[i]` must be the same for all windows of a key.
 * Vote: each window's top class (or nothing when below `uncertainThreshold`) gets one vote; probs are
 * vote fractions. Mean: probs are the mean window probabilities.
 */
export function aggregateBySample(keys: string[], truth: ArrayLike<number>, probs: Float32Array | number[], k: number, how: SampleAggregation, uncertainThreshold = 0): SampleResult[] {
  const groups = new Map<string, SampleResult>();
  const pred = argmaxRows(probs, k, uncertainThreshold);
  for (let i = 0; i < keys.length; i++) {
    let g = groups.get(keys[i]);
    if (!g) {
      g = { key: keys[i], truth: truth[i], probs: new Float32Array(k), windows: 0 };
      groups.set(keys[i], g);
    }
    g.windows++;
    if (how === 'mean') for (let j = 0; j < k; j++) g.probs[j] += probs[i * k + j];
    else if (pred[i] !== UNCERTAIN) g.probs[pred[i]] += 1;
  }
  for (const g of groups.values()) for (let j = 0; j < k; j++) g.probs[j] /= g.windows;
  return [...groups.values()];
}

/** Flattens sample results into (truth, probs) for classificationMetrics / metricsFromProbs. */
export function sampleArrays(results: SampleResult[], k: number): { truth: Int32Array; probs: Float32Array } {
  const truth = Int32Array.from(results.map((r) => r.truth));
  const probs = new Float32Array(results.length * k);
  results.forEach((r, i) => probs.set(r.probs, i * k));
  return { truth, probs };
}
