/**
 * The audio blocks against Edge Impulse's own MFE, MFCC and spectrogram outputs (implementation
 * version 4), stored in ../shared/reference/audio/ (see its README). Every case and every rejected
 * combination is run. Skips with a one-line reason when ../shared is absent; audio.test.ts keeps the
 * self-made fixtures for a bare clone.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedPath, skipReason } from '../../../tests/helpers/shared.ts';
import type { DspBlock, DspContext } from '../block.ts';
import { isStudioError } from '../../core/errors.ts';
import { mfeBlock } from './mfe.ts';
import { mfccBlock } from './mfcc.ts';
import { spectrogramBlock } from './spectrogram.ts';

interface Signal {
  id: string;
  sample_rate_hz: number;
  samples: number[];
}
interface RefCase {
  name: string;
  signal: string;
  sample_rate_hz: number;
  params: Record<string, number | boolean>;
  shape: { width: number; height: number };
  features: number[];
  uint8_wrapped_at?: number[];
}
interface RefError {
  name: string;
  signal: string;
  sample_rate_hz: number;
  params: Record<string, number | boolean>;
  error: string;
}
interface RefFile {
  cases: RefCase[];
  errors: RefError[];
}

const dir = sharedPath('reference/audio');
const blocks: Record<string, DspBlock> = { mfe: mfeBlock, mfcc: mfccBlock, spectrogram: spectrogramBlock };

/** EI's exception text → the StudioError code our blocks give for the same refusal. */
const codeFor: [RegExp, string][] = [
  [/Filter number should be at least 2/, 'filter-count'],
  [/FFT length must be a power of 2/, 'fft-length'],
  [/Frame length is larger than your window size/, 'frame-too-long'],
  [/Number of frames is larger than 500/, 'too-many-frames'],
  [/mel filterbank contains all zeros/, 'empty-filter'],
  [/Frame length should be at least 4 samples/, 'frame-too-short'],
  [/Frame stride should be at least 4 samples/, 'stride-too-short'],
  [/High frequency cannot be greater than half/, 'high-frequency'],
  [/Windows size must be odd/, 'win-size'],
  [/Shift cannot be zero/, 'pre-shift'],
];

function ctxOf(c: { sample_rate_hz: number; params: Record<string, number | boolean> }, n: number): DspContext {
  return { axesCount: 1, axisNames: ['audio'], frequencyHz: c.sample_rate_hz, windowFrames: n, params: c.params };
}

describe.skipIf(!dir)(`audio blocks vs Edge Impulse v4 outputs ${dir ? '' : skipReason('reference/audio')}`, () => {
  const signals = new Map<string, Float32Array>();
  const load = (name: string): RefFile => JSON.parse(readFileSync(join(dir as string, `${name}.json`), 'utf8')) as RefFile;
  if (dir) {
    const s = JSON.parse(readFileSync(join(dir, 'signals.json'), 'utf8')) as { signals: Signal[] };
    for (const sig of s.signals) signals.set(sig.id, Float32Array.from(sig.samples));
  }

  for (const id of ['mfe', 'mfcc', 'spectrogram'] as const) {
    const ref = dir ? load(id) : { cases: [], errors: [] };
    const block = blocks[id];

    it(`${id}: every case equals EI (${ref.cases.length} cases)`, () => {
      expect(ref.cases.length).toBeGreaterThan(60);
      const failures: string[] = [];
      let wrapped = 0;
      for (const c of ref.cases) {
        const x = signals.get(c.signal);
        if (!x) throw new Error(`signal ${c.signal} missing`);
        const ctx = ctxOf(c, x.length);
        const shape = block.outputShape(ctx);
        // EI reports the MFCC shape as (len / num_cepstral) × num_cepstral, which is wrong when
        // num_cepstral > num_filters (it keeps one per filter): we report the true shape there
        let { width, height } = c.shape;
        if (id === 'mfcc') {
          height = Math.min(c.params['num-cepstral'] as number, c.params['num-filters'] as number);
          width = c.features.length / height;
        }
        if (shape[0] !== width || shape[1] !== height) {
          failures.push(`${c.name}: shape ${shape.join('×')} vs ${c.shape.width}×${c.shape.height}`);
          continue;
        }
        const got = block.createRunner(ctx).run(x);
        if (got.length !== c.features.length) {
          failures.push(`${c.name}: ${got.length} values vs ${c.features.length}`);
          continue;
        }
        let bad = 0;
        let worst = 0;
        for (let i = 0; i < got.length; i++) {
          const b = Math.fround(c.features[i]);
          const d = Math.abs(got[i] - b);
          const tol = id === 'mfe' ? 0 : id === 'mfcc' ? 1e-3 + 1e-4 * Math.abs(b) : 1e-5 + 1e-5 * Math.abs(b);
          if (!(d <= tol)) bad++;
          worst = Math.max(worst, d);
        }
        wrapped += c.uint8_wrapped_at?.length ?? 0;
        if (bad > 0) failures.push(`${c.name}: ${bad} of ${got.length} values off (worst ${worst.toExponential(2)})`);
      }
      if (id === 'mfe') expect(wrapped).toBeGreaterThan(0); // the EI wrap of the loudest cells is exercised
      expect(failures).toEqual([]);
    });

    it(`${id}: refuses what EI refuses (${ref.errors.length} combinations)`, () => {
      expect(ref.errors.length).toBeGreaterThan(4);
      for (const e of ref.errors) {
        const x = signals.get(e.signal) as Float32Array;
        const want = codeFor.find(([re]) => re.test(e.error));
        expect(want, `no mapping for ${e.error}`).toBeDefined();
        let err: unknown;
        try {
          block.validate(ctxOf(e, x.length));
        } catch (caught) {
          err = caught;
        }
        expect(isStudioError(err), `${e.name} should be refused (${e.error})`).toBe(true);
        const se = err as { code: string; message: string };
        expect(se.code, `${e.name}: ${se.message}`).toBe(want?.[1]);
        const count = /larger than 500 \((\d+)\)/.exec(e.error);
        if (count) expect(se.message).toContain(count[1]);
      }
    });
  }

  it('mfe: the saturating option gives 255/256 where EI wraps to 0, and nothing else changes', () => {
    const ref = load('mfe');
    const c = ref.cases.find((k) => (k.uint8_wrapped_at?.length ?? 0) > 0) as RefCase;
    const x = signals.get(c.signal) as Float32Array;
    const got = mfeBlock.createRunner(ctxOf({ ...c, params: { ...c.params, 'loudest-cells': 'saturate' } as never }, x.length)).run(x);
    const wrapped = new Set(c.uint8_wrapped_at);
    for (let i = 0; i < got.length; i++) expect(got[i]).toBe(wrapped.has(i) ? 255 / 256 : Math.fround(c.features[i]));
  });
});
