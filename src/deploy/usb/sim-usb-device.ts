/**
 * Common mechanics of simulated USB devices: WebUSB call rules, standard descriptors, bus time and
 * byte accounting, unplug and hang injection. DOM-free core module.
 *
 * The PICOBOOT and DFU simulators extend this and implement only their class/vendor protocol.
 * Timing model (USB 2.0 full speed, 12 Mbit/s; USB 2.0 spec tables 5-5 and 5-9): at most 19 bulk
 * packets of 64 bytes per 1 ms frame (1.216 MB/s) and at most 13 control-data packets of 64 bytes
 * per frame; a control transfer adds a SETUP and a STATUS stage. Each transfer also pays a host
 * turn-around (`latencyMs`, default 0.5 ms) for a browser/OS round trip between sequential awaits;
 * that figure is our assumption, not a spec value.
 */
import type {
  UsbAlternateInterface,
  UsbConfiguration,
  UsbControlTransferParameters,
  UsbDevice,
  UsbDirection,
  UsbEndpoint,
  UsbInTransferResult,
  UsbInterface,
  UsbOutTransferResult,
} from './usb-device.ts';
import { usbDomError } from './usb-device.ts';
import type { Clock } from '../../core/clock.ts';
import { VirtualClock } from '../../core/clock.ts';

export interface SimAlternateSpec {
  setting: number;
  interfaceClass: number;
  interfaceSubclass: number;
  interfaceProtocol: number;
  name?: string;
  endpoints: UsbEndpoint[];
  /** Class-specific descriptors following the interface descriptor (e.g. the DFU functional descriptor). */
  extra?: Uint8Array;
}

export interface SimDeviceSpec {
  vendorId: number;
  productId: number;
  bcdDevice?: number;
  manufacturerName: string;
  productName: string;
  serialNumber: string;
  interfaces: { number: number; alternates: SimAlternateSpec[] }[];
}

export interface BusModel {
  latencyMs: number;
  bulkPacketsPerMs: number;
  controlPacketsPerMs: number;
  packetSize: number;
}

export const FULL_SPEED_BUS: BusModel = { latencyMs: 0.5, bulkPacketsPerMs: 19, controlPacketsPerMs: 13, packetSize: 64 };

export interface BusStats {
  /** Bytes on the bus: transfer payloads both ways plus 8 per SETUP packet. */
  busBytes: number;
  transfers: number;
  controlTransfers: number;
}

export type SimIn = Uint8Array | 'stall' | 'babble' | 'hang';
export type SimOut = 'ok' | 'stall' | 'hang';

const DISCONNECTED = 'The device was disconnected.';

export abstract class SimUsbDevice implements UsbDevice {
  readonly vendorId: number;
  readonly productId: number;
  readonly productName: string;
  readonly manufacturerName: string;
  readonly serialNumber: string;
  readonly configurations: readonly UsbConfiguration[];
  readonly clock: Clock;
  readonly bus: BusModel;
  readonly stats: BusStats = { busBytes: 0, transfers: 0, controlTransfers: 0 };

  private isOpen = false;
  private activeConfig: UsbConfiguration | null = null;
  private claimed = new Set<number>();
  private altSel = new Map<number, number>();
  private gone = false;
  private pendingRejects = new Set<(e: Error) => void>();
  private unplugAtBytes = Infinity;
  private hangCount = 0;
  private strings: string[] = [''];
  protected readonly spec: SimDeviceSpec;

  constructor(spec: SimDeviceSpec, clock?: Clock, bus: BusModel = FULL_SPEED_BUS) {
    this.spec = spec;
    this.vendorId = spec.vendorId;
    this.productId = spec.productId;
    this.productName = spec.productName;
    this.manufacturerName = spec.manufacturerName;
    this.serialNumber = spec.serialNumber;
    this.clock = clock ?? new VirtualClock({ autoAdvance: true });
    this.bus = bus;
    this.strings.push(spec.manufacturerName, spec.productName, spec.serialNumber);
    for (const i of spec.interfaces) for (const a of i.alternates) this.stringIndex(a.name);
    const interfaces: UsbInterface[] = spec.interfaces.map((i) => {
      const alternates: UsbAlternateInterface[] = i.alternates.map((a) => ({
        alternateSetting: a.setting,
        interfaceClass: a.interfaceClass,
        interfaceSubclass: a.interfaceSubclass,
        interfaceProtocol: a.interfaceProtocol,
        interfaceName: a.name ?? null,
        endpoints: a.endpoints,
      }));
      const altSel = this.altSel;
      const claimed = this.claimed;
      return {
        interfaceNumber: i.number,
        alternates,
        get alternate() {
          const s = altSel.get(i.number) ?? 0;
          return alternates.find((a) => a.alternateSetting === s) ?? alternates[0];
        },
        get claimed() {
          return claimed.has(i.number);
        },
      };
    });
    this.configurations = [{ configurationValue: 1, configurationName: null, interfaces }];
  }

  get opened(): boolean {
    return this.isOpen && !this.gone;
  }

  get configuration(): UsbConfiguration | null {
    return this.activeConfig;
  }

  get disconnected(): boolean {
    return this.gone;
  }

  // ---- fault injection -------------------------------------------------------------------------

  /** The device disappears: pending and later calls reject like WebUSB does for an unplugged device. */
  unplug(): void {
    this.gone = true;
    this.isOpen = false;
    const err = usbDomError('NotFoundError', DISCONNECTED);
    for (const reject of this.pendingRejects) reject(err);
    this.pendingRejects.clear();
  }

  /** Unplugs as soon as `busBytes` has reached `n` (checked before each transfer). */
  unplugAfterBusBytes(n: number): void {
    this.unplugAtBytes = n;
  }

  /** The next `n` transfers never complete (until unplug), as a wedged device does. */
  hangNextTransfers(n = 1): void {
    this.hangCount = n;
  }

  // ---- protocol hooks --------------------------------------------------------------------------

  protected abstract controlIn(setup: UsbControlTransferParameters, length: number): SimIn;
  protected abstract controlOut(setup: UsbControlTransferParameters, data: Uint8Array): SimOut;
  protected abstract bulkIn(endpointNumber: number, length: number): SimIn;
  protected abstract bulkOut(endpointNumber: number, data: Uint8Array): SimOut;
  protected onBusReset(): void {}
  protected onClose(): void {}

  /** Device-side work (flash erase/program) that delays the answer. */
  protected work(ms: number): void {
    if (this.clock instanceof VirtualClock) this.clock.spend(ms);
  }

  // ---- UsbDevice -------------------------------------------------------------------------------

  async open(): Promise<void> {
    this.alive();
    this.isOpen = true;
  }

  async close(): Promise<void> {
    if (this.gone) return;
    this.isOpen = false;
    this.claimed.clear();
    this.onClose();
  }

  async selectConfiguration(value: number): Promise<void> {
    this.mustBeOpen();
    const c = this.configurations.find((x) => x.configurationValue === value);
    if (!c) throw usbDomError('NotFoundError', 'The configuration value provided is not supported by the device.');
    this.activeConfig = c;
  }

  async claimInterface(n: number): Promise<void> {
    this.mustBeOpen();
    this.ifaceOrThrow(n);
    this.claimed.add(n);
  }

  async releaseInterface(n: number): Promise<void> {
    this.mustBeOpen();
    this.claimed.delete(n);
  }

  async selectAlternateInterface(n: number, alt: number): Promise<void> {
    this.mustBeOpen();
    const iface = this.ifaceOrThrow(n);
    if (!this.claimed.has(n)) throw usbDomError('InvalidStateError', 'The interface is not claimed.');
    if (!iface.alternates.some((a) => a.alternateSetting === alt)) {
      throw usbDomError('NotFoundError', 'The alternate setting provided is not supported by the device.');
    }
    this.altSel.set(n, alt);
  }

  selectedAlternate(n: number): number {
    return this.altSel.get(n) ?? 0;
  }

  async controlTransferIn(setup: UsbControlTransferParameters, length: number): Promise<UsbInTransferResult> {
    this.checkControl(setup);
    const r = this.standardIn(setup, length) ?? this.controlIn(setup, length);
    this.account(true, 8 + (r instanceof Uint8Array ? r.length : 0), r instanceof Uint8Array ? r.length : 0);
    return this.finishIn(r, length);
  }

  async controlTransferOut(setup: UsbControlTransferParameters, data?: Uint8Array): Promise<UsbOutTransferResult> {
    this.checkControl(setup);
    const bytes = data ? new Uint8Array(data) : new Uint8Array(0);
    this.account(true, 8 + bytes.length, bytes.length);
    const r = this.controlOut(setup, bytes);
    return this.finishOut(r, bytes.length);
  }

  async transferIn(ep: number, length: number): Promise<UsbInTransferResult> {
    this.checkEndpoint('in', ep);
    const r = this.bulkIn(ep, length);
    this.account(false, r instanceof Uint8Array ? r.length : 0, r instanceof Uint8Array ? r.length : 0);
    return this.finishIn(r, length);
  }

  async transferOut(ep: number, data: Uint8Array): Promise<UsbOutTransferResult> {
    this.checkEndpoint('out', ep);
    const bytes = new Uint8Array(data);
    this.account(false, bytes.length, bytes.length);
    const r = this.bulkOut(ep, bytes);
    return this.finishOut(r, bytes.length);
  }

  async clearHalt(direction: UsbDirection, ep: number): Promise<void> {
    this.checkEndpoint(direction, ep);
    this.onClearHalt(direction, ep);
  }

  protected onClearHalt(_direction: UsbDirection, _ep: number): void {}

  async reset(): Promise<void> {
    this.mustBeOpen();
    this.altSel.clear();
    this.onBusReset();
  }

  // ---- internals -------------------------------------------------------------------------------

  private alive(): void {
    if (this.gone) throw usbDomError('NotFoundError', DISCONNECTED);
  }

  private mustBeOpen(): void {
    this.alive();
    if (!this.isOpen) throw usbDomError('InvalidStateError', 'The device must be opened first.');
  }

  private ifaceOrThrow(n: number): UsbInterface {
    if (!this.activeConfig) throw usbDomError('InvalidStateError', 'The device must have a configuration selected.');
    const iface = this.activeConfig.interfaces.find((i) => i.interfaceNumber === n);
    if (!iface) throw usbDomError('NotFoundError', 'The interface number provided is not supported by the device in its current configuration.');
    return iface;
  }

  private checkControl(setup: UsbControlTransferParameters): void {
    this.mustBeOpen();
    this.maybeScheduledUnplug();
    if (setup.recipient === 'interface' && !this.claimed.has(setup.index & 0xff)) {
      throw usbDomError('InvalidStateError', 'The specified interface has not been claimed.');
    }
  }

  private checkEndpoint(direction: UsbDirection, ep: number): void {
    this.mustBeOpen();
    this.maybeScheduledUnplug();
    for (const n of this.claimed) {
      const alt = this.activeConfig?.interfaces.find((i) => i.interfaceNumber === n)?.alternate;
      if (alt?.endpoints.some((e) => e.endpointNumber === ep && e.direction === direction)) return;
    }
    throw usbDomError('NotFoundError', 'The specified endpoint is not part of a claimed and selected alternate interface.');
  }

  private maybeScheduledUnplug(): void {
    if (this.stats.busBytes >= this.unplugAtBytes) this.unplug();
    this.alive();
  }

  private account(control: boolean, busBytes: number, dataBytes: number): void {
    this.stats.busBytes += busBytes;
    this.stats.transfers += 1;
    if (control) this.stats.controlTransfers += 1;
    const packets = Math.max(1, Math.ceil(dataBytes / this.bus.packetSize)) + (control ? 2 : 0);
    this.work(this.bus.latencyMs + packets / (control ? this.bus.controlPacketsPerMs : this.bus.bulkPacketsPerMs));
  }

  private hangOr<T>(v: T | 'hang'): Promise<T> {
    if (v !== 'hang' && this.hangCount === 0) return Promise.resolve(v);
    if (this.hangCount > 0) this.hangCount -= 1;
    return new Promise<T>((_, reject) => {
      this.pendingRejects.add(reject);
    });
  }

  private async finishIn(r: SimIn, length: number): Promise<UsbInTransferResult> {
    const v = await this.hangOr(r);
    if (v === 'stall' || v === 'babble') return { status: v };
    if (v.length > length) return { status: 'babble' };
    return { status: 'ok', data: new DataView(v.buffer, v.byteOffset, v.byteLength) };
  }

  private async finishOut(r: SimOut, n: number): Promise<UsbOutTransferResult> {
    const v = await this.hangOr(r);
    return v === 'stall' ? { status: 'stall', bytesWritten: 0 } : { status: 'ok', bytesWritten: n };
  }

  /** GET_DESCRIPTOR for device, configuration and string descriptors. */
  private standardIn(setup: UsbControlTransferParameters, length: number): SimIn | undefined {
    if (setup.requestType !== 'standard' || setup.request !== 6) return undefined;
    const type = setup.value >> 8;
    const index = setup.value & 0xff;
    let d: Uint8Array | undefined;
    if (type === 1) d = this.deviceDescriptor();
    else if (type === 2 && index === 0) d = this.configDescriptor();
    else if (type === 3) d = this.stringDescriptor(index);
    if (!d) return 'stall';
    return d.subarray(0, Math.min(length, d.length));
  }

  private stringIndex(s: string | undefined): number {
    if (!s) return 0;
    const i = this.strings.indexOf(s);
    if (i > 0) return i;
    this.strings.push(s);
    return this.strings.length - 1;
  }

  private deviceDescriptor(): Uint8Array {
    const b = new Uint8Array(18);
    const v = new DataView(b.buffer);
    b[0] = 18;
    b[1] = 1;
    v.setUint16(2, 0x0200, true);
    b[7] = 64;
    v.setUint16(8, this.vendorId, true);
    v.setUint16(10, this.productId, true);
    v.setUint16(12, this.spec.bcdDevice ?? 0x0100, true);
    b[14] = 1;
    b[15] = 2;
    b[16] = 3;
    b[17] = 1;
    return b;
  }

  private configDescriptor(): Uint8Array {
    const parts: number[][] = [];
    let numInterfaces = 0;
    for (const i of this.spec.interfaces) {
      numInterfaces++;
      for (const a of i.alternates) {
        parts.push([9, 4, i.number, a.setting, a.endpoints.length, a.interfaceClass, a.interfaceSubclass, a.interfaceProtocol, this.stringIndex(a.name)]);
        if (a.extra) parts.push([...a.extra]);
        for (const e of a.endpoints) {
          const addr = e.endpointNumber | (e.direction === 'in' ? 0x80 : 0);
          const attr = e.type === 'bulk' ? 2 : e.type === 'interrupt' ? 3 : 1;
          parts.push([7, 5, addr, attr, e.packetSize & 0xff, e.packetSize >> 8, 0]);
        }
      }
    }
    const body = parts.flat();
    const total = 9 + body.length;
    return new Uint8Array([9, 2, total & 0xff, total >> 8, numInterfaces, 1, 0, 0x80, 50, ...body]);
  }

  private stringDescriptor(index: number): Uint8Array | undefined {
    if (index === 0) return new Uint8Array([4, 3, 0x09, 0x04]);
    const s = this.strings[index];
    if (s === undefined) return undefined;
    const b = new Uint8Array(2 + s.length * 2);
    b[0] = b.length;
    b[1] = 3;
    for (let i = 0; i < s.length; i++) {
      b[2 + 2 * i] = s.charCodeAt(i) & 0xff;
      b[3 + 2 * i] = s.charCodeAt(i) >> 8;
    }
    return b;
  }
}
