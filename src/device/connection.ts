/**
 * Turns an open byte transport into a stream of sensor frames, whatever the board speaks.
 * DOM-free core module: the UI, tests and benchmarks use it the same way.
 *
 * Mode detection: on open we send one HELLO frame and listen for up to ~1.5 s. A valid INFO frame
 * means the runtime firmware (framed protocol, see firmware/PROTOCOL.md); otherwise the bytes are
 * read as plain CSV lines ("data forwarder" style), whose axis count and rate are detected from that
 * same first stretch of stream. Nothing read during detection is lost: it is replayed to the parser.
 */
import { StudioError, isStudioError } from '../core/errors.ts';
import type { SensorAxis } from '../data/sample.ts';
import { withReadable, type Transport } from './transport.ts';
import { FrameDecoder, encodeFrame } from './protocol/frame.ts';
import { MsgType, PROTOCOL_VERSION } from './protocol/ids.ts';
import { encodeHello } from './protocol/messages.ts';
import { DeviceClient } from './protocol/client.ts';
import { CsvLineParser, diagnoseCsv, type CsvReading } from './serial/csv-line-parser.ts';
import { detectStream, RateMonitor, type StreamShape } from './serial/stream-detector.ts';
import { defaultAxes } from './serial/axis-presets.ts';
import { realClock, type Clock } from '../core/clock.ts';
import type { ResamplingInfo } from './phone/resampling-info.ts';

export interface ReadingBatch {
  /** Interleaved frames × axes. */
  frames: Float32Array;
  /** Stream time of the first frame, ms since the stream started (frame count × interval). */
  t0: number;
  /** Host clock (performance.now-like, ms) when the bytes of this batch arrived. */
  arrivedAt: number;
}

export interface StreamStats {
  readings: number;
  badLines: number;
  garbled: number;
  /** Frames the framed protocol's counters show missing. */
  dropped: number;
  deviceErrors: string[];
  logs: string[];
  lastBadLine?: string;
  lastBadReason?: string;
  rateChange?: { fromHz: number; toHz: number };
}

export interface DeviceStreamInfo {
  /** `phone`: a phone's motion sensors, resampled to `rateHz` (src/device/phone/). */
  mode: 'csv' | 'framed' | 'phone';
  deviceName: string;
  axes: SensorAxis[];
  rateHz: number;
  /** How the CSV rate was obtained. */
  rateSource?: 'arrival' | 'timestamp' | 'user' | 'device';
  firmwareVersion?: string;
  /** Phone streams: measured event rate, jitter and gaps behind the fixed rate (updated live). */
  resampling?: ResamplingInfo;
}

export interface DeviceStream {
  info: DeviceStreamInfo;
  stats: StreamStats;
  batches: AsyncIterable<ReadingBatch>;
  /** The framed client, for model upload and on-device inference (framed mode only). */
  client?: DeviceClient;
  /**
   * Framed mode: stops the board's sample stream (STOP_STREAM acknowledged when it resolves) so other
   * commands (model upload) can run; `batches` then waits. `resume` starts streaming again.
   */
  pause?(): Promise<void>;
  resume?(): void;
  close(): Promise<void>;
}

export interface OpenStreamOptions {
  baudRate: number;
  /** Axis names to use for CSV streams (count must match the lines). */
  axisNames?: string[];
  /** Full axis descriptions (names and units) for CSV streams; wins over `axisNames`. */
  axes?: SensorAxis[];
  /** Rate to use when it cannot be measured (CSV). */
  rateHz?: number;
  /** Skip detection. */
  mode?: 'csv' | 'framed';
  /** How long to listen before deciding (ms). Default 1500. */
  detectMs?: number;
  /** Time source for detection and arrival times (tests pass a VirtualClock). Default the real clock. */
  clock?: Clock;
  /** Framed mode: protocol client timeouts. */
  helloTimeoutMs?: number;
  commandTimeoutMs?: number;
}

type Chunk = { bytes: Uint8Array; t: number };

const BAD_REASON: Record<string, string> = {
  'non-numeric': 'not a line of numbers',
  'wrong-count': 'wrong number of values',
  garbled: 'unreadable bytes (baud rate?)',
  'too-long': 'line too long',
};

/** A transport whose first reads replay bytes already consumed, then continue the same iterator. */
function replaying(t: Transport, first: Chunk[], rest: AsyncIterator<Uint8Array>): Transport {
  return withReadable(t, () =>
    (async function* () {
      for (const c of first) yield c.bytes;
      while (true) {
        const r = await rest.next();
        if (r.done) return;
        yield r.value;
      }
    })(),
  );
}

async function nextWithTimeout<T>(it: AsyncIterator<T>, pending: { p: Promise<IteratorResult<T>> | null }, ms: number, clock: Clock): Promise<IteratorResult<T> | 'timeout'> {
  pending.p ??= it.next();
  let timer: number | undefined;
  const r = await Promise.race([pending.p, new Promise<'timeout'>((res) => (timer = clock.setTimeout(() => res('timeout'), ms)))]);
  if (timer !== undefined) clock.clearTimeout(timer);
  if (r !== 'timeout') pending.p = null;
  return r;
}

export async function openDeviceStream(transport: Transport, opts: OpenStreamOptions): Promise<DeviceStream> {
  const clock = opts.clock ?? realClock;
  const now = () => clock.now();
  if (!transport.isOpen()) await transport.open({ baudRate: opts.baudRate });
  const it = transport.readable()[Symbol.asyncIterator]();
  const pending: { p: Promise<IteratorResult<Uint8Array>> | null } = { p: null };
  const chunks: Chunk[] = [];
  let mode = opts.mode;

  if (mode !== 'csv') {
    await transport.write(encodeFrame(MsgType.HELLO, 0, encodeHello({ protocolVersion: PROTOCOL_VERSION }))).catch(() => undefined);
  }
  // Listen: a framed board answers HELLO within a few ms; a CSV sketch needs ~1 s of lines for the rate.
  const decoder = new FrameDecoder();
  const start = now();
  const detectMs = opts.detectMs ?? 1500;
  while (mode === undefined || (mode === 'csv' && now() - start < detectMs)) {
    const left = detectMs - (now() - start);
    if (left <= 0) break;
    const r = await nextWithTimeout(it, pending, left, clock);
    if (r === 'timeout') break;
    if (r.done) throw new StudioError({ family: 'device', code: 'closed', message: 'The port closed before any data arrived.', remedy: 'Reconnect the board.' });
    chunks.push({ bytes: r.value, t: now() });
    if (mode === undefined) {
      const { frames } = decoder.push(r.value);
      if (frames.some((f) => f.type === MsgType.INFO)) mode = 'framed';
    }
  }
  // A pending read from the detection loop must not be lost: hand it to the replay.
  const restIt: AsyncIterator<Uint8Array> = pending.p
    ? (() => {
        const p = pending.p!;
        let used = false;
        return { next: () => (used ? it.next() : ((used = true), p)), return: it.return?.bind(it) } as AsyncIterator<Uint8Array>;
      })()
    : it;

  if (mode === 'framed') return openFramed(replaying(transport, chunks, restIt), now, opts);
  return openCsv(transport, chunks, restIt, opts, now);
}

/** Many bytes, few of them printable text: what a UART at the wrong baud rate produces. */
function byteSoup(chunks: Chunk[]): StudioError | null {
  let total = 0;
  let text = 0;
  for (const c of chunks) {
    for (const b of c.bytes) {
      total++;
      if ((b >= 0x20 && b < 0x7f) || b === 10 || b === 13 || b === 9) text++;
    }
  }
  if (total < 64 || text / total > 0.85) return null;
  return new StudioError({
    family: 'device',
    code: 'wrong-baud',
    message: `The board sends data, but ${Math.round((100 * (total - text)) / total)}% of it is unreadable bytes — this looks like a wrong baud rate.`,
    remedy: 'Pick the baud rate the sketch uses in Serial.begin(...) (115200 is the usual one) and connect again.',
  });
}

async function openFramed(t: Transport, now: () => number, opts: OpenStreamOptions): Promise<DeviceStream> {
  const client = new DeviceClient(t, { helloTimeoutMs: opts.helloTimeoutMs, commandTimeoutMs: opts.commandTimeoutMs, clock: opts.clock });
  const boardInfo = await client.connect();
  const sensor = boardInfo.sensors[0];
  if (!sensor) throw new StudioError({ family: 'device', code: 'no-sensor', message: 'The board reports no sensor.', remedy: 'Check the IMU wiring and the firmware build.' });
  const rateHz = sensor.currentRateMilliHz / 1000;
  const stats: StreamStats = { readings: 0, badLines: 0, garbled: 0, dropped: 0, deviceErrors: [], logs: [] };
  client.onLog((m) => {
    stats.logs = [...stats.logs.slice(-49), m.text];
  });
  let closed = false;
  let paused = false;
  let wake: (() => void) | null = null;
  let run: AbortController | null = null;
  let runEnded: Promise<void> = Promise.resolve();
  const info: DeviceStreamInfo = { mode: 'framed', deviceName: boardInfo.board || t.info.name, axes: sensor.axes.map((a) => ({ name: a.name, units: a.units })), rateHz, rateSource: 'device', firmwareVersion: boardInfo.firmwareVersion };
  // Stream time advances by one interval of the current rate per frame (the rate may change between runs).
  let tMs = 0;
  const batches = (async function* () {
    while (!closed) {
      if (paused) {
        await new Promise<void>((r) => (wake = r));
        wake = null;
        continue;
      }
      const ac = new AbortController();
      run = ac;
      let ended!: () => void;
      runEnded = new Promise<void>((r) => (ended = r));
      try {
        // client.stream sends STOP_STREAM when aborted (pause, close) before it returns.
        for await (const b of client.stream({ signal: ac.signal })) {
          stats.readings += b.frames;
          stats.dropped += b.dropped;
          const dt = 1000 / info.rateHz;
          tMs += b.dropped * dt;
          const batch: ReadingBatch = { frames: b.values, t0: tMs, arrivedAt: now() };
          tMs += b.frames * dt;
          yield batch;
        }
      } finally {
        run = null;
        ended();
      }
    }
  })();
  return {
    info,
    stats,
    batches,
    client,
    async pause() {
      paused = true;
      run?.abort();
      await runEnded;
    },
    resume() {
      paused = false;
      wake?.();
    },
    async close() {
      closed = true;
      run?.abort();
      wake?.();
      await client.stopStream().catch(() => undefined);
      await t.close().catch(() => undefined);
    },
  };
}

async function openCsv(t: Transport, first: Chunk[], rest: AsyncIterator<Uint8Array>, opts: OpenStreamOptions, now: () => number): Promise<DeviceStream> {
  // Detect shape from the first stretch.
  const probe = new CsvLineParser();
  const readings: CsvReading[] = [];
  for (const c of first) readings.push(...probe.push(c.bytes, c.t).readings);
  const diag = diagnoseCsv(probe.stats) ?? byteSoup(first);
  if (diag && diag.code === 'wrong-baud') {
    await t.close().catch(() => undefined);
    throw diag;
  }
  const detected = detectStream(readings);
  let shape: StreamShape;
  if (detected.ok) {
    shape = detected.shape;
    if (opts.rateHz) shape = { ...shape, rateHz: opts.rateHz, rateSource: 'arrival' };
  } else if (opts.rateHz && detected.valueCount) {
    shape = { valueCount: detected.valueCount, axisCount: detected.valueCount, timestampColumn: null, rateHz: opts.rateHz, measuredHz: opts.rateHz, rateSource: 'arrival' };
  } else {
    await t.close().catch(() => undefined);
    if (diag) throw diag;
    throw new StudioError({
      family: 'device',
      code: detected.valueCount ? 'rate-unknown' : 'no-data',
      message: detected.message,
      remedy: detected.valueCount ? (/type the rate/i.test(detected.message) ? 'Then connect again.' : 'Type the sample rate your sketch uses and connect again.') : 'Check that the sketch prints comma-separated numbers, one reading per line, and that the baud rate matches.',
    });
  }
  const axisCount = shape.axisCount;
  const firstCol = shape.timestampColumn === 0 ? 1 : 0;
  let axes: SensorAxis[] = defaultAxes(axisCount);
  const given = opts.axes?.map((a) => a.name) ?? opts.axisNames;
  if (given) {
    if (given.length !== axisCount) {
      await t.close().catch(() => undefined);
      throw new StudioError({ family: 'config', code: 'axis-count', message: `The board sends ${axisCount} values per line but ${given.length} axis names were given.`, remedy: `Give ${axisCount} names, separated by commas.` });
    }
    axes = given.map((name, i) => ({ name, units: opts.axes?.[i]?.units ?? axes[i]?.units ?? '' }));
  }
  const rateHz = shape.rateHz;
  const dt = 1000 / rateHz;
  const stats: StreamStats = { readings: 0, badLines: 0, garbled: 0, dropped: 0, deviceErrors: [], logs: [] };
  const parser = new CsvLineParser({ expectedValues: shape.valueCount });
  const monitor = new RateMonitor(rateHz);
  let frameNo = 0;
  let closed = false;

  function toBatch(bytes: Uint8Array, t: number): ReadingBatch | null {
    const r = parser.push(bytes, t);
    for (const e of r.errors) {
      stats.badLines++;
      if (e.kind === 'garbled') stats.garbled++;
      stats.lastBadLine = e.text;
      stats.lastBadReason = BAD_REASON[e.kind] ?? e.kind;
    }
    for (const d of r.deviceErrors) stats.deviceErrors = [...stats.deviceErrors.slice(-19), d.text];
    const change = monitor.push(r.readings);
    if (change) stats.rateChange = { fromHz: change.fromHz, toHz: change.toHz };
    const n = r.readings.length;
    if (!n) return null;
    const frames = new Float32Array(n * axisCount);
    for (let i = 0; i < n; i++) {
      const v = r.readings[i].values;
      for (let a = 0; a < axisCount; a++) frames[i * axisCount + a] = v[a + firstCol];
    }
    stats.readings += n;
    const b = { frames, t0: frameNo * dt, arrivedAt: t };
    frameNo += n;
    return b;
  }

  const batches = (async function* () {
    // The detection stretch is replayed through the real parser (its first, possibly cut, line skipped).
    for (const c of first) {
      const b = toBatch(c.bytes, c.t);
      if (b) yield b;
    }
    while (!closed) {
      let r: IteratorResult<Uint8Array>;
      try {
        r = await rest.next();
      } catch (e) {
        if (closed) return;
        throw isStudioError(e) ? e : new StudioError({ family: 'device', code: 'disconnected', message: 'The board was disconnected.', remedy: 'Plug it back in and connect again.', cause: e });
      }
      if (r.done) return;
      const b = toBatch(r.value, now());
      if (b) yield b;
    }
  })();

  return {
    info: { mode: 'csv', deviceName: t.info.name, axes, rateHz, rateSource: opts.rateHz ? 'user' : shape.rateSource },
    stats,
    batches,
    async close() {
      closed = true;
      await rest.return?.().catch(() => undefined);
      await t.close().catch(() => undefined);
    },
  };
}
