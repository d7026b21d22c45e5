import { describe, it, expect } from 'vitest';
import { anomalyView, evaluateTest } from './test-eval.ts';
import type { TestData } from '../../../workers/ml-api.ts';

// Two samples of "a" (2 windows each) and one of "b" (2 windows); one "a" window is wrong and one
// "b" window is unsure (top probability 0.55).
function data(): TestData {
  return {
    modelId: 'm',
    kind: 'classifier',
    labels: ['a', 'b'],
    samples: [
      { id: 's0', name: 'a.1', label: 'a' },
      { id: 's1', name: 'a.2', label: 'a' },
      { id: 's2', name: 'b.1', label: 'b' },
    ],
    windowSample: Int32Array.from([0, 0, 1, 1, 2, 2]),
    windowStart: Int32Array.from([0, 10, 0, 10, 0, 10]),
    truth: Int32Array.from([0, 0, 0, 0, 1, 1]),
    probs: Float32Array.from([0.9, 0.1, 0.8, 0.2, 0.3, 0.7, 0.6, 0.4, 0.45, 0.55, 0.1, 0.9]),
    skipped: [],
    intervalMs: 10,
  };
}

describe('evaluateTest', () => {
  it('scores per window with a misclassified list pointing at the sample and time', () => {
    const v = evaluateTest(data(), 'window', 0);
    expect(v.metrics.accuracy).toBeCloseTo(5 / 6);
    expect(v.metrics.confusion).toEqual([
      [3, 1],
      [0, 2],
    ]);
    expect(v.misses).toEqual([{ sampleId: 's1', sampleName: 'a.2', truth: 'a', predicted: 'b', confidence: expect.closeTo(0.7, 5) as unknown as number, startMs: 0 }]);
  });

  it('counts windows under the threshold as uncertain in an extra column', () => {
    const v = evaluateTest(data(), 'window', 0.6);
    expect(v.metrics.confusion).toEqual([
      [3, 1, 0],
      [0, 1, 1],
    ]);
    expect(v.metrics.uncertain).toBe(1);
    expect(v.misses.map((m) => m.predicted)).toEqual(['b', 'uncertain']);
  });

  it('aggregates per sample by mean and by vote', () => {
    const mean = evaluateTest(data(), 'mean', 0);
    // a.2 mean = [0.45, 0.55] → b (wrong); b.1 mean = [0.275, 0.725] → b.
    expect(mean.metrics.count).toBe(3);
    expect(mean.metrics.accuracy).toBeCloseTo(2 / 3);
    expect(mean.misses.map((m) => m.sampleName)).toEqual(['a.2']);
    const vote = evaluateTest(data(), 'vote', 0);
    // a.2 votes: one b, one a → tie, first index (a) wins; so all three samples are right.
    expect(vote.metrics.accuracy).toBeCloseTo(1);
  });

  it('leaves out windows whose label the model does not know', () => {
    const d = data();
    d.truth[5] = -1;
    const v = evaluateTest(d, 'window', 0);
    expect(v.metrics.count).toBe(5);
    expect(v.unknown).toBe(1);
  });
});

describe('anomalyView', () => {
  it('counts flagged windows per label at the chosen threshold', () => {
    const d = { ...data(), kind: 'anomaly' as const, scores: Float32Array.from([0.1, 0.2, 0.3, 2, 3, 0.1]) };
    expect(anomalyView(d, 1)).toEqual([
      { label: 'a', windows: 4, flagged: 1 },
      { label: 'b', windows: 2, flagged: 1 },
    ]);
  });
});
