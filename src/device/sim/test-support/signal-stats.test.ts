import { describe, it, expect } from 'vitest';
import { dominantFrequency, median, motionStats } from './signal-stats.ts';

describe('signal-stats', () => {
  it('finds the frequency of a synthetic oscillation and the spread of known signals', () => {
    const rate = 100;
    const n = 1000;
    const v = new Float32Array(n * 6);
    for (let i = 0; i < n; i++) {
      const t = i / rate;
      v[i * 6] = 2 * Math.sin(2 * Math.PI * 1.7 * t); // amplitude 2 → std √2
      v[i * 6 + 2] = 9.80665;
      v[i * 6 + 3] = 30; // constant rate
    }
    const s = motionStats(v, 6, rate);
    expect(s.dominantHz).toBeCloseTo(1.7, 5);
    expect(s.accStd).toBeCloseTo(Math.SQRT2, 2);
    expect(s.accPeak).toBeCloseTo(2, 2);
    expect(s.gyroPeak).toBeCloseTo(30, 5);
    expect(s.gyroStd).toBeCloseTo(0, 5);
    expect(dominantFrequency(v, 6, rate, [0], 0.3, 20, 0.1)).toBeCloseTo(1.7, 5);
  });

  it('median', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });
});
