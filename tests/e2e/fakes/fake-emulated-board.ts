/**
 * A Raspberry Pi Pico emulated in the page: the committed runtime image running in rp2040js on the
 * test boot ROM (tests/support/rp2040/), behind a fake `navigator.serial` whose port is the board's
 * USB CDC and a fake `navigator.usb` whose device is the PICOBOOT boot ROM stand-in writing into the
 * emulated flash chip. emulated-board.spec.ts bundles this file with esbuild (iife) and injects it
 * with `addInitScript`, the image and boot ROM bytes passed as base64 in `__emuOptions`.
 *
 * Time: the emulator runs in slices on a timer, never ahead of real time since the board was
 * plugged in (a real board does not run faster than its clock), with a wall-time budget per tick so
 * the app keeps the main thread between slices. When the emulator is slower than real time, emulated
 * time lags; `status()` reports the factor.
 *
 * BOOTSEL: with no valid image the test boot ROM parks the core on BKPT (the real ROM would offer USB
 * boot). The board then shows up as a PICOBOOT USB device (src/deploy/picoboot/picoboot-sim.ts) whose
 * flash is the emulated NOR chip, driven by its real SPI commands (write enable, sector/block erase,
 * page program, read status while busy, read). REBOOT power-cycles the emulator, which boots whatever
 * was written; the firmware's USB CDC port then appears in `navigator.serial.getPorts()`.
 *
 * The board knows only what a Pico knows: its flash, its IMU (fed with a recording of physical
 * motion in m/s² and deg/s, which the MPU6050 model quantises as the chip would), its USB.
 */
import { PicobootSim } from '../../../src/deploy/picoboot/picoboot-sim.ts';
import { TransportPort } from '../../../src/deploy/test-support/board-port.ts';
import { createEmulatedBoard, type EmulatedBoard } from '../../support/rp2040/board.ts';

export interface EmuOptions {
  /** The runtime image (UF2), base64. */
  image: string;
  /** The test boot ROM, base64. */
  bootrom: string;
  /** IMU recording: float32 frames (accX..gyrZ, m/s² and deg/s) base64, its rate, and what is acted out when. */
  recording: { frames: string; rateHz: number; segments: { label: string; frames: number }[] };
  /** Wall-clock ms of emulation per timer tick at most (default 25). */
  budgetMs?: number;
}

export interface EmuStatus {
  plugged: boolean;
  bootsel: boolean;
  usbReady: boolean;
  powerOns: number;
  emulatedMs: number;
  uptimeMs: number;
  wallMs: number;
  realMs: number;
  picobootRequests: number;
  /** Flash commands the PICOBOOT stand-in sent to the chip (over every boot mode session). */
  picobootFlash: { erases: number; pagePrograms: number; reads: number };
  rebooted: boolean;
  norStats: Record<string, number>;
}

export interface EmuControl {
  /**
   * Plugs a new board in: flash holding the image, or erased (it then parks in BOOTSEL). Its IMU
   * plays the recording from `startS` seconds on (looping) from the moment the firmware wakes it.
   */
  plug(opts: { emptyFlash: boolean; startS?: number }): void;
  unplug(): void;
  status(): EmuStatus;
  /** The gestures acted out at the board now, and `windowMs` before (emulated time). */
  gestures(windowMs: number): { now: string; mid: string; start: string };
  /** Flash bytes at an absolute address. */
  readFlash(address: number, length: number): number[];
}

const FLASH_BASE = 0x10000000;

function fromB64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/**
 * The emulated flash chip as the PICOBOOT stand-in's flash: every access is a real SPI NOR command
 * sequence on the chip model; busy time passes on the (parked) emulator's clock.
 */
class NorChipFlash {
  readonly sectorSize = 4096;
  readonly programUnit = 256;
  eraseCount = 0;
  programCount = 0;
  constructor(
    private readonly board: EmulatedBoard,
    private readonly counts: { erases: number; pagePrograms: number; reads: number },
  ) {}

  get size(): number {
    return this.board.flash.length;
  }
  get bytes(): Uint8Array {
    return this.board.flash;
  }

  private cmd(bytes: number[], readCount = 0): number[] {
    const nor = this.board.nor;
    nor.select();
    for (const b of bytes) nor.transfer(b);
    const out: number[] = [];
    for (let i = 0; i < readCount; i++) out.push(nor.transfer(0));
    nor.deselect();
    return out;
  }

  private waitReady(): void {
    for (let i = 0; i < 100_000; i++) {
      if ((this.cmd([0x05], 1)[0] & 1) === 0) return;
      this.board.idle(0.1);
    }
    throw new Error('the emulated flash chip stayed busy');
  }

  private addr(a: number): number[] {
    return [(a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff];
  }

  read(addr: number, length: number): Uint8Array {
    this.waitReady();
    this.counts.reads++;
    return Uint8Array.from(this.cmd([0x03, ...this.addr(addr)], length));
  }

  erase(addr: number, length: number): void {
    if (addr % 4096 || length % 4096 || addr + length > this.size) throw new Error(`flash erase ${addr}+${length} not sector aligned or out of range`);
    for (let a = addr; a < addr + length; ) {
      const block = a % 0x10000 === 0 && addr + length - a >= 0x10000;
      this.waitReady();
      this.cmd([0x06]);
      this.cmd([block ? 0xd8 : 0x20, ...this.addr(a)]);
      this.counts.erases++;
      this.waitReady();
      a += block ? 0x10000 : 4096;
    }
    this.eraseCount++;
  }

  program(addr: number, data: Uint8Array): void {
    if (addr % 256 || data.length % 256 || addr + data.length > this.size) throw new Error(`flash program ${addr}+${data.length} not page aligned or out of range`);
    for (let off = 0; off < data.length; off += 256) {
      this.waitReady();
      this.cmd([0x06]);
      this.cmd([0x02, ...this.addr(addr + off), ...data.subarray(off, off + 256)]);
      this.counts.pagePrograms++;
      this.waitReady();
    }
    this.programCount++;
  }
}

type Listener = (ev: Event) => void;

export function installEmulatedBoard(opts: EmuOptions): void {
  const image = fromB64(opts.image);
  const bootrom = fromB64(opts.bootrom);
  const recBytes = fromB64(opts.recording.frames);
  const frames = new Float32Array(recBytes.buffer, recBytes.byteOffset, recBytes.byteLength / 4);
  const segStart: { label: string; from: number; to: number }[] = [];
  let acc = 0;
  for (const s of opts.recording.segments) {
    segStart.push({ label: s.label, from: acc, to: acc + s.frames });
    acc += s.frames;
  }
  const budget = opts.budgetMs ?? 25;
  const listeners: Record<string, Listener[]> = { connect: [], disconnect: [] };

  let board: EmulatedBoard | null = null;
  let plugWall = 0;
  let powerOns = 0;
  let bpAtPowerOn = 0;
  let usbAtPowerOn = 0;
  let port: TransportPort | null = null;
  let sim: PicobootSim | null = null;
  let picobootRequests = 0;
  let picobootFlash = { erases: 0, pagePrograms: 0, reads: 0 };
  let startFrame = 0;
  let rebooted = false;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const emit = (type: 'connect' | 'disconnect', target: unknown) => {
    const ev = new Event(type);
    Object.defineProperty(ev, 'target', { value: target });
    for (const l of listeners[type]) l(ev);
  };

  const parked = () => !!board && board.events.breakpoints.length > bpAtPowerOn;

  const dropPort = () => {
    if (port) {
      const p = port;
      port = null;
      emit('disconnect', p);
    }
  };

  const powerCycle = () => {
    if (!board) return;
    dropPort();
    board.powerCycle();
    powerOns++;
    bpAtPowerOn = board.events.breakpoints.length;
    usbAtPowerOn = board.events.usbConnected.length;
  };

  const tick = () => {
    timer = null;
    const b = board;
    if (!b) return;
    const t0 = performance.now();
    // Never ahead of real time since plugging in.
    const realMs = t0 - plugWall;
    while (!parked() && b.nowMs < realMs && performance.now() - t0 < budget) {
      b.runFor(1);
      if (parked()) break;
    }
    if (parked() && !sim && !rebooted) {
      // No valid image: the boot ROM would enter USB boot. The PICOBOOT device appears.
      sim = new PicobootSim({ chip: 'rp2040', flash: new NorChipFlash(b, picobootFlash) as never });
    }
    if (sim?.rebooted && sim.disconnected) {
      sim = null;
      rebooted = true;
      powerCycle();
    }
    if (!port && b.events.usbConnected.length > usbAtPowerOn && !parked()) {
      port = new TransportPort(b.transport);
      emit('connect', port);
    }
    timer = setTimeout(tick, 2);
  };

  const usb = {
    async requestDevice(_o: unknown) {
      picobootRequests++;
      if (!sim || sim.disconnected) throw new DOMException('No device selected.', 'NotFoundError');
      return sim;
    },
    async getDevices() {
      return sim && !sim.disconnected ? [sim] : [];
    },
    addEventListener() {},
    removeEventListener() {},
  };
  const serial = {
    async requestPort() {
      if (!port) throw new DOMException('No port selected by the user.', 'NotFoundError');
      return port;
    },
    async getPorts() {
      return port ? [port] : [];
    },
    addEventListener(type: string, l: Listener) {
      (listeners[type] ??= []).push(l);
    },
    removeEventListener(type: string, l: Listener) {
      listeners[type] = (listeners[type] ?? []).filter((x) => x !== l);
    },
  };
  Object.defineProperty(navigator, 'usb', { value: usb, configurable: true });
  Object.defineProperty(navigator, 'serial', { value: serial, configurable: true });

  const control: EmuControl = {
    plug({ emptyFlash, startS = 0 }) {
      control.unplug();
      const n = frames.length / 6;
      startFrame = Math.round(startS * opts.recording.rateHz) % n;
      const played = new Float32Array(frames.length);
      played.set(frames.subarray(startFrame * 6));
      played.set(frames.subarray(0, startFrame * 6), (n - startFrame) * 6);
      board = createEmulatedBoard({
        image: emptyFlash ? new Uint8Array(0) : image,
        bootrom,
        imu: { frames: played, rateHz: opts.recording.rateHz },
      });
      picobootFlash = { erases: 0, pagePrograms: 0, reads: 0 };
      plugWall = performance.now();
      powerOns = 1;
      bpAtPowerOn = 0;
      usbAtPowerOn = 0;
      rebooted = false;
      picobootRequests = 0;
      timer = setTimeout(tick, 0);
    },
    unplug() {
      if (timer) clearTimeout(timer);
      timer = null;
      dropPort();
      sim?.unplug();
      sim = null;
      board?.stop();
      board = null;
    },
    status() {
      const b = board;
      return {
        plugged: !!b,
        bootsel: !!sim && !sim.disconnected,
        usbReady: !!port,
        powerOns,
        emulatedMs: b ? b.nowMs : 0,
        uptimeMs: b ? b.uptimeMs : 0,
        wallMs: b ? b.wallMs : 0,
        realMs: b ? performance.now() - plugWall : 0,
        picobootRequests,
        picobootFlash: { ...picobootFlash },
        rebooted,
        norStats: b ? { ...b.nor.stats } : {},
      };
    },
    gestures(windowMs) {
      const b = board;
      if (!b) return { now: '', mid: '', start: '' };
      const ns = b.rp.clock.nanos;
      const at = (t: number) => {
        const i = (b.imu.frameAt(t) + startFrame) % (frames.length / 6);
        return segStart.find((s) => i >= s.from && i < s.to)?.label ?? '';
      };
      return { now: at(ns), mid: at(ns - windowMs * 5e5), start: at(Math.max(0, ns - windowMs * 1e6)) };
    },
    readFlash(address, length) {
      return Array.from(board ? board.flash.subarray(address - FLASH_BASE, address - FLASH_BASE + length) : []);
    },
  };
  (window as unknown as { __emu: EmuControl }).__emu = control;
}
