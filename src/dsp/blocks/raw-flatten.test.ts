import { describe, it, expect } from 'vitest';
import { rawBlock } from './raw.ts';
import { flattenBlock } from './flatten.ts';
import type { DspContext } from '../block.ts';
import { isStudioError } from '../../core/errors.ts';

const ctx = (params: Record<string, number | boolean | string>): DspContext => ({
  axesCount: 2,
  axisNames: ['x', 'y'],
  frequencyHz: 100,
  windowFrames: 8,
  params,
});
// x = [0.5, 1.5, -2, 4, 3.25, -1, 0, 2], y = 9.81 constant
const xs = [0.5, 1.5, -2.0, 4.0, 3.25, -1.0, 0.0, 2.0];
const window = Float32Array.from(xs.flatMap((v) => [v, 9.81]));

describe('raw block', () => {
  it('scales values and keeps the [time, axes] shape', () => {
    const c = ctx({ 'scale-axes': 2 });
    expect(rawBlock.outputShape(c)).toEqual([8, 2]);
    const out = rawBlock.run(window, c);
    expect(out[0]).toBe(1);
    expect(out[1]).toBeCloseTo(19.62, 5);
    expect(rawBlock.featureNames(c).slice(0, 3)).toEqual(['x #0', 'y #0', 'x #1']);
  });
});

describe('flatten block', () => {
  it('matches numpy/scipy statistics', () => {
    // numpy/scipy on xs: mean 1.03125, std 1.9220655393352226, rms 2.1812410458268934,
    // skew 0.010907798480091168, kurtosis -1.117842394803079
    const out = flattenBlock.run(window, ctx({}));
    const want = [1.03125, -2, 4, 2.1812410458268934, 1.9220655393352226, 0.010907798480091168, -1.117842394803079];
    want.forEach((w, i) => expect(out[i]).toBeCloseTo(w, 5));
    // constant axis: no NaN
    expect(Array.from(out.slice(7))).toEqual([Math.fround(9.81), Math.fround(9.81), Math.fround(9.81), Math.fround(9.81), 0, 0, -3]);
  });

  it('honours the selection and names features per axis', () => {
    const c = ctx({ average: false, minimum: false, maximum: false, stdev: false, skewness: false, kurtosis: false });
    expect(flattenBlock.featureNames(c)).toEqual(['x: RMS', 'y: RMS']);
    expect(flattenBlock.outputShape(c)).toEqual([2]);
    expect(flattenBlock.run(window, c)[0]).toBeCloseTo(2.1812410458268934, 5);
  });

  it('refuses an empty selection', () => {
    let err: unknown;
    try {
      flattenBlock.validate(ctx({ average: false, minimum: false, maximum: false, rms: false, stdev: false, skewness: false, kurtosis: false }));
    } catch (e) {
      err = e;
    }
    expect(isStudioError(err, 'no-features')).toBe(true);
  });
});
