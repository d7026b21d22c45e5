import 'fake-indexeddb/auto';
import { describe, it, expect, beforeEach } from 'vitest';
import { openDB } from 'idb';
import { openStudioDb } from './open-db.ts';
import { StudioStore } from './studio-store.ts';
import { Recorder } from '../recorder.ts';
import type { RawRecording } from '../sample.ts';
import { DB_VERSION } from './schema.ts';

let n = 0;
async function fresh(): Promise<StudioStore> {
  return new StudioStore(await openStudioDb({ name: `t${++n}-${Math.random()}` }));
}

function rec(label: string, frames: number, axes = 3, seed = 1): RawRecording {
  const values = new Float32Array(frames * axes);
  for (let i = 0; i < values.length; i++) values[i] = Math.fround(Math.sin(i * 0.1 + seed) * 9.81);
  return { name: `${label}.${seed}`, label, category: 'training', axes: [{ name: 'accX', units: 'm/s2' }, { name: 'accY', units: 'm/s2' }, { name: 'accZ', units: 'm/s2' }].slice(0, axes), intervalMs: 10, values };
}

describe('StudioStore', () => {
  let store: StudioStore;
  beforeEach(async () => {
    store = await fresh();
  });

  it('creates, renames, lists and deletes projects with their samples', async () => {
    const a = await store.createProject('Gestures');
    const b = await store.createProject('  Other  ');
    expect(b.name).toBe('Other');
    await store.addSample(a.id, rec('wave', 200));
    await store.addSample(b.id, rec('idle', 100));
    await store.updateProject(a.id, { name: 'Wand' });
    expect((await store.listProjects()).map((p) => p.name)).toEqual(['Wand', 'Other']);
    await store.deleteProject(a.id);
    expect((await store.listProjects()).map((p) => p.name)).toEqual(['Other']);
    expect(await store.countSamples(a.id)).toBe(0);
    expect(await store.countSamples(b.id)).toBe(1);
    await expect(store.createProject('   ')).rejects.toMatchObject({ code: 'empty-name' });
  });

  it('counts deployments per project in the project record', async () => {
    const a = await store.createProject('A');
    const b = await store.createProject('B');
    expect(await store.nextDeploySequence(a.id)).toBe(1);
    expect(await store.nextDeploySequence(a.id)).toBe(2);
    expect(await store.nextDeploySequence(a.id, 10)).toBe(11);
    expect(await store.nextDeploySequence(b.id)).toBe(1);
    expect((await store.getProject(a.id))?.deploySequence).toBe(11);
  });

  it('keeps Float32 values bit-exact and computes totals per label and category', async () => {
    const p = await store.createProject('P');
    const r = rec('wave', 150);
    const m = await store.addSample(p.id, r);
    await store.addSample(p.id, { ...rec('wave', 50), category: 'testing' });
    await store.addSample(p.id, rec('idle', 100));
    const s = await store.getSample(m.id);
    expect(s?.values).toEqual(r.values);
    expect(s?.meta.length).toBe(150);
    const t = await store.totals(p.id);
    expect(t).toEqual([
      { label: 'idle', training: { count: 1, durationMs: 1000 }, testing: { count: 0, durationMs: 0 } },
      { label: 'wave', training: { count: 1, durationMs: 1500 }, testing: { count: 1, durationMs: 500 } },
    ]);
  });

  it('relabels, moves and deletes with undo', async () => {
    const p = await store.createProject('P');
    const a = await store.addSample(p.id, rec('wave', 10));
    const b = await store.addSample(p.id, rec('wave', 10, 3, 2));
    await store.updateSamples([a.id, b.id], { label: 'circle', category: 'testing' });
    expect((await store.listSamples(p.id)).map((m) => [m.label, m.category])).toEqual([
      ['circle', 'testing'],
      ['circle', 'testing'],
    ]);
    const removed = await store.deleteSamples([a.id]);
    expect(await store.countSamples(p.id)).toBe(1);
    await store.restoreSamples(removed);
    expect((await store.getSample(a.id))?.values).toEqual(removed[0].values);
    await expect(store.updateSamples([a.id], { label: ' ' })).rejects.toMatchObject({ code: 'empty-label' });
  });

  it('crop bumps the version', async () => {
    const p = await store.createProject('P');
    const a = await store.addSample(p.id, rec('wave', 10));
    const s = (await store.getSample(a.id))!;
    const m = await store.replaceValues(a.id, s.values.slice(3, 15));
    expect(m.length).toBe(4);
    expect(m.version).toBe(2);
    // A second tab that read version 1 is refused instead of overwriting the crop.
    await expect(store.replaceValues(a.id, s.values, 1)).rejects.toMatchObject({ code: 'stale' });
    expect((await store.getSample(a.id))!.meta.length).toBe(4);
  });

  it('records in chunks and recovers an interrupted recording after a "reload"', async () => {
    const p = await store.createProject('P');
    const axes = [{ name: 'accX', units: 'm/s2' }];
    const r = await Recorder.start(store, { projectId: p.id, label: 'wave', category: 'training', axes, intervalMs: 10, deviceName: 'sim' }, { lengthMs: 2000, chunkMs: 500 });
    // 1.25 s of data arrives in 10-frame batches: 2 full chunks (1 s) are written, 0.25 s is still buffered.
    for (let i = 0; i < 125; i += 10) r.push(Float32Array.from({ length: Math.min(10, 125 - i) }, (_, k) => i + k));
    await r.written();
    // Simulate a crash: the page never calls finish. A new page opens the same database.
    const recovered = await store.recoverIncomplete(p.id);
    expect(recovered).toHaveLength(1);
    expect(recovered[0].length).toBe(100);
    expect(recovered[0].complete).toBe(true);
    const s = await store.getSample(recovered[0].id);
    expect(Array.from(s!.values.slice(0, 3))).toEqual([0, 1, 2]);
    expect(s!.values[99]).toBe(99);
  });

  it('finishes a recording at the requested length and supports keep/trim after an unplug', async () => {
    const p = await store.createProject('P');
    const axes = [{ name: 'a', units: '' }, { name: 'b', units: '' }];
    const start = { projectId: p.id, label: 'x', category: 'training' as const, axes, intervalMs: 10, deviceName: 'sim' };
    const r = await Recorder.start(store, start, { lengthMs: 200 });
    for (let i = 0; i < 30; i++) r.push(new Float32Array([i, -i]));
    const done = await r.done;
    expect(done?.length).toBe(20);
    const s = await store.getSample(done!.id);
    expect(s!.values[38]).toBe(19);

    const r2 = await Recorder.start(store, start, { lengthMs: 2000 });
    for (let i = 0; i < 50; i++) r2.push(new Float32Array([i, -i]));
    await r2.interrupt();
    const kept = await r2.keep({ from: 10, to: 40 });
    expect(kept?.length).toBe(30);
    expect((await store.getSample(kept!.id))!.values[0]).toBe(10);

    const r3 = await Recorder.start(store, start, { lengthMs: 2000 });
    r3.push(new Float32Array([1, 2]));
    await r3.discard();
    expect(await store.countSamples(p.id)).toBe(2);
  });

  it('turns QuotaExceededError into a storage/quota error and keeps earlier samples', async () => {
    const p = await store.createProject('P');
    await store.addSample(p.id, rec('wave', 10));
    const orig = store.db.transaction.bind(store.db);
    (store.db as unknown as { transaction: unknown }).transaction = () => {
      throw new DOMException('full', 'QuotaExceededError');
    };
    await expect(store.addSample(p.id, rec('wave', 10))).rejects.toMatchObject({ family: 'storage', code: 'quota' });
    (store.db as unknown as { transaction: unknown }).transaction = orig;
    expect(await store.countSamples(p.id)).toBe(1);
  });

  it('feature cache: one entry per sample version and DSP configuration; a new version drops the old ones', async () => {
    const p = await store.createProject('P');
    const m = await store.addSample(p.id, rec('wave', 20));
    const f = (v: number) => ({ data: Float32Array.of(v, v + 1), rows: 1, starts: Int32Array.of(0) });
    await store.putSampleFeatures(m, 'hashA', f(1));
    await store.putSampleFeatures(m, 'hashB', f(2));
    expect(Array.from((await store.getSampleFeatures(m, 'hashA'))!.data)).toEqual([1, 2]);
    expect(Array.from((await store.getSampleFeatures(m, 'hashB'))!.data)).toEqual([2, 3]);
    const m2 = await store.replaceValues(m.id, new Float32Array(60));
    expect(m2.version).toBeGreaterThan(m.version);
    expect(await store.getSampleFeatures(m2, 'hashA')).toBeUndefined();
    await store.putSampleFeatures(m2, 'hashA', f(5));
    expect(await store.getSampleFeatures(m, 'hashA')).toBeUndefined();
    expect(await store.getSampleFeatures(m, 'hashB')).toBeUndefined();
    expect(Array.from((await store.getSampleFeatures(m2, 'hashA'))!.data)).toEqual([5, 6]);
    await store.clearFeatures(p.id);
    expect(await store.getSampleFeatures(m2, 'hashA')).toBeUndefined();
  });

  it('reads the values of several samples in one go, in order', async () => {
    const p = await store.createProject('P');
    const a = await store.addSample(p.id, rec('wave', 5, 3, 1));
    const b = await store.addSample(p.id, rec('idle', 7, 3, 2));
    const v = await store.getSampleValues([b.id, 'missing', a.id]);
    expect(v.map((x) => x?.length)).toEqual([21, undefined, 15]);
    expect(Array.from(v[2]!)).toEqual(Array.from(rec('wave', 5, 3, 1).values));
  });
});

describe('schema migrations', () => {
  it('upgrades a version-1 database with its data to the current version', async () => {
    const name = `mig-${Math.random()}`;
    const v1 = await openStudioDb({ name, version: 1 });
    await v1.put('projects', { id: 'p1', name: 'Old', createdAt: 1, updatedAt: 1 });
    await v1.put('samples', { id: 's1', projectId: 'p1', label: 'wave', category: 'training', axes: [{ name: 'x', units: '' }], intervalMs: 10, length: 2, deviceName: 'd', createdAt: 5, version: 1, complete: true });
    await v1.put('sampleData', { id: 's1', values: new Float32Array([1, 2]) });
    expect(v1.objectStoreNames.contains('models')).toBe(false);
    v1.close();

    const store = new StudioStore(await openStudioDb({ name }));
    expect(store.db.version).toBe(DB_VERSION);
    expect(store.db.objectStoreNames.contains('models')).toBe(true);
    expect((await store.listSamples('p1')).map((m) => m.id)).toEqual(['s1']);
    expect((await store.getSample('s1'))!.values).toEqual(new Float32Array([1, 2]));
  });

  it('refuses a database from a newer version with a clear message', async () => {
    const name = `newer-${Math.random()}`;
    const db = await openDB(name, DB_VERSION + 5);
    db.close();
    await expect(openStudioDb({ name })).rejects.toMatchObject({ code: 'version' });
  });
});
