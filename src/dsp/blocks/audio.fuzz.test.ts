/**
 * Property tests of the audio blocks: any parameter set either is refused with a StudioError that
 * says what and what to do, or gives finite features of the declared shape (MFE on its 1/256 grid
 * below 1, spectrogram non-negative), the same from a reused runner and from `run`.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fuzzParams } from '../../../tests/helpers/fuzz.ts';
import { isStudioError } from '../../core/errors.ts';
import type { DspBlock, DspContext } from '../block.ts';
import { mfeBlock } from './mfe.ts';
import { mfccBlock } from './mfcc.ts';
import { spectrogramBlock } from './spectrogram.ts';

const blocks: DspBlock[] = [mfeBlock, mfccBlock, spectrogramBlock];

function signal(n: number, seed: number, amp: number): Float32Array {
  let s = seed >>> 0;
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = Math.round(((s / 4294967296) * 2 - 1) * amp + amp * 0.5 * Math.sin(i * 0.3));
  }
  return x;
}

/** Mostly usual values (so most sets compute), sometimes anything in range. */
const mostly = <T,>(usual: fc.Arbitrary<T>, any: fc.Arbitrary<T>): fc.Arbitrary<T> => fc.oneof({ arbitrary: usual, weight: 4 }, { arbitrary: any, weight: 1 });

const paramsArb = fc.record({
  'frame-length': mostly(fc.constantFrom(0.02, 0.025, 0.032, 0.0255), fc.double({ min: 0, max: 0.2, noNaN: true })),
  'frame-stride': mostly(fc.constantFrom(0.01, 0.02, 0.0123), fc.double({ min: 0, max: 0.1, noNaN: true })),
  'fft-length': mostly(fc.constantFrom(128, 256, 512), fc.integer({ min: 2, max: 600 })),
  'num-filters': mostly(fc.integer({ min: 2, max: 40 }), fc.integer({ min: 0, max: 130 })),
  'low-frequency': mostly(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 9000 })),
  'high-frequency': mostly(fc.constantFrom(0, 3400, 3900), fc.integer({ min: 0, max: 12000 })),
  'noise-floor-db': fc.integer({ min: -150, max: -1 }),
  'num-cepstral': fc.integer({ min: 1, max: 60 }),
  'win-size': mostly(fc.constantFrom(0, 5, 21, 101), fc.integer({ min: -3, max: 151 })),
  'pre-cof': fc.double({ min: 0, max: 1, noNaN: true }),
  'pre-shift': mostly(fc.constantFrom(1, 2, 3), fc.integer({ min: -1, max: 4 })),
  'loudest-cells': fc.constantFrom('wrap', 'saturate'),
});

describe('audio blocks under random parameters', () => {
  it('refuse clearly or give finite features of the declared shape', () => {
    let computed = 0;
    let refused = 0;
    fc.assert(
      fc.property(paramsArb, fc.constantFrom(8000, 16000, 22050), fc.integer({ min: 50, max: 4000 }), fc.integer(), fc.constantFrom(0, 1, 300, 32767), (params, rate, n, seed, amp) => {
        const x = signal(n, seed, amp);
        for (const block of blocks) {
          const ctx: DspContext = { axesCount: 1, axisNames: ['audio'], frequencyHz: rate, windowFrames: n, params };
          let shape: number[];
          try {
            block.validate(ctx);
            shape = block.outputShape(ctx);
          } catch (e) {
            expect(isStudioError(e), `${block.id}: ${String(e)}`).toBe(true);
            const se = e as { family: string; message: string; remedy?: string };
            expect(se.family).toBe('dsp');
            expect(se.message.length).toBeGreaterThan(10);
            expect(se.remedy?.length ?? 0).toBeGreaterThan(5);
            refused++;
            continue;
          }
          computed++;
          const runner = block.createRunner(ctx);
          const a = runner.run(x);
          const b = Float32Array.from(runner.run(x));
          expect(a.length).toBe(shape[0] * shape[1]);
          expect(runner.dim).toBe(a.length);
          expect(Array.from(b)).toEqual(Array.from(block.run(x, ctx)));
          for (const v of b) {
            expect(Number.isFinite(v)).toBe(true);
            if (block.id === 'mfe') {
              expect(v >= 0 && v < 1 && Number.isInteger(v * 256)).toBe(true);
            } else if (block.id === 'spectrogram') expect(v).toBeGreaterThanOrEqual(0);
          }
        }
      }),
      fuzzParams('audio_blocks', 60),
    );
    // both paths are exercised
    expect(computed).toBeGreaterThan(20);
    expect(refused).toBeGreaterThan(5);
  }, 3_600_000); // `npm run fuzz` runs thousands of cases
});
