import { describe, it, expect } from 'vitest';
import { autotuneSpectral } from './autotune.ts';
import type { FeatureRecording } from './features.ts';
import { spectralBlock } from './blocks/spectral.ts';
import { isStudioError } from '../core/errors.ts';

const fs = 100;
function rec(label: string, toneHz: number, seed: number, drift = 0): FeatureRecording {
  let s = seed;
  const frames = 1000;
  const values = new Float32Array(frames);
  for (let t = 0; t < frames; t++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    values[t] = Math.sin((2 * Math.PI * toneHz * t) / fs + seed) + 0.3 * (s / 4294967296 - 0.5) + drift * Math.sin((2 * Math.PI * 0.2 * t) / fs + seed);
  }
  return { id: `${label}${seed}`, label, values, axes: [{ name: 'acc' }], intervalMs: 1000 / fs };
}
const windowing = { windowMs: 2000, strideMs: 500, zeroPad: false, frequencyHz: fs, axes: ['acc'] };

describe('autotuneSpectral', () => {
  it('proposes a low-pass when labels differ only at low frequencies', () => {
    const recs = [1, 2, 3].flatMap((i) => [rec('slow', 2, i), rec('faster', 5, i + 10)]);
    const r = autotuneSpectral(recs, windowing);
    expect(r.params['filter-type']).toBe('low');
    expect(r.params['filter-cutoff'] as number).toBeGreaterThan(4);
    expect(r.params['filter-cutoff'] as number).toBeLessThan(20);
    // the proposal is valid for the spectral block
    spectralBlock.validate({ axesCount: 1, axisNames: ['acc'], frequencyHz: fs, windowFrames: 200, params: r.params });
    for (const p of r.proposals) expect(p.why).toMatch(/\S/);
    expect(r.proposals.map((p) => p.param)).toContain('fft-length');
  });

  it('proposes a high-pass when labels differ only at high frequencies under a shared slow drift', () => {
    const recs = [1, 2, 3].flatMap((i) => [rec('buzz', 35, i, 3), rec('hum', 42, i + 10, 3)]);
    const r = autotuneSpectral(recs, windowing);
    expect(r.params['filter-type']).toBe('high');
  });

  it('needs two labels', () => {
    let err: unknown;
    try {
      autotuneSpectral([rec('only', 2, 1)], windowing);
    } catch (e) {
      err = e;
    }
    expect(isStudioError(err, 'autotune-labels')).toBe(true);
  });
});
