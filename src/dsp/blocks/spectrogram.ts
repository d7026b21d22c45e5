/**
 * Spectrogram block for audio (and vibration): per-frame power spectrum in normalised dB, shaped
 * [frames, fft/2+1]. DOM-free core module.
 *
 * Input is int16-scale PCM (divided by 32768), optional pre-emphasis, frames and power spectrum as in
 * audio-shared.ts, then each bin's power goes through the MFE's noise-floor dB quantisation. This
 * matches the numpy reference in __fixtures__/make-audio-fixtures.py (spectrogram.test.ts); it follows
 * the structure of Edge Impulse's spectrogram block but is not checked against its outputs.
 */
import type { DspBlock, DspContext, DspRunner } from '../block.ts';
import { checkContext, checkWindow, resolveParams } from '../block.ts';
import { checkFftLength, checkSingleAxis, frameGeometry, newFft, noiseFloorParamCheck, powerFrames, preEmphasis, quantiseDb } from './audio-shared.ts';
import { fftParam, frameParams, noiseFloorParam, preEmphasisParam } from './audio-params.ts';

const params = [...frameParams(0.01), fftParam(128), noiseFloorParam, preEmphasisParam(0)];

function setup(ctx: DspContext) {
  checkContext(ctx);
  checkSingleAxis(ctx, 'spectrogram');
  const p = resolveParams(params, ctx.params);
  const fftLength = p['fft-length'] as number;
  checkFftLength(fftLength);
  noiseFloorParamCheck(p['noise-floor-db'] as number);
  const g = frameGeometry(ctx.frequencyHz, p['frame-length'] as number, p['frame-stride'] as number, ctx.windowFrames);
  return { p, g, fftLength, bins: fftLength / 2 + 1 };
}

function createRunner(ctx: DspContext): DspRunner {
  const { p, g, fftLength, bins } = setup(ctx);
  const fft = newFft(fftLength);
  const sig = new Float64Array(ctx.windowFrames);
  const pow = new Float64Array(g.frames * bins);
  const scratch = new Float64Array(bins);
  const floor = p['noise-floor-db'] as number;
  const cof = p['pre-emphasis'] as number;
  const dim = g.frames * bins;
  return {
    dim,
    run(window, out) {
      checkWindow(window, ctx);
      preEmphasis(window, cof, sig, 1 / 32768);
      powerFrames(sig, g, fft, pow, scratch);
      const res = out ?? new Float32Array(dim);
      for (let i = 0; i < dim; i++) res[i] = quantiseDb(pow[i], floor);
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
