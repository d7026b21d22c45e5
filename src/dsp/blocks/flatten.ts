/**
 * Flatten block: per-axis summary statistics of a window. DOM-free core module.
 *
 * Per axis, in axis order, the selected statistics in this order: average, minimum, maximum, RMS,
 * standard deviation (population), skewness (biased) and kurtosis (Fisher/excess, biased), on the
 * scaled values in float64. A constant axis gives skewness 0 and kurtosis −3, never NaN.
 */
import type { DspBlock, DspContext, DspRunner, ParamSchema } from '../block.ts';
import { checkContext, checkWindow, dspError, resolveParams } from '../block.ts';
import { moments, type Moments } from '../stats.ts';

const STATS = [
  ['average', 'Average'],
  ['minimum', 'Minimum'],
  ['maximum', 'Maximum'],
  ['rms', 'RMS'],
  ['stdev', 'Stdev'],
  ['skewness', 'Skewness'],
  ['kurtosis', 'Kurtosis'],
] as const;
type Stat = (typeof STATS)[number][0];

const params: ParamSchema[] = [
  { name: 'scale-axes', label: 'Scale axes', type: 'number', default: 1, step: 0.01, help: 'Multiply every value by this factor first.' },
  ...STATS.map(
    ([name, label]): ParamSchema => ({ name, label, type: 'boolean', default: true, help: `Include the ${label.toLowerCase()} of each axis.` }),
  ),
];

/** Most frames one window may hold (2^24: 28 minutes at 10 kHz); longer windows are refused, not allocated. */
export const MAX_WINDOW_FRAMES = 1 << 24;

function selected(ctx: DspContext): { scale: number; stats: Stat[] } {
  checkContext(ctx);
  if (ctx.windowFrames > MAX_WINDOW_FRAMES || ctx.frequencyHz > 1_000_000) {
    throw dspError(
      'window-too-large',
      `A window of ${ctx.windowFrames} frames at ${ctx.frequencyHz} Hz is more than the ${MAX_WINDOW_FRAMES} frames (and 1 MHz) a window may hold.`,
      'Check the sample rate of the data and shorten the window.',
    );
  }
  const p = resolveParams(params, ctx.params);
  const stats = STATS.filter(([n]) => p[n] === true).map(([n]) => n);
  if (stats.length === 0) {
    throw dspError('no-features', 'The flatten block has no statistic selected, so it would produce no features.', 'Turn on at least one statistic.');
  }
  return { scale: p['scale-axes'] as number, stats };
}

function createRunner(ctx: DspContext): DspRunner {
  const { scale, stats } = selected(ctx);
  const A = ctx.axesCount;
  const n = ctx.windowFrames;
  const dim = stats.length * A;
  const values: Record<Stat, number> = { average: 0, minimum: 0, maximum: 0, rms: 0, stdev: 0, skewness: 0, kurtosis: 0 };
  const axis = new Float64Array(n);
  const mom: Moments = { mean: 0, variance: 0, skewness: 0, kurtosis: -3 };
  return {
    dim,
    run(window, out) {
      checkWindow(window, ctx);
      const res = out ?? new Float32Array(dim);
      for (let ax = 0; ax < A; ax++) {
        let min = Infinity;
        let max = -Infinity;
        let sq = 0;
        for (let i = 0; i < n; i++) {
          const v = window[i * A + ax] * scale;
          axis[i] = v;
          sq += v * v;
          if (v < min) min = v;
          if (v > max) max = v;
        }
        const m = moments(axis, n, 1e-15, mom);
        values.average = m.mean;
        values.minimum = min;
        values.maximum = max;
        values.rms = Math.sqrt(sq / n);
        values.stdev = Math.sqrt(m.variance);
        values.skewness = m.skewness;
        values.kurtosis = m.kurtosis;
        for (let s = 0; s < stats.length; s++) res[ax * stats.length + s] = values[stats[s]];
      }
      return res;
    },
  };
}

export const flattenBlock: DspBlock = {
  id: 'flatten',
  title: 'Flatten',
  description: 'Summarises each axis with average, minimum, maximum, RMS, standard deviation, skewness and kurtosis. Good for slow-moving signals.',
  params,
  featureNames(ctx) {
    const { stats } = selected(ctx);
    const labels = Object.fromEntries(STATS) as Record<Stat, string>;
    return ctx.axisNames.flatMap((a) => stats.map((s) => `${a}: ${labels[s]}`));
  },
  outputShape: (ctx) => [selected(ctx).stats.length * ctx.axesCount],
  validate(ctx) {
    selected(ctx);
  },
  run: (window, ctx) => createRunner(ctx).run(window),
  createRunner,
};
