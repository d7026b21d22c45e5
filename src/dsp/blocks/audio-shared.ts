/**
 * Shared audio front end for the spectrogram, MFE and MFCC blocks. DOM-free core module.
 *
 * Follows Edge Impulse's audio blocks (speechpy-derived, implementation version 4):
 *  - frame length/stride in samples: ceil(fs·seconds), unless within 0.001 above a whole number
 *    (then floor); frames = floor((N − (L − S)) / S), no zero padding of the signal;
 *  - pre-emphasis y[n] = x[n] − c·x[n−1] with x[−1] = x[N−1] (a circular shift, as numpy.roll);
 *  - power spectrum |rfft(frame, fft)|² / fft per frame (frames longer than fft are truncated);
 *  - mel filterbank: HTK mel scale m = 1127·ln(1 + f/700), num+2 edges evenly spaced in mel from
 *    low to high (high 0 = fs/2), the top edge lowered by 0.001 Hz, edge bins floor((fft+1)·f/fs),
 *    triangular weights rising from the left edge bin to 1 at the centre bin, falling to 0 at the right.
 *  - the normalised dB of MFE/spectrogram: (10·log10(max(E, 1e-30)) − floor)/(12 − floor). The MFE
 *    clips it to 0..1 and rounds it to a multiple of 1/256 (half to even); EI's Python casts
 *    round(v·256) to uint8, so a cell that rounds to 256 wraps to 0. That wrap is the default
 *    (`loudest-cells: wrap`); `saturate` keeps 255/256 there, as EI's C++ SDK does.
 *  - the refusals EI makes, each with its own StudioError code (see audio-ei-reference.test.ts).
 *
 * The FFT is float64 (as numpy's), which the MFCC's normalisation near silence needs.
 */
import type { DspContext } from '../block.ts';
import { dspError } from '../block.ts';
import { RealFft, isPowerOfTwo } from '../fft.ts';

export interface FrameGeometry {
  frameLength: number;
  frameStride: number;
  frames: number;
}

function ceilUnlessClose(v: number): number {
  const fl = Math.floor(v);
  return v > fl && v - fl < 0.001 ? fl : Math.ceil(v);
}

/**
 * Frame length, stride (samples) and count for a window of n samples. `minSamples` is the shortest
 * frame and stride allowed, checked on fs·seconds before rounding (EI's spectrogram asks for 4).
 */
export function frameGeometry(fs: number, frameLengthS: number, frameStrideS: number, n: number, minSamples = 1): FrameGeometry {
  if (fs * frameLengthS < minSamples) {
    throw dspError(
      'frame-too-short',
      `Frame length ${frameLengthS} s is ${+(fs * frameLengthS).toFixed(3)} samples at ${fs} Hz; it should be at least ${minSamples} sample${minSamples === 1 ? '' : 's'}.`,
      `Use a frame length of at least ${minSamples / fs} s.`,
    );
  }
  if (fs * frameStrideS < minSamples) {
    throw dspError(
      'stride-too-short',
      `Frame stride ${frameStrideS} s is ${+(fs * frameStrideS).toFixed(3)} samples at ${fs} Hz; it should be at least ${minSamples} sample${minSamples === 1 ? '' : 's'}.`,
      `Use a frame stride of at least ${minSamples / fs} s.`,
    );
  }
  const frameLength = ceilUnlessClose(fs * frameLengthS);
  const frameStride = ceilUnlessClose(fs * frameStrideS);
  const frames = Math.floor((n - (frameLength - frameStride)) / frameStride);
  if (frames < 1) {
    throw dspError('frame-too-long', `Frame length (${frameLength} samples) is larger than the window (${n} samples).`, 'Use a shorter frame length or a longer window.');
  }
  if (frames > 500) {
    throw dspError('too-many-frames', `The window gives ${frames} frames, more than 500.`, 'Increase the frame stride or decrease the window size.');
  }
  return { frameLength, frameStride, frames };
}

export function checkSingleAxis(ctx: DspContext, title: string): void {
  if (ctx.axesCount !== 1) {
    throw dspError('single-axis', `The ${title} block works on one axis, but the impulse has ${ctx.axesCount}.`, 'Pick a single audio axis in the impulse.');
  }
}

export function checkFftLength(fft: number): void {
  if (!isPowerOfTwo(fft) || fft < 2) throw dspError('fft-length', `FFT length ${fft} is not a power of 2.`, 'Choose 128, 256 or 512.');
}

/**
 * Pre-emphasis y[i] = x[i] − cof·x[i − shift] with numpy.roll semantics (the first `shift` samples
 * use the last ones), in float64, into out (which must not be x).
 */
export function preEmphasis(x: ArrayLike<number>, cof: number, out: Float64Array, shift = 1): Float64Array {
  const n = x.length;
  if (n === 0) return out;
  for (let i = 0; i < n; i++) {
    const j = (((i - shift) % n) + n) % n;
    out[i] = x[i] - cof * x[j];
  }
  return out;
}

/** Power spectrogram, frames × (fft/2+1), row-major. */
export function powerFrames(signal: Float64Array, g: FrameGeometry, fft: RealFft, out: Float64Array, scratch: Float64Array): Float64Array {
  const bins = fft.bins;
  for (let t = 0; t < g.frames; t++) {
    fft.power(signal, t * g.frameStride, g.frameLength, scratch);
    for (let k = 0; k < bins; k++) out[t * bins + k] = scratch[k] / fft.size;
  }
  return out;
}

export function hzToMel(f: number): number {
  return 1127 * Math.log(1 + f / 700);
}

export function melToHz(m: number): number {
  return 700 * (Math.exp(m / 1127) - 1);
}

/** Edge bins of a mel filterbank: floor((fft+1)·hz/fs) for num+2 points evenly spaced in mel. */
function melEdges(filters: number, fftLength: number, fs: number, lowHz: number, high: number): { hz: number[]; idx: number[] } {
  const mLow = hzToMel(lowHz);
  const mHigh = hzToMel(high);
  const hz: number[] = [];
  const count = filters + 2;
  for (let i = 0; i < count; i++) {
    // numpy.linspace: start + i·step, the last point exactly the stop
    const m = i === count - 1 ? mHigh : mLow + i * ((mHigh - mLow) / (count - 1));
    hz.push(melToHz(m));
  }
  hz[count - 1] -= 0.001;
  return { hz, idx: hz.map((f) => Math.floor(((fftLength + 1) * f) / fs)) };
}

/**
 * Index of the first filter with no non-zero weight, or −1. Filter l..c..r weighs 1 at bin c as soon
 * as c > l (rising edge) or r > c (falling edge), so it is empty only when l = c = r.
 */
function firstEmptyFilter(idx: number[], filters: number): number {
  for (let i = 0; i < filters; i++) if (idx[i] === idx[i + 1] && idx[i + 1] === idx[i + 2]) return i;
  return -1;
}

/** Mel filterbank, filters × (fft/2+1) row-major, and the centre frequencies. */
export interface MelFilterbank {
  /** filters × (fft/2+1), row-major. */
  matrix: Float64Array;
  centres: number[];
  /** Per filter, the first and one past the last bin with a non-zero weight (for a sparse product). */
  from: Int32Array;
  to: Int32Array;
}

export function melFilterbank(filters: number, fftLength: number, fs: number, lowHz: number, highHz: number): MelFilterbank {
  const high = highHz || fs / 2;
  if (high > fs / 2) {
    throw dspError('high-frequency', `High frequency ${high} Hz cannot be greater than half the sample rate (${fs / 2} Hz).`, 'Lower the high frequency (0 means half the sample rate).');
  }
  if (lowHz < 0 || lowHz >= high) {
    throw dspError('low-frequency', `Low frequency ${lowHz} Hz must be from 0 up to below the high frequency (${high} Hz).`, 'Lower the low frequency.');
  }
  if (!Number.isInteger(filters) || filters < 2) throw dspError('filter-count', `The filter number should be at least 2 (it is ${filters}).`, 'Use 32 or 40 filters.');
  const bins = fftLength / 2 + 1;
  const { hz, idx } = melEdges(filters, fftLength, fs, lowHz, high);
  const empty = firstEmptyFilter(idx, filters);
  if (empty >= 0) {
    let most = filters - 1;
    while (most > 2 && firstEmptyFilter(melEdges(most, fftLength, fs, lowHz, high).idx, most) >= 0) most--;
    throw dspError(
      'empty-filter',
      `Mel filter ${empty + 1} of ${filters} covers no FFT bin (at least one row of the mel filterbank is all zeros).`,
      `Lower the filter number to ${most} or fewer, or increase the FFT length.`,
    );
  }
  const matrix = new Float64Array(filters * bins);
  for (let i = 0; i < filters; i++) {
    const left = idx[i];
    const middle = idx[i + 1];
    const right = idx[i + 2];
    for (let b = Math.max(0, left); b <= right && b < bins; b++) {
      let w = 0;
      if (left < b && b <= middle) w = (b - left) / (middle - left);
      if (middle <= b && b < right) w = (right - b) / (right - middle);
      matrix[i * bins + b] = w;
    }
  }
  const from = new Int32Array(filters);
  const to = new Int32Array(filters);
  for (let i = 0; i < filters; i++) {
    let a = 0;
    while (a < bins && matrix[i * bins + a] === 0) a++;
    let b = bins;
    while (b > a && matrix[i * bins + b - 1] === 0) b--;
    from[i] = a;
    to[i] = b;
  }
  return { matrix, centres: hz.slice(1, -1), from, to };
}

/** numpy.around(x) half to even. */
export function roundHalfEven(x: number): number {
  const fl = Math.floor(x);
  const d = x - fl;
  return d > 0.5 ? fl + 1 : d < 0.5 ? fl : fl % 2 === 0 ? fl : fl + 1;
}

/** (10·log10(max(e, 1e-30)) − floor) / (12 − floor): 0 at the noise floor, 1 at +12 dB. */
export function normalisedDb(energy: number, noiseFloorDb: number): number {
  const db = 10 * Math.log10(energy < 1e-30 ? 1e-30 : energy);
  return (db - noiseFloorDb) / (12 - noiseFloorDb);
}

/**
 * MFE output cell: normalised dB clipped to 0..1 and rounded to a multiple of 1/256 (half to even).
 * A cell that rounds to 256/256 becomes 0 with `wrap` (EI's Python: uint8(256) = 0) or 255/256.
 */
export function quantiseDb(energy: number, noiseFloorDb: number, wrap = false): number {
  let v = normalisedDb(energy, noiseFloorDb);
  v = v < 0 ? 0 : v > 1 ? 1 : v;
  const q = roundHalfEven(v * 256);
  return (q >= 256 ? (wrap ? 0 : 255) : q) / 256;
}

export function newFft(fftLength: number): RealFft {
  return new RealFft(fftLength);
}

export function noiseFloorParamCheck(db: number): void {
  if (!(db < 0)) throw dspError('noise-floor', `Noise floor ${db} dB must be below 0 dB.`, 'Use a value such as −52 dB.');
}

/**
 * Parameter names older projects used, mapped to Edge Impulse's names: `pre-emphasis` is now
 * `pre-cof`. A value under the new name wins.
 */
export function withParamAliases<T>(params: Record<string, T>): Record<string, T> {
  if (params['pre-emphasis'] === undefined || params['pre-cof'] !== undefined) return params;
  return { ...params, 'pre-cof': params['pre-emphasis'] };
}
