/**
 * The built-in simulated board: a motion model and IMU behind a serial port, speaking either what a
 * 10-line Arduino sketch prints (CSV lines) or our framed runtime protocol (through the protocol's own
 * device-side state machine). Hosts talk to it through `board.transport`, bytes in and bytes out,
 * exactly like a WebSerial port. Test hooks: unplug, wrong baud rate, garbage lines, virtual clock.
 *
 * Framed mode is strict: like the runtime firmware it knows only its flash. Its IMU offers the
 * firmware's rates and boots at the firmware's default (runtime-firmware.ts); the host changes the
 * rate through the protocol. Its model runner (`SlotInference`) reads model and impulse descriptor
 * from the slot bytes and refuses what the firmware refuses; the tensor arena is the firmware build's.
 * Apps create boards through src/device/sim-setup.ts. DOM-free core module.
 */
import { StudioError } from '../../core/errors.ts';
import type { SerialOpenOptions, Transport, TransportInfo } from '../transport.ts';
import { DeviceCore, type DeviceCoreOptions } from '../protocol/device-core.ts';
import { LogLevel } from '../protocol/ids.ts';
import { MemoryFlash, type FlashMemory } from '../protocol/model-slot.ts';
import { ByteQueue } from './byte-queue.ts';
import { realClock, type Clock, type TimerHandle } from '../../core/clock.ts';
import { DEFAULT_CSV_FORMAT, formatCsvLine, garbageLine, wrongBaudSoup, type CsvFormat, type GarbageKind } from './csv-sketch.ts';
import { modelAsDeviceSensor } from './model-sensor.ts';
import { MotionModel, type ActivityName, type MotionModelOptions } from './motion-model.ts';
import { Performer, type PerformerOptions } from './performer.ts';
import { Rng } from './prng.ts';
import { FIRMWARE_DEFAULT_RATE_MILLIHZ, FIRMWARE_RATES_MILLIHZ, RUNTIME_ARENA_BYTES, RUNTIME_FIRMWARE_VERSION } from './runtime-firmware.ts';
import { SlotInference } from './sim-inference.ts';

export type BoardMode = 'csv' | 'framed';

export const SIM_BOARD_NAME = 'Simulated board';
/** The runtime firmware's version, marked as simulated. */
export const SIM_FIRMWARE_VERSION = `${RUNTIME_FIRMWARE_VERSION}-sim`;

export interface SimulatedBoardOptions extends MotionModelOptions {
  // MotionModelOptions.rateHz is the CSV sketch's rate; framed mode ignores it (the firmware boots at its default rate).
  /** 'csv' (plain sketch, streams as soon as the port opens) or 'framed' (runtime firmware). Default 'csv'. */
  mode?: BoardMode;
  /** Time source. Default the real clock; tests pass a `VirtualClock`. */
  clock?: Clock;
  /** The baud rate the board's UART runs at; opening at another rate gives byte soup. Default 115200. */
  baudRate?: number;
  /** CSV line layout. */
  csv?: Partial<CsvFormat>;
  /** Text the sketch prints once after reset, before the data (e.g. "IMU ready\r\n"). Default none. */
  bootText?: string;
  /** Delay after opening before the board talks (an Arduino resetting on DTR), ms. Default 0. */
  bootMs?: number;
  /** How often the board's loop runs and flushes what is due, ms. Default 10. */
  tickMs?: number;
  /** Largest chunk one read returns (USB packets), bytes. Default 64. */
  chunkBytes?: number;
  /** Framed mode: the model slot flash (kept across re-opens). Default 256 KiB in memory. */
  flash?: FlashMemory;
  /** Framed mode: a firmware built with another TINYML_ARENA_BYTES. Default the runtime build's (runtime-firmware.ts). */
  arenaCapacity?: number;
  /** Shown as the device name. Default "Simulated board". */
  name?: string;
}

export interface SimulatedBoardStats {
  /** Frames read from the IMU. */
  frames: number;
  /** CSV lines printed (good and faulty). */
  lines: number;
  /** CSV lines replaced by faulty ones, by kind. */
  garbage: Record<GarbageKind, number>;
  /** Bytes handed to the host (after any wrong-baud scrambling). */
  bytesOut: number;
  /** Bytes the host wrote. */
  bytesIn: number;
}

export class SimulatedBoard {
  readonly mode: BoardMode;
  readonly model: MotionModel;
  readonly transport: Transport;
  readonly flash: FlashMemory;
  readonly stats: SimulatedBoardStats = {
    frames: 0,
    lines: 0,
    garbage: { text: 0, missing: 0, extra: 0, cut: 0, error: 0, binary: 0 },
    bytesOut: 0,
    bytesIn: 0,
  };
  private readonly clock: Clock;
  private readonly deviceBaud: number;
  private readonly csv: CsvFormat;
  private readonly bootText: string;
  private readonly bootMs: number;
  private readonly tickMs: number;
  private readonly chunkBytes: number;
  private readonly faultRng: Rng;
  private readonly chunkRng: Rng;
  private readonly opts: SimulatedBoardOptions;
  private plugged = true;
  private opened = false;
  private hostBaud = 0;
  private queue: ByteQueue | null = null;
  private timer: TimerHandle | null = null;
  private core: DeviceCore | null = null;
  private openedAt = 0;
  private booted = false;
  // CSV cadence: frames due = floor((now − epochMs) · rate / 1000) + 1 − (emitted − epochFrames)
  private epochMs = 0;
  private epochFrames = 0;
  private emitted = 0;
  private garbageP = 0;
  private performer: Performer | null = null;
  private readonly frame = new Float32Array(6);
  private hook: SlotInference | null = null;

  constructor(opts: SimulatedBoardOptions = {}) {
    this.opts = opts;
    this.mode = opts.mode ?? 'csv';
    this.model = new MotionModel(this.mode === 'framed' ? { ...opts, rateHz: FIRMWARE_DEFAULT_RATE_MILLIHZ / 1000 } : opts);
    this.clock = opts.clock ?? realClock;
    this.deviceBaud = opts.baudRate ?? 115200;
    this.csv = { ...DEFAULT_CSV_FORMAT, ...opts.csv };
    this.bootText = opts.bootText ?? '';
    this.bootMs = opts.bootMs ?? 0;
    this.tickMs = opts.tickMs ?? 10;
    this.chunkBytes = Math.max(1, opts.chunkBytes ?? 64);
    this.faultRng = new Rng((opts.seed ?? 1) ^ 0x5eed);
    this.chunkRng = new Rng((opts.seed ?? 1) ^ 0xc4c4);
    this.flash = opts.flash ?? new MemoryFlash(256 * 1024);
    const info: TransportInfo = { name: opts.name ?? SIM_BOARD_NAME, simulated: true };
    this.transport = {
      info,
      open: (o) => this.open(o),
      close: () => this.close(),
      isOpen: () => this.opened,
      readable: () => this.readable(),
      write: (d) => this.write(d),
      setSignals: async () => {
        if (!this.plugged) throw disconnected();
      },
    };
  }

  // ------------------------------------------------------------------ control API (not on the wire)

  get activity(): ActivityName {
    return this.model.activity;
  }

  /** Performs `name` from now on (stops a running performer). */
  setActivity(name: ActivityName): void {
    this.stopPerformer();
    this.model.setActivity(name);
  }

  /** CSV mode: the sketch's sample rate (like re-flashing it with another delay). */
  setRate(hz: number): void {
    if (this.mode === 'framed') {
      throw new StudioError({
        family: 'device',
        code: 'rate-by-protocol',
        message: 'In framed mode the host sets the rate.',
        remedy: 'Send SET_RATE over the protocol.',
      });
    }
    this.model.setRate(hz);
    this.epochMs = this.clock.now();
    // Next frame is due one interval after now.
    this.epochFrames = this.emitted - 1;
  }

  get rateHz(): number {
    return this.model.rateHz;
  }

  /** Starts a person cycling through gestures with rests in between. */
  startPerformer(opts: PerformerOptions = {}): Performer {
    const p = new Performer({ seed: (this.opts.seed ?? 1) + 101, ...opts });
    this.performer = p;
    this.model.setDriver(p);
    return p;
  }

  stopPerformer(): void {
    if (!this.performer) return;
    this.performer = null;
    this.model.setDriver(null);
  }

  get currentPerformer(): Performer | null {
    return this.performer;
  }

  /** Fraction (0..1) of CSV lines replaced by faulty ones. */
  setGarbage(probability: number): void {
    this.garbageP = Math.min(1, Math.max(0, probability));
  }

  /** Sends raw text/bytes to the host right away (between lines in CSV mode). */
  inject(data: string | Uint8Array): void {
    this.emit(typeof data === 'string' ? latin1(data) : data);
  }

  /** Pulls the USB cable: an open port's reader fails with `disconnected`, and the port cannot open. */
  unplug(): void {
    this.plugged = false;
    if (!this.opened) return;
    this.stopTimer();
    this.opened = false;
    this.core = null;
    this.queue?.fail(disconnected());
    this.queue = null;
  }

  /** Plugs the board back in (it can be opened again; it restarts like after a reset). */
  plugIn(): void {
    this.plugged = true;
  }

  get isPlugged(): boolean {
    return this.plugged;
  }

  /** Framed mode: the device-side protocol state machine while the port is open (for tests). */
  get deviceCore(): DeviceCore | null {
    return this.core;
  }

  /** Framed mode: the model runner (what it loaded from the slot, or why it refused it). */
  get inference(): SlotInference | null {
    return this.hook;
  }

  // ------------------------------------------------------------------ the port

  private async open(o: SerialOpenOptions): Promise<void> {
    if (!this.plugged) throw disconnected();
    if (this.opened) {
      throw new StudioError({
        family: 'device',
        code: 'already-open',
        message: 'The simulated board is already open.',
        remedy: 'Close the connection before opening it again.',
      });
    }
    if (!Number.isFinite(o.baudRate) || o.baudRate <= 0) {
      throw new StudioError({ family: 'device', code: 'bad-baud', message: `Invalid baud rate ${o.baudRate}.`, remedy: 'Use e.g. 115200.' });
    }
    this.opened = true;
    this.hostBaud = o.baudRate;
    this.queue = new ByteQueue();
    this.openedAt = this.clock.now();
    this.booted = false;
    if (this.mode === 'framed') this.makeCore();
    if (this.bootMs > 0) this.schedule(this.bootMs);
    else {
      this.boot(this.openedAt);
      this.schedule(0);
    }
  }

  private async close(): Promise<void> {
    if (!this.opened) return;
    this.stopTimer();
    this.opened = false;
    this.core = null;
    this.queue?.end();
    this.queue = null;
  }

  private readable(): AsyncIterable<Uint8Array> {
    if (!this.plugged) throw disconnected();
    if (!this.opened || !this.queue) {
      throw new StudioError({
        family: 'device',
        code: 'not-open',
        message: 'The simulated board is not open.',
        remedy: 'Open the connection first.',
      });
    }
    return this.queue.iterable();
  }

  private async write(data: Uint8Array): Promise<void> {
    if (!this.plugged) throw disconnected();
    if (!this.opened) {
      throw new StudioError({ family: 'device', code: 'not-open', message: 'The simulated board is not open.', remedy: 'Open the connection first.' });
    }
    this.stats.bytesIn += data.length;
    if (this.mode !== 'framed' || !this.core || !this.booted) return; // a plain sketch ignores input
    const bytes = this.hostBaud === this.deviceBaud ? data : wrongBaudSoup(data, this.deviceBaud, this.hostBaud, this.faultRng);
    this.core.receive(bytes);
    this.syncRate();
  }

  // ------------------------------------------------------------------ device loop

  private makeCore(): DeviceCore {
    // Power-up: the IMU at the firmware's boot rate, a fresh model runner, the slot read from flash.
    this.model.setRate(FIRMWARE_DEFAULT_RATE_MILLIHZ / 1000);
    const sensor = modelAsDeviceSensor(this.model, FIRMWARE_RATES_MILLIHZ, FIRMWARE_DEFAULT_RATE_MILLIHZ, () => this.stats.frames++);
    const arenaCapacity = this.opts.arenaCapacity ?? RUNTIME_ARENA_BYTES;
    // Lines logged while the core boots (it loads the slot in its constructor) go out once it exists.
    const early: string[] = [];
    const hook = new SlotInference({
      sensorAxes: this.model.axes.map((a) => a.name),
      arenaCapacity,
      log: (text) => (this.core ? coreLog(this.core, LogLevel.WARN, text) : early.push(text)),
    });
    this.hook = hook;
    this.core = null;
    const o: DeviceCoreOptions = {
      board: this.opts.name ?? SIM_BOARD_NAME,
      firmwareVersion: SIM_FIRMWARE_VERSION,
      sensors: [sensor],
      flash: this.flash,
      arenaCapacity,
      inference: hook,
      send: (bytes) => this.emit(bytes),
    };
    const core = new DeviceCore(o);
    this.core = core;
    for (const text of early.splice(0)) coreLog(core, LogLevel.WARN, text);
    this.syncRate();
    return core;
  }

  /** Keeps the motion model's rate in step with the core's (SET_RATE, or the rate of the impulse in the slot). */
  private syncRate(): void {
    if (!this.core) return;
    const hz = this.core.info().sensors[0].currentRateMilliHz / 1000;
    if (hz !== this.model.rateHz) this.model.setRate(hz);
  }

  private schedule(ms: number): void {
    this.timer = this.clock.setTimeout(() => this.tick(), ms);
  }

  private stopTimer(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private tick(): void {
    this.timer = null;
    if (!this.opened) return;
    const now = this.clock.now();
    if (!this.booted) this.boot(now);
    if (this.mode === 'csv') this.csvTick(now);
    else this.core?.tick(Math.round((now - this.openedAt) * 1000));
    if (this.opened) this.schedule(this.tickMs);
  }

  /** The sketch's setup(): from now on it reads commands and samples. */
  private boot(now: number): void {
    this.booted = true;
    this.epochMs = now;
    this.epochFrames = 0;
    this.emitted = 0;
    if (this.mode === 'csv' && this.bootText) this.emit(latin1(this.bootText));
  }

  private csvTick(now: number): void {
    const rate = this.model.rateHz;
    let due = Math.floor(((now - this.epochMs) * rate) / 1000) + 1 + this.epochFrames - this.emitted;
    // A board never queues more than ~2 s: skip ahead like a loop that fell behind.
    const cap = Math.ceil(rate * 2);
    if (due > cap) {
      this.emitted += due - cap;
      due = cap;
    }
    if (due <= 0) return;
    let text = '';
    for (let i = 0; i < due; i++) {
      this.model.nextFrame(this.frame, 0);
      this.stats.frames++;
      this.emitted++;
      let line = formatCsvLine(this.frame, 0, this.csv);
      if (this.garbageP > 0 && this.faultRng.next() < this.garbageP) {
        const g = garbageLine(line, this.csv, this.faultRng);
        this.stats.garbage[g.kind]++;
        line = g.text;
      }
      this.stats.lines++;
      text += line;
    }
    this.emit(latin1(text));
  }

  /** Hands bytes to the host in USB-packet-sized chunks, scrambled if the baud rates differ. */
  private emit(bytes: Uint8Array): void {
    if (!this.queue || bytes.length === 0) return;
    const out = this.hostBaud === this.deviceBaud ? bytes : wrongBaudSoup(bytes, this.hostBaud, this.deviceBaud, this.faultRng);
    // Reads return whatever the USB host collected: packet-sized at most, cut anywhere.
    for (let i = 0; i < out.length; ) {
      const n = Math.min(out.length - i, this.chunkRng.int(1, this.chunkBytes));
      this.stats.bytesOut += n;
      this.queue.push(out.slice(i, i + n));
      i += n;
    }
  }
}

/**
 * The firmware logs through its core (`DeviceCore::log`, public in C++). The TypeScript twin keeps
 * `log` private; this typed view reaches the same method so the LOG frame carries the core's sequence
 * number, exactly as on the board.
 */
function coreLog(core: DeviceCore | null, level: number, text: string): void {
  (core as unknown as { log(level: number, text: string): void } | null)?.log(level, text);
}

function disconnected(): StudioError {
  return new StudioError({
    family: 'device',
    code: 'disconnected',
    message: 'The board was disconnected.',
    remedy: 'Plug it back in and connect again; what was recorded so far is kept.',
  });
}

function latin1(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i) & 0xff;
  return b;
}
