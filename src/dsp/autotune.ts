/**
 * Autotune for the spectral block: proposes an FFT length and a low/high-pass filter from where the
 * labels' average spectra differ. DOM-free core module.
 *
 * For every window and axis the mean-removed signal's periodogram (|rfft|²/N, N = the largest power of
 * two ≤ the window, at most 256) is taken in log10. Per frequency bin a Fisher score (variance of the
 * per-label means over the mean within-label variance, averaged over axes) says how well that bin
 * separates labels. The band that holds the central 90 % of the score mass gives the filter: a
 * low-pass when the labels differ only well below Nyquist, a high-pass when the lowest frequencies do
 * not help, else none. The FFT length is the smallest power of two (16..256, ≤ window) that puts
 * about eight bins in that band. Every proposal carries a one-line reason.
 */
import type { ParamValue, WindowingConfig } from '../core/impulse.ts';
import type { OpOptions } from '../core/progress.ts';
import { StudioError, throwIfAborted } from '../core/errors.ts';
import { RealFft } from './fft.ts';
import { axisIndices, extractWindow, windowFrames, windowStarts } from './windowing.ts';
import { spectralBlock } from './blocks/spectral.ts';
import type { FeatureRecording } from './features.ts';

export interface Proposal {
  param: string;
  value: ParamValue;
  /** One line, shown next to the field. */
  why: string;
}

export interface SpectralAutotune {
  params: Record<string, ParamValue>;
  proposals: Proposal[];
  /** Frequency (Hz) of each analysis bin and its Fisher score, for a chart. */
  frequencies: number[];
  scores: number[];
}

function pow2AtMost(n: number): number {
  let p = 1;
  while (p * 2 <= n) p *= 2;
  return p;
}

export function autotuneSpectral(recordings: FeatureRecording[], windowing: WindowingConfig, opts: OpOptions = {}): SpectralAutotune {
  const fs = windowing.frequencyHz;
  const frames = windowFrames(windowing);
  const A = windowing.axes.length;
  const N = Math.min(256, pow2AtMost(frames));
  if (N < 8) {
    throw new StudioError({ family: 'dsp', code: 'autotune-window', message: `A window of ${frames} samples is too short to analyse spectra.`, remedy: 'Use a longer window.' });
  }
  const fft = new RealFft(N);
  const bins = fft.bins;
  const win = new Float32Array(frames * A);
  const sig = new Float64Array(frames);
  const pw = new Float64Array(bins);
  const tmp = new Float64Array(bins);
  // per label: count, per axis × bin sum and sum of squares of log power
  const acc = new Map<string, { n: number; s: Float64Array; ss: Float64Array }>();
  for (const r of recordings) {
    const picked = axisIndices(r.axes, windowing.axes);
    const starts = windowStarts(r.values.length / r.axes.length, windowing);
    let a = acc.get(r.label);
    if (!a) acc.set(r.label, (a = { n: 0, s: new Float64Array(A * bins), ss: new Float64Array(A * bins) }));
    for (const st of starts) {
      extractWindow(r.values, r.axes.length, picked, st, frames, win);
      for (let ax = 0; ax < A; ax++) {
        let m = 0;
        for (let i = 0; i < frames; i++) m += sig[i] = win[i * A + ax];
        m /= frames;
        for (let i = 0; i < frames; i++) sig[i] -= m;
        // max-hold over frames of N, as the spectral block sees it
        pw.fill(0);
        for (let ix = 0; ix + N <= frames; ix += N / 2) {
          fft.power(sig, ix, N, tmp);
          for (let k = 0; k < bins; k++) if (tmp[k] > pw[k]) pw[k] = tmp[k];
        }
        for (let k = 0; k < bins; k++) {
          const v = Math.log10(pw[k] / N + 1e-10);
          a.s[ax * bins + k] += v;
          a.ss[ax * bins + k] += v * v;
        }
      }
      a.n++;
    }
    throwIfAborted(opts.signal, 'dsp');
  }
  const labels = [...acc.entries()].filter(([, a]) => a.n > 0);
  if (labels.length < 2) {
    throw new StudioError({
      family: 'dsp',
      code: 'autotune-labels',
      message: 'Autotune needs windows of at least two labels to see where their spectra differ.',
      remedy: 'Record or import data for at least two labels.',
    });
  }
  const scores: number[] = [];
  const frequencies: number[] = [];
  for (let k = 1; k < bins; k++) {
    let score = 0;
    for (let ax = 0; ax < A; ax++) {
      const i = ax * bins + k;
      const means = labels.map(([, a]) => a.s[i] / a.n);
      const grand = means.reduce((x, y) => x + y, 0) / means.length;
      const between = means.reduce((x, y) => x + (y - grand) ** 2, 0) / means.length;
      const within = labels.reduce((x, [, a]) => x + Math.max(0, a.ss[i] / a.n - (a.s[i] / a.n) ** 2), 0) / labels.length;
      score += between / (within + 1e-6);
    }
    scores.push(score / A);
    frequencies.push((k * fs) / N);
  }
  const total = scores.reduce((x, y) => x + y, 0);
  let lo = frequencies[0];
  let hi = frequencies[frequencies.length - 1];
  if (total > 0) {
    let c = 0;
    let loSet = false;
    for (let i = 0; i < scores.length; i++) {
      c += scores[i];
      if (!loSet && c >= 0.05 * total) {
        lo = frequencies[i];
        loSet = true;
      }
      if (c >= 0.95 * total) {
        hi = frequencies[i];
        break;
      }
    }
  }
  const nyq = fs / 2;
  const params: Record<string, ParamValue> = { 'filter-type': 'none', 'fft-length': 16 };
  const proposals: Proposal[] = [];
  const round = (f: number) => Math.max(0.5, Math.round(f * 2) / 2);
  if (hi < 0.6 * nyq) {
    params['filter-type'] = 'low';
    params['filter-cutoff'] = round(Math.min(hi * 1.2, 0.9 * nyq));
    params['filter-order'] = 6;
    proposals.push({ param: 'filter-type', value: 'low', why: `The labels differ mostly below ${hi.toFixed(1)} Hz, so a low-pass removes noise above it.` });
    proposals.push({ param: 'filter-cutoff', value: params['filter-cutoff'], why: `Cut-off just above ${hi.toFixed(1)} Hz, the top of the band where the labels' spectra differ.` });
  } else if (lo > 0.15 * nyq) {
    params['filter-type'] = 'high';
    params['filter-cutoff'] = round(lo * 0.8);
    params['filter-order'] = 4;
    proposals.push({ param: 'filter-type', value: 'high', why: `Frequencies below ${lo.toFixed(1)} Hz (e.g. gravity, posture) barely separate the labels, so a high-pass removes them.` });
    proposals.push({ param: 'filter-cutoff', value: params['filter-cutoff'], why: `Cut-off just below ${lo.toFixed(1)} Hz, where the useful band starts.` });
  } else {
    proposals.push({ param: 'filter-type', value: 'none', why: `The labels differ across the whole spectrum (${lo.toFixed(1)}–${hi.toFixed(1)} Hz), so no filter is needed.` });
  }
  // FFT length: ~8 bins across the useful band, within 16..256 and the window
  const fType = params['filter-type'];
  const bandLo = fType === 'high' ? (params['filter-cutoff'] as number) : 0;
  const bandHi = fType === 'low' ? (params['filter-cutoff'] as number) : nyq;
  const maxN = Math.max(16, Math.min(256, pow2AtMost(frames)));
  let fftLen = 16;
  while (fftLen < maxN && ((bandHi - bandLo) * fftLen) / fs < 8) fftLen *= 2;
  // make sure the filter leaves at least one bin
  const ctx = (n: number) => ({ axesCount: A, axisNames: windowing.axes, frequencyHz: fs, windowFrames: frames, params: { ...params, 'fft-length': n } });
  for (;;) {
    try {
      spectralBlock.validate(ctx(fftLen));
      break;
    } catch (e) {
      if (fftLen >= 4096) throw e;
      fftLen *= 2;
    }
  }
  params['fft-length'] = fftLen;
  proposals.push({
    param: 'fft-length',
    value: fftLen,
    why: `${fftLen} points give ${(fs / fftLen).toFixed(2)} Hz bins, about ${Math.max(1, Math.round(((bandHi - bandLo) * fftLen) / fs))} across the ${bandLo.toFixed(1)}–${bandHi.toFixed(1)} Hz band that matters.`,
  });
  return { params, proposals, frequencies, scores };
}
