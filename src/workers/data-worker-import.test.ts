/**
 * The Data step's worker on hostile imports, driven through comlink as the page drives it: the zip
 * bomb is refused (no preview offering hours of zeros), and an import past the memory budget fails
 * with the budget's message. Files are Blobs, as the page hands them over.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvBombZip } from '../data/io/test-fixtures.ts';
import type { DataWorkerApi } from './data-worker.ts';
import { workerInProcess, type InProcessWorker } from './test-support/worker-in-process.ts';

let worker: InProcessWorker<DataWorkerApi>;
let api: InProcessWorker<DataWorkerApi>['api'];

beforeAll(async () => {
  worker = await workerInProcess<DataWorkerApi>(() => import('./data-worker.ts'));
  api = worker.api;
});

afterAll(() => worker.close());

describe('data worker: hostile imports', () => {
  it('refuses the zip bomb: no recordings, no hours of zeros in the preview', async () => {
    const { zip } = csvBombZip(8e6, 8, false);
    const p = await api.parse('j1', [{ path: 'bomb.zip', file: new Blob([zip as Uint8Array<ArrayBuffer>]) }]);
    expect(p.recordings).toEqual([]);
    expect(p.summary.labels).toEqual([]);
    expect(p.errors.map((e) => e.code)).toEqual(['zip-bomb']);
    // The list shows the file in its own column: the message is the detail alone.
    expect(p.errors[0].file).toBe('bomb.zip');
    expect(p.errors[0].message).toMatch(/^entry "idle\.0\.csv" claims to unpack/);
  });

  it('an import past the memory budget fails with the budget message and keeps nothing', async () => {
    const { zip } = csvBombZip(2e6, 8, true);
    const err = await api.parse('j2', [{ path: 'b.zip', file: new Blob([zip as Uint8Array<ArrayBuffer>]) }], { limits: { maxDecodedBytes: 8e6 } }).catch((e: unknown) => e);
    // The worker's wire form of a StudioError (the page's client turns it back into one).
    const wire = (err as { studioError?: { code: string; message: string } }).studioError;
    expect(wire?.code).toBe('over-budget');
    expect(wire?.message).toMatch(/more than this import's memory budget of 7\.6 MB/);
    expect(await api.previewValues('j2', 'idle.0')).toBe(null);
  });
});
