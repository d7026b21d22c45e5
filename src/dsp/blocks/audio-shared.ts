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
 *  - the quantised dB output of MFE/spectrogram: 10·log10(max(E, 1e-30)), then
 *    (dB − floor)/(12 − floor) clipped to 0..1, then rounded to a multiple of 1/256 (half to even),
 *    at most 255/256 (EI's uint8 cast would wrap an exact 1.0 to 0; we saturate instead).
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

export function frameGeometry(fs: number, frameLengthS: number, frameStrideS: number, n: number): FrameGeometry {
  const frameLength = ceilUnlessClose(fs * frameLengthS);
  const frameStride = ceilUnlessClose(fs * frameStrideS);
  if (frameLength < 1 || frameStride < 1) {
    throw dspError('bad-frame', `Frame length ${frameLengthS} s or stride ${frameStrideS} s is shorter than one sample at ${fs} Hz.`, 'Increase the frame length and stride.');
  }
  const frames = Math.floor((n - (frameLength - frameStride)) / frameStride);
  if (frames < 1) {
    throw dspError('bad-frame', `Frame length (${frameLength} samples) is larger than the window (${n} samples).`, 'Use a shorter frame length or a longer window.');
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

/** Pre-emphasis with numpy.roll semantics, in float64, into out. */
export function preEmphasis(x: ArrayLike<number>, cof: number, out: Float64Array, scale = 1): Float64Array {
  const n = x.length;
  if (n === 0) return out;
  const last = x[n - 1] * scale;
  for (let i = n - 1; i >= 1; i--) out[i] = x[i] * scale - cof * (x[i - 1] * scale);
  out[0] = x[0] * scale - cof * last;
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

/** Mel filterbank, filters × (fft/2+1) row-major, and the centre frequencies. */
export function melFilterbank(filters: number, fftLength: number, fs: number, lowHz: number, highHz: number): { matrix: Float64Array; centres: number[] } {
  const high = highHz || fs / 2;
  if (high > fs / 2) throw dspError('bad-param', `High frequency ${high} Hz is above half the sample rate (${fs / 2} Hz).`, 'Lower the high frequency (0 = half the sample rate).');
  if (lowHz < 0 || lowHz >= high) throw dspError('bad-param', `Low frequency ${lowHz} Hz must be from 0 up to the high frequency (${high} Hz).`, 'Lower the low frequency.');
  if (!Number.isInteger(filters) || filters < 2) throw dspError('bad-param', 'The filter number should be at least 2.', 'Use 32 or 40 filters.');
  const bins = fftLength / 2 + 1;
  const mLow = hzToMel(lowHz);
  const mHigh = hzToMel(high);
  const hz: number[] = [];
  const count = filters + 2;
  for (let i = 0; i < count; i++) {
    // numpy.linspace: start + i·step, last point exactly the stop
    const m = i === count - 1 ? mHigh : mLow + i * ((mHigh - mLow) / (count - 1));
    hz.push(melToHz(m));
  }
  hz[count - 1] -= 0.001;
  const idx = hz.map((f) => Math.floor(((fftLength + 1) * f) / fs));
  const matrix = new Float64Array(filters * bins);
  for (let i = 0; i < filters; i++) {
    const left = idx[i];
    const middle = idx[i + 1];
    const right = idx[i + 2];
    let any = false;
    for (let b = left; b <= right; b++) {
      let w = 0;
      if (left < b && b <= middle) w = (b - left) / (middle - left);
      if (middle <= b && b < right) w = (right - b) / (right - middle);
      if (w !== 0) any = true;
      if (b >= 0 && b < bins) matrix[i * bins + b] = w;
    }
    if (!any) {
      throw dspError(
        'empty-filter',
        `Mel filter ${i + 1} of ${filters} covers no FFT bin.`,
        `Lower the filter number to ${Math.floor(bins / 4)} or increase the FFT length.`,
      );
    }
  }
  return { matrix, centres: hz.slice(1, -1) };
}

/** numpy.around(x) half to even. */
export function roundHalfEven(x: number): number {
  const fl = Math.floor(x);
  const d = x - fl;
  return d > 0.5 ? fl + 1 : d < 0.5 ? fl : fl % 2 === 0 ? fl : fl + 1;
}

/** dB → 0..255/256 with a noise floor, as EI's MFE/spectrogram output. */
export function quantiseDb(energy: number, noiseFloorDb: number): number {
  const db = 10 * Math.log10(energy < 1e-30 ? 1e-30 : energy);
  let v = (db - noiseFloorDb) / (-noiseFloorDb + 12);
  v = v < 0 ? 0 : v > 1 ? 1 : v;
  return Math.min(roundHalfEven(v * 256), 255) / 256;
}

export function newFft(fftLength: number): RealFft {
  return new RealFft(fftLength);
}

export function noiseFloorParamCheck(db: number): void {
  if (!(db < 0)) throw dspError('bad-param', `Noise floor ${db} dB must be below 0 dB.`, 'Use a value such as −52 dB.');
}
