/**
 * MFE block (mel filterbank energies) for audio, shaped [frames, filters]. DOM-free core module.
 *
 * Equals Edge Impulse's MFE block, implementation version 4, on all of EI's own outputs in
 * ../shared/reference/audio (audio-ei-reference.test.ts), step for step (see audio-shared.ts):
 * float32(int16 / 32768) → pre-emphasis in float32, circular at the start (EI fixes c = 0.98; here
 * `pre-cof`, default 0.98) → frames → float64 power spectrum |rfft|²/fft → mel filterbank energies
 * (HTK mel, triangular filters, 0 → 1e-10) → 10·log10 → (dB − floor)/(12 − floor) clipped to 0..1 →
 * round(v·256)/256. The loudest cells, where round(v·256) = 256, come out as 0 as in EI's Python
 * (`loudest-cells: wrap`, the default); `saturate` gives 255/256 there instead, as EI's C++ SDK does.
 * EI's `win-size` is ignored by v4 and has no parameter here.
 */
import type { DspBlock, DspContext, DspRunner } from '../block.ts';
import { checkContext, checkWindow, resolveParams } from '../block.ts';
import type { ParamSchema } from '../block.ts';
import { checkFftLength, checkSingleAxis, frameGeometry, melFilterbank, newFft, noiseFloorParamCheck, powerFrames, quantiseDb, withParamAliases, type MelFilterbank } from './audio-shared.ts';
import { fftParam, frameParams, melParams, noiseFloorParam, preEmphasisParam } from './audio-params.ts';

const params: ParamSchema[] = [
  ...frameParams(0.01),
  ...melParams(40),
  fftParam(256),
  noiseFloorParam,
  preEmphasisParam(0.98),
  {
    name: 'loudest-cells',
    label: 'Loudest cells',
    type: 'select',
    default: 'wrap',
    options: [
      { value: 'wrap', label: 'Wrap to 0 (Edge Impulse)' },
      { value: 'saturate', label: 'Saturate at 255/256' },
    ],
    help: 'Edge Impulse’s MFE turns cells at the very top of the range (+12 dB) into 0; saturating keeps them at the top.',
  },
];

export interface MelSetup {
  g: ReturnType<typeof frameGeometry>;
  fftLength: number;
  bins: number;
  filters: number;
  bank: MelFilterbank;
  p: Record<string, number | string | boolean>;
}

export function melSetup(ctx: DspContext, schema: ParamSchema[], title: string): MelSetup {
  checkContext(ctx);
  checkSingleAxis(ctx, title);
  const p = resolveParams(schema, withParamAliases(ctx.params));
  const fftLength = p['fft-length'] as number;
  checkFftLength(fftLength);
  const g = frameGeometry(ctx.frequencyHz, p['frame-length'] as number, p['frame-stride'] as number, ctx.windowFrames);
  const filters = p['num-filters'] as number;
  const bank = melFilterbank(filters, fftLength, ctx.frequencyHz, p['low-frequency'] as number, p['high-frequency'] as number);
  return { g, fftLength, bins: fftLength / 2 + 1, filters, bank, p };
}

/** Filterbank energies (frames × filters, 0 → 1e-10) and frame energies (0 → 1e-10). */
export function melEnergies(pow: Float64Array, s: MelSetup, out: Float64Array, frameEnergy?: Float64Array): void {
  const { bins, filters } = s;
  const m = s.bank.matrix;
  const { from, to } = s.bank;
  for (let t = 0; t < s.g.frames; t++) {
    const row = t * bins;
    if (frameEnergy) {
      let e = 0;
      for (let k = 0; k < bins; k++) e += pow[row + k];
      frameEnergy[t] = e === 0 ? 1e-10 : e;
    }
    for (let f = 0; f < filters; f++) {
      let e = 0;
      const fr = f * bins;
      // zero weights add nothing: only the filter's own bins
      for (let k = from[f], end = to[f]; k < end; k++) {
        const w = m[fr + k];
        if (w !== 0) e += pow[row + k] * w;
      }
      out[t * filters + f] = e === 0 ? 1e-10 : e;
    }
  }
}

function setup(ctx: DspContext): MelSetup {
  const s = melSetup(ctx, params, 'MFE');
  noiseFloorParamCheck(s.p['noise-floor-db'] as number);
  return s;
}

function createRunner(ctx: DspContext): DspRunner {
  const s = setup(ctx);
  const fft = newFft(s.fftLength);
  const sig = new Float64Array(ctx.windowFrames);
  const pow = new Float64Array(s.g.frames * s.bins);
  const scratch = new Float64Array(s.bins);
  const mel = new Float64Array(s.g.frames * s.filters);
  const floor = s.p['noise-floor-db'] as number;
  const cof32 = Math.fround(s.p['pre-cof'] as number);
  const wrap = s.p['loudest-cells'] === 'wrap';
  const dim = mel.length;
  return {
    dim,
    run(window, out) {
      checkWindow(window, ctx);
      // EI scales to float32 and pre-emphasises in float32 (the coefficient rounded to float32 too)
      const f = Math.fround;
      const n = window.length;
      const last = f(window[n - 1] / 32768);
      for (let i = n - 1; i >= 1; i--) sig[i] = f(f(window[i] / 32768) - f(cof32 * f(window[i - 1] / 32768)));
      sig[0] = f(f(window[0] / 32768) - f(cof32 * last));
      powerFrames(sig, s.g, fft, pow, scratch);
      melEnergies(pow, s, mel);
      const res = out ?? new Float32Array(dim);
      for (let i = 0; i < dim; i++) res[i] = quantiseDb(mel[i], floor, wrap);
      return res;
    },
  };
}

export const mfeBlock: DspBlock = {
  id: 'mfe',
  title: 'MFE (mel filterbank energies)',
  description: 'Mel-scaled energies over time in normalised dB, shaped [frames, filters]. Good for non-voice audio.',
  params,
  featureNames(ctx) {
    const s = setup(ctx);
    const names: string[] = [];
    for (let t = 0; t < s.g.frames; t++) for (let f = 0; f < s.filters; f++) names.push(`frame ${t} mel ${f} (${s.bank.centres[f].toFixed(0)} Hz)`);
    return names;
  },
  outputShape(ctx) {
    const s = setup(ctx);
    return [s.g.frames, s.filters];
  },
  validate(ctx) {
    setup(ctx);
  },
  run: (w, ctx) => createRunner(ctx).run(w),
  createRunner,
};
