import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedPath, skipReason } from '../../../tests/helpers/shared.ts';
import { spectralBlock } from './spectral.ts';
import type { DspContext } from '../block.ts';
import { isStudioError } from '../../core/errors.ts';
import fixtures from './__fixtures__/spectral-fixtures.json' with { type: 'json' };

/** |a−b| ≤ 1e-3·max(|a|,|b|) + 1e-5 for every position; returns the first failure. */
function firstMismatch(got: ArrayLike<number>, want: ArrayLike<number | null>): string | null {
  if (got.length !== want.length) return `length ${got.length} ≠ ${want.length}`;
  for (let i = 0; i < want.length; i++) {
    const a = got[i];
    const b = want[i];
    if (b === null || !Number.isFinite(a)) return `#${i}: got ${a}, want ${b}`;
    if (!(Math.abs(a - b) <= 1e-3 * Math.max(Math.abs(a), Math.abs(b)) + 1e-5)) return `#${i}: got ${a}, want ${b}`;
  }
  return null;
}

const refDir = sharedPath('reference/spectral');

interface RefFile {
  sample_rate_hz: number;
  axes: string[];
  errors: { name: string; params: Record<string, number | string | boolean>; error: string }[];
  cases: {
    name: string;
    params: Record<string, number | string | boolean>;
    input: number[][];
    features: (number | null)[];
    feature_names: string[];
    features_scipy_1_7?: number[];
  }[];
}

describe.skipIf(!refDir)(`spectral block vs ../shared/reference/spectral ${refDir ? '' : skipReason('reference/spectral')}`, () => {
  const files = refDir ? readdirSync(refDir).filter((f) => f.endsWith('.json')) : [];
  it('finds reference files', () => {
    expect(files.length).toBeGreaterThan(0);
  });
  for (const file of files) {
    const ref = JSON.parse(readFileSync(join(refDir!, file), 'utf8')) as RefFile;
    describe(file, () => {
      for (const c of ref.cases) {
        it(c.name, () => {
          const ctx: DspContext = {
            axesCount: ref.axes.length,
            axisNames: ref.axes,
            frequencyHz: ref.sample_rate_hz,
            windowFrames: c.input.length,
            params: c.params,
          };
          const got = spectralBlock.run(Float32Array.from(c.input.flat()), ctx);
          expect(spectralBlock.featureNames(ctx)).toEqual(c.feature_names);
          expect(spectralBlock.outputShape(ctx)).toEqual([c.feature_names.length]);
          // EI Studio (scipy 1.7) and the EI SDK give 0/−3 for a constant axis; never NaN
          expect(firstMismatch(got, c.features_scipy_1_7 ?? c.features)).toBeNull();
          expect(got.every(Number.isFinite)).toBe(true);
        });
      }
      for (const e of ref.errors) {
        it(`rejects ${e.name}`, () => {
          const ctx: DspContext = {
            axesCount: ref.axes.length,
            axisNames: ref.axes,
            frequencyHz: ref.sample_rate_hz,
            windowFrames: ref.cases[0].input.length,
            params: e.params,
          };
          let err: unknown;
          try {
            spectralBlock.validate(ctx);
          } catch (x) {
            err = x;
          }
          expect(isStudioError(err)).toBe(true);
          expect((err as Error).message).toContain(e.error.includes('masked all FFT bins') ? 'masked all FFT bins' : '');
          expect(() => spectralBlock.createRunner(ctx)).toThrow();
        });
      }
    });
  }
});

interface Fixture {
  name: string;
  fs: number;
  axes: number;
  params: Record<string, number | string | boolean>;
  input: number[];
  features: number[];
  labels: string[];
}

// Synthetic windows run through Edge Impulse's own block at development time (make-spectral-fixtures.py).
describe('spectral block vs self-made fixtures', () => {
  for (const c of fixtures as Fixture[]) {
    it(c.name, () => {
      const axisNames = Array.from({ length: c.axes }, (_, i) => `a${i}`);
      const ctx: DspContext = { axesCount: c.axes, axisNames, frequencyHz: c.fs, windowFrames: c.input.length / c.axes, params: c.params };
      const got = spectralBlock.createRunner(ctx).run(Float32Array.from(c.input));
      expect(firstMismatch(got, c.features)).toBeNull();
      // EI labels one axis without prefix; ours prefix every axis
      const names = spectralBlock.featureNames(ctx);
      const perAxis = c.labels.length;
      if (!c.params['extra-low-freq']) {
        expect(names.slice(0, perAxis)).toEqual(c.labels.map((l) => `a0: ${l}`));
        expect(names.length).toBe(perAxis * c.axes);
      } else {
        expect(names.length).toBe(c.features.length);
        expect(names[0]).toBe('a0: RMS');
        expect(names[names.length / 2]).toBe('a0: RMS LF');
      }
    });
  }
});

describe('spectral block behaviour', () => {
  const ctx = (params: Record<string, number | string | boolean>, frames = 125, fs = 62.5): DspContext => ({
    axesCount: 1,
    axisNames: ['x'],
    frequencyHz: fs,
    windowFrames: frames,
    params,
  });

  it('gives RMS 0, skew 0, kurtosis −3 and powers −10 for a constant axis', () => {
    const got = spectralBlock.run(new Float32Array(125).fill(0.75), ctx({}));
    expect(Array.from(got.slice(0, 5))).toEqual([0, 0, -3, 0, -3]);
    expect(Array.from(got.slice(5))).toEqual(new Array(8).fill(-10));
  });

  it('puts a pure tone in its FFT bin', () => {
    // 15.625 Hz = bin 4 of a 16-point FFT at 62.5 Hz
    const w = Float32Array.from({ length: 125 }, (_, i) => Math.sin((2 * Math.PI * 15.625 * i) / 62.5));
    const got = spectralBlock.run(w, ctx({ 'do-log': false }));
    const powers = Array.from(got.slice(5));
    expect(powers.indexOf(Math.max(...powers))).toBe(3); // bins 1..8 → index 3 is bin 4
    expect(got[0]).toBeCloseTo(Math.SQRT1_2, 2);
  });

  it('rejects bad parameters with dsp StudioErrors', () => {
    const bad: Record<string, number | string | boolean>[] = [
      { 'fft-length': 24 },
      { 'filter-type': 'low', 'filter-cutoff': 40 },
      { 'filter-type': 'low', 'filter-order': 5, 'filter-cutoff': 10 },
      { 'filter-type': 'bandpass' },
      { 'input-decimation-ratio': 7 },
      { 'input-decimation-ratio': 10, 'filter-type': 'low', 'filter-cutoff': 5 },
      { 'extra-low-freq': true, 'fft-length': 64 },
      { 'scale-axes': 'abc' },
    ];
    for (const p of bad) {
      let err: unknown;
      try {
        spectralBlock.validate(ctx(p));
      } catch (e) {
        err = e;
      }
      expect(isStudioError(err), JSON.stringify(p)).toBe(true);
      expect((err as { family: string }).family).toBe('dsp');
    }
  });

  it('rejects a window of the wrong length', () => {
    expect(() => spectralBlock.run(new Float32Array(10), ctx({}))).toThrow(/expects 125/);
  });

  it('runner reuses buffers and gives the same result as run', () => {
    const c = ctx({ 'fft-length': 32, 'filter-type': 'high', 'filter-cutoff': 2, 'filter-order': 4 });
    const r = spectralBlock.createRunner(c);
    const w = Float32Array.from({ length: 125 }, (_, i) => Math.cos(i * 0.7) + 0.01 * i);
    const a = Array.from(r.run(w));
    const b = Array.from(r.run(w));
    expect(a).toEqual(b);
    expect(a).toEqual(Array.from(spectralBlock.run(w, c)));
  });
});
