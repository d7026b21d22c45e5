/**
 * Running second-order-section IIR filters and Chebyshev decimation. DOM-free core module.
 *
 * `sosfilt` is the direct-form-II-transposed cascade of scipy.signal.sosfilt. With `float32: true`
 * every multiply, add and subtract is rounded to float32 in scipy's order
 *   y = b0·x + z0;  z0 = (b1·x − a1·y) + z1;  z1 = b2·x − a2·y
 * which reproduces scipy's float32 kernel bit for bit (checked in sosfilt.test.ts).
 * `decimate` is Edge Impulse's `decimate_simple`: Chebyshev-I order 8, 0.05 dB ripple, Wn 0.8/r,
 * run in float64 from the steady state for the first sample (sosfilt_zi · x[0]), then every r-th
 * sample kept.
 */
import { chebyshev1Sos } from './filter-design.ts';

type Num = Float32Array | Float64Array;

/**
 * Filters x[0..n) into out (may be x itself). `zi` (sections × 2) is the initial state and is
 * updated in place; omit it for a zero state.
 */
export function sosfilt(sos: Float64Array, x: ArrayLike<number>, out: Num, n = x.length, zi?: Float64Array, float32 = false): Num {
  const sections = sos.length / 6;
  const state = zi ?? new Float64Array(sections * 2);
  if (float32) {
    const f = Math.fround;
    for (let s = 0; s < sections; s++) {
      const o = s * 6;
      const b0 = f(sos[o]);
      const b1 = f(sos[o + 1]);
      const b2 = f(sos[o + 2]);
      const a1 = f(sos[o + 4]);
      const a2 = f(sos[o + 5]);
      let z0 = f(state[s * 2]);
      let z1 = f(state[s * 2 + 1]);
      const src = s === 0 ? x : out;
      for (let i = 0; i < n; i++) {
        const xn = f(src[i]);
        const y = f(f(b0 * xn) + z0);
        z0 = f(f(f(b1 * xn) - f(a1 * y)) + z1);
        z1 = f(f(b2 * xn) - f(a2 * y));
        out[i] = y;
      }
      state[s * 2] = z0;
      state[s * 2 + 1] = z1;
    }
    return out;
  }
  for (let s = 0; s < sections; s++) {
    const o = s * 6;
    const b0 = sos[o];
    const b1 = sos[o + 1];
    const b2 = sos[o + 2];
    const a1 = sos[o + 4];
    const a2 = sos[o + 5];
    let z0 = state[s * 2];
    let z1 = state[s * 2 + 1];
    const src = s === 0 ? x : out;
    for (let i = 0; i < n; i++) {
      const xn = src[i];
      const y = b0 * xn + z0;
      z0 = b1 * xn - a1 * y + z1;
      z1 = b2 * xn - a2 * y;
      out[i] = y;
    }
    state[s * 2] = z0;
    state[s * 2 + 1] = z1;
  }
  return out;
}

/** scipy.signal.sosfilt_zi: the state that gives a unit-step steady state (sections × 2). */
export function sosfiltZi(sos: Float64Array): Float64Array {
  const sections = sos.length / 6;
  const zi = new Float64Array(sections * 2);
  let scale = 1;
  for (let s = 0; s < sections; s++) {
    const o = s * 6;
    const b0 = sos[o];
    const b1 = sos[o + 1];
    const b2 = sos[o + 2];
    const a1 = sos[o + 4];
    const a2 = sos[o + 5];
    // (I − Aᵀ)·z = b[1:] − a[1:]·b0 for the companion matrix of [1, a1, a2]
    const B0 = b1 - a1 * b0;
    const B1 = b2 - a2 * b0;
    const z0 = (B0 + B1) / (1 + a1 + a2);
    const z1 = B1 - a2 * z0;
    zi[s * 2] = scale * z0;
    zi[s * 2 + 1] = scale * z1;
    scale *= (b0 + b1 + b2) / (1 + a1 + a2);
  }
  return zi;
}

interface DecimationFilter {
  sos: Float64Array;
  zi: Float64Array;
}
const decimators = new Map<number, DecimationFilter>();

export function decimationFilter(ratio: number): DecimationFilter {
  let d = decimators.get(ratio);
  if (!d) {
    const sos = chebyshev1Sos(8, 0.05, 0.8 / ratio);
    d = { sos, zi: sosfiltZi(sos) };
    decimators.set(ratio, d);
  }
  return d;
}

/** Edge Impulse's decimate_simple: anti-alias (Chebyshev-I, steady-state start) then keep every ratio-th sample. */
export function decimate(x: ArrayLike<number>, ratio: number, n = x.length): Float64Array {
  if (ratio === 1) return Float64Array.from({ length: n }, (_, i) => x[i]);
  const { sos, zi } = decimationFilter(ratio);
  const state = new Float64Array(zi.length);
  const x0 = n > 0 ? x[0] : 0;
  for (let i = 0; i < zi.length; i++) state[i] = zi[i] * x0;
  const y = new Float64Array(n);
  sosfilt(sos, x, y, n, state, false);
  const m = Math.ceil(n / ratio);
  const out = new Float64Array(m);
  for (let i = 0; i < m; i++) out[i] = y[i * ratio];
  return out;
}

/** EI's split of a decimation ratio into supported stages (3, 10, 30 = 3·10, 100 = 10·10, 1000 = 10·10·10). */
export function decimationStages(ratio: number): number[] | null {
  switch (ratio) {
    case 1:
      return [];
    case 3:
      return [3];
    case 10:
      return [10];
    case 30:
      return [3, 10];
    case 100:
      return [10, 10];
    case 1000:
      return [10, 10, 10];
    default:
      return null;
  }
}
