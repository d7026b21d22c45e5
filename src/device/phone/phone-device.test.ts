import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { ConnectionManager } from '../connection-manager.ts';
import { openStudioDb } from '../../data/store/open-db.ts';
import { StudioStore } from '../../data/store/studio-store.ts';
import { Recorder } from '../../data/recorder.ts';
import { PhoneDevice } from './phone-device.ts';
import { ScriptedMotionSource } from './test-support.ts';
import { syntheticStream, defaultSignal } from './synthetic.ts';
import { isStudioError } from '../../core/errors.ts';
import type { ReadingBatch } from '../connection.ts';

const tick = () => new Promise((r) => setTimeout(r, 0));

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !cond(); i++) await tick();
  if (!cond()) throw new Error(`timed out waiting for ${what}`);
}

describe('PhoneDevice behind the connection manager', () => {
  it('streams fixed-rate frames with the IMU axis names; a gap advances t0 and counts as dropped', async () => {
    const src = new ScriptedMotionSource();
    const phone = new PhoneDevice(src, { rateHz: 50 });
    const events = syntheticStream({ hz: 60, jitterMs: 4, durationMs: 6000, gaps: [[2000, 1000]], seed: 7 });
    for (const e of events.slice(0, 5)) src.emit(e);
    const conn = new ConnectionManager();
    const batches: ReadingBatch[] = [];
    conn.addEventListener('batch', (e) => batches.push(e.batch));
    await conn.connect(phone, { open: phone.openStream });
    expect(conn.info?.mode).toBe('phone');
    expect(conn.info?.axes.map((a) => `${a.name}:${a.units}`)).toEqual(['accX:m/s2', 'accY:m/s2', 'accZ:m/s2', 'gyrX:deg/s', 'gyrY:deg/s', 'gyrZ:deg/s']);
    expect(conn.info?.rateHz).toBe(50);
    for (const e of events.slice(5)) src.emit(e);
    await until(() => batches.reduce((n, b) => n + b.frames.length / 6, 0) >= 240, 'frames');
    // Frames join up in stream time, except at the gap, where t0 jumps by ≈ 1 s.
    const jumps: number[] = [];
    for (let i = 1; i < batches.length; i++) {
      const expected = batches[i - 1].t0 + (batches[i - 1].frames.length / 6) * 20;
      if (Math.abs(batches[i].t0 - expected) > 1e-6) jumps.push(batches[i].t0 - expected);
    }
    expect(jumps).toHaveLength(1);
    expect(Math.abs(jumps[0] - 1000)).toBeLessThanOrEqual(40);
    expect(conn.stats?.dropped).toBe(Math.round(jumps[0] / 20));
    const info = conn.info!.resampling!;
    expect(info.gaps).toBe(1);
    expect(Math.abs(info.measuredHz - 60)).toBeLessThan(0.6);
    expect(info.jitterMs).toBeGreaterThan(1);
    await conn.disconnect();
    expect(src.stopped).toBeGreaterThan(0);
  });

  it('records a sample at the fixed rate with the measured rate, method and gap in its metadata', async () => {
    const store = new StudioStore(await openStudioDb({ name: `phone-${Math.random()}` }));
    const project = await store.createProject('p');
    const src = new ScriptedMotionSource();
    const phone = new PhoneDevice(src, { rateHz: 62.5 });
    const events = syntheticStream({ hz: 60, jitterMs: 5, durationMs: 7000, gaps: [[2500, 1200]], seed: 11 });
    for (const e of events.slice(0, 5)) src.emit(e);
    const conn = new ConnectionManager();
    await conn.connect(phone, { open: phone.openStream });
    const info = conn.info!;
    const snapshot = () => ({ source: info.resampling!.source, measuredHz: info.resampling!.measuredHz, jitterMs: info.resampling!.jitterMs, resampledToHz: info.rateHz, method: info.resampling!.method });
    const rec = await Recorder.start(store, { projectId: project.id, label: 'wave', category: 'training', axes: info.axes, intervalMs: 1000 / info.rateHz, deviceName: info.deviceName, deviceType: 'phone', person: 'Ada', capture: snapshot() }, { lengthMs: 5000, captureAtEnd: snapshot });
    let firstT0 = NaN;
    conn.addEventListener('batch', ({ batch }) => {
      if (Number.isNaN(firstT0)) firstT0 = batch.t0;
      rec.push(batch.frames, batch.t0);
    });
    for (const e of events.slice(5)) src.emit(e);
    const meta = (await rec.done)!;
    expect(meta.intervalMs).toBe(16);
    expect(meta.length).toBe(Math.round(5000 / 16));
    expect(meta.person).toBe('Ada');
    expect(meta.capture?.source).toBe('devicemotion');
    expect(meta.capture?.resampledToHz).toBe(62.5);
    expect(meta.capture?.method).toBe('linear');
    expect(Math.abs(meta.capture!.measuredHz - 60)).toBeLessThan(0.6);
    expect(meta.gaps).toHaveLength(1);
    const gap = meta.gaps![0];
    expect(Math.abs(gap.missingMs - 1200)).toBeLessThanOrEqual(32);
    expect(Math.abs(firstT0 + gap.atFrame * 16 - 2500)).toBeLessThanOrEqual(32);
    // The stored values are the signal at each frame's time (the gap's time skipped), within 2 %.
    const s = (await store.getSample(meta.id))!;
    const amp = [2, 1.5, 0.8, 90, 45, 30];
    let worst = 0;
    for (let j = 0; j < meta.length; j++) {
      const t = firstT0 + j * 16 + (j >= gap.atFrame ? gap.missingMs : 0);
      for (let a = 0; a < 6; a++) worst = Math.max(worst, Math.abs(s.values[j * 6 + a] - defaultSignal(a, t)) / amp[a]);
    }
    expect(worst).toBeLessThan(0.02);
    await conn.disconnect();
  });

  it('fails with no-sensor when no readings arrive (a desktop browser), and stops the source', async () => {
    const src = new ScriptedMotionSource();
    const phone = new PhoneDevice(src, { rateHz: 50, firstReadingMs: 30 });
    const conn = new ConnectionManager();
    const err = await conn.connect(phone, { open: phone.openStream }).catch((e: unknown) => e);
    expect(isStudioError(err, 'no-sensor')).toBe(true);
    expect((err as Error).message).toMatch(/no motion/);
    expect(conn.status).toBe('disconnected');
    expect(src.stopped).toBeGreaterThan(0);
  });

  it('uses three axes when the phone has no gyroscope', async () => {
    const src = new ScriptedMotionSource();
    const phone = new PhoneDevice(src, { rateHz: 50 });
    for (let i = 0; i < 6; i++) src.emit({ t: i * 16, values: [0, 0, 9.8, NaN, NaN, NaN] });
    const conn = new ConnectionManager();
    await conn.connect(phone, { open: phone.openStream });
    expect(conn.info?.axes.map((a) => a.name)).toEqual(['accX', 'accY', 'accZ']);
    await conn.disconnect();
  });

  it('reports a refused sensor as permission-denied with what to do', async () => {
    const src = new ScriptedMotionSource('generic-sensor');
    const phone = new PhoneDevice(src, { rateHz: 50 });
    for (let i = 0; i < 6; i++) src.emit({ t: i * 16, values: [0, 0, 9.8, 0, 0, 0] });
    const conn = new ConnectionManager();
    const ended = new Promise<string>((r) => conn.addEventListener('disconnected', (e) => r(e.error?.code ?? e.reason)));
    await conn.connect(phone, { open: phone.openStream });
    src.error(Object.assign(new Error('denied'), { name: 'NotAllowedError' }));
    expect(await ended).toBe('permission-denied');
  });

  it('as a plain byte transport prints one CSV line per frame', async () => {
    const src = new ScriptedMotionSource();
    const phone = new PhoneDevice(src, { rateHz: 50 });
    for (let i = 0; i < 10; i++) src.emit({ t: i * 20, values: [1, 2, 9.8, 10, 20, 30] });
    await phone.open();
    const it = phone.readable()[Symbol.asyncIterator]();
    const first = new TextDecoder().decode((await it.next()).value as Uint8Array);
    expect(first.split('\n')[0]).toBe('1.0000,2.0000,9.8000,10.0000,20.0000,30.0000');
    await phone.close();
  });
});
