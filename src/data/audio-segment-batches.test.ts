import 'fake-indexeddb/auto';
import { describe, it, expect } from 'vitest';
import { openStudioDb } from './store/open-db.ts';
import { StudioStore } from './store/studio-store.ts';
import { detectAudioEvents, detectAudioEventsInBatches } from './audio-segment.ts';
import type { RawRecording } from './sample.ts';

/** 12 s at 16 kHz: quiet noise with a 0.3–0.6 s burst of tone every ~2.3 s. */
function recording(): RawRecording {
  const n = 12 * 16000;
  const v = new Float32Array(n);
  let s = 7;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const t = i / 16000;
    const cyc = t % 2.3;
    const loud = cyc > 1 && cyc < 1.3 + 0.1 * Math.floor(t / 2.3) % 4;
    v[i] = Math.round((s / 4294967296 - 0.5) * 200 + (loud ? 8000 * Math.sin(2 * Math.PI * 440 * t) : 0));
  }
  return { name: 'long', label: 'yes', category: 'training', axes: [{ name: 'audio', units: 'int16' }], intervalMs: 1000 / 16000, values: v };
}

describe('audio segmentation of a stored long recording, batch by batch', () => {
  it('gives exactly the whole-recording result for any batch size', async () => {
    const rec = recording();
    const whole = detectAudioEvents(rec);
    expect(whole.cuts.length).toBeGreaterThan(3);
    const store = new StudioStore(await openStudioDb({ name: `seg-${Math.random()}` }));
    const p = await store.createProject('P');
    const m = await store.addSample(p.id, rec);
    for (const batchFrames of [7777, 333, 1 << 18]) {
      const got = await detectAudioEventsInBatches({ name: 'long', axes: 1, intervalMs: m.intervalMs, frames: m.length }, store.frameBatches(m.id, { batchFrames }));
      expect(got.cuts, `batches of ${batchFrames}`).toEqual(whole.cuts);
      expect(got.events).toEqual(whole.events);
      expect(got.noiseFloorDb).toBe(whole.noiseFloorDb);
      expect(Array.from(got.levelDb.subarray(0, 50))).toEqual(Array.from(whole.levelDb.subarray(0, 50)));
      expect(got.levelDb[got.levelDb.length - 1]).toBe(whole.levelDb[whole.levelDb.length - 1]);
    }
  });
});
