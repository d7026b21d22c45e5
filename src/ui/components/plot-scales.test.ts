import { describe, it, expect } from 'vitest';
import { plotScales } from './plot-scales.ts';

describe('plot scales', () => {
  it('puts gyroscope rates on their own scale next to acceleration', () => {
    const s = plotScales([{ units: 'm/s2' }, { units: 'm/s2' }, { units: 'm/s2' }, { units: 'deg/s' }, { units: 'dps' }, { units: 'rad/s' }]);
    expect(s.dual).toBe(true);
    expect(s.scales).toEqual(['y', 'y', 'y', 'rate', 'rate', 'rate']);
    expect([s.leftUnits, s.rightUnits]).toEqual(['m/s2', 'deg/s']);
  });
  it('keeps one scale when all axes share a kind', () => {
    expect(plotScales([{ units: 'g' }, { units: 'g' }]).dual).toBe(false);
    expect(plotScales([{ units: 'deg/s' }]).scales).toEqual(['y']);
  });
});
