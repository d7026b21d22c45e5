import { describe, it, expect } from 'vitest';
import fixtures from './__fixtures__/audio-fixtures.json' with { type: 'json' };
import { spectrogramBlock } from './spectrogram.ts';
import { mfeBlock } from './mfe.ts';
import { mfccBlock } from './mfcc.ts';
import type { DspBlock, DspContext } from '../block.ts';
import { isStudioError } from '../../core/errors.ts';
import { frameGeometry, melFilterbank, hzToMel, melToHz } from './audio-shared.ts';

// Reference values from make-audio-fixtures.py: an independent numpy/scipy implementation of the
// same steps on a chirp + 440 Hz sine (int16 scale, 8 kHz, 0.25 s) and a louder, clipped copy of it.
// Edge Impulse's own outputs are checked in audio-ei-reference.test.ts (needs ../shared).
const blocks: Record<string, DspBlock> = { spectrogram: spectrogramBlock, mfe: mfeBlock, mfcc: mfccBlock };
const inputs: Record<string, Float32Array> = { input: Float32Array.from(fixtures.input), loud: Float32Array.from(fixtures.loud) };

describe('audio blocks vs numpy fixtures', () => {
  for (const c of fixtures.cases) {
    it(`${c.block} ${c.input} ${JSON.stringify(c.params)}`, () => {
      const block = blocks[c.block];
      const input = inputs[c.input];
      const ctx: DspContext = { axesCount: 1, axisNames: ['audio'], frequencyHz: fixtures.frequencyHz, windowFrames: input.length, params: c.params as unknown as Record<string, number> };
      expect(block.outputShape(ctx)).toEqual(c.shape);
      const got = block.createRunner(ctx).run(input);
      expect(got.length).toBe(c.output.length);
      expect(block.featureNames(ctx).length).toBe(c.output.length);
      let bad = 0;
      for (let i = 0; i < got.length; i++) {
        const a = got[i];
        const b = c.output[i];
        // MFE outputs may differ by one 1/256 step where a value sits on a rounding edge
        const tol = c.block === 'mfe' ? 1 / 256 + 1e-6 : 1e-4 * Math.max(1, Math.abs(b));
        if (!(Math.abs(a - b) <= tol)) bad++;
      }
      expect(bad).toBe(0);
      if (c.block === 'mfe') {
        // and almost every cell is exact
        let exact = 0;
        for (let i = 0; i < got.length; i++) if (Math.abs(got[i] - c.output[i]) < 1e-6) exact++;
        expect(exact / got.length).toBeGreaterThan(0.99);
      }
    });
  }
});

describe('audio front end', () => {
  it('frames like EI: ceil unless just above a whole number', () => {
    expect(frameGeometry(16000, 0.02, 0.01, 16000)).toEqual({ frameLength: 320, frameStride: 160, frames: 99 });
    expect(frameGeometry(8000, 0.02, 0.02, 2000)).toEqual({ frameLength: 160, frameStride: 160, frames: 12 });
    expect(() => frameGeometry(8000, 0.5, 0.02, 2000)).toThrow(/larger than the window/);
  });

  it('uses the HTK mel scale', () => {
    expect(hzToMel(1000)).toBeCloseTo(1000.0, 0); // 1127·ln(1+1000/700) ≈ 999.99
    expect(melToHz(hzToMel(3210))).toBeCloseTo(3210, 9);
  });

  it('builds triangular filters that peak at 1', () => {
    const { matrix } = melFilterbank(10, 256, 8000, 0, 0);
    for (let f = 0; f < 10; f++) {
      const row = matrix.subarray(f * 129, (f + 1) * 129);
      expect(Math.max(...row)).toBe(1);
    }
    expect(() => melFilterbank(120, 64, 8000, 0, 0)).toThrow(/covers no FFT bin/);
  });

  it('wraps the loudest MFE cells to 0 by default, as Edge Impulse, and saturates on request', () => {
    const wrapCase = fixtures.cases.find((c) => c.block === 'mfe' && c.params['loudest-cells'] === 'wrap' && c.input === 'loud');
    const satCase = fixtures.cases.find((c) => c.block === 'mfe' && c.params['loudest-cells'] === 'saturate');
    if (!wrapCase || !satCase) throw new Error('fixture cases missing');
    const ctx = (p: object): DspContext => ({ axesCount: 1, axisNames: ['a'], frequencyHz: fixtures.frequencyHz, windowFrames: inputs.loud.length, params: p as Record<string, number> });
    const { 'loudest-cells': _, ...noChoice } = wrapCase.params;
    const wrapped = mfeBlock.createRunner(ctx(noChoice)).run(inputs.loud);
    const saturated = mfeBlock.createRunner(ctx(satCase.params)).run(inputs.loud);
    let tops = 0;
    for (let i = 0; i < wrapped.length; i++) {
      if (wrapped[i] === saturated[i]) continue;
      tops++;
      expect([wrapped[i], saturated[i]]).toEqual([0, 255 / 256]);
    }
    expect(tops).toBeGreaterThan(5);
  });

  it('reads the older parameter name pre-emphasis as pre-cof', () => {
    const ctx = (p: Record<string, number>): DspContext => ({ axesCount: 1, axisNames: ['a'], frequencyHz: 8000, windowFrames: 2000, params: p });
    const x = inputs.input;
    const old = mfccBlock.run(x, ctx({ 'pre-emphasis': 0.5 }));
    expect(Array.from(old)).toEqual(Array.from(mfccBlock.run(x, ctx({ 'pre-cof': 0.5 }))));
    expect(Array.from(old)).not.toEqual(Array.from(mfccBlock.run(x, ctx({}))));
  });

  it('rejects multi-axis input and bad settings', () => {
    const ctx = (p: Record<string, number>, axes = 1): DspContext => ({
      axesCount: axes,
      axisNames: axes === 1 ? ['a'] : ['a', 'b'],
      frequencyHz: 8000,
      windowFrames: 2000,
      params: p,
    });
    for (const [b, p, axes] of [
      [mfeBlock, {}, 2],
      [mfeBlock, { 'fft-length': 100 }, 1],
      [mfccBlock, { 'win-size': 4 }, 1],
      [mfccBlock, { 'pre-shift': 0 }, 1],
      [spectrogramBlock, { 'frame-length': 0.0004 }, 1],
      [spectrogramBlock, { 'noise-floor-db': 3 }, 1],
      [mfeBlock, { 'high-frequency': 5000 }, 1],
    ] as [DspBlock, Record<string, number>, number][]) {
      let err: unknown;
      try {
        b.validate(ctx(p, axes));
      } catch (e) {
        err = e;
      }
      expect(isStudioError(err), `${b.id} ${JSON.stringify(p)}`).toBe(true);
    }
  });
});
