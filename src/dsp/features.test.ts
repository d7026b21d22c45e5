import { describe, it, expect } from 'vitest';
import { computeFeatures, computeFeaturesAsync } from './features.ts';
import type { FeatureRecording } from './features.ts';
import type { ImpulseConfig } from '../core/impulse.ts';
import { spectralBlock } from './blocks/spectral.ts';
import { isStudioError } from '../core/errors.ts';
import { dspContext, getDspBlock, listDspBlocks } from './registry.ts';
import type { Progress } from '../core/progress.ts';

function rec(id: string, label: string, frames: number, freq: number, fs = 50): FeatureRecording {
  const axes = [{ name: 'gyr' }, { name: 'accX' }, { name: 'accY' }];
  const values = new Float32Array(frames * 3);
  for (let t = 0; t < frames; t++) {
    values[t * 3] = 0.01 * t;
    values[t * 3 + 1] = Math.sin((2 * Math.PI * freq * t) / fs);
    values[t * 3 + 2] = Math.cos((2 * Math.PI * freq * t) / fs) * 0.5;
  }
  return { id, label, values, axes, intervalMs: 1000 / fs };
}

const impulse: Pick<ImpulseConfig, 'windowing' | 'dsp'> = {
  windowing: { windowMs: 1000, strideMs: 500, zeroPad: false, frequencyHz: 50, axes: ['accX', 'accY'] },
  dsp: { block: 'spectral', params: { 'fft-length': 16 } },
};

describe('computeFeatures', () => {
  it('windows every recording and runs the block on the impulse axes', () => {
    const recs = [rec('a', 'slow', 150, 2), rec('b', 'fast', 100, 9)];
    const set = computeFeatures(recs, impulse);
    // 150 frames: starts 0,25,50,75,100 ; 100 frames: 0,25,50
    expect(set.rows).toBe(8);
    expect(set.windows.map((w) => w.start)).toEqual([0, 25, 50, 75, 100, 0, 25, 50]);
    expect(set.windows[6]).toEqual({ recording: 1, start: 25, label: 'fast' });
    expect(set.names[0]).toBe('accX: RMS');
    expect(set.dim).toBe(set.names.length);
    expect(set.shape).toEqual([set.dim]);
    expect(set.data.length).toBe(set.rows * set.dim);
    // row 6 equals the block run on that window by hand
    const w = new Float32Array(100);
    for (let t = 0; t < 50; t++) {
      w[t * 2] = recs[1].values[(25 + t) * 3 + 1];
      w[t * 2 + 1] = recs[1].values[(25 + t) * 3 + 2];
    }
    const ctx = dspContext(impulse);
    expect(Array.from(set.data.subarray(6 * set.dim, 7 * set.dim))).toEqual(Array.from(spectralBlock.run(w, ctx)));
  });

  it('rejects a recording at another rate, but accepts 1 % off', () => {
    let err: unknown;
    try {
      computeFeatures([rec('a', 'x', 100, 2, 100)], impulse);
    } catch (e) {
      err = e;
    }
    expect(isStudioError(err, 'rate-mismatch')).toBe(true);
    const near = rec('n', 'x', 100, 2);
    near.intervalMs = 1000 / 50.4;
    expect(computeFeatures([near], impulse).rows).toBe(3);
  });

  it('rejects recordings missing an impulse axis', () => {
    const r = rec('a', 'x', 100, 2);
    r.axes = [{ name: 'gyr' }, { name: 'accX' }, { name: 'other' }];
    expect(() => computeFeatures([r], impulse)).toThrow(/no axis "accY"/);
  });

  it('reports progress and can be cancelled', async () => {
    const recs = Array.from({ length: 30 }, (_, i) => rec(`r${i}`, 'x', 1000, 3));
    const seen: Progress[] = [];
    const set = computeFeatures(recs, impulse, { onProgress: (p) => seen.push(p) });
    expect(seen[0].fraction).toBe(0);
    expect(seen[seen.length - 1].fraction).toBe(1);
    expect(seen.length).toBeGreaterThan(2);
    const ac = new AbortController();
    const p = computeFeaturesAsync(recs, impulse, { signal: ac.signal });
    ac.abort();
    await expect(p).rejects.toMatchObject({ code: 'cancelled', family: 'dsp' });
    const done = await computeFeaturesAsync(recs, impulse);
    expect(Array.from(done.data)).toEqual(Array.from(set.data));
  });

  it('works for every registered block that fits the data', () => {
    expect(listDspBlocks().map((b) => b.id)).toEqual(['raw', 'flatten', 'spectral', 'spectrogram', 'mfe', 'mfcc']);
    const raw = computeFeatures([rec('a', 'x', 100, 2)], { ...impulse, dsp: { block: 'raw', params: {} } });
    expect(raw.shape).toEqual([50, 2]);
    const flat = computeFeatures([rec('a', 'x', 100, 2)], { ...impulse, dsp: { block: 'flatten', params: { 'scale-axes': 2 } } });
    expect(flat.dim).toBe(14);
    expect(() => getDspBlock('nope')).toThrow(/no DSP block/);
  });
});
