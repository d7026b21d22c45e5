import 'fake-indexeddb/auto';
import { describe, it, expect } from 'vitest';
import { openStudioDb } from '../data/store/open-db.ts';
import { StudioStore } from '../data/store/studio-store.ts';
import { computeFeatures, type FeatureImpulse } from '../dsp/features.ts';
import { segmentedSampleFeatures } from './store-features.ts';
import type { RawRecording } from '../data/sample.ts';

function rec(frames: number, axes: string[], intervalMs: number): RawRecording {
  const values = new Float32Array(frames * axes.length);
  let s = 3;
  for (let i = 0; i < values.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    values[i] = Math.round(3000 * Math.sin(i * 0.031) + (s / 4294967296 - 0.5) * 500);
  }
  return { name: 'long', label: 'x', category: 'training', axes: axes.map((name) => ({ name, units: '' })), intervalMs, values };
}

describe('features of a long stored sample, window by window', () => {
  const cases: { what: string; r: RawRecording; impulse: FeatureImpulse }[] = [
    {
      what: 'MFE over 16 kHz audio (1 s windows, 0.5 s stride)',
      r: rec(16000 * 30, ['audio'], 1000 / 16000),
      impulse: { windowing: { windowMs: 1000, strideMs: 500, zeroPad: false, frequencyHz: 16000, axes: ['audio'] }, dsp: { block: 'mfe', params: {} } },
    },
    {
      what: 'flatten over 3-axis motion with a fractional stride, one axis of three picked',
      r: rec(20000, ['accX', 'accY', 'accZ'], 10),
      impulse: { windowing: { windowMs: 2000, strideMs: 333, zeroPad: false, frequencyHz: 100, axes: ['accZ', 'accX'] }, dsp: { block: 'flatten', params: {} } },
    },
  ];
  for (const c of cases) {
    it(`equals the features of the whole sample: ${c.what}`, async () => {
      const store = new StudioStore(await openStudioDb({ name: `lf-${Math.random()}` }));
      const p = await store.createProject('P');
      const m = await store.addSample(p.id, c.r);
      const whole = computeFeatures([{ id: 'long', label: 'x', values: c.r.values, axes: c.r.axes, intervalMs: c.r.intervalMs }], c.impulse);
      const got = (await segmentedSampleFeatures(store, m, c.impulse, {}, 50_000))!;
      expect(Array.from(got.starts)).toEqual(whole.windows.map((w) => w.start));
      expect(got.data.length).toBe(whole.data.length);
      let diff = -1;
      for (let i = 0; i < got.data.length && diff < 0; i++) if (!Object.is(got.data[i], whole.data[i])) diff = i;
      expect(diff).toBe(-1);
    });
  }
});
