import { describe, it, expect } from 'vitest';
import { isStudioError } from '../../core/errors.ts';
import { createRng } from '../train/rng.ts';
import { anomalyFromJson, anomalyScore, anomalyToJson, percentile, trainAnomaly } from './anomaly.ts';
import { anomalyParams } from './learn-params.ts';

function clusters(n: number, seed: number): Float32Array {
  // three tight 2-D clusters at (0,0), (10,0), (0,10) plus a third, ignored, noisy feature
  const rng = createRng(seed);
  const x = new Float32Array(n * 3);
  const centers = [
    [0, 0],
    [10, 0],
    [0, 10],
  ];
  for (let i = 0; i < n; i++) {
    const c = centers[i % 3];
    x[i * 3] = c[0] + 0.5 * rng.normal();
    x[i * 3 + 1] = c[1] + 0.5 * rng.normal();
    x[i * 3 + 2] = 100 * rng.normal();
  }
  return x;
}

describe('k-means anomaly block', () => {
  it('scores normal windows low and unusual ones above the threshold', () => {
    const x = clusters(300, 1);
    const m = trainAnomaly(x, 3, anomalyParams({ clusters: 3, features: [0, 1] }), 42);
    expect(m.features).toEqual([0, 1]);
    expect(m.clusters).toBe(3);
    const test = clusters(60, 2);
    let flagged = 0;
    for (let i = 0; i < 60; i++) if (anomalyScore(m, test.subarray(i * 3, i * 3 + 3)) > m.threshold) flagged++;
    expect(flagged).toBeLessThanOrEqual(3);
    expect(anomalyScore(m, Float32Array.from([5, 5, 0]))).toBeGreaterThan(m.threshold);
    expect(anomalyScore(m, Float32Array.from([-8, 0, 0]))).toBeGreaterThan(m.threshold);
    // feature 2 is not used: a huge value there changes nothing
    expect(anomalyScore(m, Float32Array.from([10, 0, 1e6]))).toBeLessThan(m.threshold);
  });

  it('is deterministic for a seed and round-trips through JSON', () => {
    const x = clusters(120, 3);
    const a = trainAnomaly(x, 3, anomalyParams({ clusters: 5 }), 7);
    const b = trainAnomaly(x, 3, anomalyParams({ clusters: 5 }), 7);
    expect(Array.from(a.centroids)).toEqual(Array.from(b.centroids));
    const back = anomalyFromJson(JSON.parse(JSON.stringify(anomalyToJson(a))));
    expect(back.threshold).toBe(a.threshold);
    expect(anomalyScore(back, x.subarray(0, 3))).toBeCloseTo(anomalyScore(a, x.subarray(0, 3)), 6);
  });

  it('computes percentiles by linear interpolation and refuses bad input', () => {
    expect(percentile([1, 2, 3, 4, 5], 50)).toBe(3);
    expect(percentile([0, 10], 99)).toBeCloseTo(9.9, 10);
    expect(() => trainAnomaly(new Float32Array(0), 3, anomalyParams({}), 1)).toThrow();
    try {
      trainAnomaly(new Float32Array(6), 3, anomalyParams({ features: [5] }), 1);
    } catch (e) {
      expect(isStudioError(e, 'bad-learn-param')).toBe(true);
    }
    expect(() => anomalyFromJson({ kind: 'kmeans-anomaly', features: [0], mean: [0], std: [1], centroids: [1, 2], clusters: 1, threshold: 1 })).toThrow();
  });
});
