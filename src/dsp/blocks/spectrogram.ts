/**
 * Spectrogram block for audio (and vibration): per-frame power spectrum in normalised dB, shaped
 * [frames, fft/2+1]. DOM-free core module.
 *
 * Equals Edge Impulse's spectrogram block, implementation version 4, on all of EI's own outputs in
 * ../shared/reference/audio (audio-ei-reference.test.ts): the input values as they are (v4 does not
 * divide int16 by 32768; v3 did) → frames (each at least 4 samples, as EI asks) → float64 power
 * spectrum |rfft|²/fft → (10·log10(max(P, 1e-30)) − floor)/(12 − floor), clipped below at 0 only
 * (v4 has no upper clip, so loud int16 bins exceed 1) → float32. Not quantised.
 * An optional pre-emphasis (`pre-cof`, default 0 = off as in EI, which has none) is an addition.
 */
import type { DspBlock, DspContext, DspRunner } from '../block.ts';
import { checkContext, checkWindow, resolveParams } from '../block.ts';
import { checkFftLength, checkSingleAxis, frameGeometry, newFft, noiseFloorParamCheck, normalisedDb, powerFrames, preEmphasis, withParamAliases } from './audio-shared.ts';
import { fftParam, frameParams, noiseFloorParam, preEmphasisParam } from './audio-params.ts';

const params = [...frameParams(0.01), fftParam(128), noiseFloorParam, preEmphasisParam(0)];

function setup(ctx: DspContext) {
  checkContext(ctx);
  checkSingleAxis(ctx, 'spectrogram');
  const p = resolveParams(params, withParamAliases(ctx.params));
  const fftLength = p['fft-length'] as number;
  checkFftLength(fftLength);
  noiseFloorParamCheck(p['noise-floor-db'] as number);
  const g = frameGeometry(ctx.frequencyHz, p['frame-length'] as number, p['frame-stride'] as number, ctx.windowFrames, 4);
  return { p, g, fftLength, bins: fftLength / 2 + 1 };
}

function createRunner(ctx: DspContext): DspRunner {
  const { p, g, fftLength, bins } = setup(ctx);
  const fft = newFft(fftLength);
  const sig = new Float64Array(ctx.windowFrames);
  const pow = new Float64Array(g.frames * bins);
  const scratch = new Float64Array(bins);
  const floor = p['noise-floor-db'] as number;
  const cof = p['pre-cof'] as number;
  const dim = g.frames * bins;
  return {
    dim,
    run(window, out) {
      checkWindow(window, ctx);
      if (cof === 0) for (let i = 0; i < sig.length; i++) sig[i] = window[i];
      else preEmphasis(window, cof, sig);
      powerFrames(sig, g, fft, pow, scratch);
      const res = out ?? new Float32Array(dim);
      for (let i = 0; i < dim; i++) {
        const v = normalisedDb(pow[i], floor);
        res[i] = v < 0 ? 0 : v;
      }
      return res;
    },
  };
}

export const spectrogramBlock: DspBlock = {
  id: 'spectrogram',
  title: 'Spectrogram',
  description: 'Power per frequency bin over time in normalised dB, shaped [frames, bins]. For audio and vibration with a conv model.',
  params,
  featureNames(ctx) {
    const { g, bins } = setup(ctx);
    const names: string[] = [];
    for (let t = 0; t < g.frames; t++) for (let k = 0; k < bins; k++) names.push(`frame ${t} bin ${k} (${((k * ctx.frequencyHz) / ((bins - 1) * 2)).toFixed(1)} Hz)`);
    return names;
  },
  outputShape(ctx) {
    const { g, bins } = setup(ctx);
    return [g.frames, bins];
  },
  validate(ctx) {
    setup(ctx);
  },
  run: (w, ctx) => createRunner(ctx).run(w),
  createRunner,
};
