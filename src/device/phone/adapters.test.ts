import { describe, expect, it } from 'vitest';
import { DeviceMotionSource, GenericSensorSource, detectMotionSupport, readingFromMotionEvent, requestMotionPermission, type MotionEnv, type MotionEventLike, type SensorLike } from './adapters.ts';
import type { MotionReading } from './motion.ts';

function motionEnv(extra: Partial<MotionEnv> = {}) {
  const handlers = new Set<(e: MotionEventLike) => void>();
  const env: MotionEnv = {
    isSecureContext: true,
    DeviceMotionEvent: {},
    addEventListener: (_t, fn) => handlers.add(fn),
    removeEventListener: (_t, fn) => handlers.delete(fn),
    ...extra,
  };
  return { env, fire: (e: MotionEventLike) => handlers.forEach((h) => h(e)), handlers };
}

class FakeSensor implements SensorLike {
  static made: FakeSensor[] = [];
  x: number | null = null;
  y: number | null = null;
  z: number | null = null;
  timestamp: number | null = null;
  started = false;
  private fns = new Map<string, Set<(e: unknown) => void>>();
  constructor(readonly opts: { frequency?: number }) {
    FakeSensor.made.push(this);
  }
  start() { this.started = true; }
  stop() { this.started = false; }
  addEventListener(t: string, fn: (e: unknown) => void) { (this.fns.get(t) ?? this.fns.set(t, new Set()).get(t)!).add(fn); }
  removeEventListener(t: string, fn: (e: unknown) => void) { this.fns.get(t)?.delete(fn); }
  read(t: number, x: number, y: number, z: number) {
    Object.assign(this, { timestamp: t, x, y, z });
    this.fns.get('reading')?.forEach((f) => f({}));
  }
  fail(name: string) { this.fns.get('error')?.forEach((f) => f({ error: { name, message: 'no' } })); }
}
class FakeAcc extends FakeSensor {}
class FakeGyr extends FakeSensor {}

describe('devicemotion adapter', () => {
  it('maps accelerationIncludingGravity to accX..Z and beta/gamma/alpha to gyrX/Y/Z, with the event timestamp', () => {
    const r = readingFromMotionEvent({ timeStamp: 1234.5, accelerationIncludingGravity: { x: 0.1, y: -9.7, z: 0.3 }, rotationRate: { alpha: 30, beta: 10, gamma: 20 } })!;
    expect(r.t).toBe(1234.5);
    expect(Array.from(r.values)).toEqual([0.1, -9.7, 0.3, 10, 20, 30]);
  });

  it('gives NaN gyro (not zeros) without a gyroscope, and nothing for events without acceleration', () => {
    const r = readingFromMotionEvent({ timeStamp: 1, accelerationIncludingGravity: { x: 0, y: 0, z: 9.8 }, rotationRate: null })!;
    expect(Array.from(r.values).slice(3).every(Number.isNaN)).toBe(true);
    expect(readingFromMotionEvent({ timeStamp: 1, accelerationIncludingGravity: { x: null, y: null, z: null }, rotationRate: null })).toBeNull();
    expect(readingFromMotionEvent({ timeStamp: 1, accelerationIncludingGravity: null, rotationRate: null })).toBeNull();
  });

  it('listens while started and removes its listener on stop', async () => {
    const { env, fire, handlers } = motionEnv();
    const src = new DeviceMotionSource(env);
    const got: MotionReading[] = [];
    await src.start((r) => got.push(r));
    fire({ timeStamp: 5, accelerationIncludingGravity: { x: 1, y: 2, z: 3 }, rotationRate: { alpha: 0, beta: 0, gamma: 0 } });
    src.stop();
    fire({ timeStamp: 6, accelerationIncludingGravity: { x: 1, y: 2, z: 3 }, rotationRate: null });
    expect(got).toHaveLength(1);
    expect(handlers.size).toBe(0);
  });
});

describe('Generic Sensor adapter', () => {
  it('asks for the frequency, stamps with the accelerometer timestamp and converts the gyroscope to deg/s', async () => {
    FakeSensor.made = [];
    const src = new GenericSensorSource({ Accelerometer: FakeAcc, Gyroscope: FakeGyr }, 100);
    const got: MotionReading[] = [];
    await src.start((r) => got.push(r), () => undefined);
    const [acc, gyr] = [FakeSensor.made.find((s) => s instanceof FakeAcc)!, FakeSensor.made.find((s) => s instanceof FakeGyr)!];
    expect(acc.opts.frequency).toBe(100);
    expect(acc.started && gyr.started).toBe(true);
    acc.read(10, 0, 0, 9.81);
    gyr.read(11, Math.PI, -Math.PI / 2, 0);
    acc.read(20, 0.5, 0, 9.8);
    expect(got[0].t).toBe(10);
    expect(Number.isNaN(got[0].values[3])).toBe(true);
    expect(got[1].t).toBe(20);
    expect(Array.from(got[1].values).map((v) => Math.round(v * 1000) / 1000)).toEqual([0.5, 0, 9.8, 180, -90, 0]);
    src.stop();
    expect(acc.started || gyr.started).toBe(false);
  });

  it('passes a sensor error on with its name (NotAllowedError when refused)', async () => {
    FakeSensor.made = [];
    const src = new GenericSensorSource({ Accelerometer: FakeAcc }, 60);
    const errs: Error[] = [];
    await src.start(() => undefined, (e) => errs.push(e));
    FakeSensor.made[0].fail('NotAllowedError');
    expect(errs[0].name).toBe('NotAllowedError');
  });
});

describe('platforms and permission', () => {
  it('iOS: needs permission; granted and denied are told apart; a throw (no user gesture) is "denied"', async () => {
    const granted = motionEnv({ DeviceMotionEvent: { requestPermission: async () => 'granted' } }).env;
    const denied = motionEnv({ DeviceMotionEvent: { requestPermission: async () => 'denied' } }).env;
    const throws = motionEnv({ DeviceMotionEvent: { requestPermission: () => Promise.reject(new Error('gesture')) } }).env;
    expect(detectMotionSupport(granted)).toEqual({ kind: 'available', api: 'devicemotion', needsPermission: true });
    expect(await requestMotionPermission(granted)).toBe('granted');
    expect(await requestMotionPermission(denied)).toBe('denied');
    expect(await requestMotionPermission(throws)).toBe('denied');
  });

  it('Android: no permission step; Generic Sensor when preferred and present', async () => {
    const { env } = motionEnv({ Accelerometer: FakeAcc, Gyroscope: FakeGyr });
    expect(detectMotionSupport(env)).toEqual({ kind: 'available', api: 'devicemotion', needsPermission: false });
    expect(detectMotionSupport(env, 'generic-sensor')).toEqual({ kind: 'available', api: 'generic-sensor', needsPermission: false });
    expect(await requestMotionPermission(env)).toBe('granted');
  });

  it('plain http and sensorless browsers are recognised', () => {
    expect(detectMotionSupport({ isSecureContext: false, DeviceMotionEvent: {} })).toEqual({ kind: 'insecure' });
    expect(detectMotionSupport({ isSecureContext: true })).toEqual({ kind: 'none' });
  });
});
