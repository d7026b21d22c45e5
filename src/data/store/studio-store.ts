/**
 * The studio's persistent store: projects, samples, recordings in progress, models and the
 * feature cache, on IndexedDB through `idb`. DOM-free core module: the page, workers and Node tests
 * (with fake-indexeddb) use the same code.
 *
 * Guarantees:
 * - A sample's metadata and values are written in one transaction: a crash never leaves half a sample.
 * - Values are stored as bounded chunks (sample-chunks.ts), for samples of any length: a recording
 *   streams its chunks in while it runs and finishing it only marks it complete (and trims the edge
 *   chunks when cropped); after a crash or reload `recoverIncomplete` turns what was captured into a
 *   normal sample. Readers take frame ranges (`readFrames`, `frameBatches`, `overview`) rather than
 *   a long sample whole; `getSample` still joins a sample's values for short samples.
 * - A full disk surfaces as StudioError `storage/quota`, and everything written before stays.
 */
import { checkedModel, checkedProject, checkImpulseToStore, modelProblem } from './record-checks.ts';
import { StudioError } from '../../core/errors.ts';
import type { CaptureInfo, Category, GapInfo, RawRecording, Sample, SampleMeta, SensorAxis } from '../sample.ts';
import { STAT_BLOCK_FRAMES, type FeatureCacheRecord, type ModelRecord, type ProjectRecord, type StudioDb } from './schema.ts';
import { newId } from './ids.ts';
import { chunkRange, cropValues, deleteValues, putValues, readAllValues, readFrameRange } from './sample-chunks.ts';

/** Min and max of each axis over consecutive buckets of frames (a long sample's preview). */
export interface SampleOverview {
  /** Frames per bucket (the last bucket may hold fewer). */
  framesPerBucket: number;
  buckets: number;
  axes: number;
  /** buckets × axes, interleaved like the values. */
  min: Float32Array;
  max: Float32Array;
}

export interface LabelTotals {
  label: string;
  training: { count: number; durationMs: number };
  testing: { count: number; durationMs: number };
}

export interface RecordingStart {
  projectId: string;
  label: string;
  category: Category;
  axes: SensorAxis[];
  intervalMs: number;
  deviceName: string;
  deviceType?: string;
  person?: string;
  capture?: CaptureInfo;
}

/** The optional metadata an imported or generated sample keeps (device type, person, capture, gaps). */
function carriedMeta(rec: RawRecording): Partial<SampleMeta> {
  const m: Partial<SampleMeta> = {};
  if (rec.deviceType) m.deviceType = rec.deviceType;
  if (rec.person) m.person = rec.person;
  if (rec.capture) m.capture = { ...rec.capture };
  if (rec.gaps?.length) m.gaps = rec.gaps.map((g) => ({ ...g }));
  return m;
}

export function wrapStorageError(e: unknown, what: string): StudioError {
  if (e instanceof StudioError) return e;
  const name = (e as { name?: string } | null)?.name;
  if (name === 'QuotaExceededError') {
    return new StudioError({
      family: 'storage',
      code: 'quota',
      message: `The browser's storage for this site is full, so ${what} could not be saved. Everything saved before is kept.`,
      remedy: 'Free space: delete unused projects or samples (or export them first), or free disk space, then try again.',
      cause: e,
    });
  }
  return new StudioError({
    family: 'storage',
    code: 'write-failed',
    message: `Saving ${what} failed (${e instanceof Error ? e.message : String(e)}).`,
    remedy: 'Try again; if it keeps failing, export your project and reload the page.',
    cause: e,
  });
}

/** Counts and total duration per label and category of complete samples. */
export function computeTotals(metas: SampleMeta[]): LabelTotals[] {
  const by = new Map<string, LabelTotals>();
  for (const m of metas) {
    if (!m.complete) continue;
    let t = by.get(m.label);
    if (!t) by.set(m.label, (t = { label: m.label, training: { count: 0, durationMs: 0 }, testing: { count: 0, durationMs: 0 } }));
    const c = t[m.category];
    c.count++;
    c.durationMs += m.length * m.intervalMs;
  }
  return [...by.values()].sort((a, b) => a.label.localeCompare(b.label));
}


/**
 * The stored sample a rewrite (crop, new values) starts from, read in the rewrite's transaction:
 * `not-found` when it is gone, `stale` when `expectedVersion` is given and another tab changed it.
 */
async function sampleToRewrite(tx: Parameters<typeof cropValues>[0], id: string, expectedVersion: number | undefined): Promise<SampleMeta> {
  const meta = await tx.objectStore('samples').get(id);
  if (!meta) throw new StudioError({ family: 'storage', code: 'not-found', message: 'That sample no longer exists.' });
  if (expectedVersion !== undefined && meta.version !== expectedVersion) {
    throw new StudioError({ family: 'storage', code: 'stale', message: 'This sample was changed in another tab since you opened it.', remedy: 'It has been reloaded: check it and try again.' });
  }
  return meta;
}

/**
 * Keeps frames [from, to) of a sample inside a transaction, clamped to its length: crops the stored
 * values (only the chunks at the edges are rewritten) and moves the gaps inside the range to the new
 * start. Returns the new length and gaps.
 */
async function cropInTx(tx: Parameters<typeof cropValues>[0], meta: SampleMeta, gaps: GapInfo[] | undefined, from: number, to: number): Promise<{ length: number; gaps: GapInfo[] | undefined }> {
  const a = Math.max(0, Math.min(meta.length, Math.floor(from)));
  const b = Math.max(a, Math.min(meta.length, Math.floor(to)));
  const length = await cropValues(tx, meta.id, meta.axes.length, a, b);
  return { length, gaps: gaps?.filter((g) => g.atFrame > a && g.atFrame < b).map((g) => ({ ...g, atFrame: g.atFrame - a })) };
}

/** `meta` with these gaps, or without the field when there are none. */
function withGaps(meta: SampleMeta, gaps: GapInfo[] | undefined): SampleMeta {
  const next: SampleMeta = { ...meta };
  if (gaps?.length) next.gaps = gaps;
  else delete next.gaps;
  return next;
}
export class StudioStore {
  constructor(readonly db: StudioDb) {}

  close(): void {
    this.db.close();
  }

  // ---- projects -------------------------------------------------------------------------------

  async listProjects(): Promise<ProjectRecord[]> {
    const all = await this.db.getAll('projects');
    return all.sort((a, b) => a.createdAt - b.createdAt).map(checkedProject);
  }

  /** The project; a stored impulse that no longer fits its schema is left out, with `impulseProblem`. */
  async getProject(id: string): Promise<ProjectRecord | undefined> {
    const p = await this.db.get('projects', id);
    return p && checkedProject(p);
  }

  async createProject(name: string, extra: Partial<ProjectRecord> = {}): Promise<ProjectRecord> {
    const clean = name.trim();
    if (!clean) throw new StudioError({ family: 'config', code: 'empty-name', message: 'A project needs a name.' });
    const now = Date.now();
    if (extra.impulse !== undefined) checkImpulseToStore(extra.impulse);
    const rec: ProjectRecord = { id: newId(), name: clean.slice(0, 120), createdAt: now, updatedAt: now, ...extra };
    delete rec.impulseProblem;
    try {
      await this.db.add('projects', rec);
    } catch (e) {
      throw wrapStorageError(e, 'the new project');
    }
    return rec;
  }

  async updateProject(id: string, patch: Partial<Omit<ProjectRecord, 'id' | 'createdAt'>>): Promise<ProjectRecord> {
    const tx = this.db.transaction('projects', 'readwrite');
    const cur = await tx.store.get(id);
    if (!cur) throw new StudioError({ family: 'storage', code: 'not-found', message: 'That project no longer exists.' });
    if (patch.impulse !== undefined) checkImpulseToStore(patch.impulse);
    const next = { ...cur, ...patch, id, updatedAt: Date.now() };
    delete next.impulseProblem;
    if (patch.name !== undefined) {
      next.name = patch.name.trim().slice(0, 120);
      if (!next.name) throw new StudioError({ family: 'config', code: 'empty-name', message: 'A project needs a name.' });
    }
    await tx.store.put(next);
    await tx.done;
    return next;
  }

  /**
   * The next deployment sequence number of a project (one more than the last one, and more than
   * `atLeast`, e.g. what a connected board reports), stored in the project record in one transaction.
   */
  async nextDeploySequence(id: string, atLeast = 0): Promise<number> {
    const tx = this.db.transaction('projects', 'readwrite');
    const cur = await tx.store.get(id);
    if (!cur) throw new StudioError({ family: 'storage', code: 'not-found', message: 'That project no longer exists.' });
    const seq = Math.max(cur.deploySequence ?? 0, atLeast) + 1;
    await tx.store.put({ ...cur, deploySequence: seq });
    await tx.done;
    return seq;
  }

  /** Saves the impulse tuner's state with the project (without touching updatedAt). */
  async saveTunerState(id: string, state: unknown): Promise<void> {
    const tx = this.db.transaction('projects', 'readwrite');
    const cur = await tx.store.get(id);
    if (!cur) throw new StudioError({ family: 'storage', code: 'not-found', message: 'That project no longer exists.' });
    await tx.store.put({ ...cur, tunerState: structuredClone(state) });
    await tx.done;
  }

  async getTunerState<T = unknown>(id: string): Promise<T | undefined> {
    return (await this.db.get('projects', id))?.tunerState as T | undefined; // the tuner's own plain-JSON state (ml/tune), kept opaque here
  }

  async deleteProject(id: string): Promise<void> {
    const tx = this.db.transaction(['projects', 'samples', 'sampleData', 'chunks', 'sampleChunks', 'chunkStats', 'models', 'features'], 'readwrite');
    const ids = await tx.objectStore('samples').index('by-project').getAllKeys(id);
    for (const sid of ids) {
      await tx.objectStore('samples').delete(sid);
      await deleteValues(tx, sid);
      await tx.objectStore('chunks').delete(chunkRange(sid));
    }
    for (const mid of await tx.objectStore('models').index('by-project').getAllKeys(id)) await tx.objectStore('models').delete(mid);
    for (const fk of await tx.objectStore('features').index('by-project').getAllKeys(id)) await tx.objectStore('features').delete(fk);
    await tx.objectStore('projects').delete(id);
    await tx.done;
  }

  // ---- samples --------------------------------------------------------------------------------

  /** Metadata of every sample of a project (no values), oldest first. */
  async listSamples(projectId: string): Promise<SampleMeta[]> {
    const range = IDBKeyRange.bound([projectId, -Infinity], [projectId, Infinity]);
    return this.db.getAllFromIndex('samples', 'by-project-created', range);
  }

  async countSamples(projectId: string): Promise<number> {
    return this.db.countFromIndex('samples', 'by-project', projectId);
  }

  getSampleMeta(id: string): Promise<SampleMeta | undefined> {
    return this.db.get('samples', id);
  }

  /**
   * A sample with all its values joined in memory. For short samples (clips, IMU recordings); a long
   * recording is read by frame ranges (`readFrames`, `frameBatches`) or previewed with `overview`.
   */
  async getSample(id: string): Promise<Sample | undefined> {
    const tx = this.db.transaction(['samples', 'sampleData', 'sampleChunks']);
    const meta = await tx.objectStore('samples').get(id);
    const values = meta ? await readAllValues(tx, id) : undefined;
    await tx.done;
    if (!meta) return undefined;
    return { meta, values: values ?? new Float32Array(0) };
  }

  /** Values of several samples in one read transaction (undefined for a missing one), in `ids` order. */
  async getSampleValues(ids: string[]): Promise<(Float32Array | undefined)[]> {
    const tx = this.db.transaction(['samples', 'sampleData', 'sampleChunks']);
    const out = await Promise.all(
      ids.map(async (id) => ((await tx.objectStore('samples').getKey(id)) === undefined ? undefined : ((await readAllValues(tx, id)) ?? new Float32Array(0)))),
    );
    await tx.done;
    return out;
  }

  /**
   * Frames [from, to) of a sample, interleaved (clamped to the sample; undefined when it does not
   * exist). Reads only the chunks that overlap the range.
   */
  async readFrames(id: string, from: number, to: number): Promise<Float32Array | undefined> {
    const tx = this.db.transaction(['samples', 'sampleData', 'sampleChunks']);
    const meta = await tx.objectStore('samples').get(id);
    const values = meta ? await readFrameRange(tx, id, meta.axes.length, from, Math.min(to, meta.length)) : undefined;
    await tx.done;
    return values;
  }

  /**
   * A sample's frames [from, to) in consecutive batches of at most `batchFrames` frames, each read in
   * its own transaction: memory stays bounded however long the sample is.
   */
  async *frameBatches(id: string, opts: { from?: number; to?: number; batchFrames?: number } = {}): AsyncGenerator<{ start: number; values: Float32Array }> {
    const meta = await this.db.get('samples', id);
    if (!meta) return;
    const a = Math.max(1, meta.axes.length);
    const batch = Math.max(1, Math.floor(opts.batchFrames ?? (1 << 20) / a));
    const end = Math.min(meta.length, opts.to ?? meta.length);
    for (let f = Math.max(0, opts.from ?? 0); f < end; f += batch) {
      const values = await this.readFrames(id, f, Math.min(end, f + batch));
      if (!values || values.length === 0) return;
      yield { start: f, values };
    }
  }

  /**
   * Min/max per axis over about `buckets` equal stretches of a sample. When the chunks' stored
   * summaries have at least two blocks (STAT_BLOCK_FRAMES) per bucket it is made from them, each
   * block counted in the bucket where it starts, reading no values; otherwise from the values,
   * batch by batch.
   */
  async overview(id: string, buckets: number): Promise<SampleOverview | undefined> {
    const meta = await this.db.get('samples', id);
    if (!meta) return undefined;
    const a = Math.max(1, meta.axes.length);
    const per = Math.max(1, Math.ceil(meta.length / Math.max(1, Math.floor(buckets))));
    const count = Math.ceil(meta.length / per);
    const min = new Float32Array(count * a).fill(Infinity);
    const max = new Float32Array(count * a).fill(-Infinity);
    const stats = per >= 2 ? await this.db.getAll('chunkStats', chunkRange(id)) : [];
    if (stats.reduce((n, st) => n + st.min.length / a, 0) >= 2 * count) {
      const origin = stats[0].start;
      for (const st of stats) {
        for (let j = 0; j < st.min.length / a; j++) {
          const b = Math.min(count - 1, Math.floor((st.start + j * STAT_BLOCK_FRAMES - origin) / per)) * a;
          for (let k = 0; k < a; k++) {
            if (st.min[j * a + k] < min[b + k]) min[b + k] = st.min[j * a + k];
            if (st.max[j * a + k] > max[b + k]) max[b + k] = st.max[j * a + k];
          }
        }
      }
      // a bucket no block starts in lies inside the previous bucket's last block
      for (let i = a; i < min.length; i++) {
        if (min[i] === Infinity) {
          min[i] = min[i - a];
          max[i] = max[i - a];
        }
      }
      return { framesPerBucket: per, buckets: count, axes: a, min, max };
    }
    for await (const { start, values } of this.frameBatches(id, { batchFrames: Math.max(per, Math.floor((1 << 20) / a)) })) {
      const n = values.length / a;
      for (let i = 0; i < n; i++) {
        const b = Math.floor((start + i) / per) * a;
        for (let k = 0; k < a; k++) {
          const v = values[i * a + k];
          if (v < min[b + k]) min[b + k] = v;
          if (v > max[b + k]) max[b + k] = v;
        }
      }
    }
    return { framesPerBucket: per, buckets: count, axes: a, min, max };
  }

  async addSample(projectId: string, rec: RawRecording, id = newId()): Promise<SampleMeta> {
    const axesCount = rec.axes.length;
    if (axesCount === 0 || rec.values.length % axesCount !== 0) {
      throw new StudioError({ family: 'import', code: 'shape', message: `Sample "${rec.name}" has ${rec.values.length} values, not a multiple of its ${axesCount} axes.` });
    }
    const meta: SampleMeta = {
      id,
      projectId,
      label: rec.label,
      category: rec.category,
      axes: rec.axes.map((a) => ({ name: a.name, units: a.units })),
      intervalMs: rec.intervalMs,
      length: rec.values.length / axesCount,
      deviceName: rec.deviceName ?? 'imported',
      createdAt: rec.createdAt ?? Date.now(),
      version: 1,
      sourceName: rec.name,
      complete: true,
      ...carriedMeta(rec),
    };
    try {
      const tx = this.db.transaction(['samples', 'sampleChunks', 'chunkStats'], 'readwrite');
      await Promise.all([tx.objectStore('samples').add(meta), putValues(tx, id, rec.values, axesCount, 0), tx.done]);
    } catch (e) {
      throw wrapStorageError(e, `sample "${rec.name}"`);
    }
    return meta;
  }

  /** Adds several complete samples in one transaction: all of them or none (used for generated data). */
  async addSamples(projectId: string, recs: RawRecording[]): Promise<SampleMeta[]> {
    const metas = recs.map((rec): SampleMeta => {
      const axesCount = rec.axes.length;
      if (axesCount === 0 || rec.values.length % axesCount !== 0) {
        throw new StudioError({ family: 'import', code: 'shape', message: `Sample "${rec.name}" has ${rec.values.length} values, not a multiple of its ${axesCount} axes.` });
      }
      return {
        id: newId(), projectId, label: rec.label, category: rec.category,
        axes: rec.axes.map((a) => ({ name: a.name, units: a.units })), intervalMs: rec.intervalMs,
        length: rec.values.length / axesCount, deviceName: rec.deviceName ?? 'imported', createdAt: rec.createdAt ?? Date.now(),
        version: 1, sourceName: rec.name, complete: true, ...carriedMeta(rec),
      };
    });
    try {
      const tx = this.db.transaction(['samples', 'sampleChunks', 'chunkStats'], 'readwrite');
      const ops: Promise<unknown>[] = [];
      metas.forEach((m, i) => {
        ops.push(tx.objectStore('samples').add(m), putValues(tx, m.id, recs[i].values, m.axes.length, 0));
      });
      await Promise.all([...ops, tx.done]);
    } catch (e) {
      throw wrapStorageError(e, `${recs.length} samples`);
    }
    return metas;
  }

  /** Changes label and/or category of several samples in one transaction. */
  async updateSamples(ids: string[], patch: { label?: string; category?: Category }): Promise<void> {
    const label = patch.label?.trim();
    if (patch.label !== undefined && !label) throw new StudioError({ family: 'config', code: 'empty-label', message: 'A label cannot be empty.' });
    const tx = this.db.transaction('samples', 'readwrite');
    for (const id of ids) {
      const cur = await tx.store.get(id);
      if (!cur) continue;
      await tx.store.put({ ...cur, ...(label !== undefined ? { label } : {}), ...(patch.category ? { category: patch.category } : {}) });
    }
    await tx.done;
  }

  /**
   * Replaces a sample's values (crop), bumping its version so caches invalidate. With `expectedVersion`
   * the write is refused (code `stale`) when another tab changed the sample since it was read.
   */
  async replaceValues(id: string, values: Float32Array, expectedVersion?: number): Promise<SampleMeta> {
    try {
      const tx = this.db.transaction(['samples', 'sampleData', 'sampleChunks', 'chunkStats'], 'readwrite');
      const meta = await sampleToRewrite(tx, id, expectedVersion);
      const next: SampleMeta = { ...meta, length: values.length / meta.axes.length, version: meta.version + 1 };
      await tx.objectStore('samples').put(next);
      await deleteValues(tx, id);
      await putValues(tx, id, values, meta.axes.length, 0);
      await tx.done;
      return next;
    } catch (e) {
      throw wrapStorageError(e, 'the changed sample');
    }
  }

  /**
   * Keeps only frames [from, to) of a sample (crop) without reading or rewriting more than the two
   * chunks at the edges; bumps the version. `expectedVersion` as in `replaceValues`.
   */
  async cropSample(id: string, from: number, to: number, expectedVersion?: number): Promise<SampleMeta> {
    try {
      const tx = this.db.transaction(['samples', 'sampleData', 'sampleChunks', 'chunkStats'], 'readwrite');
      const meta = await sampleToRewrite(tx, id, expectedVersion);
      const kept = await cropInTx(tx, meta, meta.gaps, from, to);
      const next = withGaps({ ...meta, length: kept.length, version: meta.version + 1 }, kept.gaps);
      await tx.objectStore('samples').put(next);
      await tx.done;
      return next;
    } catch (e) {
      throw wrapStorageError(e, 'the cropped sample');
    }
  }

  /** Deletes samples and returns them whole, so the UI can offer undo via `restoreSamples`. */
  async deleteSamples(ids: string[]): Promise<Sample[]> {
    const tx = this.db.transaction(['samples', 'sampleData', 'chunks', 'sampleChunks', 'chunkStats', 'features'], 'readwrite');
    const removed: Sample[] = [];
    for (const id of ids) {
      const meta = await tx.objectStore('samples').get(id);
      if (!meta) continue;
      const values = await readAllValues(tx, id);
      removed.push({ meta, values: values ?? new Float32Array(0) });
      await tx.objectStore('samples').delete(id);
      await deleteValues(tx, id);
      await tx.objectStore('chunks').delete(chunkRange(id));
      for (const fk of await tx.objectStore('features').index('by-sample').getAllKeys(id)) await tx.objectStore('features').delete(fk);
    }
    await tx.done;
    return removed;
  }

  async restoreSamples(samples: Sample[]): Promise<void> {
    try {
      const tx = this.db.transaction(['samples', 'sampleData', 'sampleChunks', 'chunkStats'], 'readwrite');
      for (const s of samples) {
        await tx.objectStore('samples').put(s.meta);
        await deleteValues(tx, s.meta.id);
        await putValues(tx, s.meta.id, s.values, s.meta.axes.length, 0);
      }
      await tx.done;
    } catch (e) {
      throw wrapStorageError(e, 'the restored samples');
    }
  }

  /** Counts and total duration per label and category, from metadata only (one index read). */
  async totals(projectId: string): Promise<LabelTotals[]> {
    return computeTotals(await this.db.getAllFromIndex('samples', 'by-project', projectId));
  }

  // ---- recordings in progress -----------------------------------------------------------------

  async beginRecording(start: RecordingStart): Promise<SampleMeta> {
    const meta: SampleMeta = {
      id: newId(),
      projectId: start.projectId,
      label: start.label,
      category: start.category,
      axes: start.axes,
      intervalMs: start.intervalMs,
      length: 0,
      deviceName: start.deviceName,
      deviceType: start.deviceType,
      ...(start.person ? { person: start.person } : {}),
      ...(start.capture ? { capture: { ...start.capture } } : {}),
      createdAt: Date.now(),
      version: 1,
      complete: false,
    };
    try {
      await this.db.add('samples', meta);
    } catch (e) {
      throw wrapStorageError(e, 'the new recording');
    }
    return meta;
  }

  /**
   * Appends interleaved frames to a recording in progress (as bounded chunks after the frames stored
   * so far) and keeps the metadata's length current, in one transaction. `index` is the caller's
   * running chunk number (kept for compatibility; the position comes from the stored length).
   */
  async appendChunk(sampleId: string, index: number, values: Float32Array): Promise<void> {
    void index;
    try {
      const tx = this.db.transaction(['samples', 'sampleChunks', 'chunkStats'], 'readwrite');
      const meta = await tx.objectStore('samples').get(sampleId);
      if (!meta) throw new StudioError({ family: 'storage', code: 'not-found', message: 'The recording was deleted while it ran.' });
      const a = meta.axes.length;
      if (values.length % a !== 0) throw new StudioError({ family: 'storage', code: 'write-failed', message: `A chunk of ${values.length} values is not whole frames of ${a} axes.` });
      await putValues(tx, sampleId, values, a, meta.length);
      await tx.objectStore('samples').put({ ...meta, length: meta.length + values.length / a });
      await tx.done;
    } catch (e) {
      throw wrapStorageError(e, 'the recording');
    }
  }

  /**
   * Marks a recording complete, optionally keeping only frames [from, to). Its chunks stay where
   * they are (a crop trims the chunks at the edges): nothing is joined, whatever the length.
   * Returns undefined (and deletes the sample) when nothing was captured.
   */
  async finishRecording(sampleId: string, keep?: { from: number; to: number }, patch?: Pick<SampleMeta, 'capture' | 'gaps'>): Promise<SampleMeta | undefined> {
    try {
      const tx = this.db.transaction(['samples', 'sampleData', 'sampleChunks', 'chunkStats'], 'readwrite');
      const meta = await tx.objectStore('samples').get(sampleId);
      if (!meta) {
        await tx.done;
        return undefined;
      }
      const { length, gaps } = keep ? await cropInTx(tx, meta, patch?.gaps ?? meta.gaps, keep.from, keep.to) : { length: meta.length, gaps: patch?.gaps ?? meta.gaps };
      if (length === 0) {
        await tx.objectStore('samples').delete(sampleId);
        await deleteValues(tx, sampleId);
        await tx.done;
        return undefined;
      }
      const next = withGaps({ ...meta, ...(patch?.capture ? { capture: patch.capture } : {}), length, complete: true }, gaps);
      await tx.objectStore('samples').put(next);
      await tx.done;
      return next;
    } catch (e) {
      throw wrapStorageError(e, 'the recording');
    }
  }

  /** Finishes every recording left incomplete by a crash, reload or unplug. Returns the recovered ones. */
  async recoverIncomplete(projectId?: string): Promise<SampleMeta[]> {
    const metas = projectId ? await this.db.getAllFromIndex('samples', 'by-project', projectId) : await this.db.getAll('samples');
    const out: SampleMeta[] = [];
    for (const m of metas) {
      if (m.complete) continue;
      const done = await this.finishRecording(m.id);
      if (done) out.push(done);
    }
    return out;
  }

  // ---- models ---------------------------------------------------------------------------------

  async saveModel(rec: Omit<ModelRecord, 'id'> & { id?: string }): Promise<ModelRecord> {
    const full: ModelRecord = { ...rec, id: rec.id ?? newId() };
    const problem = modelProblem(full);
    if (problem) throw new StudioError({ family: 'config', code: 'bad-model', message: `The model version cannot be saved: ${problem}.`, remedy: 'Train it again.' });
    try {
      await this.db.put('models', full);
    } catch (e) {
      throw wrapStorageError(e, 'the trained model');
    }
    return full;
  }

  async listModels(projectId: string): Promise<ModelRecord[]> {
    const all = await this.db.getAllFromIndex('models', 'by-project', projectId);
    // Versions whose impulse or metrics no longer fit their schemas are left out (still stored).
    return all.filter((m) => modelProblem(m) === undefined).sort((a, b) => b.createdAt - a.createdAt);
  }

  /** The model version; one whose impulse or metrics do not fit their schemas is refused with a message. */
  async getModel(id: string): Promise<ModelRecord | undefined> {
    const m = await this.db.get('models', id);
    return m && checkedModel(m);
  }

  async deleteModel(id: string): Promise<void> {
    await this.db.delete('models', id);
  }

  // ---- feature cache: one entry per sample version and DSP configuration ------------------------

  /**
   * Cached features of one version of a sample for a DSP configuration (`paramsHash`, from
   * featureParamsHash in src/dsp/features.ts), or undefined. The key format is this store's business.
   */
  getSampleFeatures(meta: Pick<SampleMeta, 'id' | 'version'>, paramsHash: string): Promise<FeatureCacheRecord | undefined> {
    return this.db.get('features', featureCacheKey(meta.id, meta.version, paramsHash));
  }

  /** Caches a sample version's features and drops the entries of its older versions (never used again). */
  async putSampleFeatures(meta: Pick<SampleMeta, 'id' | 'version' | 'projectId'>, paramsHash: string, f: { data: Float32Array; rows: number; starts: Int32Array }): Promise<void> {
    try {
      const tx = this.db.transaction('features', 'readwrite');
      for (const k of await tx.store.index('by-sample').getAllKeys(meta.id)) {
        if (!k.startsWith(`${meta.id}|${meta.version}|`)) await tx.store.delete(k);
      }
      await tx.store.put({ key: featureCacheKey(meta.id, meta.version, paramsHash), projectId: meta.projectId, sampleId: meta.id, data: f.data, rows: f.rows, starts: f.starts });
      await tx.done;
    } catch {
      // The cache is an optimisation: a full disk must not fail feature generation.
    }
  }

  async clearFeatures(projectId: string): Promise<void> {
    const tx = this.db.transaction('features', 'readwrite');
    for (const k of await tx.store.index('by-project').getAllKeys(projectId)) await tx.store.delete(k);
    await tx.done;
  }
}

/** `${sampleId}|${sampleVersion}|${paramsHash}` (FeatureCacheRecord.key). */
export function featureCacheKey(sampleId: string, sampleVersion: number, paramsHash: string): string {
  return `${sampleId}|${sampleVersion}|${paramsHash}`;
}
