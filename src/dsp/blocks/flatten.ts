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
import { createShapeRunner, SHAPE_MAX_GROUP, shapeFeatureCount, shapeGroups } from '../motion-shape.ts';

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
  {
    name: 'shape',
    label: 'Motion shape',
    type: 'boolean',
    default: false,
    help: 'Include the standard deviation of each sensor\'s movement (x, y, z together) along its main directions: it tells a line from a circle and does not change when the board is held turned.',
  },
];

/** Most frames one window may hold (2^24: 28 minutes at 10 kHz); longer windows are refused, not allocated. */
export const MAX_WINDOW_FRAMES = 1 << 24;

/** The block's settings for `ctx`: scale, statistics, shape feature count and the features in all (`dim`). */
function selected(ctx: DspContext): { scale: number; stats: Stat[]; shape: number; dim: number } {
  checkContext(ctx);
  if (ctx.windowFrames > MAX_WINDOW_FRAMES || ctx.frequencyHz > 1_000_000) {
    throw dspError(
      'window-too-large',
      `A window of ${ctx.windowFrames} frames at ${ctx.frequencyHz} Hz is more than the ${MAX_WINDOW_FRAMES} frames (and 1 MHz) a window may hold.`,
      'Check the sample rate of the data and shorten the window.',
    );
  }
  const p = resolveParams(params, ctx.params);
  if (p['shape'] === true && shapeGroups(ctx.axesCount).some(([, g]) => g > SHAPE_MAX_GROUP)) {
    throw dspError(
      'shape-too-many-axes',
      `The motion shape takes the axes in threes or, for other counts, all ${ctx.axesCount} together, which is more than the ${SHAPE_MAX_GROUP} it can.`,
      'Turn off Motion shape, or use a multiple of three axes (x, y, z of each sensor).',
    );
  }
  const stats = STATS.filter(([n]) => p[n] === true).map(([n]) => n);
  if (stats.length === 0) {
    throw dspError('no-features', 'The flatten block has no statistic selected, so it would produce no features.', 'Turn on at least one statistic.');
  }
  const shape = p['shape'] === true ? shapeFeatureCount(ctx.axesCount) : 0;
  return { scale: p['scale-axes'] as number, stats, shape, dim: stats.length * ctx.axesCount + shape };
}

function createRunner(ctx: DspContext): DspRunner {
  const { scale, stats, shape, dim } = selected(ctx);
  const A = ctx.axesCount;
  const n = ctx.windowFrames;
  const shapeRunner = shape > 0 ? createShapeRunner(n, A) : null;
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
      shapeRunner?.run(window, scale, res, stats.length * A);
      return res;
    },
  };
}

export const flattenBlock: DspBlock = {
  id: 'flatten',
  title: 'Flatten',
  description: 'Summarises each axis with average, minimum, maximum, RMS, standard deviation, skewness and kurtosis, and optionally the movement\'s spread along its main directions. Good for slow-moving signals and gestures.',
  params,
  featureNames(ctx) {
    const { stats, shape } = selected(ctx);
    const labels = Object.fromEntries(STATS) as Record<Stat, string>;
    const names = ctx.axisNames.flatMap((a) => stats.map((s) => `${a}: ${labels[s]}`));
    if (shape > 0) {
      for (const [first, g] of shapeGroups(ctx.axesCount)) {
        const group = ctx.axisNames.slice(first, first + g).join('/');
        for (let k = 1; k <= g; k++) names.push(`${group}: Principal SD ${k}`);
      }
    }
    return names;
  },
  outputShape: (ctx) => [selected(ctx).dim],
  validate(ctx) {
    selected(ctx);
  },
  run: (window, ctx) => createRunner(ctx).run(window),
  createRunner,
};
