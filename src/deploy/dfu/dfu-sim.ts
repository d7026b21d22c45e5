/**
 * Simulated USB DFU bootloaders: a plain DFU 1.1 bootloader and an ST DfuSe bootloader (the board in
 * runtime mode is dfu-runtime-sim.ts). DOM-free core module.
 *
 * The bootloaders implement the DFU state machine byte for byte over control transfers: DNLOAD moves
 * to dfuDNLOAD-SYNC, GETSTATUS reports dfuDNBUSY with the poll timeout the flash work takes, then
 * dfuDNLOAD-IDLE; a zero-length DNLOAD starts manifestation; requests that are not allowed in the
 * current state stall and move to dfuERROR (errSTALLEDPKT) until CLRSTATUS. Requests arriving while
 * the device is busy wait for it (the device NAKs), so virtual time stays honest.
 *
 * DfuSe defaults model an STM32H747 (Portenta H7 / Nicla Vision / GIGA R1 / Opta): layout
 * "@Internal Flash /0x08000000/01*128Ka,15*128Kg", 2048-byte transfers, 128 KB sector erase 1.1 s
 * (typical at x32 parallelism per ST's figures for STM32H74x), 32-byte flash words with ECC that can
 * be programmed once after erase (programming a non-erased word fails with errPROG). The programming
 * rate (0.5 µs per byte, i.e. 16 µs per 32-byte word) and the plain DFU defaults (256 KB flash,
 * application at 0x4000, 2 KB erase blocks at 10 ms) are our assumptions for a generic MCU.
 */
import { SimUsbDevice } from '../usb/sim-usb-device.ts';
import type { BusModel, SimIn, SimOut } from '../usb/sim-usb-device.ts';
import type { UsbControlTransferParameters } from '../usb/usb-device.ts';
import type { Clock } from '../../core/clock.ts';
import { VirtualClock } from '../../core/clock.ts';
import { unoR4Minima } from '../../device/boards/arduino-dfu.ts';
import { USB_BOOTLOADERS } from '../../device/boards/usb-vendors.ts';
import {
  DFU_CLASS,
  DFU_PROTOCOL_DFU_MODE,
  DFU_SUBCLASS,
  DFUSE_VERSION,
  DfuRequest,
  DfuseCommand,
  DfuState,
  DfuStatus,
  encodeFunctionalDescriptor,
  encodeStatusReport,
} from './dfu-protocol.ts';
import type { DfuseLayout } from './dfuse-layout.ts';
import { formatDfuseLayout, sectorAt } from './dfuse-layout.ts';

export interface DfuSimTiming {
  /** Erase time of one sector/block of `size` bytes. */
  eraseMs(size: number): number;
  programUsPerByte: number;
  manifestMs: number;
}

export const STM32H7_TIMING: DfuSimTiming = { eraseMs: (size) => (1100 * size) / (128 * 1024), programUsPerByte: 0.5, manifestMs: 10 };
export const GENERIC_MCU_TIMING: DfuSimTiming = { eraseMs: (size) => (10 * size) / 2048, programUsPerByte: 0.5, manifestMs: 50 };

export const H747_LAYOUT: DfuseLayout = {
  name: 'Internal Flash   ',
  runs: [
    { start: 0x08000000, count: 1, size: 128 * 1024, readable: true, erasable: false, writable: false },
    { start: 0x08020000, count: 15, size: 128 * 1024, readable: true, erasable: true, writable: true },
  ],
};

export interface DfuSimOptions {
  variant: 'dfu' | 'dfuse';
  clock?: Clock;
  bus?: BusModel;
  vendorId?: number;
  productId?: number;
  productName?: string;
  transferSize?: number;
  manifestationTolerant?: boolean;
  canUpload?: boolean;
  /** DfuSe memory map (default: STM32H747 internal flash). */
  layout?: DfuseLayout;
  /** Plain DFU: total flash, application start offset and erase block size. */
  flashSize?: number;
  appBase?: number;
  eraseBlock?: number;
  /** DfuSe: flash word that can be programmed only once after erase (ECC); 0 = plain NOR. */
  eccWord?: number;
  timing?: DfuSimTiming;
  /** Existing memory content (shared, e.g. after a re-plug). */
  memory?: Uint8Array;
  /** Called when the device leaves DFU mode (manifestation without tolerance / DfuSe leave). */
  onLeave?: () => void;
}

export class DfuSim extends SimUsbDevice {
  readonly variant: 'dfu' | 'dfuse';
  readonly memory: Uint8Array;
  /** Address of memory[0]. */
  readonly memoryBase: number;
  readonly layout?: DfuseLayout;
  readonly transferSize: number;
  /** Requests seen, for tests ("DNLOAD 2 2048", "GETSTATUS"). */
  readonly log: string[] = [];
  left = false;

  private readonly opts: DfuSimOptions;
  private readonly timing: DfuSimTiming;
  private state: number = DfuState.dfuIDLE;
  private status: number = DfuStatus.OK;
  private pending: { block: number; data: Uint8Array } | null = null;
  private pendingResult: number = DfuStatus.OK;
  private busyUntil = 0;
  private manifestPending = false;
  private pointer: number;
  private writeOffset = 0;
  private nextBlock = 0;
  private erasedThisSession = new Set<number>();
  private uploadOffset = 0;

  constructor(options: DfuSimOptions) {
    const dfuse = options.variant === 'dfuse';
    const transferSize = options.transferSize ?? (dfuse ? 2048 : 1024);
    const layout = dfuse ? (options.layout ?? H747_LAYOUT) : undefined;
    // Default identity: the STM32 ROM bootloader (DfuSe) or the UNO R4 Minima's DFU bootloader (plain DFU).
    const defaultId = dfuse ? USB_BOOTLOADERS[0] : unoR4Minima.bootUsb[0];
    const functional = encodeFunctionalDescriptor({
      canDownload: true,
      canUpload: options.canUpload ?? true,
      manifestationTolerant: options.manifestationTolerant ?? false,
      willDetach: true,
      detachTimeoutMs: 255,
      transferSize,
      dfuVersion: dfuse ? DFUSE_VERSION : 0x0110,
    });
    super(
      {
        vendorId: options.vendorId ?? defaultId.vendorId,
        productId: options.productId ?? defaultId.productId,
        manufacturerName: dfuse ? 'STMicroelectronics' : 'Arduino',
        productName: options.productName ?? (dfuse ? 'DFU in FS Mode' : 'DFU bootloader'),
        serialNumber: '0123456789AB',
        interfaces: [
          {
            number: 0,
            alternates: [
              {
                setting: 0, interfaceClass: DFU_CLASS, interfaceSubclass: DFU_SUBCLASS, interfaceProtocol: DFU_PROTOCOL_DFU_MODE,
                name: layout ? formatDfuseLayout(layout) : 'Application flash', endpoints: [], extra: functional,
              },
              ...(dfuse
                ? [{ setting: 1, interfaceClass: DFU_CLASS, interfaceSubclass: DFU_SUBCLASS, interfaceProtocol: DFU_PROTOCOL_DFU_MODE, name: '@Option Bytes   /0x5200201C/01*128 e', endpoints: [], extra: functional }]
                : []),
            ],
          },
        ],
      },
      options.clock,
      options.bus,
    );
    this.opts = options;
    this.variant = options.variant;
    this.layout = layout;
    this.transferSize = transferSize;
    this.timing = options.timing ?? (dfuse ? STM32H7_TIMING : GENERIC_MCU_TIMING);
    if (layout) {
      const first = layout.runs[0].start;
      const last = layout.runs[layout.runs.length - 1];
      this.memoryBase = first;
      this.memory = options.memory ?? new Uint8Array(last.start + last.count * last.size - first).fill(0xff);
    } else {
      this.memoryBase = 0;
      this.memory = options.memory ?? new Uint8Array(options.flashSize ?? 256 * 1024).fill(0xff);
    }
    this.pointer = this.memoryBase;
  }

  get dfuState(): number {
    return this.state;
  }

  private get appBase(): number {
    return this.opts.appBase ?? 0x4000;
  }

  // ---- control pipe ---------------------------------------------------------------------------

  protected controlOut(setup: UsbControlTransferParameters, data: Uint8Array): SimOut {
    if (setup.requestType !== 'class' || setup.recipient !== 'interface' || (setup.index & 0xff) !== 0) return 'stall';
    this.waitBusy();
    this.log.push(`${['DETACH', 'DNLOAD', 'UPLOAD', 'GETSTATUS', 'CLRSTATUS', 'GETSTATE', 'ABORT'][setup.request] ?? setup.request} ${setup.value} ${data.length}`);
    switch (setup.request) {
      case DfuRequest.DNLOAD: {
        if (this.state !== DfuState.dfuIDLE && this.state !== DfuState.dfuDNLOAD_IDLE) return this.stallError();
        if (data.length > this.transferSize) return this.stallError();
        if (data.length === 0) {
          if (this.state === DfuState.dfuIDLE) return this.stallError();
          this.state = DfuState.dfuMANIFEST_SYNC;
          this.manifestPending = true;
          return 'ok';
        }
        if (this.variant === 'dfuse' && setup.value === 0 && !this.validDfuseCommand(data)) return this.stallError();
        if (this.variant === 'dfuse' && setup.value === 1) return this.stallError();
        if (this.variant === 'dfu' && this.state === DfuState.dfuIDLE) {
          // A new download starts at the application base.
          this.writeOffset = this.appBase;
          this.nextBlock = setup.value;
          this.erasedThisSession.clear();
        }
        this.pending = { block: setup.value, data };
        this.state = DfuState.dfuDNLOAD_SYNC;
        return 'ok';
      }
      case DfuRequest.CLRSTATUS:
        if (this.state !== DfuState.dfuERROR) return this.stallError();
        this.state = DfuState.dfuIDLE;
        this.status = DfuStatus.OK;
        return 'ok';
      case DfuRequest.ABORT: {
        const ok: number[] = [DfuState.dfuIDLE, DfuState.dfuDNLOAD_SYNC, DfuState.dfuDNLOAD_IDLE, DfuState.dfuMANIFEST_SYNC, DfuState.dfuUPLOAD_IDLE];
        if (!ok.includes(this.state)) return this.stallError();
        this.state = DfuState.dfuIDLE;
        this.pending = null;
        this.uploadOffset = 0;
        return 'ok';
      }
      default:
        // DETACH is a runtime-mode request; everything else is not an OUT request.
        return this.stallError();
    }
  }

  protected controlIn(setup: UsbControlTransferParameters, length: number): SimIn {
    if (setup.requestType !== 'class' || setup.recipient !== 'interface' || (setup.index & 0xff) !== 0) return 'stall';
    this.waitBusy();
    this.log.push(`${['DETACH', 'DNLOAD', 'UPLOAD', 'GETSTATUS', 'CLRSTATUS', 'GETSTATE', 'ABORT'][setup.request] ?? setup.request} ${setup.value} ${length}`);
    switch (setup.request) {
      case DfuRequest.GETSTATUS:
        if (length < 6) return this.stallError();
        return this.getStatus();
      case DfuRequest.GETSTATE:
        if (length < 1) return this.stallError();
        return Uint8Array.of(this.state);
      case DfuRequest.UPLOAD:
        return this.upload(setup.value, length);
      default:
        return this.stallError();
    }
  }

  /** A DFU bootloader has no bulk endpoints; the base class rejects bulk calls before these run. */
  protected bulkIn(): SimIn {
    return 'stall';
  }

  protected bulkOut(): SimOut {
    return 'stall';
  }

  // ---- state machine --------------------------------------------------------------------------

  private report(pollTimeoutMs = 0): Uint8Array {
    return encodeStatusReport({ status: this.status, pollTimeoutMs: Math.ceil(pollTimeoutMs), state: this.state, iString: 0 });
  }

  private getStatus(): Uint8Array {
    switch (this.state) {
      case DfuState.dfuDNLOAD_SYNC: {
        const p = this.pending!;
        this.pending = null;
        const { result, ms } = this.variant === 'dfuse' ? this.dfuseBlock(p.block, p.data) : this.plainBlock(p.block, p.data);
        this.pendingResult = result;
        this.state = DfuState.dfuDNBUSY;
        this.busyUntil = this.clock.now() + ms;
        return this.report(ms);
      }
      case DfuState.dfuDNBUSY:
        if (this.pendingResult === DfuStatus.OK) this.state = DfuState.dfuDNLOAD_IDLE;
        else {
          this.state = DfuState.dfuERROR;
          this.status = this.pendingResult;
        }
        return this.report();
      case DfuState.dfuMANIFEST_SYNC:
        if (this.manifestPending) {
          this.manifestPending = false;
          this.state = DfuState.dfuMANIFEST;
          this.busyUntil = this.clock.now() + this.timing.manifestMs;
          const r = this.report(this.timing.manifestMs);
          if (!this.opts.manifestationTolerant) {
            // Leaves DFU mode: the bootloader starts the application and drops off the bus.
            this.state = DfuState.dfuMANIFEST_WAIT_RESET;
            this.left = true;
            queueMicrotask(() => {
              this.unplug();
              this.opts.onLeave?.();
            });
          }
          return r;
        }
        this.state = DfuState.dfuIDLE;
        return this.report();
      case DfuState.dfuMANIFEST:
        this.state = DfuState.dfuIDLE;
        return this.report();
      default:
        return this.report();
    }
  }

  private stallError(status: number = DfuStatus.errSTALLEDPKT): 'stall' {
    this.state = DfuState.dfuERROR;
    this.status = status;
    this.pending = null;
    return 'stall';
  }

  private waitBusy(): void {
    const now = this.clock.now();
    if (now < this.busyUntil && this.clock instanceof VirtualClock) this.clock.spend(this.busyUntil - now);
  }

  private validDfuseCommand(d: Uint8Array): boolean {
    if (d[0] === DfuseCommand.SET_ADDRESS) return d.length === 5;
    if (d[0] === DfuseCommand.ERASE) return d.length === 5 || d.length === 1;
    if (d[0] === DfuseCommand.READ_UNPROTECT) return d.length === 1;
    return false;
  }

  private plainBlock(block: number, data: Uint8Array): { result: number; ms: number } {
    if (block !== (this.nextBlock & 0xffff)) return { result: DfuStatus.errADDRESS, ms: 0 };
    this.nextBlock++;
    const start = this.writeOffset;
    if (start + data.length > this.memory.length) return { result: DfuStatus.errADDRESS, ms: 0 };
    const unit = this.opts.eraseBlock ?? 2048;
    let ms = 0;
    for (let b = Math.floor(start / unit) * unit; b < start + data.length; b += unit) {
      if (!this.erasedThisSession.has(b)) {
        this.memory.fill(0xff, b, Math.min(b + unit, this.memory.length));
        this.erasedThisSession.add(b);
        ms += this.timing.eraseMs(unit);
      }
    }
    for (let i = 0; i < data.length; i++) this.memory[start + i] &= data[i];
    this.writeOffset += data.length;
    ms += (data.length * this.timing.programUsPerByte) / 1000;
    return { result: DfuStatus.OK, ms };
  }

  private dfuseBlock(block: number, data: Uint8Array): { result: number; ms: number } {
    const layout = this.layout!;
    const u32 = () => (data[1] | (data[2] << 8) | (data[3] << 16) | (data[4] << 24)) >>> 0;
    if (block === 0) {
      if (data[0] === DfuseCommand.SET_ADDRESS) {
        const a = u32();
        if (!sectorAt(layout, a)) return { result: DfuStatus.errTARGET, ms: 0 };
        this.pointer = a;
        return { result: DfuStatus.OK, ms: 0 };
      }
      if (data[0] === DfuseCommand.ERASE && data.length === 5) {
        const s = sectorAt(layout, u32());
        if (!s || !s.erasable) return { result: DfuStatus.errTARGET, ms: 0 };
        this.memory.fill(0xff, s.start - this.memoryBase, s.start - this.memoryBase + s.size);
        return { result: DfuStatus.OK, ms: this.timing.eraseMs(s.size) };
      }
      // Mass erase (and read unprotect, which implies it): every erasable sector.
      let ms = 0;
      for (const r of layout.runs) {
        if (!r.erasable) continue;
        this.memory.fill(0xff, r.start - this.memoryBase, r.start - this.memoryBase + r.count * r.size);
        ms += this.timing.eraseMs(r.size) * r.count;
      }
      return { result: DfuStatus.OK, ms };
    }
    const addr = this.pointer + (block - 2) * this.transferSize;
    for (let a = addr; a < addr + data.length; ) {
      const s = sectorAt(layout, a);
      if (!s || !s.writable) return { result: DfuStatus.errTARGET, ms: 0 };
      a = s.start + s.size;
    }
    const off = addr - this.memoryBase;
    const word = this.opts.eccWord ?? 32;
    if (word > 0) {
      for (let w = Math.floor(off / word) * word; w < off + data.length; w += word) {
        for (let i = w; i < w + word; i++) {
          if (this.memory[i] !== 0xff) return { result: DfuStatus.errPROG, ms: 0 };
        }
      }
    }
    for (let i = 0; i < data.length; i++) this.memory[off + i] &= data[i];
    return { result: DfuStatus.OK, ms: (data.length * this.timing.programUsPerByte) / 1000 };
  }

  private upload(block: number, length: number): SimIn {
    if (!(this.opts.canUpload ?? true)) return this.stallError();
    if (this.state !== DfuState.dfuIDLE && this.state !== DfuState.dfuUPLOAD_IDLE) return this.stallError();
    if (this.variant === 'dfuse') {
      if (block === 0) {
        this.state = DfuState.dfuUPLOAD_IDLE;
        return Uint8Array.of(DfuseCommand.GET_COMMANDS, DfuseCommand.SET_ADDRESS, DfuseCommand.ERASE, DfuseCommand.READ_UNPROTECT).subarray(0, length);
      }
      if (block === 1) return this.stallError();
      const addr = this.pointer + (block - 2) * length;
      const s = sectorAt(this.layout!, addr);
      if (!s || !s.readable || addr + length > this.memoryBase + this.memory.length) return this.stallError(DfuStatus.errTARGET);
      this.state = DfuState.dfuUPLOAD_IDLE;
      return this.memory.slice(addr - this.memoryBase, addr - this.memoryBase + length);
    }
    if (this.state === DfuState.dfuIDLE) this.uploadOffset = this.appBase;
    const n = Math.min(length, this.memory.length - this.uploadOffset);
    const out = this.memory.slice(this.uploadOffset, this.uploadOffset + n);
    this.uploadOffset += n;
    this.state = n < length ? DfuState.dfuIDLE : DfuState.dfuUPLOAD_IDLE;
    return out;
  }
}
