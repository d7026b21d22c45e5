/**
 * The byte transport every device layer sits on. DOM-free core module.
 *
 * A WebSerial port, the simulated board and test fakes all implement this: bytes in, bytes out.
 * Parsers and protocols above it never know which one they talk to.
 */
export interface SerialOpenOptions {
  baudRate: number;
}

export interface TransportInfo {
  /** Human-readable name, e.g. "Arduino Nano 33 BLE Sense" or "Simulated board". */
  name: string;
  usbVendorId?: number;
  usbProductId?: number;
  simulated?: boolean;
}

export interface Transport {
  readonly info: TransportInfo;
  open(options: SerialOpenOptions): Promise<void>;
  close(): Promise<void>;
  isOpen(): boolean;
  /**
   * Bytes from the device, as they arrive. Ends when the transport is closed; throws a
   * StudioError with code `disconnected` when the device goes away.
   */
  readable(): AsyncIterable<Uint8Array>;
  write(data: Uint8Array): Promise<void>;
  /** Optional control lines (used for the 1200-baud touch and DTR/RTS resets). */
  setSignals?(signals: { dataTerminalReady?: boolean; requestToSend?: boolean }): Promise<void>;
}

/** The same transport with another byte source (a replay of consumed bytes, a watched stream…). */
export function withReadable(t: Transport, readable: () => AsyncIterable<Uint8Array>): Transport {
  return {
    info: t.info,
    open: (o) => t.open(o),
    close: () => t.close(),
    isOpen: () => t.isOpen(),
    write: (d) => t.write(d),
    setSignals: t.setSignals?.bind(t),
    readable,
  };
}
