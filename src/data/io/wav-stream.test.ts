import 'fake-indexeddb/auto';
import { describe, it, expect } from 'vitest';
import { openStudioDb } from '../store/open-db.ts';
import { StudioStore } from '../store/studio-store.ts';
import { storedWavBlob, storedWavPieces } from './wav-stream.ts';
import { parseWav, wavHeader, writeWav } from './wav.ts';
import { DEFAULT_LIMITS } from './limits.ts';
import type { RawRecording } from '../sample.ts';

describe('WAV export of a stored sample, piece by piece', () => {
  it('gives writeWav\'s bytes on the whole sample, in pieces of bounded size, and imports back bit-exact', async () => {
    const frames = 300_000;
    const values = Float32Array.from({ length: frames * 2 }, (_, i) => ((i * 7919) % 65536) - 32768);
    const rec: RawRecording = { name: 'long', label: 'noise', category: 'training', axes: [{ name: 'audio0', units: 'int16' }, { name: 'audio1', units: 'int16' }], intervalMs: 1000 / 16000, values };
    const store = new StudioStore(await openStudioDb({ name: `wav-${Math.random()}` }));
    const p = await store.createProject('P');
    const m = await store.addSample(p.id, rec);
    const pieces: Uint8Array[] = [];
    for await (const piece of storedWavPieces(store, m.id, 40_000)) pieces.push(piece);
    expect(pieces.length).toBe(1 + Math.ceil(frames / 40_000));
    expect(Math.max(...pieces.map((x) => x.length))).toBe(40_000 * 2 * 4);
    const joined = new Uint8Array(pieces.reduce((n, x) => n + x.length, 0));
    let off = 0;
    for (const x of pieces) {
      joined.set(x, off);
      off += x.length;
    }
    const whole = writeWav(rec);
    expect(joined.length).toBe(whole.length);
    expect(Buffer.compare(Buffer.from(joined), Buffer.from(whole))).toBe(0);
    const blob = (await storedWavBlob(store, m.id))!;
    expect(blob.size).toBe(whole.length);
    const back = parseWav('long.wav', new Uint8Array(await blob.arrayBuffer()));
    expect(back.values.length).toBe(values.length);
    expect(back.values.every((v, i) => v === values[i])).toBe(true);
    expect(await storedWavBlob(store, 'missing')).toBeUndefined();
  });

  it('imports a WAV longer than the text row limit (it is stored in chunks); its own frame limit still holds', () => {
    const frames = DEFAULT_LIMITS.maxRows + 1;
    const file = new Uint8Array(44 + frames * 4);
    file.set(wavHeader(frames, 1, 16000));
    const dv = new DataView(file.buffer);
    dv.setFloat32(44 + (frames - 1) * 4, 0.5, true);
    const rec = parseWav('hum.wav', file);
    expect(rec.values.length).toBe(frames);
    expect(rec.values[frames - 1]).toBe(16384);
    expect(() => parseWav('hum.wav', file, { limits: { maxWavFrames: frames - 1 } })).toThrow(/more than the limit/);
  });
});
