/**
 * Simulated RP2040/RP2350 boot ROM in BOOTSEL mode: the PICOBOOT vendor interface over a simulated
 * USB device with an in-memory NOR flash. DOM-free core module.
 *
 * Behaves like the boot ROM as the datasheets describe it: 32-byte commands on bulk OUT, data phase,
 * zero-length acknowledgement in the opposite direction; invalid commands, bad alignment, bad
 * addresses and transfer-length mismatches stall both bulk endpoints and leave a status code for
 * GET_COMMAND_STATUS; INTERFACE_RESET clears halts and exclusive access. Flash keeps NOR semantics
 * (erase sets 0xFF, programming only clears bits, so writing un-erased flash silently corrupts, as
 * on the chip); a WRITE whose size is not a whole number of pages zero-fills the last page.
 *
 * Timing (virtual clock), flash figures typical values from the Winbond W25Q16JV datasheet (the Pico's
 * flash; the Pico 2's W25Q32RV has the same typical figures): 4 KB sector erase 45 ms, 64 KB block
 * erase 150 ms (the ROM erases 64 KB blocks where a range covers them), 256-byte page program 0.4 ms.
 */
import { SimUsbDevice } from '../usb/sim-usb-device.ts';
import type { SimIn, SimOut, BusModel } from '../usb/sim-usb-device.ts';
import type { UsbControlTransferParameters, UsbDirection } from '../usb/usb-device.ts';
import type { Clock } from '../../core/clock.ts';
import { rpBootRomUsb } from '../../device/boards/index.ts';
import { MemoryFlash } from '../../device/protocol/model-slot.ts';
import {
  decodeCommand,
  encodeStatus,
  FLASH_BASE,
  FLASH_PAGE_SIZE,
  FLASH_SECTOR_SIZE,
  PICOBOOT_IF_CMD_STATUS,
  PICOBOOT_IF_RESET,
  PicobootCmd,
  PicobootStatus,
} from './picoboot-protocol.ts';
import type { PicobootCommand, PicobootCommandStatus } from './picoboot-protocol.ts';

export type PicoChip = 'rp2040' | 'rp2350';

export interface PicobootTiming {
  sectorEraseMs: number;
  blockEraseMs: number;
  pageProgramMs: number;
}

export const W25Q16JV_TYPICAL: PicobootTiming = { sectorEraseMs: 45, blockEraseMs: 150, pageProgramMs: 0.4 };

export interface PicobootSimOptions {
  chip?: PicoChip;
  /** Flash size in bytes; 2 MB (Pico) for rp2040, 4 MB (Pico 2) for rp2350 by default. */
  flashSize?: number;
  /** Existing flash content (e.g. from a previous simulator after an unplug). Shared, not copied. */
  flash?: MemoryFlash;
  clock?: Clock;
  bus?: BusModel;
  timing?: PicobootTiming;
}

const EP_OUT = 3;
const EP_IN = 4;

type Phase =
  | { kind: 'idle' }
  | { kind: 'data-out'; cmd: PicobootCommand; addr: number; buf: Uint8Array; got: number }
  | { kind: 'data-in'; cmd: PicobootCommand; buf: Uint8Array; sent: number }
  | { kind: 'ack-in'; cmd: PicobootCommand }
  | { kind: 'ack-out'; cmd: PicobootCommand };

export class PicobootSim extends SimUsbDevice {
  readonly chip: PicoChip;
  readonly flash: MemoryFlash;
  readonly ram: Uint8Array;
  readonly timing: PicobootTiming;
  /** Set once a REBOOT/REBOOT2 was acknowledged. */
  rebooted: { args: number[] } | null = null;
  exclusive = 0;
  /** A drag-and-drop UF2 copy through the mass-storage interface is in progress (tests set this). */
  mscDownloadInProgress = false;
  /** Log of accepted command ids, for tests. */
  readonly commandLog: number[] = [];

  private phase: Phase = { kind: 'idle' };
  private halted = { in: false, out: false };
  private last: PicobootCommandStatus = { token: 0, statusCode: PicobootStatus.OK, cmdId: 0, inProgress: false };

  constructor(options: PicobootSimOptions = {}) {
    const chip = options.chip ?? 'rp2040';
    super(
      {
        ...rpBootRomUsb(chip),
        bcdDevice: chip === 'rp2040' ? 0x0100 : 0x0200,
        manufacturerName: 'Raspberry Pi',
        productName: chip === 'rp2040' ? 'RP2 Boot' : 'RP2350 Boot',
        serialNumber: 'E0C9125B0D9B',
        interfaces: [
          {
            number: 0,
            alternates: [
              {
                setting: 0, interfaceClass: 0x08, interfaceSubclass: 0x06, interfaceProtocol: 0x50,
                endpoints: [
                  { endpointNumber: 1, direction: 'in', type: 'bulk', packetSize: 64 },
                  { endpointNumber: 2, direction: 'out', type: 'bulk', packetSize: 64 },
                ],
              },
            ],
          },
          {
            number: 1,
            alternates: [
              {
                setting: 0, interfaceClass: 0xff, interfaceSubclass: 0x00, interfaceProtocol: 0x00,
                endpoints: [
                  { endpointNumber: EP_OUT, direction: 'out', type: 'bulk', packetSize: 64 },
                  { endpointNumber: EP_IN, direction: 'in', type: 'bulk', packetSize: 64 },
                ],
              },
            ],
          },
        ],
      },
      options.clock,
      options.bus,
    );
    this.chip = chip;
    this.flash = options.flash ?? new MemoryFlash(options.flashSize ?? (chip === 'rp2040' ? 2 << 20 : 4 << 20), FLASH_SECTOR_SIZE, FLASH_PAGE_SIZE);
    this.ram = new Uint8Array(chip === 'rp2040' ? 264 * 1024 : 520 * 1024);
    this.timing = options.timing ?? W25Q16JV_TYPICAL;
  }

  /** Flash content as a byte array (offset 0 = address 0x10000000). */
  get flashBytes(): Uint8Array {
    return this.flash.bytes;
  }

  // ---- control pipe ---------------------------------------------------------------------------

  protected controlIn(setup: UsbControlTransferParameters, length: number): SimIn {
    if (setup.requestType === 'vendor' && setup.recipient === 'interface' && setup.request === PICOBOOT_IF_CMD_STATUS && (setup.index & 0xff) === 1) {
      return encodeStatus(this.last).subarray(0, Math.min(16, length));
    }
    return 'stall';
  }

  protected controlOut(setup: UsbControlTransferParameters, data: Uint8Array): SimOut {
    if (setup.requestType === 'vendor' && setup.recipient === 'interface' && setup.request === PICOBOOT_IF_RESET && (setup.index & 0xff) === 1 && data.length === 0) {
      this.halted = { in: false, out: false };
      this.phase = { kind: 'idle' };
      this.last = { token: 0, statusCode: PicobootStatus.OK, cmdId: 0, inProgress: false };
      this.exclusive = 0;
      return 'ok';
    }
    return 'stall';
  }

  protected override onClearHalt(direction: UsbDirection): void {
    this.halted[direction] = false;
  }

  protected override onBusReset(): void {
    this.halted = { in: false, out: false };
    this.phase = { kind: 'idle' };
    this.exclusive = 0;
  }

  // ---- bulk pipe ------------------------------------------------------------------------------

  protected bulkOut(_ep: number, data: Uint8Array): SimOut {
    if (this.halted.out) return 'stall';
    const p = this.phase;
    if (p.kind === 'idle') return this.command(data);
    if (p.kind === 'data-out') {
      if (p.got + data.length > p.buf.length) return this.fail(p.cmd, PicobootStatus.INVALID_TRANSFER_LENGTH);
      p.buf.set(data, p.got);
      p.got += data.length;
      if (p.got === p.buf.length) {
        this.completeWrite(p.cmd, p.addr, p.buf);
        this.phase = { kind: 'ack-in', cmd: p.cmd };
      }
      return 'ok';
    }
    if (p.kind === 'ack-out') {
      if (data.length !== 0) return this.fail(p.cmd, PicobootStatus.INVALID_TRANSFER_LENGTH);
      this.done(p.cmd);
      return 'ok';
    }
    // The device expects to send on IN; an OUT packet now is a protocol error.
    return this.fail(p.cmd, PicobootStatus.INVALID_STATE);
  }

  protected bulkIn(_ep: number, length: number): SimIn {
    if (this.halted.in) return 'stall';
    const p = this.phase;
    if (p.kind === 'data-in') {
      const n = Math.min(length, p.buf.length - p.sent);
      const chunk = p.buf.slice(p.sent, p.sent + n);
      p.sent += n;
      if (p.sent === p.buf.length) this.phase = { kind: 'ack-out', cmd: p.cmd };
      return chunk;
    }
    if (p.kind === 'ack-in') {
      this.done(p.cmd);
      if (p.cmd.cmdId === PicobootCmd.REBOOT || p.cmd.cmdId === PicobootCmd.REBOOT2) {
        const v = new DataView(p.cmd.args.buffer, p.cmd.args.byteOffset, 16);
        this.rebooted = { args: [0, 4, 8, 12].map((o) => v.getUint32(o, true)) };
        // The chip leaves the bus after the acknowledgement has gone out.
        queueMicrotask(() => this.unplug());
      }
      return new Uint8Array(0);
    }
    // Nothing to send: the device NAKs and the host waits.
    return 'hang';
  }

  // ---- commands -------------------------------------------------------------------------------

  private command(bytes: Uint8Array): SimOut {
    const cmd = decodeCommand(bytes);
    const pseudo = { token: 0, cmdId: bytes[8] ?? 0, cmdSize: 0, transferLength: 0, args: new Uint8Array(16) };
    if (!cmd) return this.fail(pseudo, bytes.length !== 32 ? PicobootStatus.INVALID_CMD_LENGTH : PicobootStatus.UNKNOWN_CMD);
    if (this.rebooted) return this.fail(cmd, PicobootStatus.REBOOTING);
    const v = new DataView(cmd.args.buffer, cmd.args.byteOffset, 16);
    const addr = v.getUint32(0, true);
    const size = v.getUint32(4, true);
    const needSize = (n: number) => cmd.cmdSize === n;
    const noData = () => cmd.transferLength === 0;
    const rp2040 = this.chip === 'rp2040';
    switch (cmd.cmdId) {
      case PicobootCmd.EXCLUSIVE_ACCESS:
        if (!needSize(1)) return this.fail(cmd, PicobootStatus.INVALID_CMD_LENGTH);
        if (!noData()) return this.fail(cmd, PicobootStatus.INVALID_TRANSFER_LENGTH);
        this.exclusive = cmd.args[0];
        if (this.exclusive > 0) this.mscDownloadInProgress = false;
        return this.accept(cmd);
      case PicobootCmd.REBOOT:
        if (!rp2040) return this.fail(cmd, PicobootStatus.UNKNOWN_CMD);
        if (!needSize(12)) return this.fail(cmd, PicobootStatus.INVALID_CMD_LENGTH);
        if (!noData()) return this.fail(cmd, PicobootStatus.INVALID_TRANSFER_LENGTH);
        return this.accept(cmd);
      case PicobootCmd.REBOOT2:
        if (rp2040) return this.fail(cmd, PicobootStatus.UNKNOWN_CMD);
        if (!needSize(16)) return this.fail(cmd, PicobootStatus.INVALID_CMD_LENGTH);
        if (!noData()) return this.fail(cmd, PicobootStatus.INVALID_TRANSFER_LENGTH);
        return this.accept(cmd);
      case PicobootCmd.EXIT_XIP:
      case PicobootCmd.ENTER_CMD_XIP:
        if (!needSize(0)) return this.fail(cmd, PicobootStatus.INVALID_CMD_LENGTH);
        if (!noData()) return this.fail(cmd, PicobootStatus.INVALID_TRANSFER_LENGTH);
        return this.accept(cmd);
      case PicobootCmd.EXEC:
      case PicobootCmd.VECTORIZE_FLASH:
        if (!rp2040) return this.fail(cmd, PicobootStatus.UNKNOWN_CMD);
        if (!needSize(4)) return this.fail(cmd, PicobootStatus.INVALID_CMD_LENGTH);
        if (!noData()) return this.fail(cmd, PicobootStatus.INVALID_TRANSFER_LENGTH);
        if (!this.isRam(addr, 4)) return this.fail(cmd, PicobootStatus.INVALID_ADDRESS);
        return this.accept(cmd);
      case PicobootCmd.FLASH_ERASE: {
        if (!needSize(8)) return this.fail(cmd, PicobootStatus.INVALID_CMD_LENGTH);
        if (!noData()) return this.fail(cmd, PicobootStatus.INVALID_TRANSFER_LENGTH);
        if (addr % FLASH_SECTOR_SIZE || size % FLASH_SECTOR_SIZE) return this.fail(cmd, PicobootStatus.BAD_ALIGNMENT);
        if (!this.isFlash(addr, size)) return this.fail(cmd, PicobootStatus.INVALID_ADDRESS);
        if (this.mscDownloadInProgress && this.exclusive === 0) return this.fail(cmd, PicobootStatus.INTERLEAVED_WRITE);
        this.erase(addr - FLASH_BASE, size);
        return this.accept(cmd);
      }
      case PicobootCmd.READ: {
        if (!needSize(8)) return this.fail(cmd, PicobootStatus.INVALID_CMD_LENGTH);
        if (cmd.transferLength !== size) return this.fail(cmd, PicobootStatus.INVALID_TRANSFER_LENGTH);
        let data: Uint8Array;
        if (this.isFlash(addr, size)) data = this.flash.read(addr - FLASH_BASE, size);
        else if (this.isRam(addr, size)) data = this.ram.slice(addr - 0x20000000, addr - 0x20000000 + size);
        else if (addr + size <= (rp2040 ? 0x4000 : 0x8000)) data = new Uint8Array(size);
        else return this.fail(cmd, PicobootStatus.INVALID_ADDRESS);
        this.commandLog.push(cmd.cmdId);
        if (size === 0) {
          this.phase = { kind: 'ack-out', cmd };
          return 'ok';
        }
        this.phase = { kind: 'data-in', cmd, buf: data, sent: 0 };
        return 'ok';
      }
      case PicobootCmd.WRITE: {
        if (!needSize(8)) return this.fail(cmd, PicobootStatus.INVALID_CMD_LENGTH);
        if (cmd.transferLength !== size) return this.fail(cmd, PicobootStatus.INVALID_TRANSFER_LENGTH);
        if (this.isFlash(addr, size)) {
          if (addr % FLASH_PAGE_SIZE) return this.fail(cmd, PicobootStatus.BAD_ALIGNMENT);
          if (this.mscDownloadInProgress && this.exclusive === 0) return this.fail(cmd, PicobootStatus.INTERLEAVED_WRITE);
        } else if (!this.isRam(addr, size)) return this.fail(cmd, PicobootStatus.INVALID_ADDRESS);
        this.commandLog.push(cmd.cmdId);
        if (size === 0) {
          this.phase = { kind: 'ack-in', cmd };
          return 'ok';
        }
        this.phase = { kind: 'data-out', cmd, addr, buf: new Uint8Array(size), got: 0 };
        return 'ok';
      }
      case PicobootCmd.GET_INFO: {
        if (rp2040) return this.fail(cmd, PicobootStatus.UNKNOWN_CMD);
        if (!needSize(16)) return this.fail(cmd, PicobootStatus.INVALID_CMD_LENGTH);
        if (cmd.transferLength % 4 || cmd.transferLength >= 256 || cmd.transferLength < 4) return this.fail(cmd, PicobootStatus.INVALID_TRANSFER_LENGTH);
        const out = new Uint8Array(cmd.transferLength);
        // Only UF2_STATUS (type 4) carries content here: no drag-and-drop download happened.
        if (cmd.args[0] === 4 && out.length >= 20) out.set([4, 0, 0, 0], 0);
        this.commandLog.push(cmd.cmdId);
        this.phase = { kind: 'data-in', cmd, buf: out, sent: 0 };
        return 'ok';
      }
      default:
        return this.fail(cmd, PicobootStatus.UNKNOWN_CMD);
    }
  }

  private accept(cmd: PicobootCommand): SimOut {
    this.commandLog.push(cmd.cmdId);
    this.last = { token: cmd.token, statusCode: PicobootStatus.OK, cmdId: cmd.cmdId, inProgress: true };
    this.phase = { kind: 'ack-in', cmd };
    return 'ok';
  }

  private done(cmd: PicobootCommand): void {
    this.last = { token: cmd.token, statusCode: PicobootStatus.OK, cmdId: cmd.cmdId, inProgress: false };
    this.phase = { kind: 'idle' };
  }

  private fail(cmd: PicobootCommand, code: number): SimOut {
    this.last = { token: cmd.token, statusCode: code, cmdId: cmd.cmdId, inProgress: false };
    this.halted = { in: true, out: true };
    this.phase = { kind: 'idle' };
    return 'stall';
  }

  private isFlash(addr: number, size: number): boolean {
    return addr >= FLASH_BASE && addr + size <= FLASH_BASE + this.flash.size;
  }

  private isRam(addr: number, size: number): boolean {
    return addr >= 0x20000000 && addr + size <= 0x20000000 + this.ram.length;
  }

  private erase(offset: number, size: number): void {
    let at = offset;
    const end = offset + size;
    while (at < end) {
      const block = at % 0x10000 === 0 && end - at >= 0x10000;
      const n = block ? 0x10000 : FLASH_SECTOR_SIZE;
      this.flash.erase(at, n);
      this.work(block ? this.timing.blockEraseMs : this.timing.sectorEraseMs);
      at += n;
    }
  }

  private completeWrite(cmd: PicobootCommand, addr: number, data: Uint8Array): void {
    this.last = { token: cmd.token, statusCode: PicobootStatus.OK, cmdId: cmd.cmdId, inProgress: true };
    if (this.isFlash(addr, data.length)) {
      const padded = new Uint8Array(Math.ceil(data.length / FLASH_PAGE_SIZE) * FLASH_PAGE_SIZE);
      padded.set(data);
      this.flash.program(addr - FLASH_BASE, padded);
      this.work((padded.length / FLASH_PAGE_SIZE) * this.timing.pageProgramMs);
    } else {
      this.ram.set(data, addr - 0x20000000);
    }
  }
}
