/**
 * IIR filter design as second-order sections (SOS). DOM-free core module.
 *
 * Designs digital Butterworth (low/high-pass) and Chebyshev type I (low-pass) filters the way
 * scipy.signal does (`butter`/`cheby1` with `output='sos'`), so that coefficients agree with scipy
 * to float64 rounding:
 *   1. analog low-pass prototype: Butterworth poles −e^(iπm/2N), Chebyshev-I poles −sinh(μ + iπm/2N)
 *      with ε = √(10^(rp/10) − 1), μ = asinh(1/ε)/N, m = −N+1, −N+3, … N−1; gain 1, resp. Π(−p)
 *      (divided by √(1+ε²) for even N);
 *   2. pre-warp the normalised cut-off: ω = 4·tan(π·Wn/2) (fs = 2);
 *   3. low-pass → low-pass (p·ω, k·ω^N) or low-pass → high-pass (ω/p, N zeros at 0, k·Re(1/Π(−p)));
 *   4. bilinear transform at fs = 2: z ↦ (4+z)/(4−z), zeros at infinity go to −1, k·Re(Π(4−z)/Π(4−p));
 *   5. zpk → SOS with scipy's "nearest" pairing: repeatedly take the pole closest to the unit circle
 *      with its conjugate and fill sections from the last one backwards, so sections run from the
 *      pole pair farthest from the unit circle to the closest; the gain goes into the first section.
 * Only even orders are supported (all poles come in conjugate pairs), which is all the spectral
 * block needs (Butterworth orders 2..8, Chebyshev order 8).
 *
 * SOS layout: Float64Array of sections × 6, each [b0, b1, b2, 1, a1, a2].
 */
import { StudioError } from '../core/errors.ts';

interface Zpk {
  /** Zeros, real and imaginary parts. */
  zr: number[];
  zi: number[];
  pr: number[];
  pi: number[];
  k: number;
}

function cmul(ar: number, ai: number, br: number, bi: number): [number, number] {
  return [ar * br - ai * bi, ar * bi + ai * br];
}

/** Complex division with Smith's method (as numpy does for complex128). */
function cdiv(ar: number, ai: number, br: number, bi: number): [number, number] {
  if (Math.abs(br) >= Math.abs(bi)) {
    if (br === 0 && bi === 0) return [ar / 0, ai / 0];
    const rat = bi / br;
    const scl = 1 / (br + bi * rat);
    return [(ar + ai * rat) * scl, (ai - ar * rat) * scl];
  }
  const rat = br / bi;
  const scl = 1 / (bi + br * rat);
  return [(ar * rat + ai) * scl, (ai * rat - ar) * scl];
}

function cprod(re: number[], im: number[], sign: number, shift: number): [number, number] {
  // Π (shift + sign·x) in array order, starting from the first element as numpy's multiply.reduce does
  let pr = 1;
  let pi = 0;
  for (let i = 0; i < re.length; i++) {
    const xr = shift + sign * re[i];
    const xi = sign * im[i];
    if (i === 0) {
      pr = xr;
      pi = xi;
    } else [pr, pi] = cmul(pr, pi, xr, xi);
  }
  return [pr, pi];
}

function checkEvenOrder(order: number, what: string): void {
  if (!Number.isInteger(order) || order < 2 || order > 16 || order % 2 !== 0) {
    throw new StudioError({
      family: 'dsp',
      code: 'filter-order',
      message: `${what} order ${order} is not supported: it must be an even number from 2 to 16.`,
      remedy: 'Choose an even filter order such as 2, 4, 6 or 8.',
    });
  }
}

function checkWn(wn: number): void {
  if (!(wn > 0 && wn < 1)) {
    throw new StudioError({
      family: 'dsp',
      code: 'filter-cutoff',
      message: `The normalised cut-off ${wn} must lie strictly between 0 and 1 (0 Hz and the Nyquist frequency).`,
      remedy: 'Choose a cut-off above 0 Hz and below half the sample rate.',
    });
  }
}

function butterPrototype(n: number): Zpk {
  const pr: number[] = [];
  const pi: number[] = [];
  for (let m = -n + 1; m < n; m += 2) {
    const a = (Math.PI * m) / (2 * n);
    pr.push(-Math.cos(a));
    pi.push(-Math.sin(a));
  }
  return { zr: [], zi: [], pr, pi, k: 1 };
}

function cheby1Prototype(n: number, rpDb: number): Zpk {
  const eps = Math.sqrt(10 ** (0.1 * rpDb) - 1);
  const mu = (1 / n) * Math.asinh(1 / eps);
  const pr: number[] = [];
  const pi: number[] = [];
  const sh = Math.sinh(mu);
  const ch = Math.cosh(mu);
  for (let m = -n + 1; m < n; m += 2) {
    const theta = (Math.PI * m) / (2 * n);
    // sinh(μ + iθ) = sinh μ cos θ + i cosh μ sin θ
    pr.push(-(sh * Math.cos(theta)));
    pi.push(-(ch * Math.sin(theta)));
  }
  let [k] = cprod(pr, pi, -1, 0);
  if (n % 2 === 0) k = k / Math.sqrt(1 + eps * eps);
  return { zr: [], zi: [], pr, pi, k };
}

function lowpassToLowpass(f: Zpk, wo: number): Zpk {
  const degree = f.pr.length - f.zr.length;
  return {
    zr: f.zr.map((v) => v * wo),
    zi: f.zi.map((v) => v * wo),
    pr: f.pr.map((v) => v * wo),
    pi: f.pi.map((v) => v * wo),
    k: f.k * wo ** degree,
  };
}

function lowpassToHighpass(f: Zpk, wo: number): Zpk {
  const degree = f.pr.length - f.zr.length;
  const zr: number[] = [];
  const zi: number[] = [];
  for (let i = 0; i < f.zr.length; i++) {
    const [a, b] = cdiv(wo, 0, f.zr[i], f.zi[i]);
    zr.push(a);
    zi.push(b);
  }
  const pr: number[] = [];
  const pi: number[] = [];
  for (let i = 0; i < f.pr.length; i++) {
    const [a, b] = cdiv(wo, 0, f.pr[i], f.pi[i]);
    pr.push(a);
    pi.push(b);
  }
  const [nr, ni] = f.zr.length ? cprod(f.zr, f.zi, -1, 0) : [1, 0];
  const [dr, di] = cprod(f.pr, f.pi, -1, 0);
  const [qr] = cdiv(nr, ni, dr, di);
  for (let i = 0; i < degree; i++) {
    zr.push(0);
    zi.push(0);
  }
  return { zr, zi, pr, pi, k: f.k * qr };
}

function bilinear(f: Zpk, fs: number): Zpk {
  const fs2 = 2 * fs;
  const degree = f.pr.length - f.zr.length;
  const zr: number[] = [];
  const zi: number[] = [];
  for (let i = 0; i < f.zr.length; i++) {
    const [a, b] = cdiv(fs2 + f.zr[i], f.zi[i], fs2 - f.zr[i], -f.zi[i]);
    zr.push(a);
    zi.push(b);
  }
  for (let i = 0; i < degree; i++) {
    zr.push(-1);
    zi.push(0);
  }
  const pr: number[] = [];
  const pi: number[] = [];
  for (let i = 0; i < f.pr.length; i++) {
    const [a, b] = cdiv(fs2 + f.pr[i], f.pi[i], fs2 - f.pr[i], -f.pi[i]);
    pr.push(a);
    pi.push(b);
  }
  const [nr, ni] = f.zr.length ? cprod(f.zr, f.zi, -1, fs2) : [1, 0];
  const [dr, di] = cprod(f.pr, f.pi, -1, fs2);
  const [qr] = cdiv(nr, ni, dr, di);
  return { zr, zi, pr, pi, k: f.k * qr };
}

/** zpk → SOS for even-order filters whose zeros are all real (here ±1) and poles conjugate pairs. */
function zpkToSos(f: Zpk): Float64Array {
  const n = f.pr.length;
  const sections = n / 2;
  // one pole of each conjugate pair (positive imaginary part), sorted by real part then |imag|
  const idx: number[] = [];
  for (let i = 0; i < n; i++) if (f.pi[i] > 0) idx.push(i);
  if (idx.length !== sections) {
    throw new StudioError({ family: 'dsp', code: 'filter-design', message: 'Filter design produced unpaired poles.' });
  }
  idx.sort((a, b) => f.pr[a] - f.pr[b] || Math.abs(f.pi[a]) - Math.abs(f.pi[b]));
  const poles = idx.map((i) => [f.pr[i], f.pi[i]] as [number, number]);
  const zeros = f.zr.slice();
  const sos = new Float64Array(sections * 6);
  for (let si = sections - 1; si >= 0; si--) {
    let best = 0;
    let bestD = Infinity;
    for (let j = 0; j < poles.length; j++) {
      const d = Math.abs(1 - Math.hypot(poles[j][0], poles[j][1]));
      if (d < bestD) {
        bestD = d;
        best = j;
      }
    }
    const [pr, pi] = poles.splice(best, 1)[0];
    // two real zeros nearest to the pole (all zeros are equal here, so any two)
    const z1 = zeros.shift() ?? 0;
    const z2 = zeros.shift() ?? 0;
    const o = si * 6;
    sos[o] = 1;
    sos[o + 1] = -(z1 + z2);
    sos[o + 2] = z1 * z2;
    sos[o + 3] = 1;
    sos[o + 4] = -pr + -pr;
    sos[o + 5] = pr * pr + pi * pi;
  }
  sos[0] *= f.k;
  sos[1] *= f.k;
  sos[2] *= f.k;
  return sos;
}

/** scipy.signal.butter(order, wn, btype, output='sos') for even orders; wn normalised to Nyquist. */
export function butterworthSos(order: number, wn: number, type: 'low' | 'high'): Float64Array {
  checkEvenOrder(order, 'Butterworth filter');
  checkWn(wn);
  const warped = 2 * 2 * Math.tan((Math.PI * wn) / 2);
  const proto = butterPrototype(order);
  const analog = type === 'low' ? lowpassToLowpass(proto, warped) : lowpassToHighpass(proto, warped);
  return zpkToSos(bilinear(analog, 2));
}

/** scipy.signal.cheby1(order, rippleDb, wn, output='sos') (low-pass) for even orders. */
export function chebyshev1Sos(order: number, rippleDb: number, wn: number): Float64Array {
  checkEvenOrder(order, 'Chebyshev filter');
  checkWn(wn);
  const warped = 2 * 2 * Math.tan((Math.PI * wn) / 2);
  return zpkToSos(bilinear(lowpassToLowpass(cheby1Prototype(order, rippleDb), warped), 2));
}

/** Coefficients rounded to float32, as `np.float32(sos)`. */
export function toFloat32Sos(sos: Float64Array): Float64Array {
  return Float64Array.from(sos, (v) => Math.fround(v));
}

/** Largest pole radius over all sections (≥ 1 means unstable). */
export function maxPoleRadius(sos: Float64Array): number {
  let r = 0;
  for (let o = 0; o < sos.length; o += 6) {
    const a1 = sos[o + 4];
    const a2 = sos[o + 5];
    // roots of z² + a1 z + a2
    const disc = a1 * a1 - 4 * a2;
    if (disc < 0) r = Math.max(r, Math.sqrt(a2));
    else {
      const s = Math.sqrt(disc);
      r = Math.max(r, Math.abs((-a1 + s) / 2), Math.abs((-a1 - s) / 2));
    }
  }
  return r;
}
