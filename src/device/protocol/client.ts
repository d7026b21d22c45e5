/**
 * Host side of the framed protocol over a `Transport`: handshake, commands with ACK/NACK and timeouts,
 * sample streams with dropped-sample detection, logs and on-device inference events.
 * DOM-free core module.
 *
 * One command is in flight at a time; replies are matched by (type, seq), so a late ACK of a timed-out
 * attempt is ignored. Bytes that are not valid frames are dropped by the frame decoder (counted in
 * `frameStats`). When the transport throws (unplug), every waiter fails with that StudioError.
 */
import { realClock, type Clock, type TimerHandle } from '../../core/clock.ts';
import { StudioError, isStudioError, throwIfAborted } from '../../core/errors.ts';
import type { Transport } from '../transport.ts';
import { FrameDecoder, encodeFrame, type Frame, type FrameStats } from './frame.ts';
import { MsgType, NACK_TEXT, NackCode, PROTOCOL_VERSION, SampleFormat, MSG_NAME } from './ids.ts';
import {
  EMPTY, decodeAck, decodeInference, decodeInfo, decodeLog, decodeModelStatus, decodeNack, decodeSamples,
  encodeHello, encodeSetInference, encodeSetRate, encodeStartStream, maxFramesPerBatch,
  type AckMsg, type InferenceMsg, type InfoMsg, type LogMsg, type ModelStatusMsg,
} from './messages.ts';

export interface DeviceClientOptions {
  /** Wait for INFO after HELLO (default 1500 ms). */
  helloTimeoutMs?: number;
  /** Wait for an ACK/NACK (default 1000 ms). */
  commandTimeoutMs?: number;
  /** Time source of the timeouts (default the real clock; tests pass the board's virtual clock). */
  clock?: Clock;
}

export interface SampleBatch {
  /** Index of the first frame since START_STREAM. */
  counter: number;
  axes: number;
  frames: number;
  /** Interleaved frame-major values. */
  values: Float32Array;
  /** Frames missing between the previous batch and this one (0 normally). */
  dropped: number;
}

export interface StreamOptions {
  sensor?: number;
  format?: SampleFormat;
  /** Frames per SAMPLES message (default: about 20 ms worth, at least 1). */
  framesPerBatch?: number;
  signal?: AbortSignal;
}

export interface StreamStats {
  frames: number;
  batches: number;
  droppedFrames: number;
  gaps: number;
}

/** A NACK as a StudioError; `nackCode` and `nackValue` keep the device's numbers. */
export class NackError extends StudioError {
  constructor(readonly ackType: number, readonly nackCode: number, readonly nackValue: number) {
    super({
      family: 'device',
      code: 'nack',
      message: `The board refused ${MSG_NAME[ackType] ?? ackType}: ${NACK_TEXT[nackCode] ?? `error ${nackCode}`}`,
      remedy: nackCode === NackCode.BUSY ? 'Stop streaming first.' : 'Try again; if it keeps failing, reset the board.',
    });
  }
}

type Waiter = { match: (f: Frame) => boolean; resolve: (f: Frame) => void; reject: (e: unknown) => void };

function timeoutError(what: string, ms: number): StudioError {
  return new StudioError({
    family: 'device', code: 'timeout',
    message: `The board did not answer ${what} within ${ms} ms.`,
    remedy: 'Check that the board runs the TinyML runtime firmware and the baud rate is right, then reconnect.',
  });
}

export class DeviceClient {
  private readonly decoder = new FrameDecoder();
  private waiters: Waiter[] = [];
  private seq = 0;
  private chain: Promise<unknown> = Promise.resolve();
  private reading = false;
  private failure: unknown = null;
  private batchQueue: SampleBatch[] = [];
  private batchWake: (() => void) | null = null;
  private expectedCounter = -1;
  private readonly logListeners = new Set<(m: LogMsg) => void>();
  private readonly inferenceListeners = new Set<(m: InferenceMsg) => void>();
  info: InfoMsg | null = null;
  readonly streamStats: StreamStats = { frames: 0, batches: 0, droppedFrames: 0, gaps: 0 };
  readonly helloTimeoutMs: number;
  readonly commandTimeoutMs: number;
  private readonly clock: Clock;

  constructor(readonly transport: Transport, opts: DeviceClientOptions = {}) {
    this.helloTimeoutMs = opts.helloTimeoutMs ?? 1500;
    this.commandTimeoutMs = opts.commandTimeoutMs ?? 1000;
    this.clock = opts.clock ?? realClock;
  }

  get frameStats(): FrameStats {
    return this.decoder.stats;
  }

  /** Starts reading (if needed) and does the HELLO → INFO handshake (tries twice). */
  async connect(signal?: AbortSignal): Promise<InfoMsg> {
    this.startReader();
    let last: unknown;
    for (let attempt = 0; attempt < 2; attempt++) {
      throwIfAborted(signal, 'device');
      try {
        const f = await this.exchange(MsgType.HELLO, encodeHello({ protocolVersion: PROTOCOL_VERSION }),
          (fr) => fr.type === MsgType.INFO, this.helloTimeoutMs, 'HELLO');
        this.info = decodeInfo(f.payload);
        return this.info;
      } catch (e) {
        last = e;
        if (!isStudioError(e, 'timeout')) throw e;
      }
    }
    throw last;
  }

  onLog(cb: (m: LogMsg) => void): () => void {
    this.logListeners.add(cb);
    return () => this.logListeners.delete(cb);
  }

  onInference(cb: (m: InferenceMsg) => void): () => void {
    this.inferenceListeners.add(cb);
    return () => this.inferenceListeners.delete(cb);
  }

  private startReader(): void {
    if (this.reading) return;
    this.reading = true;
    void (async () => {
      try {
        for await (const chunk of this.transport.readable()) this.feed(chunk);
        this.fail(new StudioError({ family: 'device', code: 'closed', message: 'The connection to the board was closed.' }));
      } catch (e) {
        this.fail(e);
      }
    })();
  }

  /** Feeds received bytes (the reader calls this; tests may too). */
  feed(chunk: Uint8Array): void {
    const { frames } = this.decoder.push(chunk);
    for (const f of frames) this.dispatch(f);
  }

  private fail(e: unknown): void {
    this.failure = e;
    this.reading = false;
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w.reject(e);
    this.batchWake?.();
  }

  private dispatch(f: Frame): void {
    try {
      switch (f.type) {
        case MsgType.SAMPLES: return this.onSamples(f.payload);
        case MsgType.LOG: {
          const m = decodeLog(f.payload);
          for (const cb of this.logListeners) cb(m);
          return;
        }
        case MsgType.INFERENCE: {
          const m = decodeInference(f.payload);
          for (const cb of this.inferenceListeners) cb(m);
          return;
        }
      }
    } catch {
      // A malformed device message (valid CRC, wrong layout) is dropped; counted as an error.
      this.decoder.stats.errors++;
      return;
    }
    const i = this.waiters.findIndex((w) => w.match(f));
    if (i >= 0) {
      const [w] = this.waiters.splice(i, 1);
      w.resolve(f);
    }
  }

  private onSamples(p: Uint8Array): void {
    const m = decodeSamples(p);
    let dropped = 0;
    if (this.expectedCounter >= 0 && m.counter > this.expectedCounter) dropped = m.counter - this.expectedCounter;
    this.expectedCounter = m.counter + m.frames;
    if (dropped) {
      this.streamStats.droppedFrames += dropped;
      this.streamStats.gaps++;
    }
    this.streamStats.frames += m.frames;
    this.streamStats.batches++;
    this.batchQueue.push({ counter: m.counter, axes: m.axes, frames: m.frames, values: m.values, dropped });
    if (this.batchQueue.length > 10000) this.batchQueue.splice(0, this.batchQueue.length - 10000);
    this.batchWake?.();
  }

  /** Sends one frame and waits for the first frame matching `match` (serialised with other commands). */
  private exchange(type: number, payload: Uint8Array, match: (f: Frame, seq: number) => boolean, timeoutMs: number, what: string): Promise<Frame> {
    const run = async (): Promise<Frame> => {
      if (this.failure) throw this.failure;
      const seq = this.seq;
      this.seq = (this.seq + 1) & 0xff;
      let timer: TimerHandle | undefined;
      let waiter!: Waiter;
      const p = new Promise<Frame>((resolve, reject) => {
        waiter = { match: (f) => match(f, seq), resolve, reject };
        this.waiters.push(waiter);
        timer = this.clock.setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          reject(timeoutError(what, timeoutMs));
        }, timeoutMs);
      });
      p.catch(() => undefined); // rejection is delivered by the await below
      try {
        // A leading 0x00 closes whatever half-frame or line noise the board may be holding, so this
        // command is never glued onto it (the board treats the empty block as idle fill).
        const frame = encodeFrame(type, seq, payload);
        const wire = new Uint8Array(frame.length + 1);
        wire.set(frame, 1);
        await this.transport.write(wire);
        return await p;
      } finally {
        if (timer !== undefined) this.clock.clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== waiter);
      }
    };
    const r = this.chain.then(run, run);
    this.chain = r.catch(() => undefined);
    return r;
  }

  /** Sends a command and waits for its ACK (returns it) or NACK (throws NackError). */
  async command(type: number, payload: Uint8Array = EMPTY, timeoutMs = this.commandTimeoutMs): Promise<AckMsg> {
    const f = await this.exchange(type, payload, (fr, seq) =>
      (fr.type === MsgType.ACK || fr.type === MsgType.NACK) && fr.payload[0] === type && fr.payload[1] === seq,
    timeoutMs, MSG_NAME[type] ?? `message ${type}`);
    if (f.type === MsgType.NACK) {
      const n = decodeNack(f.payload);
      throw new NackError(type, n.code, n.value);
    }
    return decodeAck(f.payload);
  }

  async getInfo(): Promise<InfoMsg> {
    const f = await this.exchange(MsgType.GET_INFO, EMPTY, (fr) => fr.type === MsgType.INFO, this.commandTimeoutMs, 'GET_INFO');
    this.info = decodeInfo(f.payload);
    return this.info;
  }

  async modelStatus(timeoutMs = this.commandTimeoutMs): Promise<ModelStatusMsg> {
    const f = await this.exchange(MsgType.MODEL_QUERY, EMPTY, (fr) => fr.type === MsgType.MODEL_STATUS, timeoutMs, 'MODEL_QUERY');
    return decodeModelStatus(f.payload);
  }

  async setRate(sensor: number, rateMilliHz: number): Promise<number> {
    return (await this.command(MsgType.SET_RATE, encodeSetRate({ sensor, rateMilliHz }))).value;
  }

  async setInference(enable: boolean): Promise<void> {
    await this.command(MsgType.SET_INFERENCE, encodeSetInference({ enable }));
  }

  /** Stops a running stream; resolves to the number of frames the board produced. */
  async stopStream(): Promise<number> {
    return (await this.command(MsgType.STOP_STREAM)).value;
  }

  /**
   * Starts a stream and yields sample batches until the loop breaks, the signal aborts (both send
   * STOP_STREAM) or the board goes away (throws the transport's StudioError, e.g. `disconnected`).
   */
  async *stream(opts: StreamOptions = {}): AsyncGenerator<SampleBatch> {
    const sensor = opts.sensor ?? 0;
    const format = opts.format ?? SampleFormat.FLOAT32;
    const s = this.info?.sensors[sensor];
    const axes = s?.axes.length ?? 3;
    const rateHz = (s?.currentRateMilliHz ?? 100000) / 1000;
    const fpb = Math.max(1, Math.min(opts.framesPerBatch ?? Math.ceil(rateHz / 50), maxFramesPerBatch(axes, format)));
    this.batchQueue = [];
    this.expectedCounter = -1;
    await this.command(MsgType.START_STREAM, encodeStartStream({ sensor, format, framesPerBatch: fpb }));
    const onAbort = () => this.batchWake?.();
    opts.signal?.addEventListener('abort', onAbort);
    try {
      for (;;) {
        while (this.batchQueue.length > 0) yield this.batchQueue.shift()!;
        if (this.failure) throw this.failure;
        if (opts.signal?.aborted) return;
        await new Promise<void>((r) => (this.batchWake = r));
        this.batchWake = null;
      }
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
      if (!this.failure) await this.stopStream().catch(() => undefined);
    }
  }
}
