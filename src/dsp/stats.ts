/**
 * Small statistics kernels on typed arrays. DOM-free core module.
 *
 * `meanFloat32` reproduces numpy's float32 `np.mean` (pairwise summation with float32 rounding, then a
 * float32 division), which the spectral block needs to agree with Edge Impulse on near-idle windows.
 * `moments` gives biased skewness and Fisher (excess) kurtosis as scipy.stats.skew/kurtosis do, but a
 * constant input gives skewness 0 and kurtosis −3 (scipy 1.7 and Edge Impulse's C++ SDK), never NaN.
 */

const f = Math.fround;

/** numpy's pairwise float32 sum of x[start .. start+n). */
export function pairwiseSumFloat32(x: ArrayLike<number>, start: number, n: number): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res = f(res + x[start + i]);
    return res;
  }
  if (n <= 128) {
    let r0 = f(x[start]);
    let r1 = f(x[start + 1]);
    let r2 = f(x[start + 2]);
    let r3 = f(x[start + 3]);
    let r4 = f(x[start + 4]);
    let r5 = f(x[start + 5]);
    let r6 = f(x[start + 6]);
    let r7 = f(x[start + 7]);
    const end = n - (n % 8);
    let i = 8;
    for (; i < end; i += 8) {
      const o = start + i;
      r0 = f(r0 + x[o]);
      r1 = f(r1 + x[o + 1]);
      r2 = f(r2 + x[o + 2]);
      r3 = f(r3 + x[o + 3]);
      r4 = f(r4 + x[o + 4]);
      r5 = f(r5 + x[o + 5]);
      r6 = f(r6 + x[o + 6]);
      r7 = f(r7 + x[o + 7]);
    }
    let res = f(f(f(r0 + r1) + f(r2 + r3)) + f(f(r4 + r5) + f(r6 + r7)));
    for (; i < n; i++) res = f(res + x[start + i]);
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return f(pairwiseSumFloat32(x, start, n2) + pairwiseSumFloat32(x, start + n2, n - n2));
}

/** np.mean of a float32 array: float32 pairwise sum divided by n in float32. */
export function meanFloat32(x: ArrayLike<number>, n = x.length): number {
  if (n === 0) return 0;
  return f(pairwiseSumFloat32(x, 0, n) / n);
}

export function mean(x: ArrayLike<number>, n = x.length): number {
  if (n === 0) return 0;
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i];
  return s / n;
}

export interface Moments {
  mean: number;
  /** Population variance (biased). */
  variance: number;
  /** Biased skewness, 0 for a constant input. */
  skewness: number;
  /** Fisher (excess) kurtosis, −3 for a constant input. */
  kurtosis: number;
}

/**
 * Mean, variance, skewness and kurtosis in float64 over x[0..n). "Constant" uses scipy 1.7's rule:
 * m2 ≤ (resolution·mean)², resolution 1e-15 (float64) or 1e-6 for float32 data.
 */
export function moments(x: ArrayLike<number>, n = x.length, resolution = 1e-15, out?: Moments): Moments {
  const r = out ?? { mean: 0, variance: 0, skewness: 0, kurtosis: -3 };
  if (n === 0) {
    r.mean = 0;
    r.variance = 0;
    r.skewness = 0;
    r.kurtosis = -3;
    return r;
  }
  const m = mean(x, n);
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i] - m;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  r.mean = m;
  r.variance = m2;
  const zero = m2 <= (resolution * m) * (resolution * m);
  r.skewness = zero ? 0 : m3 / m2 ** 1.5;
  r.kurtosis = zero ? -3 : m4 / (m2 * m2) - 3;
  return r;
}
