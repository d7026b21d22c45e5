/**
 * Stored impulses and model versions are read (and written) through their schemas: what an older
 * build or an unvalidated import left in IndexedDB never reaches the steps as a broken object, and
 * nothing is deleted.
 */
import 'fake-indexeddb/auto';
import { describe, it, expect } from 'vitest';
import { openStudioDb } from './open-db.ts';
import { StudioStore } from './studio-store.ts';
import { defaultImpulse } from '../../ml/defaults.ts';

let n = 0;
const fresh = async () => new StudioStore(await openStudioDb({ name: `rc${++n}-${Math.random()}` }));
const good = () => defaultImpulse({ frequencyHz: 50, axes: ['x'], labels: ['a', 'b'], shortestRecordingMs: 3000 });

describe('stored records through the schemas', () => {
  it('a stored impulse that does not fit is left out with a reason, never deleted; bad ones are not saved', async () => {
    const s = await fresh();
    const p = await s.createProject('P', { impulse: good() });
    expect((await s.getProject(p.id))?.impulse).toEqual(good());
    // What an unvalidated archive import wrote before: stored as is, underneath the store.
    const db = (s as unknown as { db: { put(store: string, v: unknown): Promise<unknown>; get(store: string, k: string): Promise<{ impulse: unknown }> } }).db;
    await db.put('projects', { ...p, impulse: { ...good(), windowing: { ...good().windowing, windowMs: -1, strideMs: 'x' }, dsp: 5 } });
    const read = await s.getProject(p.id);
    expect(read?.impulse).toBeUndefined();
    expect(read?.impulseProblem).toMatch(/impulse\.windowing\.windowMs must be a number above 0 .*found -1/);
    expect((await s.listProjects())[0].impulseProblem).toBeDefined();
    expect((await db.get('projects', p.id)).impulse).toMatchObject({ dsp: 5 }); // nothing lost
    await expect(s.updateProject(p.id, { impulse: { ...good(), labels: ['a', 'a'] } })).rejects.toMatchObject({ family: 'config', code: 'bad-impulse' });
    await s.updateProject(p.id, { impulse: good() });
    expect((await s.getProject(p.id))?.impulseProblem).toBeUndefined();
  });

  it('a model version with a bad impulse or metrics is left out of the list and refused by id', async () => {
    const s = await fresh();
    const p = await s.createProject('P');
    const ok = await s.saveModel({ projectId: p.id, name: 'ok', createdAt: 1, impulse: good(), metrics: { labels: ['a', 'b'] }, artifacts: {} });
    await expect(s.saveModel({ projectId: p.id, name: 'bad', createdAt: 2, impulse: good(), metrics: { float: { accuracy: 7 } }, artifacts: {} })).rejects.toMatchObject({ code: 'bad-model' });
    const db = (s as unknown as { db: { put(store: string, v: unknown): Promise<unknown> } }).db;
    await db.put('models', { id: 'old', projectId: p.id, name: 'old', createdAt: 3, impulse: { ...good(), training: { ...good().training, epochs: 'many' } }, metrics: {}, artifacts: {} });
    expect((await s.listModels(p.id)).map((m) => m.id)).toEqual([ok.id]);
    await expect(s.getModel('old')).rejects.toThrow(/impulse\.training\.epochs must be a whole number .*found "many"/);
    expect((await s.getModel(ok.id))?.name).toBe('ok');
  });
});
