/**
 * Scores a model's per-window test results (TestData from the Train/Test worker) per window or per
 * sample (mean of window probabilities, or majority vote), with an "uncertain" threshold, and lists
 * what was misclassified. Pure functions over small arrays; no TF.js. UI helper.
 */
import { argmaxRows, metricsFromProbs, classificationMetrics, UNCERTAIN, type ClassificationMetrics } from '../../../ml/metrics/classification.ts';
import { aggregateBySample, sampleArrays } from '../../../ml/metrics/per-sample.ts';
import type { TestData } from '../../../workers/ml-api.ts';

export type TestMode = 'window' | 'mean' | 'vote';

export interface MissRow {
  sampleId: string;
  sampleName: string;
  truth: string;
  predicted: string;
  confidence: number;
  /** Window start in ms (window mode). */
  startMs: number | null;
}

export interface TestView {
  metrics: ClassificationMetrics;
  misses: MissRow[];
  /** Windows / samples whose true label the model does not know (left out of the metrics). */
  unknown: number;
}

function maxOf(p: Float32Array | number[], i: number, k: number): number {
  let m = -Infinity;
  for (let j = 0; j < k; j++) m = Math.max(m, p[i * k + j]);
  return m;
}

export function evaluateTest(d: TestData, mode: TestMode, threshold: number): TestView {
  const k = d.labels.length;
  const keep: number[] = [];
  for (let i = 0; i < d.truth.length; i++) if (d.truth[i] >= 0) keep.push(i);
  const unknownWindows = d.truth.length - keep.length;
  const truth = Int32Array.from(keep, (i) => d.truth[i]);
  const probs = new Float32Array(keep.length * k);
  keep.forEach((i, r) => probs.set(d.probs.subarray(i * k, (i + 1) * k), r * k));
  const t = Math.max(0, Math.min(1, threshold));
  if (mode === 'window') {
    const metrics = metricsFromProbs(d.labels, truth, probs, t);
    const pred = argmaxRows(probs, k, t);
    const misses: MissRow[] = [];
    keep.forEach((i, r) => {
      if (pred[r] === truth[r]) return;
      const s = d.samples[d.windowSample[i]];
      misses.push({ sampleId: s.id, sampleName: s.name, truth: d.labels[truth[r]], predicted: pred[r] === UNCERTAIN ? 'uncertain' : d.labels[pred[r]], confidence: maxOf(probs, r, k), startMs: d.windowStart[i] * d.intervalMs });
    });
    return { metrics, misses, unknown: unknownWindows };
  }
  const keys = keep.map((i) => String(d.windowSample[i]));
  const groups = aggregateBySample(keys, truth, probs, k, mode, mode === 'vote' ? t : 0);
  const arr = sampleArrays(groups, k);
  // Vote: a sample is uncertain when no class got a majority above the threshold's windows.
  const metrics = mode === 'mean' ? metricsFromProbs(d.labels, arr.truth, arr.probs, t) : voteMetrics(d.labels, arr.truth, arr.probs, t);
  const pred = mode === 'mean' ? argmaxRows(arr.probs, k, t) : argmaxRows(arr.probs, k, t > 0 ? 1e-9 : 0);
  const misses: MissRow[] = [];
  groups.forEach((g, r) => {
    if (pred[r] === g.truth) return;
    const s = d.samples[Number(g.key)];
    misses.push({ sampleId: s.id, sampleName: s.name, truth: d.labels[g.truth], predicted: pred[r] === UNCERTAIN ? 'uncertain' : d.labels[pred[r]], confidence: maxOf(arr.probs, r, k), startMs: null });
  });
  const unknownSamples = new Set<number>();
  for (let i = 0; i < d.truth.length; i++) if (d.truth[i] < 0) unknownSamples.add(d.windowSample[i]);
  return { metrics, misses, unknown: unknownSamples.size };
}

/** Vote fractions: a sample whose windows were all uncertain has no votes and counts as uncertain. */
function voteMetrics(labels: string[], truth: Int32Array, fractions: Float32Array, threshold: number): ClassificationMetrics {
  const pred = argmaxRows(fractions, labels.length, threshold > 0 ? 1e-9 : 0);
  return classificationMetrics(labels, truth, pred, threshold > 0);
}

/** Anomaly models: per true label, how many test windows scored above the threshold. */
export function anomalyView(d: TestData, threshold: number): { label: string; windows: number; flagged: number }[] {
  const by = new Map<string, { label: string; windows: number; flagged: number }>();
  const scores = d.scores ?? new Float32Array(0);
  for (let i = 0; i < scores.length; i++) {
    const label = d.samples[d.windowSample[i]].label;
    const e = by.get(label) ?? { label, windows: 0, flagged: 0 };
    e.windows++;
    if (scores[i] > threshold) e.flagged++;
    by.set(label, e);
  }
  return [...by.values()].sort((a, b) => a.label.localeCompare(b.label));
}
