import { describe, it, expect } from 'vitest';
import { butterworthSos, chebyshev1Sos, toFloat32Sos } from './filter-design.ts';
import { decimate, decimationStages, sosfilt, sosfiltZi } from './sosfilt.ts';

// Input: float32(sin(0.37 i)·3 + cos(0.05 i)·2 + (i mod 7)·0.1), i = 0..39.
const x = Array.from({ length: 40 }, (_, i) => Math.fround(Math.sin(i * 0.37) * 3 + Math.cos(i * 0.05) * 2 + (i % 7) * 0.1));

describe('sosfilt', () => {
  it('float32 kernel is bit-identical to scipy.signal.sosfilt on float32 data', () => {
    // scipy 1.17.1: signal.sosfilt(np.float32(signal.butter(4, 0.2, output='sos')), x_float32)[[0,1,2,5,10,20,39]]
    const want = [0.009648686274886131, 0.07681016623973846, 0.2993031442165375, 2.529104471206665, 4.9441142082214355, 0.2898314595222473, 0.7571157217025757];
    const y = sosfilt(toFloat32Sos(butterworthSos(4, 0.2, 'low')), x, new Float32Array(40), 40, undefined, true);
    expect([0, 1, 2, 5, 10, 20, 39].map((i) => y[i])).toEqual(want);
  });

  it('sosfilt_zi matches scipy', () => {
    // signal.sosfilt_zi(signal.cheby1(8, 0.05, 0.8/3, output='sos'))
    const want = [0.0013094887094341832, -0.0006648423946383298, 0.0193087012128479, -0.010936639208493804, 0.14854453054511652, -0.10217301649013416, 0.8250625539381587, -0.7244268881025759];
    const zi = sosfiltZi(chebyshev1Sos(8, 0.05, 0.8 / 3));
    want.forEach((w, i) => expect(zi[i]).toBeCloseTo(w, 13));
  });

  it('decimate by 3 matches EI decimate_simple (sosfilt with zi·x[0], every 3rd sample)', () => {
    const want = [
      1.988520147905913, 1.9930913337157767, 2.206770898408095, 3.6058330712937052, 5.231578114843943, 3.0180372853035244, -0.49471054396315906,
      -0.7235798722264175, 1.2523398743170622, 4.018786940075893, 3.620556959806859, 0.3392288869351231, -2.133216148880171, -2.067255339694875,
    ];
    const y = decimate(x, 3);
    expect(y.length).toBe(14);
    want.forEach((w, i) => expect(y[i]).toBeCloseTo(w, 11));
  });

  it('a constant input stays constant through decimation (steady-state start, even-order Chebyshev DC gain −0.05 dB)', () => {
    const y = decimate(new Float64Array(100).fill(2.5), 10);
    for (const v of y) expect(v).toBeCloseTo(2.5 * 10 ** (-0.05 / 20), 10);
  });

  it('splits decimation ratios like EI', () => {
    expect(decimationStages(30)).toEqual([3, 10]);
    expect(decimationStages(1000)).toEqual([10, 10, 10]);
    expect(decimationStages(7)).toBeNull();
  });
});
