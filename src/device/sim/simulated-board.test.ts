import { describe, it, expect } from 'vitest';
import { isStudioError } from '../../core/errors.ts';
import type { Transport } from '../transport.ts';
import { DeviceClient, NackError } from '../protocol/client.ts';
import { SampleFormat } from '../protocol/ids.ts';
import { realClock, VirtualClock } from '../../core/clock.ts';
import { SimulatedBoard } from './simulated-board.ts';
import { accLsb, DEFAULT_IMU } from './imu-sensor.ts';

/** Reads a transport in the background, keeping every chunk and how the loop ended. */
function collect(t: Transport) {
  const chunks: Uint8Array[] = [];
  const state: { done: boolean; error: unknown } = { done: false, error: null };
  const finished = (async () => {
    try {
      for await (const c of t.readable()) chunks.push(c);
      state.done = true;
    } catch (e) {
      state.error = e;
    }
  })();
  const text = () => chunks.map((c) => String.fromCharCode(...c)).join('');
  const bytes = () => {
    const n = chunks.reduce((s, c) => s + c.length, 0);
    const out = new Uint8Array(n);
    let o = 0;
    for (const c of chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  };
  return { chunks, state, finished, text, bytes };
}

/** Minimal CSV check of our own (the app's parser belongs elsewhere): complete lines only. */
function parseLines(text: string, columns = 6): { good: number[][]; bad: string[] } {
  const lines = text.split('\n');
  lines.pop(); // incomplete tail
  const good: number[][] = [];
  const bad: string[] = [];
  for (const raw of lines) {
    const l = raw.replace(/\r$/, '');
    const parts = l.split(',');
    const nums = parts.map((p) => (/^-?\d+(\.\d+)?$/.test(p) ? Number(p) : NaN));
    if (parts.length === columns && nums.every(Number.isFinite)) good.push(nums);
    else bad.push(l);
  }
  return { good, bad };
}

describe('SimulatedBoard, CSV mode (virtual clock)', () => {
  it('prints ax,ay,az,gx,gy,gz lines at the chosen rate with fixed decimals and CRLF', async () => {
    const clock = new VirtualClock();
    const board = new SimulatedBoard({ clock, rateHz: 100, activity: 'rest', seed: 3 });
    const t = board.transport;
    expect(t.info.simulated).toBe(true);
    await t.open({ baudRate: 115200 });
    expect(t.isOpen()).toBe(true);
    const r = collect(t);
    await clock.advance(1000);
    const text = r.text();
    expect(text.endsWith('\r\n')).toBe(true);
    const { good, bad } = parseLines(text);
    expect(bad).toEqual([]);
    expect(good.length).toBe(101); // t = 0 … 1000 ms inclusive
    for (const line of text.split('\r\n').slice(0, -1)) {
      expect(line).toMatch(/^-?\d+\.\d{3},-?\d+\.\d{3},-?\d+\.\d{3},-?\d+\.\d{2},-?\d+\.\d{2},-?\d+\.\d{2}$/);
    }
    const mag = good.map((v) => Math.hypot(v[0], v[1], v[2]));
    const mean = mag.reduce((a, b) => a + b, 0) / mag.length;
    expect(mean).toBeGreaterThan(9.4);
    expect(mean).toBeLessThan(10.2);
    // USB-sized chunks, lines cut across chunks like a real CDC stream.
    expect(Math.max(...r.chunks.map((c) => c.length))).toBeLessThanOrEqual(64);
    expect(r.chunks.some((c) => c[c.length - 1] !== 0x0a)).toBe(true);
    await t.close();
    await r.finished;
    expect(r.state.done).toBe(true);
    expect(t.isOpen()).toBe(false);
  });

  it('62.5 Hz, then a rate change mid-stream', async () => {
    const clock = new VirtualClock();
    const board = new SimulatedBoard({ clock, rateHz: 62.5 });
    await board.transport.open({ baudRate: 115200 });
    const r = collect(board.transport);
    await clock.advance(2000);
    expect(parseLines(r.text()).good.length).toBe(126);
    board.setRate(100);
    await clock.advance(1000);
    expect(parseLines(r.text()).good.length).toBe(126 + 100);
    expect(board.rateHz).toBe(100);
    await board.transport.close();
  });

  it('three-column sketches, tabs and a boot banner', async () => {
    const clock = new VirtualClock();
    const board = new SimulatedBoard({ clock, csv: { columns: 3, separator: '\t', lineEnding: '\n' }, bootText: 'IMU ready\n', bootMs: 300 });
    await board.transport.open({ baudRate: 115200 });
    const r = collect(board.transport);
    await clock.advance(200);
    expect(r.text()).toBe(''); // still booting
    await clock.advance(300);
    const lines = r.text().split('\n');
    expect(lines[0]).toBe('IMU ready');
    expect(lines[1]).toMatch(/^-?\d+\.\d{3}\t-?\d+\.\d{3}\t-?\d+\.\d{3}$/);
    await board.transport.close();
  });

  it('acts out the activity chosen through the control API', async () => {
    const clock = new VirtualClock();
    const board = new SimulatedBoard({ clock, rateHz: 50, activity: 'idle' });
    await board.transport.open({ baudRate: 115200 });
    const r = collect(board.transport);
    await clock.advance(2000);
    const idle = parseLines(r.text()).good;
    board.setActivity('wave');
    expect(board.activity).toBe('wave');
    await clock.advance(3000);
    const all = parseLines(r.text()).good;
    const wave = all.slice(idle.length + 50);
    const gyroRms = (rows: number[][]) => Math.sqrt(rows.reduce((s, v) => s + v[3] ** 2 + v[4] ** 2 + v[5] ** 2, 0) / rows.length);
    expect(gyroRms(idle)).toBeLessThan(20);
    expect(gyroRms(wave)).toBeGreaterThan(100);
    await board.transport.close();
  });

  it('garbage lines are faulty in the ways a real serial line is, and counted', async () => {
    const clock = new VirtualClock();
    const board = new SimulatedBoard({ clock, rateHz: 100, seed: 8 });
    board.setGarbage(0.2);
    await board.transport.open({ baudRate: 115200 });
    const r = collect(board.transport);
    await clock.advance(3000);
    board.setGarbage(0);
    await clock.advance(50); // end on good lines
    const { good, bad } = parseLines(r.text());
    const g = board.stats.garbage;
    const total = Object.values(g).reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(30);
    for (const k of Object.keys(g) as (keyof typeof g)[]) expect(g[k]).toBeGreaterThan(0);
    expect(bad.length).toBeLessThanOrEqual(total);
    expect(bad.length).toBeGreaterThanOrEqual(total - g.cut);
    expect(bad.some((l) => l.startsWith('ERR'))).toBe(true);
    expect(good.length + bad.length).toBeGreaterThanOrEqual(board.stats.lines - g.cut);
    board.inject('hello from a test\r\n');
    await clock.advance(20);
    expect(parseLines(r.text()).bad).toContain('hello from a test');
    await board.transport.close();
  });

  it('opening at the wrong baud rate gives byte soup with no valid line', async () => {
    const clock = new VirtualClock();
    const board = new SimulatedBoard({ clock, rateHz: 100, baudRate: 115200 });
    await board.transport.open({ baudRate: 9600 });
    const r = collect(board.transport);
    await clock.advance(1000);
    const b = r.bytes();
    expect(b.length).toBeGreaterThan(100);
    const nonPrintable = b.filter((x) => x >= 0x80 || (x < 0x20 && x !== 0x0a && x !== 0x0d)).length;
    expect(nonPrintable / b.length).toBeGreaterThan(0.6);
    expect(parseLines(r.text()).good.length).toBe(0);
    await board.transport.close();
  });

  it('unplug: the reader fails with `disconnected`, writes and opens fail until plugged in again', async () => {
    const clock = new VirtualClock();
    const board = new SimulatedBoard({ clock });
    const t = board.transport;
    await t.open({ baudRate: 115200 });
    const r = collect(t);
    await clock.advance(300);
    expect(r.chunks.length).toBeGreaterThan(0);
    board.unplug();
    await r.finished;
    expect(isStudioError(r.state.error, 'disconnected')).toBe(true);
    expect(t.isOpen()).toBe(false);
    await expect(t.write(new Uint8Array([1]))).rejects.toMatchObject({ code: 'disconnected' });
    await expect(t.open({ baudRate: 115200 })).rejects.toMatchObject({ code: 'disconnected' });
    expect(() => t.readable()).toThrow();
    expect(clock.pending()).toBe(0); // the board's loop stopped
    board.plugIn();
    await t.open({ baudRate: 115200 });
    const r2 = collect(t);
    await clock.advance(100);
    expect(parseLines(r2.text()).good.length).toBeGreaterThan(5);
    await t.close();
  });

  it('refuses double open, reading a closed port and a second reader', async () => {
    const clock = new VirtualClock();
    const board = new SimulatedBoard({ clock });
    const t = board.transport;
    expect(() => t.readable()).toThrow(expect.objectContaining({ code: 'not-open' }));
    await t.open({ baudRate: 115200 });
    await expect(t.open({ baudRate: 115200 })).rejects.toMatchObject({ code: 'already-open' });
    const r = collect(t);
    expect(() => t.readable()).toThrow(expect.objectContaining({ code: 'port-busy' }));
    await t.close();
    await r.finished;
  });
});

describe('SimulatedBoard, CSV mode (real clock)', () => {
  it('streams in real time', async () => {
    const board = new SimulatedBoard({ clock: realClock, rateHz: 100 });
    await board.transport.open({ baudRate: 115200 });
    const r = collect(board.transport);
    await new Promise((res) => setTimeout(res, 300));
    await board.transport.close();
    await r.finished;
    const n = parseLines(r.text()).good.length;
    expect(n).toBeGreaterThanOrEqual(15);
    expect(n).toBeLessThanOrEqual(45);
  });
});

describe('SimulatedBoard, framed mode (through the protocol client)', () => {
  it('HELLO → INFO, SET_RATE, START/STOP stream with contiguous counters and IMU-like data', async () => {
    const clock = new VirtualClock();
    const board = new SimulatedBoard({ clock, mode: 'framed', activity: 'rest', seed: 5 });
    await board.transport.open({ baudRate: 115200 });
    const client = new DeviceClient(board.transport, { helloTimeoutMs: 200, commandTimeoutMs: 200 });
    const info = await client.connect();
    expect(info.board).toBe('Simulated board');
    expect(info.sensors[0].axes.map((a) => a.name)).toEqual(['accX', 'accY', 'accZ', 'gyrX', 'gyrY', 'gyrZ']);
    expect(info.sensors[0].axes[0].units).toBe('m/s2');
    expect(info.sensors[0].ratesMilliHz).toEqual(expect.arrayContaining([50000, 62500, 100000]));
    await client.setRate(0, 62500);
    expect(board.model.rateHz).toBe(62.5);
    await expect(client.setRate(0, 33000)).rejects.toBeInstanceOf(NackError);
    await client.getInfo();

    const it = client.stream({ format: SampleFormat.INT16 })[Symbol.asyncIterator]();
    const first = it.next();
    await clock.advance(2000);
    const batches = [await first];
    let frames = batches[0].value!.frames;
    while (frames < 120) {
      const b = await it.next();
      batches.push(b);
      frames += b.value!.frames;
    }
    await it.return?.(undefined);
    let expected = 0;
    let magSum = 0;
    for (const b of batches) {
      const v = b.value!;
      expect(v.counter).toBe(expected);
      expect(v.dropped).toBe(0);
      expected += v.frames;
      for (let i = 0; i < v.frames; i++) magSum += Math.hypot(v.values[i * 6], v.values[i * 6 + 1], v.values[i * 6 + 2]);
      // INT16 values are multiples of the chip's LSB.
      const k = v.values[0] / accLsb(DEFAULT_IMU);
      expect(Math.abs(k - Math.round(k))).toBeLessThan(0.01);
    }
    expect(magSum / expected).toBeGreaterThan(9.4);
    expect(magSum / expected).toBeLessThan(10.2);
    // 2 s at 62.5 Hz produced about 126 frames.
    expect(board.stats.frames).toBeGreaterThanOrEqual(120);
    expect(board.stats.frames).toBeLessThanOrEqual(130);
    expect(() => board.setRate(100)).toThrow(expect.objectContaining({ code: 'rate-by-protocol' }));
    await board.transport.close();
  });

  it('unplugging mid-stream ends the stream with `disconnected`', async () => {
    const clock = new VirtualClock();
    const board = new SimulatedBoard({ clock, mode: 'framed' });
    await board.transport.open({ baudRate: 115200 });
    const client = new DeviceClient(board.transport, { helloTimeoutMs: 200, commandTimeoutMs: 200 });
    await client.connect();
    const it = client.stream()[Symbol.asyncIterator]();
    const first = it.next();
    await clock.advance(200);
    expect((await first).value!.frames).toBeGreaterThan(0);
    board.unplug();
    let err: unknown = null;
    try {
      for (;;) {
        const n = await it.next();
        if (n.done) break;
      }
    } catch (e) {
      err = e;
    }
    expect(isStudioError(err, 'disconnected')).toBe(true);
  });

  it('at the wrong baud rate the handshake times out', async () => {
    const board = new SimulatedBoard({ clock: new VirtualClock(), mode: 'framed', baudRate: 115200 });
    await board.transport.open({ baudRate: 57600 });
    const client = new DeviceClient(board.transport, { helloTimeoutMs: 50, commandTimeoutMs: 50 });
    await expect(client.connect()).rejects.toMatchObject({ code: 'timeout' });
    await board.transport.close();
  });
});
