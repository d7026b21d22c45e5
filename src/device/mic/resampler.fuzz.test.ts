/**
 * Property test of the resampler: for common device rates and any chunking, the streamed output
 * equals the one-shot output, and every output the input allows is produced.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fuzzParams } from '../../../tests/helpers/fuzz.ts';
import { Resampler } from './resampler.ts';

describe('Resampler under random chunkings', () => {
  it('streams exactly what it computes in one go', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(8000, 11025, 16000, 22050, 32000, 44100, 48000, 96000),
        fc.constantFrom(8000, 16000),
        fc.array(fc.integer({ min: 0, max: 700 }), { minLength: 1, maxLength: 12 }),
        fc.double({ min: -1, max: 1, noNaN: true }),
        (inRate, outRate, sizes, dc) => {
          if (inRate === outRate) return;
          const total = sizes.reduce((a, b) => a + b, 0);
          const x = Float32Array.from({ length: total }, (_, i) => dc + 0.3 * Math.sin(i * 0.05));
          const whole = new Resampler(inRate, outRate).process(x);
          const r = new Resampler(inRate, outRate);
          const parts: number[] = [];
          let at = 0;
          for (const n of sizes) {
            for (const v of r.process(x.subarray(at, at + n))) parts.push(v);
            at += n;
          }
          expect(parts).toEqual(Array.from(whole));
          // every output the input allows was produced
          expect(r.outputsFor(0)).toBe(0);
          for (const v of whole) expect(Number.isFinite(v)).toBe(true);
        },
      ),
      fuzzParams('resampler_chunks', 40),
    );
  }, 3_600_000);
});
