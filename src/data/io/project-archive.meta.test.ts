import { describe, expect, it } from 'vitest';
import { readProjectArchive, writeProjectArchive, type ArchiveRecording } from './project-archive.ts';
import { SafeZip, writeZip } from './safe-zip.ts';

const axes = [{ name: 'accX', units: 'm/s2' }, { name: 'accY', units: 'm/s2' }, { name: 'accZ', units: 'm/s2' }];

function rec(name: string, extra: Partial<ArchiveRecording>): ArchiveRecording {
  return { name, label: 'wave', category: 'training', axes, intervalMs: 16, values: new Float32Array([1, 2, 9.8, 1.5, 2.5, 9.7]), deviceName: 'This phone', ...extra };
}

describe('project archive: who recorded a sample and on what', () => {
  it('keeps device type, person, capture figures and gaps through export and import', () => {
    const a = rec('wave.a1', {
      deviceType: 'phone',
      person: 'Ada',
      capture: { source: 'devicemotion', measuredHz: 59.8, jitterMs: 3.1, resampledToHz: 62.5, method: 'linear' },
      gaps: [{ atFrame: 1, missingMs: 1216 }],
    });
    const b = rec('wave.b2', { deviceName: 'Simulated board', deviceType: 'csv' });
    const zip = writeProjectArchive({ name: 'class', labels: ['wave'], recordings: [a, b], models: [] });
    const back = readProjectArchive(zip, 'class.zip').project.recordings;
    expect(back[0]).toMatchObject({ deviceName: 'This phone', deviceType: 'phone', person: 'Ada', capture: a.capture, gaps: a.gaps });
    expect(back[1]).toMatchObject({ deviceName: 'Simulated board', deviceType: 'csv' });
    expect(back[1].person).toBeUndefined();
    expect(back[1].capture).toBeUndefined();
  });

  it('drops malformed metadata instead of storing it', () => {
    const zip = writeProjectArchive({ name: 'x', labels: ['wave'], recordings: [rec('wave.c3', {})], models: [] });
    const z = new SafeZip(zip, 'x.zip');
    const files = z.entries.map((e) => ({ name: e.name, data: z.read(e) }));
    const pj = JSON.parse(new TextDecoder().decode(files.find((f) => f.name === 'project.json')!.data));
    Object.assign(pj.samples[0], { person: 'x'.repeat(500), deviceType: 7, capture: { source: 'devicemotion' }, gaps: [{ atFrame: -1, missingMs: 5 }, { atFrame: 2, missingMs: 'long' }, { atFrame: 3, missingMs: 40 }] });
    const tampered = writeZip(files.map((f) => (f.name === 'project.json' ? { name: f.name, data: new TextEncoder().encode(JSON.stringify(pj)) } : f)));
    const [r] = readProjectArchive(tampered, 'x.zip').project.recordings;
    expect(r.person).toBeUndefined();
    expect(r.deviceType).toBeUndefined();
    expect(r.capture).toBeUndefined();
    expect(r.gaps).toEqual([{ atFrame: 3, missingMs: 40 }]);
  });
});
