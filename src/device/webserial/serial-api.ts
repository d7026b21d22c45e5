/**
 * Minimal structural types for the Web Serial API, so device code type-checks and runs (with fakes)
 * without depending on the DOM lib's serial typings. DOM-free core module.
 */
export interface SerialPortInfoLike {
  usbVendorId?: number;
  usbProductId?: number;
}

export interface ByteStreamReader {
  read(): Promise<{ value?: Uint8Array; done: boolean }>;
  releaseLock(): void;
  cancel(reason?: unknown): Promise<void>;
}

export interface ByteStreamWriter {
  write(chunk: Uint8Array): Promise<void>;
  releaseLock(): void;
}

export interface SerialPortLike {
  open(options: { baudRate: number; bufferSize?: number; dataBits?: number; stopBits?: number; parity?: 'none' | 'even' | 'odd'; flowControl?: 'none' | 'hardware' }): Promise<void>;
  close(): Promise<void>;
  readonly readable: { getReader(): ByteStreamReader } | null;
  readonly writable: { getWriter(): ByteStreamWriter } | null;
  getInfo(): SerialPortInfoLike;
  setSignals?(signals: { dataTerminalReady?: boolean; requestToSend?: boolean; break?: boolean }): Promise<void>;
  addEventListener?(type: 'disconnect' | 'connect', listener: (ev: unknown) => void): void;
  removeEventListener?(type: 'disconnect' | 'connect', listener: (ev: unknown) => void): void;
}

export interface SerialPortFilterLike {
  usbVendorId?: number;
  usbProductId?: number;
}

export interface SerialLike {
  requestPort(options?: { filters?: SerialPortFilterLike[] }): Promise<SerialPortLike>;
  getPorts(): Promise<SerialPortLike[]>;
  addEventListener?(type: 'disconnect' | 'connect', listener: (ev: { target?: unknown; port?: unknown }) => void): void;
  removeEventListener?(type: 'disconnect' | 'connect', listener: (ev: { target?: unknown; port?: unknown }) => void): void;
}

/** `navigator.serial` when the browser has Web Serial (Chromium desktop), else null. */
export function getSerial(nav: unknown = (globalThis as { navigator?: unknown }).navigator): SerialLike | null {
  const s = (nav as { serial?: SerialLike } | undefined)?.serial;
  return s && typeof s.requestPort === 'function' ? s : null;
}

/** Name of a thrown DOMException-like error ('NetworkError', 'NotFoundError', …) or ''. */
export function errorName(e: unknown): string {
  return typeof e === 'object' && e !== null && 'name' in e ? String((e as { name: unknown }).name) : '';
}
