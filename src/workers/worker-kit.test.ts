import { describe, it, expect } from 'vitest';
import { StudioError } from '../core/errors.ts';
import { exposeWorkerApi, jobTable, newJobId, proxyCallback, workerClient } from './worker-kit.ts';

/** A MessagePort dressed as a Worker: the page end of a channel whose other end runs `api`. */
function fakeWorker(api: object): Worker & { terminated: boolean } {
  const { port1, port2 } = new MessageChannel();
  exposeWorkerApi(api, port2 as never);
  const w = port1 as unknown as Worker & { terminated: boolean };
  w.terminated = false;
  w.terminate = () => {
    w.terminated = true;
    port1.close();
    port2.close();
  };
  return w;
}

/** A client over fake workers, with every worker it spawned. */
function counted() {
  const spawned: ReturnType<typeof fakeWorker>[] = [];
  const client = workerClient<typeof api>(() => {
    const w = fakeWorker(api);
    spawned.push(w);
    return w;
  });
  return { client, spawned };
}

const api = {
  add: (a: number, b: number) => a + b,
  fail(): number {
    const e = new StudioError({ family: 'import', code: 'bad-cell', message: 'Row 3 has text in a number column.', remedy: 'Fix the file.' });
    Object.assign(e, { file: 'a.csv', line: 3 });
    throw e;
  },
  plain(): number {
    throw new TypeError('boom');
  },
  async count(n: number, onStep: (i: number) => void): Promise<number> {
    for (let i = 0; i < n; i++) await onStep(i);
    return n;
  },
};

describe('worker kit', () => {
  it('calls through comlink, rebuilds StudioErrors (file/line too) and keeps other errors', async () => {
    const { client, spawned } = counted();
    try {
      const r = client.remote();
      expect(await r.add(2, 3)).toBe(5);
      expect(client.remote()).toBe(r);
      const err = await r.fail().then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(StudioError);
      expect(err).toMatchObject({ family: 'import', code: 'bad-cell', message: 'Row 3 has text in a number column.', remedy: 'Fix the file.', file: 'a.csv', line: 3 });
      const plain = await r.plain().then(() => null, (e: unknown) => e);
      expect(plain).toBeInstanceOf(Error);
      expect(plain).not.toBeInstanceOf(StudioError);
      expect((plain as Error).message).toBe('boom');
      const seen: number[] = [];
      expect(await r.count(3, proxyCallback((i: number) => void seen.push(i)))).toBe(3);
      expect(seen).toEqual([0, 1, 2]);
      expect(spawned.length).toBe(1);
    } finally {
      client.terminate();
    }
    expect(spawned[0].terminated).toBe(true);
  });

  it('starts a new worker after terminate and after a crash', async () => {
    const { client, spawned } = counted();
    const reasons: string[] = [];
    client.onRespawn = (r) => reasons.push(r);
    expect(await client.remote().add(1, 1)).toBe(2);
    client.terminate();
    expect(await client.remote().add(1, 2)).toBe(3);
    expect(spawned.length).toBe(2);
    spawned[1].dispatchEvent(new Event('error'));
    expect(spawned[1].terminated).toBe(true);
    expect(client.respawns).toBe(1);
    expect(reasons).toEqual(['error']);
    expect(await client.remote().add(2, 2)).toBe(4);
    expect(spawned.length).toBe(3);
    client.terminate();
  });

  it('runs the init hook on every new worker before ready() resolves, and drops a worker whose init fails', async () => {
    const spawned: ReturnType<typeof fakeWorker>[] = [];
    const state = { value: 0 };
    const initApi = {
      setBase(v: number) {
        state.value = v;
      },
      base: () => state.value,
      resetBase() {
        state.value = 0;
      },
    };
    let inits = 0;
    let failNext = false;
    const client = workerClient<typeof initApi>(
      () => {
        const w = fakeWorker(initApi);
        spawned.push(w);
        return w;
      },
      {
        init: async (r) => {
          inits++;
          if (failNext) {
            failNext = false;
            throw new StudioError({ family: 'model', code: 'worker-not-ready', message: 'Init failed.', remedy: 'Retry.' });
          }
          await r.setBase(40 + inits);
        },
      },
    );
    try {
      const r = await client.ready();
      expect(await r.base()).toBe(41);
      expect(await client.ready()).toBe(r);
      expect(inits).toBe(1);
      // A crash: the next ready() spawns a new worker and runs init again.
      await r.resetBase();
      spawned[0].dispatchEvent(new Event('error'));
      expect(await (await client.ready()).base()).toBe(42);
      expect(spawned.length).toBe(2);
      // terminate() too.
      client.terminate();
      expect(await (await client.ready()).base()).toBe(43);
      expect(spawned.length).toBe(3);
      // A failing init rejects ready() and drops that worker; the next call starts a fresh one.
      client.terminate();
      failNext = true;
      await expect(client.ready()).rejects.toMatchObject({ code: 'worker-not-ready' });
      expect(spawned[3].terminated).toBe(true);
      expect(await (await client.ready()).base()).toBe(45);
      expect(spawned.length).toBe(5);
      expect(inits).toBe(5);
    } finally {
      client.terminate();
    }
  });

  it('makes distinct job ids', () => {
    const a = newJobId('features');
    const b = newJobId('features');
    expect(a).toMatch(/^features-[0-9a-z]+-\d+$/);
    expect(a).not.toBe(b);
  });
});

describe('jobTable', () => {
  it('cancels by id, and a job started again under its id cancels the earlier run', async () => {
    const jobs = jobTable();
    const signals: AbortSignal[] = [];
    let release = () => {};
    const wait = new Promise<void>((r) => (release = r));
    const first = jobs.run('a', async (signal) => {
      signals.push(signal);
      await wait;
      return 1;
    });
    const second = jobs.run('a', async (signal) => {
      signals.push(signal);
      await wait;
      return 2;
    });
    const other = jobs.run('b', async (signal) => {
      signals.push(signal);
      await wait;
      return 3;
    });
    expect(signals.map((s) => s.aborted)).toEqual([true, false, false]);
    jobs.cancel('b');
    expect(signals[2].aborted).toBe(true);
    release();
    expect(await Promise.all([first, second, other])).toEqual([1, 2, 3]);
    // a settled job is forgotten: cancelling its id touches nothing
    jobs.cancel('a');
    expect(signals[1].aborted).toBe(false);
  });
});
