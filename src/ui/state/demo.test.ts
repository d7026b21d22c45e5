import 'fake-indexeddb/auto';
import { describe, it, expect } from 'vitest';
import { openStudioDb } from '../../data/store/open-db.ts';
import { StudioStore } from '../../data/store/studio-store.ts';
import { seedDemoProject } from './demo.ts';

describe('demo project', () => {
  it('has no recording dated in the future, so new recordings sort after the demo', async () => {
    const store = new StudioStore(await openStudioDb({ name: `demo-${Math.random()}` }));
    const p = await store.createProject('Demo', { demo: true });
    const now = Date.now();
    await seedDemoProject(store, p.id, now);
    const metas = await store.listSamples(p.id);
    expect(metas.length).toBe(40);
    expect(Math.max(...metas.map((m) => m.createdAt))).toBeLessThanOrEqual(now);
    expect(Math.min(...metas.map((m) => m.createdAt))).toBeGreaterThan(now - 5 * 60_000);
  });
});
