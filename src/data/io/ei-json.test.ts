import { describe, it, expect } from 'vitest';
import { parseEiJson, parseInfoLabels, writeEiExport, writeEiJson } from './ei-json.ts';
import { makeRecording, mulberry32, sameBits } from './test-fixtures.ts';

const sample = {
  protected: { ver: 'v1', alg: 'HS256', iat: 1564128599 },
  signature: 'b0ee0572a1984b93b6bc56e6ed4b87a6d2b2c8d1f3e4a5b6c7d8e9f0a1b2c3d4',
  payload: {
    device_name: 'ac:87:a3:0a:2d:1b',
    device_type: 'DISCO-L475VG-IOT01A',
    interval_ms: 10,
    sensors: [
      { name: 'accX', units: 'm/s2' },
      { name: 'accY', units: 'm/s2' },
    ],
    values: [
      [-9.81, 0.03],
      [-9.83, 0.04],
    ],
  },
};

describe('Edge Impulse data-acquisition JSON', () => {
  it('reads a signed file without verifying it, and says so', () => {
    const r = parseEiJson('training/wave.abc.json', JSON.stringify(sample));
    expect(r.recording.label).toBe('wave');
    expect(r.recording.name).toBe('wave.abc');
    expect(r.recording.axes).toEqual(sample.payload.sensors);
    expect(Array.from(r.recording.values)).toEqual([-9.81, 0.03, -9.83, 0.04].map(Math.fround));
    expect(r.recording.intervalMs).toBe(10);
    expect(r.recording.deviceName).toBe('ac:87:a3:0a:2d:1b');
    expect(r.recording.createdAt).toBe(1564128599000);
    expect(r.alg).toBe('HS256');
    expect(r.warnings[0]).toMatch(/not verified/);
  });

  it('reads the flat one-sensor form (audio)', () => {
    const j = { ...sample, payload: { ...sample.payload, interval_ms: 0.0625, sensors: [{ name: 'audio', units: 'wav' }], values: [-10, 2, -9] } };
    const r = parseEiJson('noise.1.json', JSON.stringify(j));
    expect(Array.from(r.recording.values)).toEqual([-10, 2, -9]);
  });

  it('writes unsigned files that read back bit-exact', () => {
    for (const axes of [['accX', 'accY', 'accZ'], ['audio']]) {
      const rec = { ...makeRecording('idle', 'x9', { axes, frames: 500 }), deviceName: 'nano', createdAt: 1700000000000 };
      const text = writeEiJson(rec);
      const j = JSON.parse(text) as { protected: { alg: string }; signature: string };
      expect(j.protected.alg).toBe('none');
      expect(j.signature).toBe('0'.repeat(64));
      const back = parseEiJson('idle.x9.json', text);
      expect(back.alg).toBe('none');
      expect(back.warnings).toEqual([]);
      expect(sameBits(back.recording.values, rec.values)).toBe(true);
      expect(back.recording.axes).toEqual(rec.axes);
      expect(back.recording.intervalMs).toBe(rec.intervalMs);
      expect(back.recording.createdAt).toBe(rec.createdAt);
    }
  });

  it('writes an export layout with info.labels that carries labels and categories', () => {
    const recs = [makeRecording('a.b', 'c'), makeRecording('up', 'd', { category: 'testing' })];
    const files = writeEiExport(recs);
    expect(files.map((f) => f.name)).toEqual(['training/a_b.c.json', 'testing/up.d.json', 'info.labels']);
    const info = parseInfoLabels('info.labels', new TextDecoder().decode(files[2].data));
    expect(info.get('training/a_b.c.json')).toEqual({ label: 'a.b', category: 'training', name: 'a.b.c' });
    expect(info.get('testing/up.d.json')?.category).toBe('testing');
  });

  it('rejects hostile and broken files with clear import errors', () => {
    const cases: [string, RegExp][] = [
      ['', /not valid JSON/],
      ['[1,2]', /not a JSON object/],
      ['{"payload": 3}', /payload/],
      [JSON.stringify({ payload: { ...sample.payload, interval_ms: -1 } }), /interval_ms/],
      [JSON.stringify({ payload: { ...sample.payload, interval_ms: '10' } }), /interval_ms/],
      [JSON.stringify({ payload: { ...sample.payload, sensors: [] } }), /sensors/],
      [JSON.stringify({ payload: { ...sample.payload, sensors: [{ name: 'a' }, { name: 'a' }] } }), /twice/],
      [JSON.stringify({ payload: { ...sample.payload, values: [[1, 2], [3]] } }), /values\[1\]/],
      [JSON.stringify({ payload: { ...sample.payload, values: [[1, 2], [3, '4']] } }), /values\[1\]\[1\]/],
      [JSON.stringify({ payload: { ...sample.payload, values: [[1, 2], [3, null]] } }), /values\[1\]\[1\]/],
      [JSON.stringify({ payload: { ...sample.payload, values: [] } }), /empty/],
      [JSON.stringify({ payload: { ...sample.payload, values: [1, 2] } }), /flat list/],
      ['{"payload":{"interval_ms":1,"sensors":[{"name":"a"}],"values":[1e400]}}', /not a finite/],
      ['{"payload":{"interval_ms":1,"sensors":[{"name":"a"}],"values":[1e39]}}', /not a finite/],
      ['{"payload":' + '['.repeat(100000) + ']'.repeat(100000) + '}', /nested/],
    ];
    for (const [text, re] of cases) {
      expect(() => parseEiJson('x.1.json', text), text.slice(0, 60)).toThrow(re);
      try {
        parseEiJson('x.1.json', text);
      } catch (e) {
        expect(e).toMatchObject({ family: 'import' });
        expect((e as Error).message).toContain('x.1.json');
      }
    }
    const many = JSON.stringify({ payload: { ...sample.payload, values: Array.from({ length: 20 }, () => [1, 2]) } });
    expect(() => parseEiJson('x.json', many, { limits: { maxRows: 10 } })).toThrow(/limit/);
  });

  it('never crashes on truncated or byte-flipped files', () => {
    const good = writeEiJson(makeRecording('a', 'b', { frames: 30 }));
    const rnd = mulberry32(11);
    for (let i = 0; i < 400; i++) {
      let t = good;
      if (i % 2) t = good.slice(0, Math.floor(rnd() * good.length));
      else {
        const k = Math.floor(rnd() * good.length);
        t = good.slice(0, k) + String.fromCharCode(Math.floor(rnd() * 128)) + good.slice(k + 1);
      }
      try {
        const r = parseEiJson('a.b.json', t);
        expect(r.recording.values.length % r.recording.axes.length).toBe(0);
      } catch (e) {
        expect(e).toMatchObject({ family: 'import' });
      }
    }
  });
});
