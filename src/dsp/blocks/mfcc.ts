/**
 * MFCC block (mel-frequency cepstral coefficients) for audio, shaped [frames, coefficients].
 * DOM-free core module.
 *
 * Equals Edge Impulse's MFCC block, implementation version 4 (speechpy-derived), on all of EI's own
 * outputs in ../shared/reference/audio (audio-ei-reference.test.ts), step for step:
 * int16 values as float64 (not rescaled) → pre-emphasis x[n] − pre-cof·x[n − pre-shift], circular at
 * the start (numpy.roll) → frames → float64 power spectrum |rfft|²/fft → mel filterbank energies
 * (HTK mel, triangular, 0 → 1e-10) → natural log → DCT-II with orthonormal scaling along the filters
 * → the first min(num-cepstral, num-filters) coefficients → coefficient 0 replaced by ln(frame
 * energy) → if win-size > 0, local cepstral mean and variance normalisation over `win-size` frames
 * (numpy 'symmetric' padding; the mean-removed values stored as float32, σ in float32, + 1e-10).
 */
import type { DspBlock, DspContext, DspRunner, ParamSchema } from '../block.ts';
import { checkWindow, dspError } from '../block.ts';
import { newFft, powerFrames, preEmphasis } from './audio-shared.ts';
import { fftParam, frameParams, melParams, preEmphasisParam, preShiftParam } from './audio-params.ts';
import { melEnergies, melSetup } from './mfe.ts';
import type { MelSetup } from './mfe.ts';

const params: ParamSchema[] = [
  { name: 'num-cepstral', label: 'Number of coefficients', type: 'number', default: 13, min: 1, max: 128, integer: true, help: 'Cepstral coefficients kept per frame.' },
  ...frameParams(0.02),
  ...melParams(32),
  fftParam(256),
  { name: 'win-size', label: 'Normalisation window size', type: 'number', default: 101, max: 1001, integer: true, help: 'Frames in the local mean/variance normalisation window (odd); 0 turns it off.' },
  preEmphasisParam(0.98),
  preShiftParam,
];

function setup(ctx: DspContext): MelSetup & { cep: number; win: number; shift: number } {
  const s = melSetup(ctx, params, 'MFCC');
  // as EI: more coefficients than filters keeps one per filter
  const cep = Math.min(s.p['num-cepstral'] as number, s.filters);
  const win = s.p['win-size'] as number;
  const shift = s.p['pre-shift'] as number;
  if (win > 0 && win % 2 === 0) throw dspError('win-size', `Normalisation window size ${win} must be odd.`, 'Use an odd size such as 101, or 0 to turn the normalisation off.');
  if (shift < 1) throw dspError('pre-shift', `Pre-emphasis shift ${shift} must be at least 1 sample.`, 'Set the shift to 1; to turn pre-emphasis off, set its coefficient to 0.');
  return { ...s, cep, win, shift };
}

/** Index into [0, n) for numpy 'symmetric' padding at any distance. */
function symmetricIndex(j: number, n: number): number {
  const period = 2 * n;
  let r = j % period;
  if (r < 0) r += period;
  return r < n ? r : period - 1 - r;
}

/** Local cepstral mean and variance normalisation (rows × cols, in place semantics via out). */
export function cmvnw(vec: Float64Array, rows: number, cols: number, win: number, out: Float64Array): Float64Array {
  const pad = (win - 1) / 2;
  const ms = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let c = 0; c < cols; c++) {
      let s = 0;
      for (let j = i - pad; j <= i + pad; j++) s += vec[symmetricIndex(j, rows) * cols + c];
      ms[i * cols + c] = Math.fround(vec[i * cols + c] - s / win);
    }
  }
  for (let i = 0; i < rows; i++) {
    for (let c = 0; c < cols; c++) {
      let s = 0;
      for (let j = i - pad; j <= i + pad; j++) s += ms[symmetricIndex(j, rows) * cols + c];
      const m = s / win;
      let v = 0;
      for (let j = i - pad; j <= i + pad; j++) {
        const d = ms[symmetricIndex(j, rows) * cols + c] - m;
        v += d * d;
      }
      out[i * cols + c] = Math.fround(ms[i * cols + c] / (Math.sqrt(v / win) + 1e-10));
    }
  }
  return out;
}

function createRunner(ctx: DspContext): DspRunner {
  const s = setup(ctx);
  const fft = newFft(s.fftLength);
  const frames = s.g.frames;
  const sig = new Float64Array(ctx.windowFrames);
  const pow = new Float64Array(frames * s.bins);
  const scratch = new Float64Array(s.bins);
  const mel = new Float64Array(frames * s.filters);
  const energy = new Float64Array(frames);
  const cepstra = new Float64Array(frames * s.cep);
  const norm = new Float64Array(frames * s.cep);
  const cofP = s.p['pre-cof'] as number;
  // DCT-II orthonormal basis, cep × filters
  const F = s.filters;
  const basis = new Float64Array(s.cep * F);
  for (let k = 0; k < s.cep; k++) {
    const scale = k === 0 ? Math.sqrt(1 / (4 * F)) * 2 : Math.sqrt(1 / (2 * F)) * 2;
    for (let n = 0; n < F; n++) basis[k * F + n] = scale * Math.cos((Math.PI * k * (2 * n + 1)) / (2 * F));
  }
  const dim = frames * s.cep;
  return {
    dim,
    run(window, out) {
      checkWindow(window, ctx);
      preEmphasis(window, cofP, sig, s.shift);
      powerFrames(sig, s.g, fft, pow, scratch);
      melEnergies(pow, s, mel, energy);
      for (let t = 0; t < frames; t++) {
        for (let k = 0; k < s.cep; k++) {
          let acc = 0;
          for (let n = 0; n < F; n++) acc += basis[k * F + n] * Math.log(mel[t * F + n]);
          cepstra[t * s.cep + k] = acc;
        }
        cepstra[t * s.cep] = Math.log(energy[t]);
      }
      const res = out ?? new Float32Array(dim);
      const src = s.win > 0 ? cmvnw(cepstra, frames, s.cep, s.win, norm) : cepstra;
      for (let i = 0; i < dim; i++) res[i] = src[i];
      return res;
    },
  };
}

export const mfccBlock: DspBlock = {
  id: 'mfcc',
  title: 'MFCC',
  description: 'Mel-frequency cepstral coefficients over time, shaped [frames, coefficients]. Best for human voice.',
  params,
  featureNames(ctx) {
    const s = setup(ctx);
    const names: string[] = [];
    for (let t = 0; t < s.g.frames; t++) for (let k = 0; k < s.cep; k++) names.push(`frame ${t} cepstral ${k}`);
    return names;
  },
  outputShape(ctx) {
    const s = setup(ctx);
    return [s.g.frames, s.cep];
  },
  validate(ctx) {
    setup(ctx);
  },
  run: (w, ctx) => createRunner(ctx).run(w),
  createRunner,
};
