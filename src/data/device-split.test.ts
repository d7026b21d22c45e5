import { describe, expect, it } from 'vitest';
import { deviceSplit } from './device-split.ts';
import type { SampleMeta } from './sample.ts';

let n = 0;
function meta(p: Partial<SampleMeta>): SampleMeta {
  return { id: `s${++n}`, projectId: 'p', label: 'wave', category: 'training', axes: [], intervalMs: 16, length: 100, deviceName: 'This phone', createdAt: 0, version: 1, complete: true, ...p };
}
const cap = (hz: number) => ({ source: 'devicemotion', measuredHz: hz, jitterMs: 3, resampledToHz: 62.5, method: 'linear' });

describe('deviceSplit', () => {
  it('counts samples per person and device, by category and label, with the phones measured rate', () => {
    const s = deviceSplit([
      meta({ person: 'Ada', deviceType: 'phone', capture: cap(60), gaps: [{ atFrame: 3, missingMs: 500 }] }),
      meta({ person: 'Ada', deviceType: 'phone', label: 'idle', capture: cap(59), category: 'testing' }),
      meta({ person: 'Ben', deviceType: 'phone', capture: cap(100) }),
      meta({ deviceName: 'Simulated board', deviceType: 'csv', label: 'idle' }),
    ]);
    expect(s.labels).toEqual(['idle', 'wave']);
    expect(s.rows.map((r) => [r.person, r.deviceName, r.samples, r.byCategory.training, r.byCategory.testing])).toEqual([
      ['Ada', 'This phone', 2, 1, 1],
      ['Ben', 'This phone', 1, 1, 0],
      [null, 'Simulated board', 1, 1, 0],
    ]);
    const ada = s.rows[0];
    expect(ada.byLabel).toEqual({ wave: 1, idle: 1 });
    expect(ada.measuredHz).toBe(60);
    expect(ada.withGaps).toBe(1);
    expect(s.rows[2].measuredHz).toBeNull();
    expect(s.notes.join(' ')).toMatch(/also in training/);
    expect(s.notes.join(' ')).toMatch(/different rates \(60–100 Hz\)/);
  });

  it('names the devices that only appear in testing', () => {
    const s = deviceSplit([meta({ person: 'Ada' }), meta({ person: 'Ben', category: 'testing' })]);
    expect(s.notes[0]).toMatch(/never trains on: Ben \(This phone\)/);
  });

  it('says nothing about overlap with a single device', () => {
    expect(deviceSplit([meta({}), meta({ category: 'testing' })]).notes).toEqual([]);
  });
});
