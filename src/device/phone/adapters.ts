/**
 * The two browser APIs that deliver a phone's motion, each turned into MotionReadings and nothing
 * more. DOM-free core module: the browser globals come in through small structural interfaces
 * (`MotionEnv`), so Node tests hand in fakes and the code never touches `window` itself.
 *
 * - `DeviceMotionSource`: the `devicemotion` event (every mobile browser). Timestamp: the event's
 *   `timeStamp` (ms, monotonic). accelerationIncludingGravity x/y/z → accX/Y/Z (m/s²); rotationRate
 *   beta (about x) → gyrX, gamma (about y) → gyrY, alpha (about z) → gyrZ (deg/s). A phone without a
 *   gyroscope sends `rotationRate: null`: its gyro values are NaN (never zeros made up).
 * - `GenericSensorSource`: `Accelerometer` and `Gyroscope` (Chrome on Android) at a requested
 *   frequency. Timestamp: the accelerometer's `timestamp`. Each accelerometer reading carries the
 *   gyroscope's most recent reading (rad/s → deg/s); NaN until the gyroscope has read once.
 */
import { RAD_TO_DEG, type MotionReading, type MotionSource } from './motion.ts';

interface Xyz {
  x: number | null;
  y: number | null;
  z: number | null;
}

export interface MotionEventLike {
  timeStamp: number;
  accelerationIncludingGravity: Xyz | null;
  rotationRate: { alpha: number | null; beta: number | null; gamma: number | null } | null;
}

export interface SensorLike {
  x?: number | null;
  y?: number | null;
  z?: number | null;
  timestamp?: number | null;
  start(): void;
  stop(): void;
  addEventListener(type: 'reading' | 'error', fn: (e: unknown) => void): void;
  removeEventListener(type: 'reading' | 'error', fn: (e: unknown) => void): void;
}

export type SensorCtor = new (opts: { frequency?: number; referenceFrame?: 'device' | 'screen' }) => SensorLike;

/** What the adapters need from the browser (globalThis in the app, a fake in tests). */
export interface MotionEnv {
  isSecureContext?: boolean;
  DeviceMotionEvent?: { requestPermission?: () => Promise<'granted' | 'denied' | string> };
  Accelerometer?: SensorCtor;
  Gyroscope?: SensorCtor;
  addEventListener?(type: 'devicemotion', fn: (e: MotionEventLike) => void): void;
  removeEventListener?(type: 'devicemotion', fn: (e: MotionEventLike) => void): void;
}

export function browserMotionEnv(): MotionEnv {
  return globalThis as unknown as MotionEnv;
}

const num = (v: number | null | undefined): number => (typeof v === 'number' && Number.isFinite(v) ? v : NaN);

/** A `devicemotion` event as a reading; null when it carries no acceleration (desktop browsers send such events). */
export function readingFromMotionEvent(e: MotionEventLike): MotionReading | null {
  const a = e.accelerationIncludingGravity;
  if (!a || a.x == null || a.y == null || a.z == null) return null;
  const r = e.rotationRate;
  return { t: e.timeStamp, values: [num(a.x), num(a.y), num(a.z), num(r?.beta), num(r?.gamma), num(r?.alpha)] };
}

export class DeviceMotionSource implements MotionSource {
  readonly api = 'devicemotion' as const;
  private handler: ((e: MotionEventLike) => void) | null = null;

  constructor(private readonly env: MotionEnv = browserMotionEnv()) {}

  async start(onReading: (r: MotionReading) => void): Promise<void> {
    if (!this.env.addEventListener) throw new Error('This browser has no devicemotion event.');
    this.stop();
    this.handler = (e) => {
      const r = readingFromMotionEvent(e);
      if (r) onReading(r);
    };
    this.env.addEventListener('devicemotion', this.handler);
  }

  stop(): void {
    if (this.handler) this.env.removeEventListener?.('devicemotion', this.handler);
    this.handler = null;
  }
}

export class GenericSensorSource implements MotionSource {
  readonly api = 'generic-sensor' as const;
  private acc: SensorLike | null = null;
  private gyr: SensorLike | null = null;
  private off: (() => void)[] = [];

  constructor(
    private readonly env: MotionEnv,
    /** Requested frequency, Hz (the browser may deliver less). */
    readonly frequency: number,
  ) {}

  async start(onReading: (r: MotionReading) => void, onError: (e: Error) => void): Promise<void> {
    if (!this.env.Accelerometer) throw new Error('This browser has no Accelerometer sensor.');
    this.stop();
    const acc = new this.env.Accelerometer({ frequency: this.frequency, referenceFrame: 'device' });
    const gyr = this.env.Gyroscope ? new this.env.Gyroscope({ frequency: this.frequency, referenceFrame: 'device' }) : null;
    const g = [NaN, NaN, NaN];
    const onGyr = () => {
      g[0] = num(gyr?.x) * RAD_TO_DEG;
      g[1] = num(gyr?.y) * RAD_TO_DEG;
      g[2] = num(gyr?.z) * RAD_TO_DEG;
    };
    const onAcc = () => {
      const t = num(acc.timestamp);
      if (Number.isNaN(t) || acc.x == null) return;
      onReading({ t, values: [num(acc.x), num(acc.y), num(acc.z), g[0], g[1], g[2]] });
    };
    const onErr = (e: unknown) => {
      const err = (e as { error?: { name?: string; message?: string } })?.error;
      onError(Object.assign(new Error(err?.message ?? 'The motion sensor stopped.'), { name: err?.name ?? 'Error' }));
    };
    acc.addEventListener('reading', onAcc);
    acc.addEventListener('error', onErr);
    this.off.push(() => acc.removeEventListener('reading', onAcc), () => acc.removeEventListener('error', onErr));
    if (gyr) {
      gyr.addEventListener('reading', onGyr);
      gyr.addEventListener('error', onErr);
      this.off.push(() => gyr.removeEventListener('reading', onGyr), () => gyr.removeEventListener('error', onErr));
      gyr.start();
    }
    acc.start();
    this.acc = acc;
    this.gyr = gyr;
  }

  stop(): void {
    for (const f of this.off) f();
    this.off = [];
    this.acc?.stop();
    this.gyr?.stop();
    this.acc = null;
    this.gyr = null;
  }
}

export type MotionSupport =
  | { kind: 'insecure' }
  | { kind: 'none' }
  | { kind: 'available'; api: 'generic-sensor' | 'devicemotion'; needsPermission: boolean };

/**
 * What this browser offers. iOS Safari: devicemotion behind `DeviceMotionEvent.requestPermission()`
 * (needs a user gesture); Android Chrome: devicemotion (and the Generic Sensor API) without asking;
 * desktop browsers often have the event but never fire it — `openPhoneStream` finds that out by waiting
 * for a first reading.
 */
export function detectMotionSupport(env: MotionEnv = browserMotionEnv(), prefer: 'generic-sensor' | 'devicemotion' = 'devicemotion'): MotionSupport {
  if (env.isSecureContext === false) return { kind: 'insecure' };
  const dm = !!env.DeviceMotionEvent && !!env.addEventListener;
  const gs = !!env.Accelerometer;
  if (!dm && !gs) return { kind: 'none' };
  const api = gs && (prefer === 'generic-sensor' || !dm) ? 'generic-sensor' : 'devicemotion';
  return { kind: 'available', api, needsPermission: api === 'devicemotion' && typeof env.DeviceMotionEvent?.requestPermission === 'function' };
}

/**
 * iOS: asks for motion access. Must run inside a user gesture (a click handler, before any other
 * await). Resolves 'granted' where no permission is needed.
 */
export async function requestMotionPermission(env: MotionEnv = browserMotionEnv()): Promise<'granted' | 'denied'> {
  const ask = env.DeviceMotionEvent?.requestPermission;
  if (typeof ask !== 'function') return 'granted';
  try {
    return (await ask.call(env.DeviceMotionEvent)) === 'granted' ? 'granted' : 'denied';
  } catch {
    // Safari throws when not called from a gesture; treat it as not (yet) granted.
    return 'denied';
  }
}

export function createMotionSource(env: MotionEnv, api: 'generic-sensor' | 'devicemotion', frequency: number): MotionSource {
  return api === 'generic-sensor' ? new GenericSensorSource(env, frequency) : new DeviceMotionSource(env);
}
