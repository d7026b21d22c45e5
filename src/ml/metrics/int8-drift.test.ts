import { describe, expect, it } from 'vitest';
import { classificationMetrics } from './classification.ts';
import { int8Drift, type MetricsLike } from './int8-drift.ts';

/** Metrics record with the given recall (as correct / support) per class. */
function crafted(rows: Record<string, [correct: number, support: number]>): MetricsLike {
  const per_class: MetricsLike['per_class'] = {};
  let c = 0;
  let n = 0;
  for (const [l, [k, s]] of Object.entries(rows)) {
    per_class[l] = { recall: k / s, support: s };
    c += k;
    n += s;
  }
  return { accuracy: c / n, per_class };
}

describe('int8Drift', () => {
  it('flags nothing when int8 and float agree, and nothing at exactly 1 point', () => {
    const labels = ['idle', 'wave'];
    const same = int8Drift(labels, crafted({ idle: [90, 100], wave: [80, 100] }), crafted({ idle: [90, 100], wave: [80, 100] }));
    expect(same.warnings).toEqual([]);
    expect(same.classes.map((c) => c.flagged)).toEqual([false, false]);
    // 50 % → 49 % and 29 % → 30 %: exactly one point each way (0.49 - 0.5 is -1.0000000000000009 in floats).
    const edge = int8Drift(labels, crafted({ idle: [50, 100], wave: [29, 100] }), crafted({ idle: [49, 100], wave: [30, 100] }));
    expect(edge.classes.map((c) => Math.abs(c.deltaPp))).toEqual([expect.closeTo(1, 9), expect.closeTo(1, 9)]);
    expect(edge.warnings).toEqual([]);
    expect(edge.accuracy.flagged).toBe(false);
  });

  it('warns on a class that loses more than 1 point, naming the class and what to do', () => {
    const labels = ['idle', 'wave', 'punch'];
    const d = int8Drift(labels, crafted({ idle: [100, 100], wave: [60, 100], punch: [100, 100] }), crafted({ idle: [100, 100], wave: [58, 100], punch: [100, 100] }));
    expect(d.classes.filter((c) => c.flagged).map((c) => c.label)).toEqual(['wave']);
    const w = d.warnings.filter((x) => x.label !== null);
    expect(w).toHaveLength(1);
    expect(w[0].message).toContain('int8 loses 2.0 points on class "wave"');
    expect(w[0].remedy).toMatch(/training data of "wave"/);
    expect(w[0].remedy).toMatch(/saturate/);
    // Overall: 260/300 → 258/300 is 0.67 points, within the limit.
    expect(d.accuracy.flagged).toBe(false);
  });

  it('warns on gains too, and on overall accuracy, largest loss first', () => {
    const labels = ['a', 'b', 'c'];
    const d = int8Drift(labels, crafted({ a: [50, 50], b: [45, 50], c: [40, 50] }), crafted({ a: [40, 50], b: [48, 50], c: [38, 50] }));
    // a: -20, b: +6, c: -4 points; overall 135 → 126 of 150 = -6 points.
    expect(d.warnings.map((w) => w.label)).toEqual([null, 'a', 'c', 'b']);
    expect(d.warnings[0].message).toMatch(/6\.0 points less accurate than float overall/);
    expect(d.warnings[3].message).toMatch(/int8 gains 6\.0 points on class "b"/);
  });

  it('reads real metrics records, leaves out unknown labels and never flags a class with no windows', () => {
    const labels = ['x', 'y', 'z'];
    // 101 windows of x so one more miss is 0.99 points, and 2 more misses 1.98 points.
    const truth = [...new Array(101).fill(0), ...new Array(10).fill(1)];
    const floatPred = truth.slice();
    const int8Pred = truth.slice();
    int8Pred[0] = 1;
    const f = classificationMetrics(labels, truth, floatPred);
    const q = classificationMetrics(labels, truth, int8Pred);
    let d = int8Drift([...labels, 'ghost'], f, q);
    expect(d.classes.map((c) => c.label)).toEqual(['x', 'y', 'z']);
    expect(d.warnings).toEqual([]);
    int8Pred[1] = 1;
    d = int8Drift(labels, f, classificationMetrics(labels, truth, int8Pred));
    expect(d.warnings.map((w) => w.label)).toEqual([null, 'x']);
    expect(d.classes.find((c) => c.label === 'z')?.flagged).toBe(false);
  });
});
