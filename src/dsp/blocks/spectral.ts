/**
 * Spectral analysis block: a port of Edge Impulse's "Spectral Analysis" processing block,
 * implementation version 4, FFT analysis. DOM-free core module.
 *
 * Per axis: x = float32(raw)·float32(scale) rounded to float32; optional input decimation
 * (EI decimate_simple stages, float64 from there on); optional Butterworth low/high-pass with
 * float32 coefficients run in float32 (float64 after decimation) from a zero state; subtract the
 * numpy-style float32 mean. Features: RMS, skewness, kurtosis, spectral skewness and kurtosis of the
 * fft/2+1 max-hold powers (DC included), then one power per kept bin (log10, 0 → 1e-10 when do-log).
 * Max-hold: frames of fft samples start at 0, hop, 2·hop … while start ≤ n (hop fft/2 with overlap,
 * else fft); short frames are zero-padded; P = |rfft|²/fft; element-wise max over frames.
 * Kept bins: none → 1..fft/2; low → 1..int(c·fft/fs + 0.5); high → max(1, int(c·fft/fs − 0.5)+1)..fft/2
 * (c capped at fs/2, fs after decimation). extra-low-freq appends, after all main blocks, a block per
 * axis from the mean-removed signal decimated by 10 (at fs/10). A constant axis gives skewness 0 and
 * kurtosis −3 (EI Studio with scipy 1.7 and the EI C++ SDK), never NaN. Checked against the
 * reference vectors in ../shared/reference/spectral (see spectral.test.ts).
 */
import type { DspBlock, DspContext, DspRunner, ParamSchema } from '../block.ts';
import { checkContext, checkWindow, dspError, pyRound2, resolveParams } from '../block.ts';
import { RealFft, isPowerOfTwo } from '../fft.ts';
import { butterworthSos, maxPoleRadius, toFloat32Sos } from '../filter-design.ts';
import { decimate, decimationStages, sosfilt } from '../sosfilt.ts';
import { mean, meanFloat32, moments } from '../stats.ts';
import type { Moments } from '../stats.ts';

const params: ParamSchema[] = [
  { name: 'scale-axes', label: 'Scale axes', type: 'number', default: 1, step: 0.01, help: 'Multiply every value by this factor first.' },
  {
    name: 'input-decimation-ratio',
    label: 'Input decimation ratio',
    type: 'select',
    default: 1,
    options: [1, 3, 10, 30, 100, 1000].map((v) => ({ value: v, label: String(v) })),
    help: 'Low-pass (Chebyshev) and keep every r-th sample before analysis; the sample rate drops to fs/r.',
  },
  {
    name: 'filter-type',
    label: 'Filter type',
    type: 'select',
    default: 'none',
    options: [
      { value: 'none', label: 'None' },
      { value: 'low', label: 'Low-pass' },
      { value: 'high', label: 'High-pass' },
    ],
    help: 'Butterworth filter applied after decimation; it also limits which FFT bins become features.',
  },
  {
    name: 'filter-cutoff',
    label: 'Cut-off frequency (Hz)',
    type: 'number',
    default: 3,
    min: 0,
    step: 0.1,
    help: 'Filter cut-off; must be below half the (decimated) sample rate.',
    showIf: { param: 'filter-type', notEquals: 'none' },
  },
  {
    name: 'filter-order',
    label: 'Filter order',
    type: 'number',
    default: 6,
    min: 0,
    max: 8,
    integer: true,
    help: 'Even order 2, 4, 6 or 8 (0 = no filtering, bins still limited by the cut-off).',
    showIf: { param: 'filter-type', notEquals: 'none' },
  },
  {
    name: 'analysis-type',
    label: 'Analysis type',
    type: 'select',
    default: 'FFT',
    options: [{ value: 'FFT', label: 'FFT' }],
    help: 'Spectral analysis by FFT (wavelet analysis is not available).',
  },
  {
    name: 'fft-length',
    label: 'FFT length',
    type: 'number',
    default: 16,
    min: 2,
    max: 4096,
    integer: true,
    help: 'Points per FFT frame, a power of two; more points give finer frequency bins and more features.',
  },
  { name: 'do-log', label: 'Take log of spectrum', type: 'boolean', default: true, help: 'Use log10 of the spectral powers.' },
  { name: 'do-fft-overlap', label: 'Overlap FFT frames', type: 'boolean', default: true, help: 'FFT frames advance by half their length.' },
  {
    name: 'extra-low-freq',
    label: 'Improve low frequency resolution',
    type: 'boolean',
    default: false,
    help: 'Also analyse the signal decimated by 10 and append those features.',
  },
];

interface Plan {
  axes: number;
  names: string[];
  n: number;
  scale: number;
  stages: number[];
  fsMain: number;
  nMain: number;
  sos: Float64Array | null;
  fft: number;
  hop: number;
  doLog: boolean;
  mainBins: [number, number];
  lf: { fs: number; n: number; bins: [number, number] } | null;
  perAxisMain: number;
  perAxisLf: number;
  dim: number;
}

function keptBins(filterType: string, cutoff: number, fft: number, fs: number): [number, number] {
  const c = cutoff > fs / 2 ? fs / 2 : cutoff;
  const binVal = (c * fft) / fs;
  if (filterType === 'high') {
    let start = Math.trunc(binVal - 0.5) + 1;
    if (start === 0) start = 1;
    return [start, Math.floor(fft / 2) + 1];
  }
  if (filterType === 'low') return [1, Math.trunc(binVal + 0.5) + 1];
  return [1, Math.floor(fft / 2) + 1];
}

function bandNames(fs: number, fft: number, bins: [number, number], lf: boolean): string[] {
  const val = 1.0 / (fft * (1 / fs));
  const out: string[] = [];
  for (let i = bins[0]; i < bins[1]; i++) {
    const f = i * val;
    out.push(`Spectral Power ${pyRound2(f - val / 2)} - ${pyRound2(f + val / 2)} Hz${lf ? ' (LF)' : ''}`);
  }
  return out;
}

function plan(ctx: DspContext): Plan {
  checkContext(ctx);
  const p = resolveParams(params, ctx.params);
  const fft = p['fft-length'] as number;
  if (!isPowerOfTwo(fft)) {
    throw dspError('fft-length', `FFT length ${fft} is not a power of 2.`, 'Choose 16, 32, 64, 128, 256 …');
  }
  const ratio = p['input-decimation-ratio'] as number;
  const stages = decimationStages(ratio);
  if (!stages) throw dspError('bad-param', `Input decimation ratio ${ratio} is not supported.`, 'Choose 1, 3, 10, 30, 100 or 1000.');
  const filterType = p['filter-type'] as string;
  const cutoff = p['filter-cutoff'] as number;
  const order = p['filter-order'] as number;
  const fs0 = ctx.frequencyHz;
  const filtering = filterType === 'low' || filterType === 'high';
  if (ratio > 1 && filtering && cutoff > (fs0 / 2 / ratio) * 0.9) {
    throw dspError(
      'decimation-too-high',
      `Input decimation ratio ${ratio} leaves a Nyquist frequency of ${fs0 / 2 / ratio} Hz, too low for a ${cutoff} Hz cut-off.`,
      'Lower the input decimation ratio or the cut-off frequency.',
    );
  }
  let fsMain = fs0;
  let nMain = ctx.windowFrames;
  for (const r of stages) {
    fsMain /= r;
    nMain = Math.ceil(nMain / r);
  }
  let sos: Float64Array | null = null;
  if (filtering && order > 0) {
    if (order % 2 !== 0) throw dspError('filter-order', 'Filter order needs to be even (2, 4, 6, 8).', 'Choose 2, 4, 6 or 8.');
    const wn = (cutoff * 2) / fsMain;
    if (wn >= 1) {
      throw dspError(
        'filter-cutoff',
        `Cut-off frequency ${cutoff} Hz is above Nyquist (1/2 sample rate (${fsMain / 2} Hz)).`,
        'Choose a lower cut-off frequency.',
      );
    }
    if (!(wn > 0)) throw dspError('filter-cutoff', `Cut-off frequency ${cutoff} Hz must be above 0 Hz.`, 'Choose a cut-off above 0 Hz.');
    sos = toFloat32Sos(butterworthSos(order, wn, filterType as 'low' | 'high'));
    if (!(maxPoleRadius(sos) < 1)) {
      throw dspError('filter-unstable', 'The filter created is not stable.', 'Move the cut-off away from 0 Hz or the Nyquist frequency.');
    }
  }
  const mainBins = keptBins(filterType, cutoff, fft, fsMain);
  if (mainBins[1] <= mainBins[0]) {
    throw dspError(
      'masked-bins',
      `Cutoff frequency masked all FFT bins: with ${fft} FFT points at ${round3(fsMain)} Hz no bin lies ${filterType === 'low' ? 'below' : 'above'} ${cutoff} Hz.`,
      filterType === 'low' ? 'Increase the FFT length or the cut-off frequency.' : 'Lower the cut-off frequency.',
    );
  }
  let lf: Plan['lf'] = null;
  if (p['extra-low-freq'] as boolean) {
    const nLf = Math.ceil(nMain / 10);
    if (nLf < fft / 2) {
      throw dspError(
        'lf-too-short',
        `Extra low frequency requires at least ${(fft / 2) * 10} samples after decimation; a window has ${nMain}.`,
        'Increase the window size, lower the FFT length or turn off the extra low-frequency features.',
      );
    }
    const bins = keptBins(filterType, cutoff, fft, fsMain / 10);
    if (bins[1] <= bins[0]) {
      throw dspError('masked-bins', 'Cutoff frequency masked all low-frequency FFT bins.', 'Change the cut-off or turn off the extra low-frequency features.');
    }
    lf = { fs: fsMain / 10, n: nLf, bins };
  }
  const mainBand = bandNames(fsMain, fft, mainBins, false);
  const lfBand = lf ? bandNames(lf.fs, fft, lf.bins, true) : [];
  const names: string[] = [];
  const stat = ['RMS', 'Skewness', 'Kurtosis', 'Spectral Skewness', 'Spectral Kurtosis'];
  for (const a of ctx.axisNames) {
    for (const s of stat) names.push(`${a}: ${s}`);
    for (const b of mainBand) names.push(`${a}: ${b}`);
  }
  if (lf) {
    for (const a of ctx.axisNames) {
      for (const s of stat) names.push(`${a}: ${s} LF`);
      for (const b of lfBand) names.push(`${a}: ${b}`);
    }
  }
  const overlap = p['do-fft-overlap'] as boolean;
  return {
    axes: ctx.axesCount,
    names,
    n: ctx.windowFrames,
    scale: Math.fround(p['scale-axes'] as number),
    stages,
    fsMain,
    nMain,
    sos,
    fft,
    hop: overlap ? fft - Math.trunc(fft / 2) : fft,
    doLog: p['do-log'] as boolean,
    mainBins,
    lf,
    perAxisMain: 5 + mainBand.length,
    perAxisLf: lf ? 5 + lfBand.length : 0,
    dim: names.length,
  };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

class SpectralRunner implements DspRunner {
  readonly dim: number;
  private readonly p: Plan;
  private readonly fft: RealFft;
  private readonly x32: Float32Array;
  private readonly powers: Float64Array;
  private readonly framePow: Float64Array;
  private readonly zi: Float64Array;
  private readonly mom: Moments = { mean: 0, variance: 0, skewness: 0, kurtosis: -3 };

  constructor(ctx: DspContext) {
    this.p = plan(ctx);
    this.dim = this.p.dim;
    this.fft = new RealFft(this.p.fft);
    this.x32 = new Float32Array(this.p.n);
    this.powers = new Float64Array(this.fft.bins);
    this.framePow = new Float64Array(this.fft.bins);
    this.zi = new Float64Array(this.p.sos ? this.p.sos.length / 3 : 0);
  }

  run(window: Float32Array, out?: Float32Array): Float32Array {
    const p = this.p;
    checkWindow(window, { axesCount: p.axes, windowFrames: p.n } as DspContext);
    const res = out ?? new Float32Array(p.dim);
    const f = Math.fround;
    const x = this.x32;
    const n = p.n;
    for (let ax = 0; ax < p.axes; ax++) {
      // scale in float32
      if (p.scale === 1) for (let i = 0; i < n; i++) x[i] = window[i * p.axes + ax];
      else for (let i = 0; i < n; i++) x[i] = f(window[i * p.axes + ax] * p.scale);
      let sig: Float32Array | Float64Array;
      let len: number;
      let float32: boolean;
      if (p.stages.length === 0) {
        if (p.sos) {
          this.zi.fill(0);
          sosfilt(p.sos, x, x, n, this.zi, true);
        }
        const m = meanFloat32(x, n);
        for (let i = 0; i < n; i++) x[i] = f(x[i] - m);
        sig = x;
        len = n;
        float32 = true;
      } else {
        let y: Float64Array = decimate(x, p.stages[0], n);
        for (let s = 1; s < p.stages.length; s++) y = decimate(y, p.stages[s]);
        if (p.sos) {
          this.zi.fill(0);
          sosfilt(p.sos, y, y, y.length, this.zi, false);
        }
        const m = mean(y);
        for (let i = 0; i < y.length; i++) y[i] -= m;
        sig = y;
        len = y.length;
        float32 = false;
      }
      this.extract(sig, len, p.mainBins, float32 ? 1e-6 : 1e-15, res, ax * p.perAxisMain);
      if (p.lf) {
        const y = decimate(sig, 10, len);
        const m = mean(y);
        for (let i = 0; i < y.length; i++) y[i] -= m;
        this.extract(y, y.length, p.lf.bins, 1e-15, res, p.axes * p.perAxisMain + ax * p.perAxisLf);
      }
    }
    return res;
  }

  private extract(x: ArrayLike<number>, n: number, bins: [number, number], resolution: number, out: Float32Array, o: number): void {
    const mom = moments(x, n, resolution, this.mom);
    let sq = 0;
    for (let i = 0; i < n; i++) sq += x[i] * x[i];
    out[o] = Math.sqrt(n > 0 ? sq / n : 0);
    out[o + 1] = mom.skewness;
    out[o + 2] = mom.kurtosis;
    // max-hold over FFT frames
    const fftLen = this.p.fft;
    const P = this.powers;
    const fp = this.framePow;
    const nb = this.fft.bins;
    P.fill(0);
    for (let ix = 0; ix <= n; ix += this.p.hop) {
      const len = Math.min(fftLen, n - ix);
      if (len <= 0) continue; // an empty frame has zero power
      this.fft.power(x, ix, len, fp);
      for (let k = 0; k < nb; k++) {
        const v = fp[k] / fftLen;
        if (v > P[k]) P[k] = v;
      }
    }
    const sm = moments(P, nb, 1e-15, this.mom);
    out[o + 3] = sm.skewness;
    out[o + 4] = sm.kurtosis;
    let j = o + 5;
    for (let k = bins[0]; k < bins[1]; k++, j++) {
      const v = P[k];
      out[j] = this.p.doLog ? Math.log10(v === 0 ? 1e-10 : v) : v;
    }
  }
}

export const spectralBlock: DspBlock = {
  id: 'spectral',
  title: 'Spectral analysis',
  description:
    'Filters each axis and extracts its RMS, skewness, kurtosis and the spectral power per FFT bin (Edge Impulse Spectral Analysis, implementation version 4). Best for repetitive motion such as accelerometer data.',
  params,
  featureNames: (ctx) => plan(ctx).names,
  outputShape: (ctx) => [plan(ctx).dim],
  validate: (ctx) => void plan(ctx),
  run: (window, ctx) => new SpectralRunner(ctx).run(window),
  createRunner: (ctx) => new SpectralRunner(ctx),
};
