/**
 * Host side of PICOBOOT: talks to an RP2040/RP2350 boot ROM through a `UsbDevice`. DOM-free core module.
 *
 * Every command is: 32-byte command on bulk OUT, optional data phase, zero-length acknowledgement in
 * the opposite direction. A stall means the ROM refused the command: the client reads
 * GET_COMMAND_STATUS, resets the interface (clears the halt) and throws a StudioError naming the
 * status. Every transfer is bounded by a timeout; a device that goes away is reported as
 * `device-disconnected`.
 */
import { StudioError } from '../../core/errors.ts';
import type { Clock } from '../../core/clock.ts';
import { realClock, withTimeout } from '../../core/clock.ts';
import { rpBootRomChip } from '../../device/boards/index.ts';
import type { UsbDevice, UsbInTransferResult, UsbOutTransferResult } from '../usb/usb-device.ts';
import { findInterface, inBytes, openDevice } from '../usb/usb-device.ts';
import { mapUsbError } from '../usb/webusb.ts';
import type { HostPlatform } from '../usb/webusb.ts';
import {
  decodeStatus,
  encodeCommand,
  FLASH_SECTOR_SIZE,
  PICOBOOT_IF_CMD_STATUS,
  PICOBOOT_IF_RESET,
  PICOBOOT_INTERFACE,
  PicobootCmd,
  picobootStatusCode,
  picobootStatusName,
  PicobootStatus,
  wordsArgs,
} from './picoboot-protocol.ts';
import type { PicobootCommandStatus } from './picoboot-protocol.ts';

export interface PicobootClientOptions {
  clock?: Clock;
  /** Timeout of one transfer without flash work, ms (default 3000). */
  timeoutMs?: number;
  platform?: HostPlatform;
}

const STATUS_ADVICE: Record<number, string> = {
  [PicobootStatus.INVALID_ADDRESS]: 'The image does not fit this chip\'s flash: pick the right board (RP2040 vs RP2350, flash size).',
  [PicobootStatus.BAD_ALIGNMENT]: 'This is a bug in the flasher (unaligned erase or write); please report it.',
  [PicobootStatus.INTERLEAVED_WRITE]: 'A file is being copied to the board\'s drive at the same time. Wait for the copy to end, then flash again.',
  [PicobootStatus.REBOOTING]: 'The board is rebooting. Put it back into BOOTSEL mode and flash again.',
  [PicobootStatus.NOT_PERMITTED]: 'The boot ROM refused the write (protected region). Check the board\'s security settings.',
};

export class PicobootClient {
  readonly device: UsbDevice;
  readonly interfaceNumber: number;
  readonly epOut: number;
  readonly epIn: number;
  readonly chip: 'rp2040' | 'rp2350';
  private readonly clock: Clock;
  private readonly timeoutMs: number;
  private readonly platform?: HostPlatform;
  private token = 1;

  private constructor(device: UsbDevice, iface: number, epOut: number, epIn: number, options: PicobootClientOptions) {
    this.device = device;
    this.interfaceNumber = iface;
    this.epOut = epOut;
    this.epIn = epIn;
    this.chip = rpBootRomChip(device.vendorId, device.productId) ?? 'rp2040';
    this.clock = options.clock ?? realClock;
    this.timeoutMs = options.timeoutMs ?? 3000;
    this.platform = options.platform;
  }

  /** Opens the device, claims the PICOBOOT interface and resets it to a clean state. */
  static async open(device: UsbDevice, options: PicobootClientOptions = {}): Promise<PicobootClient> {
    try {
      await openDevice(device);
    } catch (e) {
      throw mapUsbError(e, { stage: 'open', platform: options.platform, device });
    }
    const found = findInterface(device, PICOBOOT_INTERFACE);
    const epOut = found?.alternate.endpoints.find((e) => e.direction === 'out' && e.type === 'bulk');
    const epIn = found?.alternate.endpoints.find((e) => e.direction === 'in' && e.type === 'bulk');
    if (!found || !epOut || !epIn) {
      throw new StudioError({
        family: 'flash',
        code: 'not-in-bootsel',
        message: 'This device has no PICOBOOT interface: it is not an RP2040/RP2350 in BOOTSEL mode.',
        remedy: 'Hold the BOOTSEL button while plugging the board in (or let the app reset it into BOOTSEL), then choose "RP2 Boot".',
      });
    }
    try {
      await device.claimInterface(found.iface.interfaceNumber);
    } catch (e) {
      throw mapUsbError(e, { stage: 'claim', platform: options.platform, device });
    }
    const client = new PicobootClient(device, found.iface.interfaceNumber, epOut.endpointNumber, epIn.endpointNumber, options);
    await client.resetInterface();
    return client;
  }

  // ---- control requests -----------------------------------------------------------------------

  async resetInterface(): Promise<void> {
    const r = await this.guard('resetting the PICOBOOT interface', this.timeoutMs, () =>
      this.device.controlTransferOut({ requestType: 'vendor', recipient: 'interface', request: PICOBOOT_IF_RESET, value: 0, index: this.interfaceNumber }),
    );
    if (r.status !== 'ok') throw this.protocolError('The boot ROM refused the interface reset.');
  }

  async commandStatus(): Promise<PicobootCommandStatus> {
    const r = await this.guard('reading the command status', this.timeoutMs, () =>
      this.device.controlTransferIn({ requestType: 'vendor', recipient: 'interface', request: PICOBOOT_IF_CMD_STATUS, value: 0, index: this.interfaceNumber }, 16),
    );
    const s = r.status === 'ok' ? decodeStatus(inBytes(r)) : null;
    if (!s) throw this.protocolError('The boot ROM did not return a command status.');
    return s;
  }

  // ---- commands -------------------------------------------------------------------------------

  exclusiveAccess(mode: 0 | 1 | 2): Promise<Uint8Array> {
    return this.run('claiming exclusive access', PicobootCmd.EXCLUSIVE_ACCESS, 1, Uint8Array.of(mode));
  }

  async exitXip(): Promise<void> {
    await this.run('leaving XIP mode', PicobootCmd.EXIT_XIP, 0, new Uint8Array(0));
  }

  async enterCmdXip(): Promise<void> {
    await this.run('entering XIP mode', PicobootCmd.ENTER_CMD_XIP, 0, new Uint8Array(0));
  }

  async flashErase(addr: number, size: number): Promise<void> {
    // Worst case per the W25Q16JV datasheet is 400 ms per 4 KB sector.
    const extra = Math.ceil(size / FLASH_SECTOR_SIZE) * 400;
    await this.run(`erasing flash at 0x${addr.toString(16)}`, PicobootCmd.FLASH_ERASE, 8, wordsArgs(addr, size), { extraMs: extra });
  }

  read(addr: number, size: number): Promise<Uint8Array> {
    return this.run(`reading memory at 0x${addr.toString(16)}`, PicobootCmd.READ, 8, wordsArgs(addr, size), { inLength: size });
  }

  async write(addr: number, data: Uint8Array): Promise<void> {
    // Page program worst case 3 ms per 256 bytes.
    await this.run(`writing flash at 0x${addr.toString(16)}`, PicobootCmd.WRITE, 8, wordsArgs(addr, data.length), { outData: data, extraMs: Math.ceil(data.length / 256) * 3 });
  }

  /** RP2040 REBOOT: pc 0 = normal boot from flash. */
  async reboot(pc = 0, sp = 0x20042000, delayMs = 500): Promise<void> {
    await this.run('rebooting', PicobootCmd.REBOOT, 12, wordsArgs(pc, sp, delayMs));
  }

  /** RP2350 REBOOT2 (flags 0 = normal boot). */
  async reboot2(flags = 0, delayMs = 500, p0 = 0, p1 = 0): Promise<void> {
    await this.run('rebooting', PicobootCmd.REBOOT2, 16, wordsArgs(flags, delayMs, p0, p1));
  }

  /** Reboots with the command the chip supports. */
  async rebootToFlash(delayMs = 500): Promise<void> {
    if (this.chip === 'rp2350') await this.reboot2(0, delayMs);
    else await this.reboot(0, 0x20042000, delayMs);
  }

  async close(): Promise<void> {
    try {
      await this.device.releaseInterface(this.interfaceNumber);
      await this.device.close();
    } catch {
      // Already gone (e.g. after a reboot): nothing to release.
    }
  }

  // ---- internals ------------------------------------------------------------------------------

  private async run(
    what: string,
    cmdId: number,
    cmdSize: number,
    args: Uint8Array,
    io: { inLength?: number; outData?: Uint8Array; extraMs?: number } = {},
  ): Promise<Uint8Array> {
    const token = this.token++ >>> 0;
    const transferLength = io.inLength ?? io.outData?.length ?? 0;
    const cmd = encodeCommand({ token, cmdId, cmdSize, transferLength, args });
    const t = this.timeoutMs + (io.extraMs ?? 0);
    const sent = await this.guard(what, this.timeoutMs, () => this.device.transferOut(this.epOut, cmd));
    if (sent.status !== 'ok') return this.refused(what);
    let data: Uint8Array = new Uint8Array(0);
    if (io.inLength) {
      const r = await this.guard(what, t, () => this.device.transferIn(this.epIn, io.inLength!));
      if (r.status !== 'ok') return this.refused(what);
      data = inBytes(r);
      if (data.length !== io.inLength) throw this.protocolError(`The boot ROM sent ${data.length} of ${io.inLength} bytes while ${what}.`);
      const ack = await this.guard(what, this.timeoutMs, () => this.device.transferOut(this.epOut, new Uint8Array(0)));
      if (ack.status !== 'ok') return this.refused(what);
    } else {
      if (io.outData && io.outData.length > 0) {
        const w = await this.guard(what, this.timeoutMs, () => this.device.transferOut(this.epOut, io.outData!));
        if (w.status !== 'ok') return this.refused(what);
      }
      const ack = await this.guard(what, t, () => this.device.transferIn(this.epIn, 64));
      if (ack.status !== 'ok') return this.refused(what);
      if (inBytes(ack).length !== 0) throw this.protocolError(`The boot ROM answered with data where an acknowledgement was expected while ${what}.`);
    }
    return data;
  }

  private async refused(what: string): Promise<never> {
    const s = await this.commandStatus();
    await this.resetInterface();
    const name = picobootStatusName(s.statusCode);
    throw new StudioError({
      family: 'flash',
      code: picobootStatusCode(s.statusCode),
      message: `The boot ROM refused the command while ${what}: ${name} (status ${s.statusCode}).`,
      remedy: STATUS_ADVICE[s.statusCode] ?? 'Unplug the board, put it back into BOOTSEL mode and flash again.',
    });
  }

  private protocolError(message: string): StudioError {
    return new StudioError({ family: 'flash', code: 'picoboot-protocol', message, remedy: 'Unplug the board, put it back into BOOTSEL mode and flash again.' });
  }

  private async guard<T extends UsbInTransferResult | UsbOutTransferResult>(what: string, ms: number, call: () => Promise<T>): Promise<T> {
    try {
      return await withTimeout(this.clock, ms, call(), () => {
        throw new StudioError({
          family: 'flash',
          code: 'timeout',
          message: `The board stopped answering while ${what}.`,
          remedy: 'Unplug the board, put it back into BOOTSEL mode and flash again.',
        });
      });
    } catch (e) {
      throw mapUsbError(e, { stage: 'transfer', platform: this.platform, device: this.device, doing: `while ${what}` });
    }
  }
}
