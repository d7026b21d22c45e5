import { describe, it, expect } from 'vitest';
import type { SampleMeta } from '../../data/sample.ts';
import { datasetFacts, proposedImpulse } from './dataset-facts.ts';

const meta = (id: string, label: string, ms: number): SampleMeta =>
  ({ id, label, category: 'training', axes: [{ name: 'accX', units: 'm/s2' }], intervalMs: 16, length: Math.round(ms / 16), createdAt: 0, version: 1, complete: true, deviceName: 'sim', projectId: 'p' }) as unknown as SampleMeta;

describe('proposed impulse', () => {
  it('keeps the 2000 ms window when one sample is cropped shorter', () => {
    const ss = Array.from({ length: 8 }, (_, i) => meta(`s${i}`, i % 2 ? 'wave' : 'idle', 4000));
    expect(proposedImpulse(ss).windowing.windowMs).toBe(2000);
    ss[3] = meta('s3', 'wave', 1600);
    expect(proposedImpulse(ss).windowing.windowMs).toBe(2000);
    expect(datasetFacts(ss).shortestMs).toBeLessThan(1700);
  });
  it('follows the typical recording when most are shorter than 2 s', () => {
    const ss = Array.from({ length: 6 }, (_, i) => meta(`s${i}`, 'punch', 1008));
    expect(proposedImpulse(ss).windowing.windowMs).toBe(1000);
  });
});
