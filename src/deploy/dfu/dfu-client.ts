/**
 * Host side of USB DFU 1.1 and ST DfuSe over a `UsbDevice`. DOM-free core module.
 *
 * Reads the configuration descriptor itself (WebUSB does not expose class-specific descriptors) to
 * find the DFU interface, its functional descriptor (transfer size, manifestation tolerance, detach
 * behaviour) and, for DfuSe, the memory layout string. Stalls are turned into StudioErrors naming the
 * DFU status the device reports; every request is bounded by a timeout.
 */
import { StudioError } from '../../core/errors.ts';
import type { Clock } from '../../core/clock.ts';
import { realClock, sleep, withTimeout } from '../../core/clock.ts';
import type { UsbControlTransferParameters, UsbDevice, UsbInTransferResult, UsbOutTransferResult } from '../usb/usb-device.ts';
import { inBytes, openDevice } from '../usb/usb-device.ts';
import { mapUsbError } from '../usb/webusb.ts';
import type { HostPlatform } from '../usb/webusb.ts';
import {
  decodeStatusReport,
  DFU_CLASS,
  DFU_PROTOCOL_RUNTIME,
  DFU_STATUS_TEXT,
  DFU_SUBCLASS,
  DFUSE_VERSION,
  DfuRequest,
  DfuseCommand,
  DfuState,
  DfuStatus,
  dfuStateName,
  dfuStatusCode,
  dfuStatusName,
  parseConfigurationDescriptor,
  parseStringDescriptor,
} from './dfu-protocol.ts';
import type { DfuFunctionalDescriptor, DfuStatusReport } from './dfu-protocol.ts';

export interface DfuClientOptions {
  clock?: Clock;
  platform?: HostPlatform;
  /** Alternate setting to use; default: the first one whose name says "flash" (DfuSe) or 0. */
  alternate?: number;
  timeoutMs?: number;
}

export interface DfuInterfaceInfo {
  interfaceNumber: number;
  alternate: number;
  name: string;
  mode: 'runtime' | 'dfu';
  functional: DfuFunctionalDescriptor;
  dfuse: boolean;
}

const DEFAULT_FUNCTIONAL: DfuFunctionalDescriptor = {
  canDownload: true, canUpload: false, manifestationTolerant: false, willDetach: false, detachTimeoutMs: 1000, transferSize: 1024, dfuVersion: 0x0110,
};

function advice(status: number): string {
  if (status === DfuStatus.errTARGET || status === DfuStatus.errADDRESS) return 'The image does not fit this board\'s memory: pick the right board type.';
  if (status === DfuStatus.errPROG || status === DfuStatus.errVERIFY || status === DfuStatus.errWRITE || status === DfuStatus.errERASE || status === DfuStatus.errCHECK_ERASED) {
    return 'Flash again; the flasher erases the sectors it writes. If it keeps failing, the board\'s flash may be protected.';
  }
  return 'Unplug the board, put it back into its bootloader (double-tap reset) and flash again.';
}

export class DfuClient {
  readonly device: UsbDevice;
  readonly info: DfuInterfaceInfo;
  private readonly clock: Clock;
  private readonly platform?: HostPlatform;
  private readonly timeoutMs: number;

  private constructor(device: UsbDevice, info: DfuInterfaceInfo, options: DfuClientOptions) {
    this.device = device;
    this.info = info;
    this.clock = options.clock ?? realClock;
    this.platform = options.platform;
    this.timeoutMs = options.timeoutMs ?? 5000;
  }

  get transferSize(): number {
    return this.info.functional.transferSize;
  }

  static async open(device: UsbDevice, options: DfuClientOptions = {}): Promise<DfuClient> {
    const clock = options.clock ?? realClock;
    const tmo = options.timeoutMs ?? 5000;
    const ctl = async (setup: UsbControlTransferParameters, length: number) => {
      try {
        return await withTimeout(clock, tmo, device.controlTransferIn(setup, length), () => {
          throw new StudioError({ family: 'flash', code: 'timeout', message: 'The board did not answer a descriptor request.', remedy: 'Unplug the board and plug it back in.' });
        });
      } catch (e) {
        throw mapUsbError(e, { stage: 'transfer', platform: options.platform, device, doing: 'while reading descriptors' });
      }
    };
    try {
      await openDevice(device);
    } catch (e) {
      throw mapUsbError(e, { stage: 'open', platform: options.platform, device });
    }
    const head = await ctl({ requestType: 'standard', recipient: 'device', request: 6, value: 0x0200, index: 0 }, 9);
    const h = inBytes(head);
    const total = h.length >= 4 ? h[2] | (h[3] << 8) : 0;
    const full = total > 0 ? inBytes(await ctl({ requestType: 'standard', recipient: 'device', request: 6, value: 0x0200, index: 0 }, total)) : new Uint8Array(0);
    const ifaces = parseConfigurationDescriptor(full).filter((i) => i.interfaceClass === DFU_CLASS && i.interfaceSubclass === DFU_SUBCLASS);
    if (ifaces.length === 0) {
      throw new StudioError({
        family: 'flash',
        code: 'no-dfu-interface',
        message: 'This device has no USB DFU interface.',
        remedy: 'Double-tap the board\'s reset button to start its bootloader, then choose it again.',
      });
    }
    const names = new Map<number, string>();
    for (const i of ifaces) {
      const fromWebUsb = device.configuration?.interfaces.find((x) => x.interfaceNumber === i.number)?.alternates.find((a) => a.alternateSetting === i.alternate)?.interfaceName;
      let name = fromWebUsb ?? '';
      if (!name && i.iInterface) {
        const s = await ctl({ requestType: 'standard', recipient: 'device', request: 6, value: 0x0300 | i.iInterface, index: 0x0409 }, 255);
        name = s.status === 'ok' ? parseStringDescriptor(inBytes(s)) : '';
      }
      names.set(i.alternate + 256 * i.number, name);
    }
    const pick =
      options.alternate !== undefined
        ? ifaces.find((i) => i.alternate === options.alternate)
        : ifaces.find((i) => /flash/i.test(names.get(i.alternate + 256 * i.number) ?? '')) ?? ifaces[0];
    if (!pick) {
      throw new StudioError({ family: 'flash', code: 'no-dfu-interface', message: `The board has no DFU alternate setting ${options.alternate}.`, remedy: 'Pick another board type.' });
    }
    const functional = pick.functional ?? DEFAULT_FUNCTIONAL;
    const name = names.get(pick.alternate + 256 * pick.number) ?? '';
    const info: DfuInterfaceInfo = {
      interfaceNumber: pick.number,
      alternate: pick.alternate,
      name,
      mode: pick.interfaceProtocol === DFU_PROTOCOL_RUNTIME ? 'runtime' : 'dfu',
      functional,
      dfuse: functional.dfuVersion === DFUSE_VERSION || name.startsWith('@'),
    };
    try {
      await device.claimInterface(pick.number);
      if (pick.alternate !== 0 || (device.configuration?.interfaces.find((x) => x.interfaceNumber === pick.number)?.alternates.length ?? 1) > 1) {
        await device.selectAlternateInterface(pick.number, pick.alternate);
      }
    } catch (e) {
      throw mapUsbError(e, { stage: 'claim', platform: options.platform, device });
    }
    return new DfuClient(device, info, options);
  }

  // ---- requests -------------------------------------------------------------------------------

  private setup(request: number, value: number): UsbControlTransferParameters {
    return { requestType: 'class', recipient: 'interface', request, value, index: this.info.interfaceNumber };
  }

  async detach(timeoutMs = this.info.functional.detachTimeoutMs): Promise<void> {
    const r = await this.guard('asking the board to start its bootloader', () => this.device.controlTransferOut(this.setup(DfuRequest.DETACH, Math.min(timeoutMs, 0xffff))));
    if (r.status !== 'ok') await this.refused('asking the board to start its bootloader');
  }

  async dnload(block: number, data: Uint8Array, what = 'downloading'): Promise<void> {
    const r = await this.guard(what, () => this.device.controlTransferOut(this.setup(DfuRequest.DNLOAD, block & 0xffff), data));
    if (r.status !== 'ok') await this.refused(what);
  }

  async upload(block: number, length: number, what = 'reading back'): Promise<Uint8Array> {
    const r = await this.guard(what, () => this.device.controlTransferIn(this.setup(DfuRequest.UPLOAD, block & 0xffff), length));
    if (r.status !== 'ok') await this.refused(what);
    return inBytes(r);
  }

  async getStatus(what = 'reading the status'): Promise<DfuStatusReport> {
    const r = await this.guard(what, () => this.device.controlTransferIn(this.setup(DfuRequest.GETSTATUS, 0), 6));
    const s = r.status === 'ok' ? decodeStatusReport(inBytes(r)) : null;
    if (!s) throw this.protocolError(`The board did not return a DFU status while ${what}.`);
    return s;
  }

  async getState(): Promise<number> {
    const r = await this.guard('reading the state', () => this.device.controlTransferIn(this.setup(DfuRequest.GETSTATE, 0), 1));
    const b = inBytes(r);
    if (r.status !== 'ok' || b.length < 1) throw this.protocolError('The board did not return its DFU state.');
    return b[0];
  }

  async clrStatus(): Promise<void> {
    await this.guard('clearing the status', () => this.device.controlTransferOut(this.setup(DfuRequest.CLRSTATUS, 0)));
  }

  async abort(): Promise<void> {
    const r = await this.guard('aborting', () => this.device.controlTransferOut(this.setup(DfuRequest.ABORT, 0)));
    if (r.status !== 'ok') await this.refused('aborting');
  }

  /** Brings the device to dfuIDLE from any state it may have been left in. */
  async ensureIdle(): Promise<void> {
    for (let i = 0; i < 4; i++) {
      const s = await this.getStatus();
      if (s.state === DfuState.dfuIDLE) return;
      if (s.state === DfuState.dfuERROR) await this.clrStatus();
      else if (s.state === DfuState.dfuDNBUSY || s.state === DfuState.dfuMANIFEST) await sleep(this.clock, s.pollTimeoutMs);
      else await this.abort();
    }
    const s = await this.getStatus();
    if (s.state !== DfuState.dfuIDLE) throw this.protocolError(`The board stays in ${dfuStateName(s.state)} and cannot start a download.`);
  }

  /**
   * Polls GETSTATUS, sleeping each reported poll timeout, until the device is no longer busy; throws
   * a StudioError naming the status when it ends in dfuERROR.
   */
  async waitWhileBusy(what: string): Promise<DfuStatusReport> {
    for (;;) {
      const s = await this.getStatus(what);
      if (s.state === DfuState.dfuERROR || s.status !== DfuStatus.OK) {
        await this.clrStatus().catch(() => {});
        throw this.statusError(s.status, what);
      }
      if (s.state !== DfuState.dfuDNBUSY && s.state !== DfuState.dfuDNLOAD_SYNC && s.state !== DfuState.dfuMANIFEST) return s;
      await sleep(this.clock, s.pollTimeoutMs);
      if (s.state === DfuState.dfuMANIFEST && !this.info.functional.manifestationTolerant) return s;
    }
  }

  // ---- DfuSe ----------------------------------------------------------------------------------

  private async dfuseCommand(cmd: number, addr: number | undefined, what: string): Promise<void> {
    const b = addr === undefined ? Uint8Array.of(cmd) : Uint8Array.of(cmd, addr & 0xff, (addr >>> 8) & 0xff, (addr >>> 16) & 0xff, (addr >>> 24) & 0xff);
    await this.dnload(0, b, what);
    await this.waitWhileBusy(what);
  }

  setAddress(addr: number): Promise<void> {
    return this.dfuseCommand(DfuseCommand.SET_ADDRESS, addr, `setting the address 0x${addr.toString(16)}`);
  }

  erasePage(addr: number): Promise<void> {
    return this.dfuseCommand(DfuseCommand.ERASE, addr, `erasing the sector at 0x${addr.toString(16)}`);
  }

  massErase(): Promise<void> {
    return this.dfuseCommand(DfuseCommand.ERASE, undefined, 'erasing the whole flash');
  }

  async close(): Promise<void> {
    try {
      await this.device.releaseInterface(this.info.interfaceNumber);
      await this.device.close();
    } catch {
      // gone already (after leaving DFU mode)
    }
  }

  // ---- internals ------------------------------------------------------------------------------

  statusError(status: number, what: string): StudioError {
    const name = dfuStatusName(status);
    return new StudioError({
      family: 'flash',
      code: dfuStatusCode(status),
      message: `The bootloader reported ${name} (${DFU_STATUS_TEXT[status] ?? 'unknown status'}) while ${what}.`,
      remedy: advice(status),
    });
  }

  private async refused(what: string): Promise<never> {
    let status: number = DfuStatus.errSTALLEDPKT;
    try {
      const s = await this.getStatus(what);
      status = s.status === DfuStatus.OK ? DfuStatus.errSTALLEDPKT : s.status;
      if (s.state === DfuState.dfuERROR) await this.clrStatus();
    } catch {
      // keep the stall as the reason
    }
    throw this.statusError(status, what);
  }

  private protocolError(message: string): StudioError {
    return new StudioError({ family: 'flash', code: 'dfu-protocol', message, remedy: 'Unplug the board, start its bootloader again (double-tap reset) and flash again.' });
  }

  private async guard<T extends UsbInTransferResult | UsbOutTransferResult>(what: string, call: () => Promise<T>): Promise<T> {
    try {
      return await withTimeout(this.clock, this.timeoutMs, call(), () => {
        throw new StudioError({ family: 'flash', code: 'timeout', message: `The board stopped answering while ${what}.`, remedy: 'Unplug the board, start its bootloader again and flash again.' });
      });
    } catch (e) {
      throw mapUsbError(e, { stage: 'transfer', platform: this.platform, device: this.device, doing: `while ${what}` });
    }
  }
}
