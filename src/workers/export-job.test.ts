import { describe, it, expect } from 'vitest';
import { axisUnitsOf } from './export-job.ts';
import type { SampleMeta } from '../data/sample.ts';

const s = (category: SampleMeta['category'], axes: [string, string][]): Pick<SampleMeta, 'category' | 'axes'> => ({ category, axes: axes.map(([name, units]) => ({ name, units })) });

describe('axisUnitsOf (units the Arduino library example converts the IMU readings to)', () => {
  it('takes each impulse axis unit from the training samples first, in the impulse axis order', () => {
    const samples = [s('testing', [['accX', 'g'], ['gyrZ', 'rad/s']]), s('training', [['gyrZ', 'deg/s'], ['accX', 'm/s2']])];
    expect(axisUnitsOf(samples, ['accX', 'gyrZ'])).toEqual(['m/s2', 'deg/s']);
  });
  it('falls back to test samples for an axis no training sample has, leaves unknown axes open, none at all → undefined', () => {
    const samples = [s('training', [['accX', 'm/s2']]), s('testing', [['accY', 'g']])];
    expect(axisUnitsOf(samples, ['accX', 'accY', 'magX'])).toEqual(['m/s2', 'g', undefined]);
    expect(axisUnitsOf(samples, ['magX'])).toBeUndefined();
    expect(axisUnitsOf([], ['accX'])).toBeUndefined();
  });
});
