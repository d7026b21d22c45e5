// All on a virtual clock: board, detection window and arrival times advance only when the test drives them.
import { describe, it, expect } from 'vitest';
import { openDeviceStream, type OpenStreamOptions, type ReadingBatch } from './connection.ts';
import { VirtualClock } from '../core/clock.ts';
import { createSimulatedBoard } from './sim-setup.ts';
import type { SimulatedBoardOptions } from './sim/simulated-board.ts';
import type { Transport } from './transport.ts';
import { drive } from './test-support/drive.ts';

function setup(opts: SimulatedBoardOptions) {
  const clock = new VirtualClock();
  const board = createSimulatedBoard({ ...opts, clock });
  const open = (o: Partial<OpenStreamOptions> = {}, t: Transport = board.transport) => drive(clock, openDeviceStream(t, { baudRate: 115200, clock, ...o }));
  const take = (it: AsyncIterable<ReadingBatch>, values: number) =>
    drive(clock, (async () => {
      const out: ReadingBatch[] = [];
      let n = 0;
      for await (const b of it) {
        out.push(b);
        n += b.frames.length;
        if (n >= values) break;
      }
      return out;
    })());
  return { clock, board, open, take };
}

describe('openDeviceStream', () => {
  it('detects a plain-CSV sketch, its 6 axes and its rate, and streams frames', async () => {
    const { open, take } = setup({ mode: 'csv', rateHz: 100, seed: 3 });
    const s = await open();
    expect(s.info.mode).toBe('csv');
    expect(s.info.axes.map((a) => a.name)).toEqual(['accX', 'accY', 'accZ', 'gyrX', 'gyrY', 'gyrZ']);
    expect(s.info.rateHz).toBe(100);
    const batches = await take(s.batches, 6 * 150);
    const frames = batches.reduce((n, b) => n + b.frames.length / 6, 0);
    expect(frames).toBeGreaterThanOrEqual(150);
    // Gravity is in there: |acc| of the first frames is about 9.8 m/s².
    const f = batches[0].frames;
    const g = Math.hypot(f[0], f[1], f[2]);
    expect(g).toBeGreaterThan(7);
    expect(g).toBeLessThan(13);
    // Frame times advance by exactly one interval per frame.
    expect(batches[1].t0 - batches[0].t0).toBeCloseTo((batches[0].frames.length / 6) * 10, 6);
    await s.close();
  });

  it('detects the runtime firmware (framed protocol) and streams its sample batches', async () => {
    const { open, take } = setup({ mode: 'framed', seed: 4 });
    const s = await open();
    expect(s.info.mode).toBe('framed');
    expect(s.info.rateHz).toBe(50); // the firmware's boot rate
    expect(s.client?.info?.board).toBe('Simulated board');
    expect(s.info.axes.length).toBe(6);
    const batches = await take(s.batches, 6 * 40);
    expect(batches.reduce((n, b) => n + b.frames.length, 0)).toBeGreaterThanOrEqual(240);
    expect(s.stats.dropped).toBe(0);
    await s.close();
  });

  it('says "wrong baud rate" when the bytes arrive scrambled', async () => {
    const { open } = setup({ mode: 'csv', rateHz: 100, baudRate: 9600, seed: 5 });
    await expect(open()).rejects.toMatchObject({ code: 'wrong-baud' });
  });

  it('keeps streaming past garbage lines, counting them and never passing them on', async () => {
    const { board, open, take } = setup({ mode: 'csv', rateHz: 100, seed: 6 });
    board.setGarbage(0.1);
    const s = await open();
    const batches = await take(s.batches, 6 * 200);
    for (const b of batches) for (const v of b.frames) expect(Number.isFinite(v)).toBe(true);
    expect(s.stats.badLines).toBeGreaterThan(0);
    await s.close();
  });

  it('says what to check when a board stays silent', async () => {
    const silent = {
      info: { name: 'quiet' },
      open: async () => undefined,
      close: async () => undefined,
      isOpen: () => true,
      write: async () => undefined,
      readable: () =>
        (async function* () {
          await new Promise(() => undefined); // never a byte
          yield new Uint8Array(0);
        })(),
    };
    const { open, clock } = setup({});
    const t0 = clock.now();
    await expect(open({ detectMs: 400 }, silent)).rejects.toMatchObject({ code: 'no-data' });
    expect(clock.now() - t0).toBeGreaterThanOrEqual(400);
    expect(clock.now() - t0).toBeLessThan(500);
  });
});
