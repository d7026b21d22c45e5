/**
 * The persisted-shape schemas accept what the app writes and name the field of what it must not.
 */
import { describe, it, expect } from 'vitest';
import * as v from 'valibot';
import { ImpulseSchema, PartialImpulseSchema } from './impulse-schema.ts';
import { MetricsSchema } from './metrics-schema.ts';
import { checkValue } from './schema-check.ts';
import { defaultImpulse } from '../ml/defaults.ts';
// That the metrics schema accepts real metrics of the train job is checked in src/cli/commands/train.test.ts.

describe('impulse and metrics schemas', () => {
  const imp = defaultImpulse({ frequencyHz: 62.5, axes: ['x', 'y', 'z'], labels: ['a', 'b'], shortestRecordingMs: 4000 });

  it('accept the defaults and drop unknown keys', () => {
    const r = v.parse(ImpulseSchema, { ...imp, extra: { big: 'x' } });
    expect(r).toEqual(imp);
    expect(v.is(PartialImpulseSchema, { windowing: { windowMs: 500 } })).toBe(true);
  });

  it('name the first bad field with its value cut to about 80 characters', () => {
    const cases: [unknown, RegExp][] = [
      [{ ...imp, windowing: { ...imp.windowing, frequencyHz: 1e300 } }, /^impulse\.windowing\.frequencyHz must be a number from 0\.001 up to 1000000 \(found 1e\+300\)/],
      [{ ...imp, windowing: { ...imp.windowing, axes: ['x', 'x'] } }, /^impulse\.windowing\.axes must not list the same axis name twice/],
      [{ ...imp, dsp: { block: 'evil'.repeat(100), params: {} } }, /^impulse\.dsp\.block must be one of raw, .* \(found "(evil){20}… \(400 characters\)"\)/],
      [{ ...imp, training: { ...imp.training, seed: -1 } }, /^impulse\.training\.seed must be a whole number/],
      [{ ...imp, quantization: { input: { scale: 0, zeroPoint: 0 }, output: { scale: 1, zeroPoint: 300 } } }, /^impulse\.quantization\.input\.scale must be a number above 0/],
    ];
    for (const [value, re] of cases) {
      const r = checkValue(ImpulseSchema, value, 'impulse');
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.problem).toMatch(re);
        expect(r.problem.length).toBeLessThan(300);
      }
    }
  });

  it('metrics: lenient about missing parts, strict about the parts present', () => {
    expect(v.is(MetricsSchema, {})).toBe(true);
    expect(v.is(MetricsSchema, { labels: ['a'], float: { accuracy: 0.5, confusion: [[1, 1]], per_class: {} }, future_field: 1 })).toBe(true);
    const bad = checkValue(MetricsSchema, { float: { accuracy: 0.5, confusion: [[-1]], per_class: {} } }, 'metrics');
    expect(bad.ok || bad.problem).toMatch(/^metrics\.float\.confusion\[0\]\[0\] must be a whole number/);
  });
});
