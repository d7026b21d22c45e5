import 'fake-indexeddb/auto';
import { describe, it, expect, afterEach } from 'vitest';
import { openStudioDb } from './open-db.ts';
import { StudioStore } from './studio-store.ts';
import { Recorder } from '../recorder.ts';
import { CHUNK_BYTES, chunkRange } from './sample-chunks.ts';
import type { RawRecording, SensorAxis } from '../sample.ts';
import { chunkStat, STAT_BLOCK_FRAMES, type SampleChunkRecord } from './schema.ts';

let n = 0;
async function fresh(): Promise<StudioStore> {
  return new StudioStore(await openStudioDb({ name: `chunks${++n}-${Math.random()}` }));
}

/** Value i of a made-up signal (distinct per position, exact in float32). */
const val = (i: number): number => ((i * 7919) % 100_003) - 50_000;

function signal(frames: number, axes: number, offset = 0): Float32Array {
  return Float32Array.from({ length: frames * axes }, (_, i) => val(i + offset * axes));
}

const AUDIO: SensorAxis[] = [{ name: 'audio', units: 'int16' }];
const IMU: SensorAxis[] = [{ name: 'accX', units: 'g' }, { name: 'accY', units: 'g' }, { name: 'accZ', units: 'g' }];

function raw(values: Float32Array, axes: SensorAxis[]): RawRecording {
  return { name: 'long', label: 'noise', category: 'training', axes, intervalMs: 1000 / 16000, values };
}

/** Index of the first difference (-1 when equal), cheaper than a deep equality on long arrays. */
function diff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

async function chunkRecords(store: StudioStore, id: string): Promise<SampleChunkRecord[]> {
  return store.db.getAll('sampleChunks', chunkRange(id));
}

describe('chunked sample values', () => {
  it('stores a long sample as bounded chunks and reads any frame range across chunk boundaries', async () => {
    const store = await fresh();
    const p = await store.createProject('P');
    const frames = 200_000; // 3 axes × 4 bytes = 2.4 MB: three chunks
    const values = signal(frames, 3);
    const m = await store.addSample(p.id, raw(values, IMU));
    const recs = await chunkRecords(store, m.id);
    expect(recs.length).toBe(Math.ceil((values.length * 4) / CHUNK_BYTES));
    for (const r of recs) {
      expect(r.values.byteLength).toBeLessThanOrEqual(CHUNK_BYTES);
      expect(r.values.length % 3).toBe(0);
      expect(r.values.buffer.byteLength).toBe(r.values.byteLength); // a copy, not a view of the whole
    }
    expect(await store.db.get('sampleData', m.id)).toBeUndefined();
    const boundary = recs[1].start;
    for (const [a, b] of [
      [0, 5],
      [boundary - 2, boundary + 3],
      [boundary, boundary + 1],
      [boundary - 1, boundary],
      [10, frames],
      [frames - 7, frames + 50],
      [recs[2].start - 1, recs[2].start + 1],
    ]) {
      const got = await store.readFrames(m.id, a, b);
      expect(diff(got!, values.subarray(a * 3, Math.min(b, frames) * 3)), `frames ${a}–${b}`).toBe(-1);
    }
    expect((await store.readFrames(m.id, frames, frames + 10))!.length).toBe(0);
    expect(await store.readFrames('missing', 0, 10)).toBeUndefined();
    expect(diff((await store.getSample(m.id))!.values, values)).toBe(-1);
  });

  it('finishes a long recording from many odd-sized chunks without joining them; keep crops across chunks', async () => {
    const store = await fresh();
    const p = await store.createProject('P');
    const start = { projectId: p.id, label: 'noise', category: 'training' as const, axes: AUDIO, intervalMs: 1000 / 16000, deviceName: 'mic' };
    const r = await Recorder.start(store, start, { lengthMs: 600_000, chunkMs: 500 });
    // 40 s arrive in 1,234-frame batches: chunks of a little over 8,000 frames
    const total = 640_000;
    for (let f = 0; f < total; f += 1234) r.push(signal(Math.min(1234, total - f), 1, f));
    await r.interrupt();
    const before = await chunkRecords(store, r.meta.id);
    expect(before.length).toBeGreaterThan(70);
    const from = before[3].start + 17;
    const to = before[60].start + 5;
    const kept = await r.keep({ from, to });
    expect(kept!.length).toBe(to - from);
    const after = await chunkRecords(store, r.meta.id);
    // chunks outside the range are gone, the ones inside untouched (same objects' contents and keys)
    expect(after.length).toBe(60 - 3 + 1);
    expect(after[0].start).toBe(from);
    expect(after[1]).toEqual(before[4]);
    const all = (await store.getSample(kept!.id))!.values;
    expect(diff(all, signal(to - from, 1, from))).toBe(-1);
    // frame 0 of the cropped sample is the old frame `from`
    expect(Array.from((await store.readFrames(kept!.id, 0, 3))!)).toEqual([val(from), val(from + 1), val(from + 2)]);
  });

  it('crops a stored sample twice across chunk boundaries; batches and overview agree with the values', async () => {
    const store = await fresh();
    const p = await store.createProject('P');
    const frames = 900_000;
    const values = signal(frames, 1);
    let m = await store.addSample(p.id, { ...raw(values, AUDIO), gaps: [{ atFrame: 100, missingMs: 5 }, { atFrame: 400_000, missingMs: 7 }] });
    const per = CHUNK_BYTES / 4;
    m = await store.cropSample(m.id, per - 10, 3 * per - 3, m.version);
    expect(m.version).toBe(2);
    expect(m.length).toBe(2 * per + 7);
    expect(m.gaps).toEqual([{ atFrame: 400_000 - (per - 10), missingMs: 7 }]);
    m = await store.cropSample(m.id, 5, m.length - 20);
    const expected = values.slice(per - 10 + 5, 3 * per - 3 - 20);
    expect(m.length).toBe(expected.length);
    expect(diff((await store.getSample(m.id))!.values, expected)).toBe(-1);
    await expect(store.cropSample(m.id, 0, 10, 1)).rejects.toMatchObject({ code: 'stale' });

    let next = 100;
    for await (const b of store.frameBatches(m.id, { from: 100, batchFrames: 99_999 })) {
      expect(b.start).toBe(next);
      expect(b.values.length).toBeLessThanOrEqual(99_999);
      expect(diff(b.values, expected.subarray(next, next + b.values.length))).toBe(-1);
      next += b.values.length;
    }
    expect(next).toBe(expected.length);

    const ov = (await store.overview(m.id, 100))!;
    expect(ov.buckets).toBe(Math.ceil(m.length / ov.framesPerBucket));
    for (const b of [0, 37, ov.buckets - 1]) {
      const part = expected.subarray(b * ov.framesPerBucket, (b + 1) * ov.framesPerBucket);
      expect(ov.min[b]).toBe(part.reduce((x, y) => Math.min(x, y)));
      expect(ov.max[b]).toBe(part.reduce((x, y) => Math.max(x, y)));
    }
  });

  it('previews a many-chunk recording from the chunks\' stored min/max, also after a crop', async () => {
    const store = await fresh();
    const p = await store.createProject('P');
    const start = { projectId: p.id, label: 'noise', category: 'training' as const, axes: IMU, intervalMs: 10, deviceName: 'board' };
    const r = await Recorder.start(store, start, { lengthMs: 1_000_000, chunkMs: 500 });
    const total = 80 * 50;
    for (let f = 0; f < total; f += 50) r.push(signal(50, 3, f)); // chunks of exactly 50 frames
    await r.interrupt();
    const check = async (id: string, values: Float32Array, buckets: number) => {
      const ov = (await store.overview(id, buckets))!;
      expect(ov.buckets).toBe(buckets);
      for (let b = 0; b < buckets; b++) {
        for (let k = 0; k < 3; k++) {
          let lo = Infinity;
          let hi = -Infinity;
          for (let i = b * ov.framesPerBucket; i < Math.min(values.length / 3, (b + 1) * ov.framesPerBucket); i++) {
            lo = Math.min(lo, values[i * 3 + k]);
            hi = Math.max(hi, values[i * 3 + k]);
          }
          expect([ov.min[b * 3 + k], ov.max[b * 3 + k]], `bucket ${b} axis ${k}`).toEqual([lo, hi]);
        }
      }
    };
    const kept = (await r.keep())!;
    expect(await store.db.count('chunkStats', chunkRange(kept.id))).toBe(80);
    await check(kept.id, signal(80 * 50, 3), 10); // 8 chunks per bucket, aligned: exact
    // crop off two chunks in front and 10 frames at the end: 3,590 frames, 12 buckets of 300 = 6 chunks
    const c = await store.cropSample(kept.id, 100, total - 310);
    expect(c.length).toBe(3590);
    await check(kept.id, signal(3590, 3, 100), 12);
    // trimmed edge chunks get their stats redone: every chunk's stats are those of its values
    await store.cropSample(kept.id, 17, 3590 - 33);
    const chunks = await chunkRecords(store, kept.id);
    const stats = await store.db.getAll('chunkStats', chunkRange(kept.id));
    expect(stats).toEqual(chunks.map((ch) => chunkStat(kept.id, ch.start, ch.values, 3)));
    expect(stats[0].frames).toBe(33);
  });

  it('previews a sample of large chunks from their blocks\' stored min/max', async () => {
    const store = await fresh();
    const p = await store.createProject('P');
    const frames = STAT_BLOCK_FRAMES * 150; // three chunks of 1 MB, 150 blocks
    const values = signal(frames, 1);
    const m = await store.addSample(p.id, raw(values, AUDIO));
    const ov = (await store.overview(m.id, 50))!; // 3 blocks per bucket, aligned: exact
    expect(ov.framesPerBucket).toBe(3 * STAT_BLOCK_FRAMES);
    for (let b = 0; b < 50; b++) {
      const part = values.subarray(b * ov.framesPerBucket, (b + 1) * ov.framesPerBucket);
      expect([ov.min[b], ov.max[b]]).toEqual([part.reduce((x, y) => Math.min(x, y)), part.reduce((x, y) => Math.max(x, y))]);
    }
  });

  it('splits an appended chunk above the bound into bounded records after the frames stored so far', async () => {
    const store = await fresh();
    const p = await store.createProject('P');
    const m = await store.beginRecording({ projectId: p.id, label: 'noise', category: 'training', axes: AUDIO, intervalMs: 1000 / 16000, deviceName: 'mic' });
    await store.appendChunk(m.id, 0, signal(1000, 1));
    await store.appendChunk(m.id, 1, signal(600_000, 1, 1000));
    await expect(store.appendChunk(m.id, 2, new Float32Array(0))).resolves.toBeUndefined();
    const recs = await chunkRecords(store, m.id);
    expect(recs.map((r) => [r.start, r.values.length])).toEqual([
      [0, 1000],
      [1000, CHUNK_BYTES / 4],
      [1000 + CHUNK_BYTES / 4, CHUNK_BYTES / 4],
      [1000 + CHUNK_BYTES / 2, 600_000 - CHUNK_BYTES / 2],
    ]);
    const done = (await store.finishRecording(m.id))!;
    expect(done.length).toBe(601_000);
    expect(diff((await store.readFrames(m.id, 0, 601_000))!, signal(601_000, 1))).toBe(-1);
  });

  it('replace, delete and restore keep chunks consistent', async () => {
    const store = await fresh();
    const p = await store.createProject('P');
    const m = await store.addSample(p.id, raw(signal(300_000, 1), AUDIO));
    await store.replaceValues(m.id, signal(10, 1, 5));
    expect((await chunkRecords(store, m.id)).length).toBe(1);
    expect(Array.from((await store.getSample(m.id))!.values)).toEqual(Array.from(signal(10, 1, 5)));
    const removed = await store.deleteSamples([m.id]);
    expect(await chunkRecords(store, m.id)).toEqual([]);
    await store.restoreSamples(removed);
    expect(Array.from((await store.readFrames(m.id, 2, 4))!)).toEqual([val(7), val(8)]);
    await store.deleteProject(p.id);
    expect(await store.db.count('sampleChunks')).toBe(0);
  });

  it('a full disk mid-recording keeps every chunk written before and says so', async () => {
    const store = await fresh();
    const p = await store.createProject('P');
    const start = { projectId: p.id, label: 'noise', category: 'training' as const, axes: AUDIO, intervalMs: 1000 / 16000, deviceName: 'mic' };
    const r = await Recorder.start(store, start, { lengthMs: 60_000, chunkMs: 500 });
    const proto = IDBObjectStore.prototype;
    const put = proto.put;
    let writes = 0;
    proto.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
      if (this.name === 'sampleChunks' && ++writes > 3) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return put.apply(this, args);
    };
    try {
      for (let f = 0; f < 16000 * 4; f += 4000) r.push(signal(4000, 1, f));
      await expect(r.done).rejects.toMatchObject({ family: 'storage', code: 'quota' });
      await r.written();
    } finally {
      proto.put = put;
    }
    expect(r.state).toBe('failed');
    expect(r.error?.message).toMatch(/Everything saved before is kept/);
    const kept = await r.keep();
    expect(kept!.length).toBe(3 * 8000);
    expect(Array.from((await store.getSample(kept!.id))!.values)).toEqual(Array.from(signal(3 * 8000, 1)));
  });
});

describe('schema 2 → 3', () => {
  afterEach(() => undefined);

  it('reads every sample of a schema-2 database back: whole values in place, recordings in progress moved to chunks', async () => {
    const name = `v2-${Math.random()}`;
    const v2 = await openStudioDb({ name, version: 2 });
    const meta = (id: string, length: number, axes: SensorAxis[], complete = true) => ({ id, projectId: 'p1', label: 'wave', category: 'training' as const, axes, intervalMs: 10, length, deviceName: 'd', createdAt: length, version: 1, complete });
    await v2.put('projects', { id: 'p1', name: 'Old', createdAt: 1, updatedAt: 1 });
    const imu = signal(1000, 3);
    const clip = signal(16000, 1, 3);
    await v2.put('samples', meta('imu', 1000, IMU));
    await v2.put('sampleData', { id: 'imu', values: imu });
    await v2.put('samples', meta('clip', 16000, AUDIO));
    await v2.put('sampleData', { id: 'clip', values: clip });
    // a recording that was running when the old version closed: three chunks by index
    await v2.put('samples', meta('rec', 250, IMU, false));
    const parts = [signal(100, 3, 0), signal(100, 3, 100), signal(50, 3, 200)];
    for (let i = 0; i < 3; i++) await v2.put('chunks', { sampleId: 'rec', index: i, values: parts[i] });
    v2.close();

    const store = new StudioStore(await openStudioDb({ name }));
    expect(store.db.version).toBe(3);
    expect(await store.db.count('chunks')).toBe(0);
    expect((await store.getSample('imu'))!.values).toEqual(imu);
    expect((await store.getSample('clip'))!.values).toEqual(clip);
    expect(Array.from((await store.readFrames('imu', 998, 1000))!)).toEqual(Array.from(imu.slice(998 * 3)));
    expect((await store.getSampleValues(['clip', 'imu'])).map((v) => v?.length)).toEqual([16000, 3000]);
    const ov = (await store.overview('clip', 4))!;
    expect(ov.max[3]).toBe(Math.max(...clip.subarray(12000)));

    const recovered = await store.recoverIncomplete('p1');
    expect(recovered.map((m) => [m.id, m.length])).toEqual([['rec', 250]]);
    expect(Array.from((await store.getSample('rec'))!.values)).toEqual(Array.from(signal(250, 3)));
    expect(Array.from((await store.readFrames('rec', 99, 101))!)).toEqual(Array.from(signal(2, 3, 99)));
    expect(await store.db.getAll('chunkStats', chunkRange('rec'))).toEqual(parts.map((v, i) => chunkStat('rec', 100 * i, v, 3)));

    // an old whole value moves to chunks when it is next written (crop), losing nothing else
    const c = await store.cropSample('clip', 1000, 15000);
    expect(await store.db.get('sampleData', 'clip')).toBeUndefined();
    expect((await store.getSample('clip'))!.values).toEqual(clip.slice(1000, 15000));
    expect(c.length).toBe(14000);
  });
});
