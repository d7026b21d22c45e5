/**
 * "This phone" as a device: its motion readings, resampled to a fixed rate, behind the same
 * `Transport` and `DeviceStream` shapes as the serial and simulated boards, so the connection manager,
 * recorder, live plot and live classification take it unchanged. DOM-free core module.
 *
 *   const phone = new PhoneDevice(createMotionSource(env, api, 60), { rateHz: 62.5 });
 *   await connection.connect(phone, { open: phone.openStream });
 *
 * `open()` starts the sensor and waits for the first readings: none within `firstReadingMs` means
 * this browser has no motion sensor (a desktop) and fails with a `no-sensor` StudioError that says
 * what to do. The axes are accX..gyrZ, or accX..accZ when the phone has no gyroscope.
 *
 * As a byte transport (`readable()`), it prints its frames as CSV lines like a data-forwarder sketch;
 * the connection manager uses the typed stream (`openStream`) instead, which also carries gaps: a
 * gap's missing time advances the batches' `t0` (as a framed board's dropped frames do) and counts in
 * `stats.dropped`, and `info.resampling` keeps the measured rate, jitter and gap totals up to date.
 */
import { StudioError } from '../../core/errors.ts';
import { realClock, type Clock } from '../../core/clock.ts';
import type { DeviceStream, DeviceStreamInfo, OpenStreamOptions, ReadingBatch, StreamStats } from '../connection.ts';
import type { Transport, TransportInfo } from '../transport.ts';
import { Resampler, type ResampledChunk } from './resampler.ts';
import type { ResamplingInfo } from './resampling-info.ts';

export type { ResamplingInfo } from './resampling-info.ts';
import { PHONE_AXES, type MotionApi, type MotionReading, type MotionSource } from './motion.ts';

export interface PhoneDeviceOptions {
  /** The fixed output rate, Hz. */
  rateHz: number;
  /** How long to wait for the first readings before calling it "no sensor", ms. Default 2000. */
  firstReadingMs?: number;
  name?: string;
  clock?: Clock;
}

function noSensor(api: MotionApi): StudioError {
  return new StudioError({
    family: 'device',
    code: 'no-sensor',
    message: `This browser delivers no motion readings (${api === 'devicemotion' ? 'no devicemotion events' : 'the accelerometer sent nothing'}): it has no motion sensor, or access to it is blocked.`,
    remedy: 'On a computer, use the simulated board instead. On a phone, allow motion access in the browser\'s site settings and open the app over HTTPS.',
  });
}

export class PhoneDevice implements Transport {
  readonly info: TransportInfo;
  readonly resampling: ResamplingInfo;
  axes: readonly { name: string; units: string }[] = PHONE_AXES;
  private resampler: Resampler | null = null;
  private running = false;
  private queue: ResampledChunk[] = [];
  private wake: (() => void) | null = null;
  private failure: Error | null = null;
  private listeners = new Set<(c: ResampledChunk) => void>();
  private readonly clock: Clock;
  stats: StreamStats = { readings: 0, badLines: 0, garbled: 0, dropped: 0, deviceErrors: [], logs: [] };

  constructor(
    readonly source: MotionSource,
    readonly opts: PhoneDeviceOptions,
  ) {
    this.info = { name: opts.name ?? 'This phone' };
    this.clock = opts.clock ?? realClock;
    this.resampling = { source: source.api, measuredHz: 0, jitterMs: 0, resampledToHz: opts.rateHz, method: 'linear', events: 0, gaps: 0, gapMs: 0 };
  }

  isOpen(): boolean {
    return this.running;
  }

  /** Starts the sensor; resolves once readings arrive (throws `no-sensor` when none come). */
  async open(_options?: unknown): Promise<void> {
    if (this.running) return;
    const first: MotionReading[] = [];
    let gotFirst!: () => void;
    const arrived = new Promise<void>((r) => (gotFirst = r));
    let detecting = true;
    const onReading = (r: MotionReading) => {
      if (detecting) {
        first.push(r);
        // A few readings tell whether the gyroscope is there (the Generic Sensor one may start late).
        if (first.length >= 5) gotFirst();
        return;
      }
      this.take(r);
    };
    let early: Error | null = null;
    const onError = (e: Error) => {
      if (detecting) {
        early = e;
        gotFirst();
      } else this.fail(e);
    };
    this.failure = null;
    try {
      await this.source.start(onReading, onError);
    } catch (e) {
      throw new StudioError({ family: 'device', code: 'no-sensor', message: `The motion sensor did not start: ${e instanceof Error ? e.message : String(e)}`, remedy: 'Use the simulated board instead, or another browser.', cause: e });
    }
    const wait = this.opts.firstReadingMs ?? 2000;
    let timer = 0;
    const timedOut = await Promise.race([arrived.then(() => false), new Promise<boolean>((r) => (timer = this.clock.setTimeout(() => r(true), wait)))]);
    this.clock.clearTimeout(timer);
    const startError = early as Error | null;
    if (startError && first.length === 0) {
      this.source.stop();
      const denied = startError.name === 'NotAllowedError';
      throw new StudioError({
        family: 'device',
        code: denied ? 'permission-denied' : 'no-sensor',
        message: denied ? 'Motion sensor access was refused.' : `The motion sensor could not be read (${startError.name}: ${startError.message}).`,
        remedy: denied ? 'Allow motion sensors for this site in the browser settings, then try again — or use the simulated board.' : 'On a computer, use the simulated board instead.',
        cause: startError,
      });
    }
    if (timedOut && first.length === 0) {
      this.source.stop();
      throw noSensor(this.source.api);
    }
    const hasGyro = first.some((r) => Number.isFinite(r.values[3]));
    this.axes = hasGyro ? PHONE_AXES : PHONE_AXES.slice(0, 3);
    this.resampler = new Resampler({ outHz: this.opts.rateHz, axes: this.axes.length });
    this.queue = [];
    this.stats = { readings: 0, badLines: 0, garbled: 0, dropped: 0, deviceErrors: [], logs: [] };
    this.running = true;
    detecting = false;
    for (const r of first) this.take(r);
  }

  private take(r: MotionReading): void {
    const rs = this.resampler;
    if (!rs || !this.running) return;
    const n = this.axes.length;
    const v = n === r.values.length ? r.values : Array.prototype.slice.call(r.values, 0, n);
    for (let i = 0; i < n; i++) if (!Number.isFinite(v[i])) return; // gyro not read yet
    const out = rs.push({ t: r.t, values: v });
    const info = this.resampling;
    const est = rs.estimate;
    info.events = rs.stats.events;
    if (est) {
      info.measuredHz = est.hz;
      info.jitterMs = est.jitterMs;
    }
    info.method = rs.method;
    for (const g of out.gaps) {
      info.gaps++;
      info.gapMs += g.missingFrames * rs.T;
      this.stats.dropped += g.missingFrames;
    }
    for (const c of out.chunks) {
      this.stats.readings += c.frames.length / n;
      this.queue.push(c);
      for (const fn of this.listeners) fn(c);
    }
    if (out.chunks.length) this.wake?.();
  }

  private fail(e: Error): void {
    this.failure = e;
    this.wake?.();
  }

  async close(): Promise<void> {
    this.running = false;
    this.source.stop();
    this.wake?.();
  }

  /** Resampled chunks as they are made (for tests and tools); returns an unsubscribe function. */
  onChunk(fn: (c: ResampledChunk) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private async *chunks(): AsyncGenerator<ResampledChunk> {
    while (this.running) {
      const c = this.queue.shift();
      if (c) {
        yield c;
        continue;
      }
      if (this.failure) {
        const e = this.failure;
        const denied = e.name === 'NotAllowedError';
        throw new StudioError({
          family: 'device',
          code: denied ? 'permission-denied' : 'disconnected',
          message: denied ? 'Motion sensor access was refused.' : `The motion sensor stopped: ${e.message}`,
          remedy: denied ? 'Allow motion sensors for this site in the browser settings, then connect again.' : 'Connect "This phone" again.',
          cause: e,
        });
      }
      await new Promise<void>((r) => (this.wake = r));
      this.wake = null;
    }
  }

  /** As a byte transport: one CSV line per frame ("accX,…,gyrZ"), like a data-forwarder sketch. */
  readable(): AsyncIterable<Uint8Array> {
    const chunks = () => this.chunks();
    const axes = () => this.axes.length;
    const enc = new TextEncoder();
    return (async function* () {
      for await (const c of chunks()) {
        const n = axes();
        let text = '';
        for (let i = 0; i < c.frames.length; i += n) text += Array.from(c.frames.subarray(i, i + n), (x) => x.toFixed(4)).join(',') + '\n';
        yield enc.encode(text);
      }
    })();
  }

  /** A phone takes no commands: writes (a HELLO probe) are ignored. */
  async write(_data: Uint8Array): Promise<void> {}

  /** The typed stream for the connection manager (`connect(phone, { open: phone.openStream })`). */
  readonly openStream = async (_t: Transport, _o: OpenStreamOptions): Promise<DeviceStream> => {
    await this.open();
    const info: DeviceStreamInfo = { mode: 'phone', deviceName: this.info.name, axes: this.axes.map((a) => ({ ...a })), rateHz: this.opts.rateHz, rateSource: 'device', resampling: this.resampling };
    const chunks = () => this.chunks();
    const now = () => this.clock.now();
    const stats = () => this.stats;
    const batches = (async function* () {
      for await (const c of chunks()) {
        const b: ReadingBatch = { frames: c.frames, t0: c.t0, arrivedAt: now() };
        yield b;
      }
    })();
    return {
      info,
      get stats() {
        return stats();
      },
      batches,
      close: () => this.close(),
    };
  };
}
