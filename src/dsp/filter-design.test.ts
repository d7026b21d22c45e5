import { describe, it, expect } from 'vitest';
import { butterworthSos, chebyshev1Sos, maxPoleRadius, toFloat32Sos } from './filter-design.ts';
import { isStudioError } from '../core/errors.ts';

// Pinned from scipy 1.17.1: signal.butter(..., output='sos') / signal.cheby1(..., output='sos').
const BUTTER6_LOW_3HZ_119 = [
  1.8396224466213333e-7, 3.6792448932426667e-7, 1.8396224466213333e-7, 1.0, -1.713836261224544, 0.7355638067816598, 1.0, 2.0, 1.0, 1.0,
  -1.7767836775500307, 0.7993092531680449, 1.0, 2.0, 1.0, 1.0, -1.8974955466259846, 0.9215514741766615,
];
const BUTTER4_HIGH_1HZ_104 = [
  0.9240857679325264, -1.8481715358650528, 0.9240857679325264, 1.0, -1.8908735349523436, 0.894329636657588, 1.0, -2.0, 1.0, 1.0,
  -1.951265460175355, 0.9548319450616467,
];
const CHEBY1_8_005_08_3 = [
  3.479954739908498e-5, 6.959909479816996e-5, 3.479954739908498e-5, 1.0, -1.416907422639627, 0.5204552955670066, 1.0, 2.0, 1.0, 1.0,
  -1.3342748248687593, 0.594631953081447, 1.0, 2.0, 1.0, 1.0, -1.237675162600336, 0.7259326611233617, 1.0, 2.0, 1.0, 1.0,
  -1.2180861262950025, 0.8987833581253264,
];

function expectSos(got: Float64Array, want: number[]): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    expect(Math.abs(got[i] - want[i])).toBeLessThanOrEqual(1e-14 * Math.max(1, Math.abs(want[i])));
  }
  // and identical once cast to float32, as the spectral block uses them
  expect(Array.from(toFloat32Sos(got))).toEqual(want.map((v) => Math.fround(v)));
}

describe('filter design (scipy-compatible SOS)', () => {
  it('butter(6, 2·3/119) low-pass', () => expectSos(butterworthSos(6, (2 * 3) / 119, 'low'), BUTTER6_LOW_3HZ_119));
  it('butter(4, 2·1/104) high-pass', () => expectSos(butterworthSos(4, 2 / 104, 'high'), BUTTER4_HIGH_1HZ_104));
  it('cheby1(8, 0.05, 0.8/3) low-pass', () => expectSos(chebyshev1Sos(8, 0.05, 0.8 / 3), CHEBY1_8_005_08_3));

  it('has unit gain at DC (low-pass) and at Nyquist (high-pass)', () => {
    const gainAt = (sos: Float64Array, z: number) => {
      let g = 1;
      for (let o = 0; o < sos.length; o += 6) g *= (sos[o] + sos[o + 1] * z + sos[o + 2] * z * z) / (1 + sos[o + 4] * z + sos[o + 5] * z * z);
      return g;
    };
    expect(gainAt(butterworthSos(8, 0.3, 'low'), 1)).toBeCloseTo(1, 10);
    expect(gainAt(butterworthSos(2, 0.3, 'high'), -1)).toBeCloseTo(1, 10);
    expect(maxPoleRadius(butterworthSos(8, 0.3, 'low'))).toBeLessThan(1);
  });

  it('rejects odd orders and cut-offs outside (0, 1)', () => {
    for (const f of [() => butterworthSos(5, 0.2, 'low'), () => butterworthSos(4, 1, 'low'), () => chebyshev1Sos(8, 0.05, 0)]) {
      let err: unknown;
      try {
        f();
      } catch (e) {
        err = e;
      }
      expect(isStudioError(err)).toBe(true);
    }
  });
});
