/**
 * The one owner of the serial port (a WebSerial port or a simulated board's transport): connects,
 * detects what the board speaks (connection.ts), pumps its sample stream to listeners, keeps status
 * and stream info, and — when the board runs the runtime firmware — hands out the one protocol client
 * (DeviceClient) for model upload and on-device inference, pausing the sample stream while a command
 * sequence needs the board to itself and reconnecting after a reset. Shape of micro:bit's
 * DeviceConnection: a status value, typed event listeners, connect/disconnect.
 * DOM-free core module: the Device, Test and Deploy steps share one instance (`connection` in
 * src/ui/state/device.svelte.ts).
 *
 * The Deploy step goes through it (src/deploy/board-connection.ts; no second link, no port of its own):
 *   its board                the manager's framed connection, followed through 'connected' / 'info' /
 *                            'disconnected' (a board connected on the Device step is the one Deploy uses)
 *   connect a real board     connection.protocolClient(transportFor(choice, serial), { mode: 'framed' })
 *                            (`no-runtime` for a CSV sketch; a HELLO nobody answers is reported the same way)
 *   simulated runtime board  createSimulatedBoard({ mode: 'framed', … }) (src/device/sim-setup.ts), then
 *                            connection.connect(sim.transport, { mode: 'framed', sim })
 *   upload                   connection.withStreamPaused((c) => uploadModel(c, payload, opts)) ('paused' events)
 *   on-device inference      client.onInference(cb); withStreamPaused((c) => c.setInference(true))
 *   1200-baud touch, esptool const t = await connection.release(); touch1200(t) / esptool on t.port
 *   flash over USB           connection.expectReset() before (expectReset(false) if no flash starts), then
 *                            connection.reconnect(() => the board's granted port, { mode: 'framed' })
 *   link lost                connection.addEventListener('disconnected', (e) => e.reason …)
 */
import { StudioError, isStudioError } from '../core/errors.ts';
import type { DeviceClient } from './protocol/client.ts';
import type { InfoMsg } from './protocol/messages.ts';
import { openDeviceStream, type DeviceStream, type DeviceStreamInfo, type OpenStreamOptions, type ReadingBatch, type StreamStats } from './connection.ts';
import type { SimulatedBoard } from './sim/simulated-board.ts';
import { realClock, sleep, type Clock } from '../core/clock.ts';
import type { Transport } from './transport.ts';

export type ConnectionStatus = 'disconnected' | 'connecting' | 'connected';

/**
 * Why a connection ended: `closed` (disconnect() or replaced by another connect), `unplugged` (the
 * port went away unexpectedly), `reset` (it went away while a reset was expected: flashing, 1200-baud
 * touch), `ended` (the board closed the stream), `error` (the stream failed otherwise).
 */
export type DisconnectReason = 'closed' | 'unplugged' | 'reset' | 'ended' | 'error';

export interface ConnectionEvents {
  status: { status: ConnectionStatus };
  connecting: { name: string };
  /** Stream info (mode csv/framed, axes, rate) and, for the runtime firmware, its INFO. */
  connected: { info: DeviceStreamInfo; board: InfoMsg | null };
  /** The board's INFO changed while connected (e.g. its rate after a model upload). */
  info: { info: DeviceStreamInfo; board: InfoMsg | null };
  disconnected: { reason: DisconnectReason; error?: StudioError };
  /** The sample stream stopped for a command sequence (model upload) or started again. */
  paused: { paused: boolean };
  /** A connect attempt or the stream failed (the StudioError says what to do). */
  error: { error: StudioError };
  batch: { batch: ReadingBatch };
}

export type ConnectionEventType = keyof ConnectionEvents;

export interface ConnectOptions extends Omit<OpenStreamOptions, 'baudRate' | 'clock'> {
  baudRate?: number;
  /** The simulated board behind `transport`, kept for its control API. */
  sim?: SimulatedBoard;
  /** Opens the stream instead of byte-level detection (a phone's typed motion stream). */
  open?: (transport: Transport, opts: OpenStreamOptions) => Promise<DeviceStream>;
}

export interface ReconnectOptions {
  /** How long to keep trying, ms. Default 15000. */
  timeoutMs?: number;
  /** Pause between attempts, ms. Default 500. */
  intervalMs?: number;
  signal?: AbortSignal;
}

function asStudioError(e: unknown, what: string): StudioError {
  if (e instanceof StudioError) return e;
  return new StudioError({ family: 'device', code: 'stream-failed', message: `${what}: ${e instanceof Error ? e.message : String(e)}`, remedy: 'Reconnect the board.', cause: e });
}

export class ConnectionManager {
  status: ConnectionStatus = 'disconnected';
  /** Info of the current (or last) stream. */
  info: DeviceStreamInfo | null = null;
  /** INFO of the runtime firmware (framed mode). */
  board: InfoMsg | null = null;
  /** The simulated board behind the current connection, if any. */
  sim: SimulatedBoard | null = null;
  lastError: StudioError | null = null;

  private stream: DeviceStream | null = null;
  private transport: Transport | null = null;
  private options: ConnectOptions = {};
  private resetExpected = false;
  private paused = 0;
  /** The time source of connects, reconnect polling and the simulated boards connected here. */
  readonly clock: Clock;
  private readonly listeners: { [K in ConnectionEventType]: Set<(e: ConnectionEvents[K]) => void> } = {
    status: new Set(), connecting: new Set(), connected: new Set(), info: new Set(), disconnected: new Set(), paused: new Set(), error: new Set(), batch: new Set(),
  };

  constructor(opts: { clock?: Clock } = {}) {
    this.clock = opts.clock ?? realClock;
  }

  addEventListener<K extends ConnectionEventType>(type: K, fn: (e: ConnectionEvents[K]) => void): () => void {
    this.listeners[type].add(fn);
    return () => this.removeEventListener(type, fn);
  }

  removeEventListener<K extends ConnectionEventType>(type: K, fn: (e: ConnectionEvents[K]) => void): void {
    this.listeners[type].delete(fn);
  }

  private emit<K extends ConnectionEventType>(type: K, e: ConnectionEvents[K]): void {
    for (const fn of [...this.listeners[type]]) fn(e);
  }

  private setStatus(s: ConnectionStatus): void {
    if (this.status === s) return;
    this.status = s;
    this.emit('status', { status: s });
  }

  /** Counters of the current stream (bad lines, drops, logs). */
  get stats(): StreamStats | null {
    return this.stream?.stats ?? null;
  }

  /** The port of the current connection. */
  get currentTransport(): Transport | null {
    return this.transport;
  }

  /** The protocol client when connected to the runtime firmware, else null. */
  get client(): DeviceClient | null {
    return this.stream?.client ?? null;
  }

  /** Opens `transport`, detects CSV or framed, and streams until disconnect/unplug. Throws the connect error. */
  async connect(transport: Transport, opts: ConnectOptions = {}): Promise<void> {
    if (this.stream || this.transport) await this.close('closed');
    this.transport = transport;
    this.options = opts;
    this.sim = opts.sim ?? null;
    this.lastError = null;
    this.resetExpected = false;
    this.paused = 0;
    this.setStatus('connecting');
    this.emit('connecting', { name: transport.info.name });
    let stream: DeviceStream;
    try {
      stream = await (opts.open ?? openDeviceStream)(transport, { ...opts, baudRate: opts.baudRate ?? 115200, clock: this.clock });
    } catch (e) {
      const err = asStudioError(e, 'Could not connect');
      await transport.close().catch(() => undefined);
      if (this.transport === transport) {
        this.transport = null;
        this.sim = null;
        this.lastError = err;
        this.setStatus('disconnected');
        this.emit('error', { error: err });
      }
      throw err;
    }
    if (this.transport !== transport) {
      // Replaced while connecting.
      await stream.close().catch(() => undefined);
      throw new StudioError({ family: 'device', code: 'cancelled', message: 'The connection was replaced by another one.' });
    }
    this.stream = stream;
    this.info = stream.info;
    this.board = stream.client?.info ?? null;
    this.setStatus('connected');
    this.emit('connected', { info: stream.info, board: this.board });
    void this.pump(stream);
  }

  private async pump(stream: DeviceStream): Promise<void> {
    let reason: DisconnectReason = 'ended';
    let error: StudioError | undefined;
    try {
      for await (const batch of stream.batches) {
        if (this.stream !== stream) return;
        this.emit('batch', { batch });
      }
    } catch (e) {
      if (this.stream !== stream) return;
      error = asStudioError(e, 'The device stream stopped');
      reason = isStudioError(e, 'disconnected') || isStudioError(e, 'closed') ? (this.resetExpected ? 'reset' : 'unplugged') : 'error';
    }
    if (this.stream !== stream) return;
    if (reason === 'ended' && this.resetExpected) reason = 'reset';
    this.stream = null;
    this.transport = null;
    if (reason !== 'reset') this.sim = null;
    await stream.close().catch(() => undefined);
    if (reason === 'error' && error) {
      this.lastError = error;
      this.emit('error', { error });
    }
    this.setStatus('disconnected');
    this.emit('disconnected', { reason, error });
  }

  private async close(reason: DisconnectReason): Promise<void> {
    const s = this.stream;
    const t = this.transport;
    const was = this.status;
    this.stream = null;
    this.transport = null;
    if (s) await s.close().catch(() => undefined);
    else if (t) await t.close().catch(() => undefined);
    if (was !== 'disconnected') {
      this.setStatus('disconnected');
      this.emit('disconnected', { reason });
    }
  }

  /** Closes the port (stops the board's stream first). */
  async disconnect(): Promise<void> {
    this.sim?.stopPerformer();
    this.sim = null;
    await this.close('closed');
  }

  /**
   * The protocol client of the current framed connection; with `transport`, connects it first when
   * nothing (or another port) is connected. Throws `no-runtime` when the board speaks CSV or does not
   * answer the protocol.
   */
  async protocolClient(transport?: Transport, opts: ConnectOptions = {}): Promise<DeviceClient> {
    if (transport && (this.transport !== transport || this.status !== 'connected')) await this.connect(transport, { ...opts, mode: opts.mode ?? 'framed' });
    const c = this.client;
    if (c) return c;
    throw new StudioError({
      family: 'device',
      code: 'no-runtime',
      message: this.status === 'connected' ? `${this.info?.deviceName ?? 'The board'} streams CSV lines: it does not run the TinyML runtime firmware.` : 'No board is connected.',
      remedy: 'Install the runtime firmware on the board (Deploy step), then connect it again.',
    });
  }

  /**
   * Runs `fn` with the protocol client while the sample stream is stopped (the board refuses uploads
   * while it streams), then restarts the stream and re-reads INFO (the rate may have changed with the
   * model). Nested calls share one pause.
   */
  async withStreamPaused<T>(fn: (client: DeviceClient) => Promise<T>): Promise<T> {
    const client = await this.protocolClient();
    const stream = this.stream!;
    this.paused++;
    if (this.paused === 1) this.emit('paused', { paused: true });
    try {
      if (this.paused === 1) await stream.pause?.();
      return await fn(client);
    } finally {
      // A connect in between starts counting afresh.
      this.paused = Math.max(0, this.paused - 1);
      if (this.paused === 0 && this.stream !== stream) this.emit('paused', { paused: false });
      if (this.paused === 0 && this.stream === stream) {
        const board = await client.getInfo().catch(() => null);
        if (board && this.stream === stream) {
          this.board = board;
          const rateHz = (board.sensors[0]?.currentRateMilliHz ?? 0) / 1000;
          if (rateHz > 0 && rateHz !== stream.info.rateHz) {
            // The stream's frame times follow the new rate from the next batch on.
            stream.info.rateHz = rateHz;
          }
          this.info = { ...stream.info };
          this.emit('info', { info: this.info!, board });
        }
        stream.resume?.();
        this.emit('paused', { paused: false });
      }
    }
  }

  /** True while a command sequence has the board to itself (the sample stream is stopped). */
  get streamPaused(): boolean {
    return this.paused > 0;
  }

  /** Runtime firmware: samples at `hz` from now on (SET_RATE with the stream paused). */
  async setRate(hz: number): Promise<void> {
    await this.withStreamPaused((c) => c.setRate(0, Math.round(hz * 1000)));
  }

  /**
   * Hands the port to a flasher (1200-baud touch, esptool): stops the stream, closes the port and
   * returns its transport (null when nothing was connected); the end is reported as `reset`.
   */
  async release(): Promise<Transport | null> {
    const t = this.transport;
    this.sim?.stopPerformer();
    await this.close('reset');
    return t;
  }

  /**
   * Marks that the board is about to reset (flash, 1200-baud touch): the end of the stream that
   * follows is reported as `reset`, not as an unplug. `expectReset(false)` takes that back (the
   * flash did not start).
   */
  expectReset(expected = true): void {
    this.resetExpected = expected;
  }

  /**
   * After a reset: waits for the board to come back and connects again. `find` returns the port to
   * try (the same transport, or the re-enumerated WebSerial port) or null while it is not there yet.
   */
  async reconnect(find: () => Transport | null | Promise<Transport | null>, opts: ConnectOptions & ReconnectOptions = {}): Promise<void> {
    const timeoutMs = opts.timeoutMs ?? 15000;
    const intervalMs = opts.intervalMs ?? 500;
    const sim = this.sim;
    if (this.stream || this.transport) await this.close('reset');
    const start = this.clock.now();
    let last: unknown = null;
    for (;;) {
      if (opts.signal?.aborted) throw new StudioError({ family: 'device', code: 'cancelled', message: 'Reconnecting was cancelled.' });
      const t = await find();
      if (t) {
        try {
          await this.connect(t, { ...this.options, ...opts, sim: opts.sim ?? sim ?? undefined });
          return;
        } catch (e) {
          last = e;
        }
      }
      if (this.clock.now() - start + intervalMs > timeoutMs) break;
      await sleep(this.clock, intervalMs);
    }
    const err = new StudioError({
      family: 'device',
      code: 'reconnect-failed',
      message: `The board did not come back within ${Math.round(timeoutMs / 1000)} s after the reset.`,
      remedy: 'Unplug and replug the board, then click Connect.',
      cause: last ?? undefined,
    });
    this.lastError = err;
    this.emit('error', { error: err });
    throw err;
  }
}
