/**
 * Radix-2 real FFT with precomputed twiddles, in float64. DOM-free core module.
 *
 * A real signal of N points (N a power of two) is packed into an N/2-point complex signal
 * (even samples as real parts, odd samples as imaginary parts), transformed with an iterative
 * radix-2 decimation-in-time FFT, and unpacked into the N/2+1 bins of the real spectrum. This is the
 * same transform as numpy's `np.fft.rfft(x, n)` (no normalisation: bin k = Σ x[t]·e^(−2πi·k·t/N)).
 * Instances keep their scratch buffers, so a forward transform allocates nothing; `getRealFft(n)`
 * returns a shared instance per size.
 */
import { StudioError } from '../core/errors.ts';

export function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && (n & (n - 1)) === 0;
}

export class RealFft {
  readonly size: number;
  /** Number of output bins, size/2 + 1. */
  readonly bins: number;
  private readonly half: number;
  private readonly zr: Float64Array;
  private readonly zi: Float64Array;
  private readonly rev: Uint32Array;
  /** e^(−2πi·j/half) for j < half/2 (complex FFT twiddles). */
  private readonly cr: Float64Array;
  private readonly ci: Float64Array;
  /** e^(−2πi·k/size) for k ≤ half (unpack twiddles). */
  private readonly ur: Float64Array;
  private readonly ui: Float64Array;
  private readonly outRe: Float64Array;
  private readonly outIm: Float64Array;

  constructor(size: number) {
    if (!isPowerOfTwo(size) || size < 2 || size > 1 << 20) {
      throw new StudioError({
        family: 'dsp',
        code: 'fft-length',
        message: `FFT length ${size} is not a power of two between 2 and 1048576.`,
        remedy: 'Choose an FFT length such as 16, 32, 64, 128 or 256.',
      });
    }
    this.size = size;
    this.half = size >> 1;
    this.bins = this.half + 1;
    const m = this.half;
    this.zr = new Float64Array(m);
    this.zi = new Float64Array(m);
    this.outRe = new Float64Array(this.bins);
    this.outIm = new Float64Array(this.bins);
    this.rev = new Uint32Array(m);
    let bitsCount = 0;
    while (1 << bitsCount < m) bitsCount++;
    for (let i = 0; i < m; i++) {
      let r = 0;
      for (let b = 0; b < bitsCount; b++) if (i & (1 << b)) r |= 1 << (bitsCount - 1 - b);
      this.rev[i] = r;
    }
    const q = Math.max(1, m >> 1);
    this.cr = new Float64Array(q);
    this.ci = new Float64Array(q);
    for (let j = 0; j < q; j++) {
      const a = (-2 * Math.PI * j) / m;
      this.cr[j] = Math.cos(a);
      this.ci[j] = Math.sin(a);
    }
    this.ur = new Float64Array(m + 1);
    this.ui = new Float64Array(m + 1);
    for (let k = 0; k <= m; k++) {
      const a = (-2 * Math.PI * k) / size;
      this.ur[k] = Math.cos(a);
      this.ui[k] = Math.sin(a);
    }
  }

  /**
   * Transforms input[offset .. offset+length) zero-padded (or truncated) to `size` points.
   * Writes bins 0..size/2 into re/im (defaults: internal buffers, returned).
   */
  forward(
    input: ArrayLike<number>,
    offset = 0,
    length = input.length - offset,
    re: Float64Array = this.outRe,
    im: Float64Array = this.outIm,
  ): { re: Float64Array; im: Float64Array } {
    const m = this.half;
    const zr = this.zr;
    const zi = this.zi;
    const rev = this.rev;
    const n = Math.max(0, Math.min(length, this.size));
    // pack with bit-reversed placement
    for (let i = 0; i < m; i++) {
      const t = 2 * i;
      const j = rev[i];
      zr[j] = t < n ? input[offset + t] : 0;
      zi[j] = t + 1 < n ? input[offset + t + 1] : 0;
    }
    // iterative radix-2 butterflies
    const cr = this.cr;
    const ci = this.ci;
    for (let len = 2; len <= m; len <<= 1) {
      const h = len >> 1;
      const step = m / len;
      for (let i = 0; i < m; i += len) {
        for (let j = 0, k = 0; j < h; j++, k += step) {
          const wr = cr[k];
          const wi = ci[k];
          const a = i + j;
          const b = a + h;
          const br = zr[b];
          const bi = zi[b];
          const tr = br * wr - bi * wi;
          const ti = br * wi + bi * wr;
          const ar = zr[a];
          const ai = zi[a];
          zr[b] = ar - tr;
          zi[b] = ai - ti;
          zr[a] = ar + tr;
          zi[a] = ai + ti;
        }
      }
    }
    // unpack: X[k] = E[k] + W^k·O[k]
    const ur = this.ur;
    const ui = this.ui;
    for (let k = 0; k <= m; k++) {
      const p = k === m ? 0 : k;
      const q = k === 0 ? 0 : m - k;
      const a = zr[p];
      const b = zi[p];
      const c = zr[q];
      const d = zi[q];
      const er = 0.5 * (a + c);
      const ei = 0.5 * (b - d);
      const or = 0.5 * (b + d);
      const oi = -0.5 * (a - c);
      const wr = ur[k];
      const wi = ui[k];
      re[k] = er + wr * or - wi * oi;
      im[k] = ei + wr * oi + wi * or;
    }
    return { re, im };
  }

  /** |X[k]|² for k = 0..size/2 into out (length ≥ bins). */
  power(input: ArrayLike<number>, offset: number, length: number, out: Float64Array): Float64Array {
    const { re, im } = this.forward(input, offset, length);
    for (let k = 0; k < this.bins; k++) out[k] = re[k] * re[k] + im[k] * im[k];
    return out;
  }
}

const cache = new Map<number, RealFft>();

/** A shared RealFft per size (single-threaded use: the instance's scratch buffers are reused). */
export function getRealFft(size: number): RealFft {
  let f = cache.get(size);
  if (!f) {
    f = new RealFft(size);
    cache.set(size, f);
  }
  return f;
}
