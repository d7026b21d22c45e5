import { describe, it, expect } from 'vitest';
import { argmaxRows, classificationMetrics, metricsFromProbs, misclassified, UNCERTAIN } from './classification.ts';
import { aggregateBySample, sampleArrays } from './per-sample.ts';

describe('classification metrics', () => {
  it('computes accuracy, confusion and per-class P/R/F1 on a hand-made case', () => {
    // truth:     a a a a b b b c c c
    // predicted: a a b a b b a c c b
    const truth = [0, 0, 0, 0, 1, 1, 1, 2, 2, 2];
    const pred = [0, 0, 1, 0, 1, 1, 0, 2, 2, 1];
    const m = classificationMetrics(['a', 'b', 'c'], truth, pred);
    expect(m.accuracy).toBeCloseTo(0.7, 10);
    expect(m.confusion).toEqual([
      [3, 1, 0],
      [1, 2, 0],
      [0, 1, 2],
    ]);
    // a: P = 3/4, R = 3/4; b: P = 2/4, R = 2/3; c: P = 1, R = 2/3
    expect(m.per_class['a']).toMatchObject({ precision: 0.75, recall: 0.75, f1: 0.75, support: 4 });
    expect(m.per_class['b'].precision).toBeCloseTo(0.5, 10);
    expect(m.per_class['b'].recall).toBeCloseTo(2 / 3, 10);
    expect(m.per_class['b'].f1).toBeCloseTo((2 * 0.5 * (2 / 3)) / (0.5 + 2 / 3), 10);
    expect(m.per_class['c']).toMatchObject({ precision: 1, support: 3 });
    expect(m.per_class['c'].f1).toBeCloseTo(0.8, 10);
  });

  it('marks low-confidence predictions uncertain', () => {
    const probs = [0.9, 0.1, 0.55, 0.45, 0.2, 0.8];
    expect(Array.from(argmaxRows(probs, 2, 0.6))).toEqual([0, UNCERTAIN, 1]);
    const m = metricsFromProbs(['x', 'y'], [0, 0, 1], probs, 0.6);
    expect(m.uncertain).toBe(1);
    expect(m.accuracy).toBeCloseTo(2 / 3, 10);
    expect(m.confusion).toEqual([
      [1, 0, 1],
      [0, 1, 0],
    ]);
    const wrong = misclassified([0, 0, 1], probs, 2, 0.6);
    expect(wrong.map((w) => [w.index, w.truth, w.predicted])).toEqual([[1, 0, UNCERTAIN]]);
    expect(wrong[0].confidence).toBeCloseTo(0.55, 6);
  });

  it('aggregates windows per sample by vote and by mean probability', () => {
    const keys = ['r1', 'r1', 'r1', 'r2', 'r2'];
    const truth = [0, 0, 0, 1, 1];
    const probs = Float32Array.from([0.6, 0.4, 0.6, 0.4, 0.0, 1.0, 0.45, 0.55, 0.9, 0.1]);
    const vote = aggregateBySample(keys, truth, probs, 2, 'vote');
    expect(vote.map((r) => [r.key, r.windows, Array.from(r.probs).map((v) => +v.toFixed(4))])).toEqual([
      ['r1', 3, [0.6667, 0.3333]],
      ['r2', 2, [0.5, 0.5]],
    ]);
    const mean = aggregateBySample(keys, truth, probs, 2, 'mean');
    expect(Array.from(mean[0].probs).map((v) => +v.toFixed(4))).toEqual([0.4, 0.6]);
    const { truth: t, probs: p } = sampleArrays(mean, 2);
    const m = metricsFromProbs(['x', 'y'], t, p);
    // r1 mean → class 1 (wrong), r2 mean [0.675, 0.325] → class 0 (wrong)
    expect(m.accuracy).toBe(0);
  });
});
