/**
 * Hostile imports through the Data step's worker all the way into IndexedDB (fake-indexeddb), driven
 * through comlink as the page drives it: random folders of valid, broken and hostile files are parsed
 * and committed, and the store then holds exactly the previewed recordings, each complete, with as
 * many values as its length and axes say — never a partial sample, never an untyped error.
 */
import 'fake-indexeddb/auto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStudioDb } from '../data/store/open-db.ts';
import { StudioStore } from '../data/store/studio-store.ts';
import type { DataWorkerApi } from './data-worker.ts';
import { workerInProcess, type InProcessWorker } from './test-support/worker-in-process.ts';
import { fuzzParams } from '../../tests/helpers/fuzz.ts';

let worker: InProcessWorker<DataWorkerApi>;
let api: InProcessWorker<DataWorkerApi>['api'];
let store: StudioStore;

beforeAll(async () => {
  worker = await workerInProcess<DataWorkerApi>(() => import('./data-worker.ts'));
  api = worker.api;
  store = new StudioStore(await openStudioDb());
});

afterAll(() => worker.close());

const labelArb = fc.oneof(fc.constantFrom('idle', 'wave', 'constructor', '__proto__', 'toString', 'a b'), fc.string({ maxLength: 12 }));
const numArb = fc.oneof(fc.double({ noNaN: false }), fc.integer({ min: -1000, max: 1000 }), fc.constantFrom(1e-300, 1e300, -0));
const cellArb = fc.oneof({ weight: 6, arbitrary: numArb.map(String) }, { weight: 1, arbitrary: fc.string({ maxLength: 20 }) }, { weight: 1, arbitrary: fc.constantFrom('', '=cmd()', 'NaN', '1e', '0x10', ' 3 ') });

/** One CSV of the common layout: mostly well formed, sometimes with hostile headers, cells or line ends. */
const csvArb = fc
  .record({
    axes: fc.array(fc.oneof(fc.constantFrom('x', 'y', 'z', 'constructor', '__proto__'), fc.string({ maxLength: 8 })), { minLength: 1, maxLength: 4 }),
    rows: fc.integer({ min: 0, max: 40 }),
    dt: fc.oneof(fc.constant(10), fc.constant(16), fc.constantFrom(0, 1e-300, -5, 1e9)),
    eol: fc.constantFrom('\n', '\r\n', '\r'),
    bad: fc.array(fc.tuple(fc.nat(60), cellArb), { maxLength: 3 }),
    bom: fc.boolean(),
  })
  .map(({ axes, rows, dt, eol, bad, bom }) => {
    const lines = [['timestamp_ms', ...axes].join(',')];
    for (let r = 0; r < rows; r++) lines.push([String(r * dt), ...axes.map((_, a) => String(Math.sin(r + a)))].join(','));
    for (const [at, cell] of bad) if (lines.length > 1) lines[1 + (at % (lines.length - 1))] += ',' + cell;
    return (bom ? '\ufeff' : '') + lines.join(eol) + eol;
  });

const fileArb = fc.record({
  label: labelArb,
  id: fc.oneof(fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 1, maxLength: 6 }), fc.constantFrom('constructor', '..', '')),
  text: fc.oneof({ weight: 8, arbitrary: csvArb }, { weight: 1, arbitrary: fc.string({ maxLength: 200 }) }),
  hidden: fc.boolean(),
});

describe('data worker: random imports into IndexedDB (property-based)', () => {
  it('stores exactly the previewed recordings, each complete and whole, and fails only with StudioErrors', async () => {
    let n = 0;
    let stored = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fileArb, { minLength: 1, maxLength: 5 }), async (files) => {
        const project = await store.createProject(`fuzz ${n++}`);
        const jobId = `fuzz-${n}`;
        const inputs = files.map((f, i) => ({ path: `${f.hidden && i === 0 ? '.' : ''}${f.label}.${f.id}${i}.csv`, file: new Blob([f.text]) }));
        let preview;
        try {
          preview = await api.parse(jobId, inputs);
        } catch (e) {
          // The worker's wire form of a StudioError carries its code; anything else is a defect.
          expect((e as { studioError?: { code?: string } }).studioError?.code, String(e)).toBeTypeOf('string');
          expect(await store.listSamples(project.id)).toEqual([]);
          refused++;
          return;
        }
        const res = await api.commit(jobId, project.id, { category: 'keep', skipExisting: false, importProject: false });
        expect(res.error, JSON.stringify(res.error)).toBeUndefined();
        const metas = await store.listSamples(project.id);
        expect(metas.length).toBe(preview.recordings.length);
        expect(res.written).toBe(metas.length);
        stored += metas.length;
        if (preview.errors.length) refused++;
        const values = await store.getSampleValues(metas.map((m) => m.id));
        metas.forEach((m, i) => {
          expect(m.complete).toBe(true);
          expect(values[i]?.length).toBe(m.length * m.axes.length);
        });
      }),
      fuzzParams('data_worker_import', 60),
    );
    // Both outcomes are reached: recordings stored, and files refused.
    expect(stored).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  }, 3_600_000);
});
