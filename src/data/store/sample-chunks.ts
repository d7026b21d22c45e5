/**
 * A sample's values as bounded chunks in the `sampleChunks` store (schema 3), and the reads and
 * writes on them inside a store transaction. DOM-free core module.
 *
 * Layout: records keyed [sampleId, start]; each holds whole interleaved frames, at most
 * CHUNK_BYTES; chunks follow each other without holes. The sample's frame f is the storage frame
 * `origin + f`, where `origin` is the first chunk's start: cropping the front trims or drops chunks
 * there and renumbers nothing. A sample stored whole by schema ≤ 2 has no chunks and its values in
 * `sampleData` (one record); these helpers read both.
 */
import type { IDBPObjectStore, IDBPTransaction, StoreNames } from 'idb';
import { chunkStat, type SampleChunkRecord, type StudioSchema } from './schema.ts';

/** Upper bound of one chunk's values (bytes): far below IndexedDB's value limit, cheap to rewrite. */
export const CHUNK_BYTES = 1 << 20;

type Names = StoreNames<StudioSchema>[];
type Tx<Mode extends IDBTransactionMode> = IDBPTransaction<StudioSchema, Names, Mode>;
type ChunkStore<Mode extends IDBTransactionMode> = IDBPObjectStore<StudioSchema, Names, 'sampleChunks', Mode>;
type StatStore = IDBPObjectStore<StudioSchema, Names, 'chunkStats', 'readwrite'>;

/** Values per chunk for `axes` interleaved axes (whole frames, at least one frame). */
export function chunkValueCount(axes: number, bytes = CHUNK_BYTES): number {
  const a = Math.max(1, axes);
  return Math.max(1, Math.floor(bytes / 4 / a)) * a;
}

export function chunkRange(id: string, lo = -Infinity, hi = Infinity, loOpen = false, hiOpen = false): IDBKeyRange {
  return IDBKeyRange.bound([id, lo], [id, hi], loOpen, hiOpen);
}

/** The first chunk's start (the sample's frame 0), or undefined when the sample has no chunks. */
export async function chunkOrigin(store: ChunkStore<IDBTransactionMode>, id: string): Promise<number | undefined> {
  const k = await store.getKey(chunkRange(id));
  return k?.[1];
}

/**
 * Writes `values` (whole frames) as chunks from storage frame `start` on. The pieces are copies
 * (a view would make IndexedDB store its whole underlying buffer).
 */
export async function putValues(tx: Tx<'readwrite'>, id: string, values: Float32Array, axes: number, start: number, bytes = CHUNK_BYTES): Promise<void> {
  const store = tx.objectStore('sampleChunks');
  const stats = tx.objectStore('chunkStats');
  const per = chunkValueCount(axes, bytes);
  const a = Math.max(1, axes);
  const whole = values.byteOffset === 0 && values.byteLength === values.buffer.byteLength;
  for (let off = 0; off < values.length; off += per) {
    const n = Math.min(per, values.length - off);
    const piece = whole && off === 0 && n === values.length ? values : values.slice(off, off + n);
    await store.put({ sampleId: id, start: start + off / a, values: piece } satisfies SampleChunkRecord);
    await stats.put(chunkStat(id, start + off / a, piece, a));
  }
}

/** Every value of a sample (chunks joined, or the schema-2 whole value). */
export async function readAllValues(tx: Tx<IDBTransactionMode>, id: string): Promise<Float32Array | undefined> {
  const chunks = await tx.objectStore('sampleChunks').getAll(chunkRange(id));
  if (chunks.length === 0) return (await tx.objectStore('sampleData').get(id))?.values;
  if (chunks.length === 1) return chunks[0].values;
  let total = 0;
  for (const c of chunks) total += c.values.length;
  const out = new Float32Array(total);
  let off = 0;
  for (const c of chunks) {
    out.set(c.values, off);
    off += c.values.length;
  }
  return out;
}

/** Frames [from, to) of a sample (clamped to what is stored), interleaved; empty when none. */
export async function readFrameRange(tx: Tx<IDBTransactionMode>, id: string, axes: number, from: number, to: number): Promise<Float32Array> {
  const a = Math.max(1, axes);
  const lo = Math.max(0, Math.floor(from));
  const hi = Math.max(lo, Math.floor(to));
  const chunks = tx.objectStore('sampleChunks');
  const origin = await chunkOrigin(chunks, id);
  if (origin === undefined) {
    const v = (await tx.objectStore('sampleData').get(id))?.values;
    return v ? v.slice(lo * a, hi * a) : new Float32Array(0);
  }
  if (hi === lo) return new Float32Array(0);
  const p0 = origin + lo;
  const p1 = origin + hi;
  const first = await chunks.openCursor(chunkRange(id, origin, p0), 'prev');
  const s0 = first ? first.key[1] : origin;
  const recs = await chunks.getAll(chunkRange(id, s0, p1, false, true));
  let end = p0;
  for (const c of recs) end = Math.max(end, Math.min(p1, c.start + c.values.length / a));
  const out = new Float32Array((end - p0) * a);
  for (const c of recs) {
    const cs = c.start;
    const ce = cs + c.values.length / a;
    const s = Math.max(cs, p0);
    const e = Math.min(ce, p1);
    if (e > s) out.set(c.values.subarray((s - cs) * a, (e - cs) * a), (s - p0) * a);
  }
  return out;
}

/** Deletes a sample's values (chunks and any schema-2 whole value). */
export async function deleteValues(tx: Tx<'readwrite'>, id: string): Promise<void> {
  await tx.objectStore('sampleChunks').delete(chunkRange(id));
  await tx.objectStore('chunkStats').delete(chunkRange(id));
  await tx.objectStore('sampleData').delete(id);
}

/**
 * Keeps only frames [from, to) of a sample, touching at most the two chunks at the edges (a
 * schema-2 whole value is moved to chunks). Returns the frames kept.
 */
export async function cropValues(tx: Tx<'readwrite'>, id: string, axes: number, from: number, to: number): Promise<number> {
  const a = Math.max(1, axes);
  const chunks = tx.objectStore('sampleChunks');
  const stats: StatStore = tx.objectStore('chunkStats');
  const origin = await chunkOrigin(chunks, id);
  if (origin === undefined) {
    const v = (await tx.objectStore('sampleData').get(id))?.values;
    await tx.objectStore('sampleData').delete(id);
    if (!v) return 0;
    const frames = Math.floor(v.length / a);
    const lo = Math.max(0, Math.min(frames, from));
    const hi = Math.max(lo, Math.min(frames, to));
    await putValues(tx, id, v.subarray(lo * a, hi * a), a, 0);
    return hi - lo;
  }
  const p0 = origin + Math.max(0, from);
  const p1 = origin + Math.max(from, to);
  // the tail: chunks starting at or after p1 go, the one across p1 is cut
  await chunks.delete(chunkRange(id, p1, Infinity));
  await stats.delete(chunkRange(id, p1, Infinity));
  const last = await chunks.openCursor(chunkRange(id, -Infinity, p1, false, true), 'prev');
  if (last) {
    const c = last.value;
    const end = c.start + c.values.length / a;
    if (end > p1) {
      const values = c.values.slice(0, (p1 - c.start) * a);
      await chunks.put({ ...c, values });
      await stats.put(chunkStat(id, c.start, values, a));
    }
  }
  // the head: chunks ending at or before p0 go, the one across p0 is cut and re-keyed at p0
  const head = await chunks.openCursor(chunkRange(id, -Infinity, p0), 'prev');
  if (head) {
    const c = head.value;
    const s = c.start;
    await chunks.delete(chunkRange(id, -Infinity, s, false, true));
    await stats.delete(chunkRange(id, -Infinity, s, false, true));
    if (s < p0) {
      await chunks.delete([id, s]);
      await stats.delete([id, s]);
      const rest = c.values.slice(Math.min(c.values.length, (p0 - s) * a));
      if (rest.length) {
        await chunks.put({ sampleId: id, start: p0, values: rest });
        await stats.put(chunkStat(id, p0, rest, a));
      }
    }
  }
  const first = await chunkOrigin(chunks, id);
  if (first === undefined) return 0;
  const tail = await chunks.openCursor(chunkRange(id), 'prev');
  return tail ? tail.value.start + tail.value.values.length / a - first : 0;
}
