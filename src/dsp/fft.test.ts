import { describe, it, expect } from 'vitest';
import { RealFft, getRealFft, isPowerOfTwo } from './fft.ts';
import { isStudioError } from '../core/errors.ts';

/** O(n²) DFT, written independently of the FFT. */
function dft(x: number[], n: number): { re: number[]; im: number[] } {
  const re: number[] = [];
  const im: number[] = [];
  for (let k = 0; k <= n / 2; k++) {
    let a = 0;
    let b = 0;
    for (let t = 0; t < n; t++) {
      const v = t < x.length ? x[t] : 0;
      a += v * Math.cos((2 * Math.PI * k * t) / n);
      b -= v * Math.sin((2 * Math.PI * k * t) / n);
    }
    re.push(a);
    im.push(b);
  }
  return { re, im };
}

describe('RealFft', () => {
  it('matches numpy: |rfft([1,2,3,4,0,-1,-2,-3.5])|²', () => {
    // np.abs(np.fft.rfft([1,2,3,4,0,-1,-2,-3.5], 8))**2
    const want = [12.25, 159.1322509939085, 0.25, 23.367749006091437, 0.25];
    const got = new RealFft(8).power([1, 2, 3, 4, 0, -1, -2, -3.5], 0, 8, new Float64Array(5));
    for (let k = 0; k < 5; k++) expect(got[k]).toBeCloseTo(want[k], 10);
  });

  for (const n of [2, 4, 8, 16, 64, 128, 1024]) {
    it(`equals a direct DFT at n=${n}, with zero padding and offsets`, () => {
      const src = Array.from({ length: n + 7 }, (_, i) => Math.sin(i * 1.3) * 2 + Math.cos(i * 0.21) - 0.3 * (i % 5));
      const len = Math.max(1, n - 3);
      const want = dft(src.slice(5, 5 + len), n);
      const { re, im } = new RealFft(n).forward(src, 5, len);
      for (let k = 0; k <= n / 2; k++) {
        expect(re[k]).toBeCloseTo(want.re[k], 9);
        expect(im[k]).toBeCloseTo(want.im[k], 9);
      }
    });
  }

  it('rejects sizes that are not powers of two', () => {
    expect(isPowerOfTwo(48)).toBe(false);
    let err: unknown;
    try {
      new RealFft(48);
    } catch (e) {
      err = e;
    }
    expect(isStudioError(err, 'fft-length')).toBe(true);
  });

  it('shares one instance per size', () => {
    expect(getRealFft(32)).toBe(getRealFft(32));
  });
});
