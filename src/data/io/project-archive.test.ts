import { describe, it, expect } from 'vitest';
import { readProjectArchive, upgradeProjectJson, writeProjectArchive, type ProjectArchive } from './project-archive.ts';
import { makeRecording, rawZip, sameBits } from './test-fixtures.ts';
import { crc32, writeZip } from './safe-zip.ts';
import type { ImpulseConfig } from '../../core/impulse.ts';

const enc = new TextEncoder();

const impulse: ImpulseConfig = {
  version: 1,
  windowing: { windowMs: 2000, strideMs: 1000, zeroPad: true, frequencyHz: 104, axes: ['accX', 'accY', 'accZ'] },
  dsp: { block: 'spectral', params: { 'fft-length': 16 } },
  learn: { block: 'dense', params: { layers: [20, 10] } },
  training: {
    epochs: 30,
    learningRate: 0.0005,
    batchSize: 32,
    validationSplit: 0.2,
    seed: 1,
    earlyStoppingPatience: 0,
    classWeighting: false,
    augmentation: { noise: 0, timeShift: 0, amplitudeScale: 0 },
  },
  labels: ['idle', 'wave'],
};

function project(): ProjectArchive {
  return {
    name: 'Gestures',
    labels: ['idle', 'wave', 'unused'],
    impulse,
    recordings: [
      { ...makeRecording('idle', 'a1'), id: 's-1', deviceName: 'nano', createdAt: 1700000000123 },
      { ...makeRecording('wave', 'b1', { category: 'testing', rateHz: 50 }), id: 's-2' },
      { ...makeRecording('=cmd|calc', '../x'), id: 's-3' },
    ],
    models: [{ id: 'm1', name: 'first', createdAt: 1, metrics: { accuracy: 0.9, confusion: [[1, 0], [0, 1]] }, impulse, files: { int8: new Uint8Array([1, 2, 3]), float32: new Uint8Array([9]) } }],
  };
}

describe('project archive', () => {
  it('round-trips samples, ids, metadata, impulse and models exactly', () => {
    const p = project();
    const zip = writeProjectArchive(p);
    const { project: back, errors, warnings } = readProjectArchive(zip, 'p.zip');
    expect(errors).toEqual([]);
    expect(warnings).toEqual([]);
    expect(back.name).toBe('Gestures');
    expect(back.labels).toEqual(['idle', 'wave', 'unused', '=cmd|calc']);
    expect(back.impulse).toEqual(impulse);
    expect(back.recordings.length).toBe(3);
    back.recordings.forEach((r, i) => {
      const o = p.recordings[i];
      expect({ ...r, values: null }).toEqual({ ...o, values: null });
      expect(sameBits(r.values, o.values)).toBe(true);
    });
    expect(back.models[0].files.int8).toEqual(new Uint8Array([1, 2, 3]));
    expect(back.models[0].metrics).toEqual(p.models[0].metrics);
  });

  it('upgrades a version-0 project.json (snake_case, train/test)', () => {
    const pj = upgradeProjectJson('p', {
      format: 'tinyml-studio-project',
      name: 'old',
      samples: [{ file: 'samples/a.1.csv', label: 'a', category: 'test', interval_ms: 10, device_name: 'd', created_at: 5 }],
    });
    expect(pj.version).toBe(1);
    expect(pj.samples[0]).toMatchObject({ id: '1', name: 'a.1', category: 'testing', intervalMs: 10, deviceName: 'd', createdAt: 5 });
    const csv = enc.encode('timestamp_ms,x\n0,1\n10,2\n');
    const zip = writeZip([
      { name: 'project.json', data: enc.encode(JSON.stringify({ format: 'tinyml-studio-project', samples: [{ file: 'samples/a.1.csv', label: 'a', interval_ms: 10 }] })) },
      { name: 'samples/a.1.csv', data: csv },
    ]);
    expect(readProjectArchive(zip, 'old.zip').project.recordings[0].values).toEqual(new Float32Array([1, 2]));
  });

  it('refuses newer versions, non-projects, and bad sample paths', () => {
    expect(() => upgradeProjectJson('p', { format: 'tinyml-studio-project', version: 2, samples: [] })).toThrow(/newer version/);
    expect(() => upgradeProjectJson('p', { format: 'other' })).toThrow(expect.objectContaining({ code: 'not-a-project' }));
    const pj = { format: 'tinyml-studio-project', version: 1, name: 'x', labels: [], samples: [{ file: 'project.json', label: 'a', intervalMs: 1, axes: [] }], models: [{ id: 'm', files: { int8: 'samples/a.csv' } }] };
    const zip = writeZip([{ name: 'project.json', data: enc.encode(JSON.stringify(pj)) }]);
    const r = readProjectArchive(zip, 'x.zip');
    expect(r.project.recordings).toEqual([]);
    expect(r.errors.map((e) => e.code)).toEqual(['bad-project', 'bad-project']);
  });

  it('keeps good samples when one is damaged, and never keeps a half-read one', () => {
    const p = project();
    const zip = writeProjectArchive(p, { level: 0 });
    // Flip a digit inside the first CSV (stored, so bytes are visible) and fix up nothing: CRC fails.
    const text = new TextDecoder('latin1').decode(zip);
    const at = text.indexOf('timestamp_ms') + 40;
    const bad = zip.slice();
    bad[at] = 'x'.charCodeAt(0);
    const r = readProjectArchive(bad, 'bad.zip');
    expect(r.project.recordings.map((x) => x.id)).toEqual(['s-2', 's-3']);
    expect(r.errors[0].message).toMatch(/checksum|not a number/);
  });

  it('refuses a project whose sample is a zip bomb', () => {
    const pj = { format: 'tinyml-studio-project', version: 1, name: 'x', labels: [], samples: [{ file: 'samples/a.1.csv', label: 'a', intervalMs: 1, axes: [] }] };
    const pjBytes = enc.encode(JSON.stringify(pj));
    const zip = rawZip([
      { name: 'project.json', data: pjBytes, method: 0, crc: crc32(pjBytes) },
      { name: 'samples/a.1.csv', data: new Uint8Array(10), size: 3_000_000_000 },
    ]);
    expect(() => readProjectArchive(zip, 'b.zip')).toThrow(expect.objectContaining({ code: 'zip-bomb' }));
  });

  it('refuses an archive whose impulse, model impulse or metrics do not fit their schema, naming the field', () => {
    const base = { format: 'tinyml-studio-project', version: 1, name: 'x', labels: [], samples: [] };
    const refuse = (extra: object, re: RegExp) => {
      const zip = writeZip([{ name: 'project.json', data: enc.encode(JSON.stringify({ ...base, ...extra })) }]);
      let err: unknown;
      try {
        readProjectArchive(zip, 'evil.zip');
      } catch (e) {
        err = e;
      }
      expect(err).toMatchObject({ family: 'import', code: 'bad-project' });
      const msg = (err as Error).message;
      expect(msg).toMatch(re);
      expect(msg.length).toBeLessThan(400);
    };
    // The archive from the report: applied unvalidated before.
    refuse({ impulse: { ...impulse, windowing: { ...impulse.windowing, windowMs: -1, strideMs: 'x' }, dsp: 5 } }, /evil\.zip\/project\.json: project\.impulse\.windowing\.windowMs must be a number above 0 .*\(found -1\)/);
    refuse({ impulse: { ...impulse, dsp: 5 } }, /project\.impulse\.dsp .*found 5/);
    refuse({ models: [{ id: 'm', files: {}, impulse: { ...impulse, labels: ['a', 'a'] } }] }, /project\.models\[0\]\.impulse\.labels must not list the same label twice/);
    refuse({ models: [{ id: 'm', files: {}, metrics: { float: { accuracy: 'y'.repeat(10_000), confusion: [], per_class: {} } } }] }, /project\.models\[0\]\.metrics\.float\.accuracy .*yyyy… \(10,000 characters\)/);
    refuse({ impulse: { ...impulse, training: { ...impulse.training, epochs: 1e300 } } }, /project\.impulse\.training\.epochs must be a whole number/);
    // A valid impulse and metrics still come through unchanged.
    const ok = upgradeProjectJson('p', { ...base, impulse, models: [{ id: 'm', files: {}, impulse, metrics: { float: { accuracy: 1, confusion: [[1]], per_class: {} }, extra: 'kept' } }] });
    expect(ok.impulse).toEqual(impulse);
    expect(ok.models?.[0].metrics).toEqual({ float: { accuracy: 1, confusion: [[1]], per_class: {} }, extra: 'kept' });
  });
});
