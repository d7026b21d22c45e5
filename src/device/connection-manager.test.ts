// The connection manager over the simulated board's transport and a fake port, on a virtual clock.
import { describe, it, expect } from 'vitest';
import { ConnectionManager, type ConnectionEvents } from './connection-manager.ts';
import { NackCode } from './protocol/ids.ts';
import { uploadSlotBytes } from './protocol/model-upload.ts';
import { MemoryFlash } from './protocol/model-slot.ts';
import { VirtualClock } from '../core/clock.ts';
import { createSimulatedBoard } from './sim-setup.ts';
import type { SimulatedBoardOptions } from './sim/simulated-board.ts';
import type { Transport } from './transport.ts';
import { drive } from './test-support/drive.ts';

function setup(opts: SimulatedBoardOptions = {}) {
  const clock = new VirtualClock();
  const board = createSimulatedBoard({ seed: 7, ...opts, clock });
  const manager = new ConnectionManager({ clock });
  const events: string[] = [];
  const frames = { n: 0 };
  manager.addEventListener('status', (e) => events.push(`status:${e.status}`));
  manager.addEventListener('connected', (e) => events.push(`connected:${e.info.mode}`));
  manager.addEventListener('disconnected', (e) => events.push(`disconnected:${e.reason}`));
  manager.addEventListener('error', (e) => events.push(`error:${e.error.code}`));
  manager.addEventListener('batch', (e) => (frames.n += e.batch.frames.length / 6));
  const run = <T>(p: Promise<T>) => drive(clock, p);
  const until = (cond: () => boolean) => run((async () => {
    while (!cond()) await new Promise<void>((r) => clock.setTimeout(r, 10));
  })()).then(() => undefined, () => undefined).then(() => expect(cond()).toBe(true));
  return { clock, board, manager, events, frames, run, until };
}

/** A fake port: the test pushes bytes and ends the stream; writes are recorded. */
function fakePort(name = 'fake port') {
  const queue: Uint8Array[] = [];
  let wake: (() => void) | null = null;
  let ended = false;
  let open = false;
  const t: Transport & { push(s: string): void; end(): void } = {
    info: { name },
    open: async () => void (open = true),
    close: async () => {
      open = false;
      ended = true;
      wake?.();
    },
    isOpen: () => open,
    write: async () => undefined,
    readable: () => (async function* () {
      for (;;) {
        const c = queue.shift();
        if (c) yield c;
        else if (ended) return;
        else await new Promise<void>((r) => (wake = r));
      }
    })(),
    push(s) {
      queue.push(new TextEncoder().encode(s));
      wake?.();
    },
    end() {
      ended = true;
      wake?.();
    },
  };
  return t;
}

describe('ConnectionManager', () => {
  it('CSV board: status and events, batches, no protocol client, disconnect', async () => {
    const { board, manager, events, frames, run, until } = setup({ mode: 'csv', rateHz: 100 });
    const connected = new Promise<ConnectionEvents['connected']>((r) => manager.addEventListener('connected', r));
    await run(manager.connect(board.transport, { sim: board }));
    expect((await connected).info).toMatchObject({ mode: 'csv', rateHz: 100 });
    expect(manager.status).toBe('connected');
    expect(manager.sim).toBe(board);
    await until(() => frames.n >= 200);
    expect(manager.client).toBeNull();
    await expect(manager.protocolClient()).rejects.toMatchObject({ code: 'no-runtime', message: expect.stringMatching(/CSV/) });
    await run(manager.disconnect());
    expect(events).toEqual(['status:connecting', 'status:connected', 'connected:csv', 'status:disconnected', 'disconnected:closed']);
    expect(board.transport.isOpen()).toBe(false);
    expect(manager.sim).toBeNull();
  });

  it('runtime firmware: the stream carries the protocol client; an upload runs with the stream paused', async () => {
    const { board, manager, frames, run, until } = setup({ mode: 'framed', flash: new MemoryFlash(64 * 1024) });
    await run(manager.connect(board.transport));
    expect(manager.info?.mode).toBe('framed');
    expect(manager.board?.board).toBe('Simulated board');
    const client = await manager.protocolClient();
    expect(client).toBe(manager.client);
    await until(() => frames.n >= 50);
    // While it streams the board refuses the upload…
    const model = new Uint8Array(2000).map((_, i) => i * 7);
    await expect(run(uploadSlotBytes(client, model, { sequence: 1, arenaSize: 1024 }))).rejects.toMatchObject({ message: expect.stringMatching(/busy|stream/i) });
    // …paused, it takes it, and streaming resumes afterwards with INFO re-read.
    const infos: unknown[] = [];
    const pauses: boolean[] = [];
    manager.addEventListener('info', (e) => infos.push(e.board?.model.sequence));
    manager.addEventListener('paused', (e) => pauses.push(e.paused));
    const r = await run(manager.withStreamPaused(async (c) => {
      expect(manager.streamPaused).toBe(true);
      return uploadSlotBytes(c, model, { sequence: 2, arenaSize: 1024 });
    }));
    expect(pauses).toEqual([true, false]);
    expect(manager.streamPaused).toBe(false);
    expect(r.crc32).toBeGreaterThan(0);
    expect(infos).toEqual([2]);
    expect(manager.board?.model.sequence).toBe(2);
    const before = frames.n;
    await until(() => frames.n >= before + 50);
    expect(manager.stats?.dropped).toBe(0);
    await run(manager.disconnect());
  });

  it('SET_INFERENCE through the shared client answers NO_MODEL on an empty slot (same client, no second link)', async () => {
    const { board, manager, run } = setup({ mode: 'framed' });
    await run(manager.connect(board.transport));
    const err = await run(manager.withStreamPaused((c) => c.setInference(true))).catch((e: unknown) => e);
    expect(err).toMatchObject({ nackCode: NackCode.NO_MODEL });
    expect(manager.status).toBe('connected');
    await run(manager.disconnect());
  });

  it('an unplug ends the connection with reason "unplugged"', async () => {
    const { board, manager, events, frames, run, until } = setup({ mode: 'csv', rateHz: 50 });
    await run(manager.connect(board.transport));
    await until(() => frames.n > 10);
    board.unplug();
    await until(() => manager.status === 'disconnected');
    expect(events).toContain('disconnected:unplugged');
  });

  it('after an expected reset it reconnects when the board comes back, and the model is still there', async () => {
    const { clock, board, manager, events, run, until } = setup({ mode: 'framed', flash: new MemoryFlash(64 * 1024) });
    await run(manager.connect(board.transport, { sim: board }));
    await run(manager.withStreamPaused((c) => uploadSlotBytes(c, new Uint8Array(1500).fill(3), { sequence: 5, arenaSize: 512 })));
    manager.expectReset();
    board.unplug();
    await until(() => manager.status === 'disconnected');
    expect(events).toContain('disconnected:reset');
    const back = clock.now() + 1200;
    clock.setTimeout(() => board.plugIn(), 1200);
    await run(manager.reconnect(() => (board.isPlugged ? board.transport : null), { intervalMs: 200 }));
    expect(clock.now()).toBeGreaterThanOrEqual(back);
    expect(manager.status).toBe('connected');
    expect(manager.board?.model.sequence).toBe(5);
    expect(manager.sim).toBe(board);
    await run(manager.disconnect());
  });

  it('release() hands the closed port to a flasher and reports a reset', async () => {
    const { board, manager, events, run } = setup({ mode: 'framed' });
    await run(manager.connect(board.transport));
    const t = await run(manager.release());
    expect(t).toBe(board.transport);
    expect(t?.isOpen()).toBe(false);
    expect(manager.status).toBe('disconnected');
    expect(events.slice(-1)).toEqual(['disconnected:reset']);
    expect(await manager.release()).toBeNull();
  });

  it('gives up reconnecting after the timeout with a remedy', async () => {
    const { clock, board, manager, events, run } = setup({ mode: 'framed' });
    await run(manager.connect(board.transport));
    manager.expectReset();
    board.unplug();
    const t0 = clock.now();
    const err = await run(manager.reconnect(() => null, { timeoutMs: 2000, intervalMs: 250 })).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'reconnect-failed', remedy: expect.stringMatching(/replug/) });
    expect(events).toContain('error:reconnect-failed');
    expect(clock.now() - t0).toBeGreaterThanOrEqual(1750);
  });

  it('a failed connect reports the error and stays disconnected', async () => {
    const { board, manager, events, run } = setup({ mode: 'csv', rateHz: 100, baudRate: 9600 });
    await expect(run(manager.connect(board.transport))).rejects.toMatchObject({ code: 'wrong-baud' });
    expect(manager.status).toBe('disconnected');
    expect(manager.lastError?.code).toBe('wrong-baud');
    expect(events).toEqual(['status:connecting', 'status:disconnected', 'error:wrong-baud']);
  });

  it('fake port: a sketch that stops sending ends the connection as "ended"; a new connect replaces the old one', async () => {
    const { clock, manager, events, frames, run, until } = setup();
    const port = fakePort();
    let k = 0;
    const feed = () => {
      port.push(`${k},${k + 1},${k + 2},0,0,0\r\n`);
      k++;
      clock.setTimeout(feed, 20);
    };
    feed();
    await run(manager.connect(port, { rateHz: 50 }));
    expect(manager.info).toMatchObject({ mode: 'csv', rateHz: 50 });
    await until(() => frames.n > 5);
    port.end();
    await until(() => manager.status === 'disconnected');
    expect(events).toContain('disconnected:ended');
    // replacing: the second connect closes the first
    const a = fakePort('a');
    const b = fakePort('b');
    const tick = () => {
      a.push('1,2,3\r\n');
      b.push('4,5,6\r\n');
      clock.setTimeout(tick, 10);
    };
    tick();
    await run(manager.connect(a, { rateHz: 100 }));
    await run(manager.connect(b, { rateHz: 100 }));
    expect(a.isOpen()).toBe(false);
    expect(manager.currentTransport).toBe(b);
    expect(manager.info?.axes).toHaveLength(3);
    await run(manager.disconnect());
  });
});
