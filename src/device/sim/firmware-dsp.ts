/**
 * The runtime firmware's DSP kernels (firmware/src/dsp_generated.h: raw, flatten, spectral) in
 * TypeScript, operation for operation: float32 steps are rounded with Math.fround where the C++ uses
 * `float`, float64 steps stay doubles. The strict simulated board runs these on the settings it reads
 * from the impulse descriptor in its slot — never the app's DSP blocks or the app's impulse.
 * DOM-free core module.
 */
import { groupShape } from '../../dsp/motion-shape.ts';

const f32 = Math.fround;

/**
 * Bit 7 of the flatten stats mask: the motion shape (impulse_shape_features). Per group, its
 * covariance and eigenvalue steps (impulse_symmetric_eigenvalues) are the same float64 sequence as
 * the app's `groupShape`, used here as is (impulse-firmware.test.ts compares the compiled C++ with
 * the app's features); the grouping and the size limit are the firmware's own.
 */
const SHAPE_BIT = 7;
const SHAPE_MAX_GROUP = 8;

/** impulse_flatten_count. */
export function flattenFeatureCount(axes: number, stats: number): number {
  let per = 0;
  for (let b = 0; b < 7; b++) per += (stats >> b) & 1;
  return axes * per + ((stats >> SHAPE_BIT) & 1 && axes >= 2 ? axes : 0);
}

/** impulse_shape_features: per group, √ of the covariance eigenvalues, largest first; −1 when the group is too large. */
function shapeFeatures(window: Float32Array, samples: number, axes: number, scale: number, out: Float32Array, at: number): number {
  if (axes < 2) return 0;
  const g = axes % 3 === 0 ? 3 : axes;
  if (g > SHAPE_MAX_GROUP || out.length - at < axes) return -1;
  const mean = new Float64Array(g);
  const m = new Float64Array(g * g);
  const ev = new Float64Array(g);
  let k = at;
  for (let first = 0; first < axes; first += g) k = groupShape(window, axes, first, g, samples, scale, mean, m, ev, out, k);
  return k - at;
}

/** impulse_pairwise_sum over float values (8 accumulators below 128 values, halves above). */
function pairwiseSum(a: Float32Array, off: number, n: number): number {
  if (n < 8) {
    let s = 0;
    for (let i = 0; i < n; i++) s = f32(s + a[off + i]);
    return s;
  }
  if (n <= 128) {
    const r = new Float32Array(8);
    for (let j = 0; j < 8; j++) r[j] = a[off + j];
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) r[j] = f32(r[j] + a[off + i + j]);
    let s = f32(f32(f32(r[0] + r[1]) + f32(r[2] + r[3])) + f32(f32(r[4] + r[5]) + f32(r[6] + r[7])));
    for (; i < n; i++) s = f32(s + a[off + i]);
    return s;
  }
  let n2 = Math.trunc(n / 2);
  n2 -= n2 % 8;
  return f32(pairwiseSum(a, off, n2) + pairwiseSum(a, off + n2, n - n2));
}

/** Biased skewness and excess kurtosis (0 and −3 for a constant signal), and the RMS. */
function moments(x: Float64Array, n: number): { rms: number; skew: number; kurt: number } {
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i];
  mean /= n;
  let m2 = 0, m3 = 0, m4 = 0, sq = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i] - mean;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
    sq += x[i] * x[i];
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  const rms = Math.sqrt(sq / n);
  if (m2 <= 0) return { rms, skew: 0, kurt: -3 };
  return { rms, skew: m3 / Math.pow(m2, 1.5), kurt: m4 / (m2 * m2) - 3.0 };
}

/** raw: the scaled window, frame-major. */
export function rawFeatures(window: Float32Array, samples: number, axes: number, scale: number, out: Float32Array): number {
  const n = samples * axes;
  if (out.length < n) return -1;
  const s = f32(scale);
  for (let i = 0; i < n; i++) out[i] = f32(window[i] * s);
  return n;
}

/** flatten: per axis the statistics of bits 0..6 of `stats` (average, min, max, rms, stdev, skewness, kurtosis), float64; bit 7 the motion shape. */
export function flattenFeatures(window: Float32Array, samples: number, axes: number, scale: number, stats: number, out: Float32Array): number {
  if (out.length < flattenFeatureCount(axes, stats)) return -1;
  const x = new Float64Array(samples);
  const sc = f32(scale);
  let k = 0;
  for (let a = 0; a < axes; a++) {
    let mean = 0, mn = 1e300, mx = -1e300;
    for (let i = 0; i < samples; i++) {
      x[i] = window[i * axes + a] * sc;
      mean += x[i];
      if (x[i] < mn) mn = x[i];
      if (x[i] > mx) mx = x[i];
    }
    mean /= samples;
    let v = 0;
    for (let i = 0; i < samples; i++) v += (x[i] - mean) * (x[i] - mean);
    v /= samples;
    const m = moments(x, samples);
    const vals = [mean, mn, mx, m.rms, Math.sqrt(v), m.skew, m.kurt];
    for (let b = 0; b < 7; b++) if ((stats >> b) & 1) out[k++] = vals[b];
  }
  if ((stats >> SHAPE_BIT) & 1) {
    const n = shapeFeatures(window, samples, axes, sc, out, k);
    if (n < 0) return -1;
    k += n;
  }
  return k;
}

export interface SpectralKernelParams {
  fftLength: number;
  hop: number;
  binLo: number;
  binHi: number;
  doLog: boolean;
  scale: number;
  /** Float32 sections [b0, b1, b2, a1, a2] each. */
  sos: number[][];
}

/** In-place radix-2 FFT, the kernel's exact loop order. */
function fft(re: Float64Array, im: Float64Array, n: number): void {
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      let t = re[i];
      re[i] = re[j];
      re[j] = t;
      t = im[i];
      im[i] = im[j];
      im[j] = t;
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (-2 * Math.PI) / len;
    const h = len / 2;
    for (let i = 0; i < n; i += len) {
      for (let k = 0; k < h; k++) {
        const wr = Math.cos(ang * k), wi = Math.sin(ang * k);
        const ur = re[i + k], ui = im[i + k];
        const vr = re[i + k + h] * wr - im[i + k + h] * wi;
        const vi = re[i + k + h] * wi + im[i + k + h] * wr;
        re[i + k] = ur + vr;
        im[i + k] = ui + vi;
        re[i + k + h] = ur - vr;
        im[i + k + h] = ui - vi;
      }
    }
  }
}

/** spectral: per axis RMS, skewness, kurtosis, spectral skewness and kurtosis, then the max-hold powers of bins binLo..binHi. */
export function spectralFeatures(window: Float32Array, samples: number, axes: number, p: SpectralKernelParams, out: Float32Array): number {
  const F = p.fftLength;
  if (out.length < axes * (5 + p.binHi - p.binLo + 1)) return -1;
  const x = new Float32Array(samples);
  const xd = new Float64Array(samples);
  const re = new Float64Array(F);
  const im = new Float64Array(F);
  const power = new Float64Array(F / 2 + 1);
  const sc = f32(p.scale);
  const sos = p.sos.map((s) => s.map(f32));
  let k = 0;
  for (let a = 0; a < axes; a++) {
    for (let i = 0; i < samples; i++) x[i] = f32(window[i * axes + a] * sc);
    for (const c of sos) {
      let z0 = 0, z1 = 0;
      for (let i = 0; i < samples; i++) {
        const inp = x[i];
        const y = f32(f32(c[0] * inp) + z0);
        z0 = f32(f32(f32(c[1] * inp) - f32(c[3] * y)) + z1);
        z1 = f32(f32(c[2] * inp) - f32(c[4] * y));
        x[i] = y;
      }
    }
    const mean = f32(pairwiseSum(x, 0, samples) / f32(samples));
    for (let i = 0; i < samples; i++) {
      x[i] = f32(x[i] - mean);
      xd[i] = x[i];
    }
    const m = moments(xd, samples);
    power.fill(0);
    for (let start = 0; start <= samples; start += p.hop) {
      for (let i = 0; i < F; i++) {
        re[i] = start + i < samples ? xd[start + i] : 0;
        im[i] = 0;
      }
      fft(re, im, F);
      for (let b = 0; b <= F / 2; b++) {
        const pw = (re[b] * re[b] + im[b] * im[b]) / F;
        if (pw > power[b]) power[b] = pw;
      }
    }
    const s = moments(power, F / 2 + 1);
    out[k++] = m.rms;
    out[k++] = m.skew;
    out[k++] = m.kurt;
    out[k++] = s.skew;
    out[k++] = s.kurt;
    for (let b = p.binLo; b <= p.binHi; b++) {
      let pw = power[b];
      if (p.doLog) {
        if (pw === 0) pw = 1e-10;
        pw = Math.log10(pw);
      }
      out[k++] = pw;
    }
  }
  return k;
}
