/**
 * An emulated RP2040 board for tests (and, bundled, for a browser page): rp2040js running a
 * firmware image on a test boot ROM, with a real NOR flash behind the SSI, an MPU6050 on I2C0 fed
 * with a recording, and a `Transport` over the emulated USB CDC. DOM-free and Node-free: the caller
 * loads the files (see node-loader.ts) and decides how time runs.
 *
 * Time: nothing runs by itself. `runFor(ms)` executes that much emulated time synchronously;
 * `runUntil(promise)` alternates slices of emulated time with a yield to the host's event loop, so
 * code awaiting the transport (a DeviceClient) runs between slices. `onAdvance(ms)` is called after
 * every slice: tests pass fake timers' advance, so a client's timeouts count emulated time and the
 * run is deterministic.
 */
import { RP2040, USBCDC, LogLevel, ConsoleLogger } from 'rp2040js';
import { StudioError } from '../../../src/core/errors.ts';
import type { SerialOpenOptions, Transport, TransportInfo } from '../../../src/device/transport.ts';
import { NorFlash, W25Q_TYPICAL, type NorTiming } from './nor-flash.ts';
import { EmulatedIoQspi, EmulatedSsi, EmulatedXipCtrl } from './qspi.ts';
import { Mpu6050, MPU6050_ADDR, attachI2cDevices, type ImuRecording } from './imu.ts';

export const FLASH_BASE = 0x10000000;
const CYCLE_NS = 8; // 125 MHz

/** rp2040js's default SimulationClock (not exported by the package). */
interface TickClock {
  readonly nanos: number;
  readonly nanosToNextAlarm: number;
  tick(deltaNanos: number): void;
}

export interface EmulatedBoardOptions {
  /** Firmware image: a UF2 file or a flat binary for 0x10000000. */
  image: Uint8Array;
  /** Boot ROM binary (tests/support/rp2040/bootrom/bootrom.bin). */
  bootrom: Uint8Array;
  imu?: ImuRecording;
  /** Flash chip size in bytes (power of two, default 2 MB as on a Pico). */
  flashBytes?: number;
  flashTiming?: NorTiming;
  /** Called after every slice with the emulated milliseconds it covered. */
  onAdvance?: (ms: number) => void;
  /** How runUntil yields to the host between slices (default: a zero-delay setTimeout). */
  yieldToHost?: () => Promise<void>;
  /** Emulated milliseconds per slice in runUntil (default 1). */
  sliceMs?: number;
}

export interface BoardEvents {
  /** A breakpoint: the boot ROM parks the core with BKPT 0xb0 (no image, USB boot request). */
  breakpoints: number[];
  /** Times (emulated ns) at which the USB device was configured by the host. */
  usbConnected: number[];
}

/** Parses a UF2 file into a flat image starting at 0x10000000 (RP2040 main flash blocks only). */
export function uf2ToFlat(uf2: Uint8Array): Uint8Array {
  const dv = new DataView(uf2.buffer, uf2.byteOffset, uf2.byteLength);
  let end = 0;
  const blocks: { addr: number; data: Uint8Array }[] = [];
  for (let off = 0; off + 512 <= uf2.length; off += 512) {
    if (dv.getUint32(off, true) !== 0x0a324655 || dv.getUint32(off + 4, true) !== 0x9e5d5157) continue;
    const flags = dv.getUint32(off + 8, true);
    if (flags & 1) continue;
    const addr = dv.getUint32(off + 12, true);
    const size = dv.getUint32(off + 16, true);
    if (addr < FLASH_BASE || size > 476) continue;
    blocks.push({ addr: addr - FLASH_BASE, data: uf2.subarray(off + 32, off + 32 + size) });
    end = Math.max(end, addr - FLASH_BASE + size);
  }
  const flat = new Uint8Array(end).fill(0xff);
  for (const b of blocks) flat.set(b.data, b.addr);
  return flat;
}

function isUf2(b: Uint8Array): boolean {
  return b.length >= 512 && b[0] === 0x55 && b[1] === 0x46 && b[2] === 0x32 && b[3] === 0x0a;
}

function disconnected(): StudioError {
  return new StudioError({ family: 'device', code: 'disconnected', message: 'The emulated board was power-cycled (USB disconnected).', remedy: 'Reconnect.' });
}

/** A Transport over one power-on of the board's USB CDC. */
export class EmulatedCdcTransport implements Transport {
  readonly info: TransportInfo = { name: 'Emulated RP2040 (rp2040js)', usbVendorId: 0x2e8a, usbProductId: 0x000a };
  private open_ = false;
  private rxQueue: Uint8Array[] = [];
  private wake: (() => void) | null = null;
  private gone = false;
  /** Host → device bytes not yet taken by the device. */
  readonly pending: number[] = [];
  bytesToDevice = 0;
  bytesFromDevice = 0;

  constructor(private readonly kick: () => void) {}

  async open(_o: SerialOpenOptions): Promise<void> {
    if (this.gone) throw disconnected();
    this.open_ = true;
  }

  async close(): Promise<void> {
    this.open_ = false;
    this.wake?.();
  }

  isOpen(): boolean {
    return this.open_ && !this.gone;
  }

  async write(data: Uint8Array): Promise<void> {
    if (this.gone) throw disconnected();
    for (const b of data) this.pending.push(b);
    this.bytesToDevice += data.length;
    this.kick();
  }

  async *readable(): AsyncIterable<Uint8Array> {
    for (;;) {
      while (this.rxQueue.length) yield this.rxQueue.shift()!;
      if (this.gone) throw disconnected();
      if (!this.open_) return;
      await new Promise<void>((r) => (this.wake = r));
      this.wake = null;
    }
  }

  /** Device → host bytes (called from the emulator). */
  deliver(buf: Uint8Array): void {
    if (!this.open_) return; // nobody listening: the bytes are lost, as with a closed port
    this.bytesFromDevice += buf.length;
    this.rxQueue.push(buf.slice());
    this.wake?.();
  }

  unplug(): void {
    this.gone = true;
    this.wake?.();
  }
}

export class EmulatedBoard {
  rp!: RP2040;
  transport!: EmulatedCdcTransport;
  nor!: NorFlash;
  ssi!: EmulatedSsi;
  readonly imu: Mpu6050;
  readonly events: BoardEvents = { breakpoints: [], usbConnected: [] };
  /** Emulated ns at the last power-on. */
  private bootNs = 0;
  /** Emulated ns before the last power-on (the clock restarts with each RP2040 instance). */
  private pastNs = 0;
  private flashArray: Uint8Array;
  private readonly bootrom: Uint32Array;
  private cdc!: USBCDC;
  private pendingRead: number | null = null;
  private stopped = false;
  /** Wall-clock milliseconds spent executing (for realtime-factor figures). */
  wallMs = 0;

  constructor(private readonly opts: EmulatedBoardOptions) {
    const size = opts.flashBytes ?? 2 * 1024 * 1024;
    const img = isUf2(opts.image) ? uf2ToFlat(opts.image) : opts.image;
    if (img.length > size) throw new Error(`image (${img.length} bytes) larger than the ${size}-byte flash`);
    this.flashArray = new Uint8Array(size).fill(0xff);
    this.flashArray.set(img);
    const rom = new Uint8Array(16 * 1024);
    rom.set(opts.bootrom.subarray(0, rom.length));
    this.bootrom = new Uint32Array(rom.buffer);
    this.imu = new Mpu6050(() => this.rp.clock.nanos, opts.imu ?? null);
    this.powerOn();
  }

  /** The flash chip's contents (kept over power cycles). */
  get flash(): Uint8Array {
    return this.flashArray;
  }

  /** Emulated nanoseconds since the board was created (all power-ons together). */
  get nowNs(): number {
    return this.pastNs + this.rp.clock.nanos;
  }

  get nowMs(): number {
    return this.nowNs / 1e6;
  }

  /** Emulated ms since the last power-on. */
  get uptimeMs(): number {
    return (this.rp.clock.nanos - this.bootNs) / 1e6;
  }

  private powerOn(): void {
    const rp = new RP2040();
    rp.logger = new ConsoleLogger(LogLevel.Error);
    rp.loadBootrom(this.bootrom); // resets the core: SP and PC from the ROM's vector table
    // The chip's array is the start of rp2040js's XIP-backed array: XIP reads see the chip, and
    // flash commands change what XIP reads. Its contents survive power cycles.
    const size = this.flashArray.length;
    rp.flash.set(this.flashArray);
    this.flashArray = rp.flash.subarray(0, size);
    const chip = this.flashArray;
    this.rp = rp;
    const nor = new NorFlash(() => this.flashArray, () => rp.clock.nanos, this.opts.flashTiming ?? W25Q_TYPICAL,
      [0xef, 0x40, Math.log2(chip.length)]);
    this.nor = nor;
    this.ssi = new EmulatedSsi(rp, nor);
    const peripherals = rp.peripherals as Record<number, unknown>;
    peripherals[0x18000] = this.ssi;
    peripherals[0x40018] = new EmulatedIoQspi(rp, this.ssi);
    peripherals[0x14000] = new EmulatedXipCtrl(rp);
    attachI2cDevices(rp.i2c[0], new Map([[MPU6050_ADDR, this.imu]]));
    rp.onBreak = (code: number) => {
      this.events.breakpoints.push(code);
    };
    this.imu.reset();
    this.transport = new EmulatedCdcTransport(() => this.feedUsb());
    this.pendingRead = null;
    const cdc = new USBCDC(rp.usbCtrl);
    this.cdc = cdc;
    const transport = this.transport;
    cdc.onSerialData = (b) => transport.deliver(b);
    cdc.onDeviceConnected = () => this.events.usbConnected.push(this.nowNs);
    // The host only sends an OUT packet when it has data: park the device's read until then
    // (rp2040js would otherwise answer every armed OUT endpoint at once with an empty packet).
    const usb = rp.usbCtrl;
    const cdcOnRead = usb.onEndpointRead;
    usb.onEndpointRead = (endpoint: number, size: number) => {
      const outEp = (cdc as unknown as { outEndpoint: number }).outEndpoint;
      if (endpoint === outEp) {
        this.pendingRead = size;
        this.feedUsb();
        return;
      }
      cdcOnRead?.(endpoint, size);
    };
    this.bootNs = rp.clock.nanos;
  }

  private feedUsb(): void {
    if (this.pendingRead === null || this.transport.pending.length === 0) return;
    const outEp = (this.cdc as unknown as { outEndpoint: number }).outEndpoint;
    const n = Math.min(this.pendingRead, this.transport.pending.length);
    const buf = Uint8Array.from(this.transport.pending.splice(0, n));
    this.pendingRead = null;
    this.rp.usbCtrl.endpointReadDone(outEp, buf);
  }

  /** Runs `ms` of emulated time (synchronously). */
  runFor(ms: number): void {
    if (this.stopped) throw new Error('the emulated board was stopped');
    const t0 = Date.now();
    const rp = this.rp;
    const clock = rp.clock as unknown as TickClock;
    const core = rp.core;
    const target = clock.nanos + ms * 1e6;
    while (clock.nanos < target) {
      if (core.waiting) {
        const toAlarm = clock.nanosToNextAlarm;
        clock.tick(toAlarm > 0 ? Math.min(toAlarm, target - clock.nanos) : target - clock.nanos);
      } else {
        const cycles = core.executeInstruction();
        clock.tick(cycles * CYCLE_NS);
      }
    }
    this.wallMs += Date.now() - t0;
    this.opts.onAdvance?.(ms);
  }

  /**
   * Lets `ms` of emulated time pass without executing instructions: for a parked core (the test boot
   * ROM has no USB boot mode; a host-side PICOBOOT stand-in drives the flash chip meanwhile and
   * waits for its busy time here). Timers' alarms fire as they fall due.
   */
  idle(ms: number): void {
    if (this.stopped) throw new Error('the emulated board was stopped');
    (this.rp.clock as unknown as TickClock).tick(ms * 1e6);
    this.opts.onAdvance?.(ms);
  }

  /**
   * Runs slices of emulated time until `done` settles (its value is returned) or `maxMs` of emulated
   * time have passed (throws).
   */
  async runUntil<T>(done: Promise<T>, maxMs = 10_000): Promise<T> {
    let settled = false;
    let value: T | undefined;
    let error: unknown;
    let failed = false;
    done.then((v) => { settled = true; value = v; }, (e) => { settled = true; failed = true; error = e; });
    const slice = this.opts.sliceMs ?? 1;
    const yieldToHost = this.opts.yieldToHost ?? (() => new Promise<void>((r) => setTimeout(r, 0)));
    const start = this.nowMs;
    await yieldToHost();
    while (!settled) {
      if (this.nowMs - start > maxMs) throw new Error(`the emulated board ran ${maxMs} ms without the awaited event`);
      this.runFor(slice);
      await yieldToHost();
    }
    if (failed) throw error;
    return value as T;
  }

  /** Power cycle: USB goes away, RAM and peripherals reset, the flash chip keeps its contents. */
  powerCycle(): void {
    this.transport.unplug();
    this.pastNs += this.rp.clock.nanos;
    this.powerOn();
  }

  stop(): void {
    this.transport.unplug();
    this.stopped = true;
  }
}

export function createEmulatedBoard(opts: EmulatedBoardOptions): EmulatedBoard {
  return new EmulatedBoard(opts);
}
