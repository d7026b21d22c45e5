/**
 * The USB device edge of the flashers: the subset of WebUSB's `USBDevice` they use. DOM-free core module.
 *
 * Names and shapes follow the WebUSB specification, so a device from `navigator.usb` can be passed in
 * as it is, and the PICOBOOT and DFU simulators implement the same interface byte for byte.
 * Transfers resolve with a status ('ok' | 'stall' | 'babble') like WebUSB; a device that goes away
 * rejects with a DOMException (NotFoundError/NetworkError "The device was disconnected.").
 */
export type UsbTransferStatus = 'ok' | 'stall' | 'babble';
export type UsbDirection = 'in' | 'out';
export type UsbRequestType = 'standard' | 'class' | 'vendor';
export type UsbRecipient = 'device' | 'interface' | 'endpoint' | 'other';

export interface UsbControlTransferParameters {
  requestType: UsbRequestType;
  recipient: UsbRecipient;
  request: number;
  value: number;
  index: number;
}

export interface UsbInTransferResult {
  readonly data?: DataView;
  readonly status: UsbTransferStatus;
}

export interface UsbOutTransferResult {
  readonly bytesWritten: number;
  readonly status: UsbTransferStatus;
}

export interface UsbEndpoint {
  readonly endpointNumber: number;
  readonly direction: UsbDirection;
  readonly type: 'bulk' | 'interrupt' | 'isochronous';
  readonly packetSize: number;
}

export interface UsbAlternateInterface {
  readonly alternateSetting: number;
  readonly interfaceClass: number;
  readonly interfaceSubclass: number;
  readonly interfaceProtocol: number;
  readonly interfaceName?: string | null;
  readonly endpoints: readonly UsbEndpoint[];
}

export interface UsbInterface {
  readonly interfaceNumber: number;
  readonly alternate: UsbAlternateInterface;
  readonly alternates: readonly UsbAlternateInterface[];
  readonly claimed: boolean;
}

export interface UsbConfiguration {
  readonly configurationValue: number;
  readonly configurationName?: string | null;
  readonly interfaces: readonly UsbInterface[];
}

export interface UsbDevice {
  readonly vendorId: number;
  readonly productId: number;
  readonly productName?: string;
  readonly manufacturerName?: string;
  readonly serialNumber?: string;
  readonly opened: boolean;
  readonly configuration: UsbConfiguration | null;
  readonly configurations: readonly UsbConfiguration[];
  open(): Promise<void>;
  close(): Promise<void>;
  selectConfiguration(configurationValue: number): Promise<void>;
  claimInterface(interfaceNumber: number): Promise<void>;
  releaseInterface(interfaceNumber: number): Promise<void>;
  selectAlternateInterface(interfaceNumber: number, alternateSetting: number): Promise<void>;
  controlTransferIn(setup: UsbControlTransferParameters, length: number): Promise<UsbInTransferResult>;
  controlTransferOut(setup: UsbControlTransferParameters, data?: Uint8Array): Promise<UsbOutTransferResult>;
  transferIn(endpointNumber: number, length: number): Promise<UsbInTransferResult>;
  transferOut(endpointNumber: number, data: Uint8Array): Promise<UsbOutTransferResult>;
  clearHalt(direction: UsbDirection, endpointNumber: number): Promise<void>;
  reset(): Promise<void>;
}

/** The bytes of an IN result (empty for a zero-length packet). */
export function inBytes(r: UsbInTransferResult): Uint8Array {
  return r.data ? new Uint8Array(r.data.buffer, r.data.byteOffset, r.data.byteLength) : new Uint8Array(0);
}

/** "2e8a:0003" style id. */
export function usbId(vendorId: number, productId: number): string {
  const h = (n: number) => n.toString(16).padStart(4, '0');
  return `${h(vendorId)}:${h(productId)}`;
}

export interface InterfaceMatch {
  interfaceClass: number;
  interfaceSubclass?: number;
  interfaceProtocol?: number;
}

/** Finds an interface (any alternate setting) of the active or first configuration matching class codes. */
export function findInterface(
  device: UsbDevice,
  match: InterfaceMatch,
): { iface: UsbInterface; alternate: UsbAlternateInterface } | undefined {
  const config = device.configuration ?? device.configurations[0];
  if (!config) return undefined;
  for (const iface of config.interfaces) {
    for (const alt of iface.alternates) {
      if (
        alt.interfaceClass === match.interfaceClass &&
        (match.interfaceSubclass === undefined || alt.interfaceSubclass === match.interfaceSubclass) &&
        (match.interfaceProtocol === undefined || alt.interfaceProtocol === match.interfaceProtocol)
      ) {
        return { iface, alternate: alt };
      }
    }
  }
  return undefined;
}

/** Opens the device and selects configuration 1 when none is active, as every flasher needs. */
export async function openDevice(device: UsbDevice): Promise<void> {
  if (!device.opened) await device.open();
  if (device.configuration === null) {
    const first = device.configurations[0];
    await device.selectConfiguration(first ? first.configurationValue : 1);
  }
}

/** A DOMException-like error as WebUSB raises it (works in Node 17+ and browsers). */
export function usbDomError(name: string, message: string): Error {
  if (typeof DOMException !== 'undefined') return new DOMException(message, name);
  const e = new Error(message);
  e.name = name;
  return e;
}
