/**
 * `Transport` over one Web Serial port. DOM-free core module (uses only the structural types of
 * serial-api.ts, so it runs in a worker, a page, or Node with a fake port).
 *
 * Unplugging shows up as a `disconnect` event and/or a failing read; either way the readable stream
 * throws StudioError `disconnected` and later writes fail with the same code. Line errors of a live
 * port (break, framing, parity, buffer overrun) are counted and reading goes on.
 */
import { StudioError } from '../../core/errors.ts';
import type { SerialOpenOptions, Transport, TransportInfo } from '../transport.ts';
import { errorName, type ByteStreamReader, type SerialLike, type SerialPortLike } from './serial-api.ts';

const RECOVERABLE = new Set(['BreakError', 'FramingError', 'ParityError', 'BufferOverrunError']);

export function disconnectedError(cause?: unknown): StudioError {
  return new StudioError({
    family: 'device', code: 'disconnected', cause,
    message: 'The board was disconnected.',
    remedy: 'Plug it in again and click Connect; what was recorded so far is kept.',
  });
}

/** Maps a failure of `port.open()` to what the person should do. */
export function openError(e: unknown, baudRate: number): StudioError {
  const name = errorName(e);
  if (name === 'InvalidStateError') {
    return new StudioError({ family: 'device', code: 'port-open', cause: e, message: 'The port is already open in this tab.', remedy: 'Disconnect first, then connect again.' });
  }
  if (name === 'NetworkError') {
    return new StudioError({
      family: 'device', code: 'port-busy', cause: e,
      message: 'The serial port could not be opened: another program is using it.',
      remedy: 'Close the Arduino IDE Serial Monitor/Plotter (or any other serial terminal, or another studio tab) and try again.',
    });
  }
  if (name === 'SecurityError') {
    return new StudioError({ family: 'device', code: 'not-allowed', cause: e, message: 'The browser does not allow serial access here.', remedy: 'Open the studio over https or localhost in Chrome or Edge.' });
  }
  return new StudioError({ family: 'device', code: 'port-open', cause: e, message: `The serial port could not be opened at ${baudRate} baud.`, remedy: 'Unplug and replug the board, then try again.' });
}

export class WebSerialTransport implements Transport {
  readonly info: TransportInfo;
  private open_ = false;
  private disconnected = false;
  private reader: ByteStreamReader | null = null;
  private readonly onDisconnect = (ev: unknown): void => {
    const t = (ev as { target?: unknown; port?: unknown } | undefined);
    if (!t || t.target === this.port || t.port === this.port || t.target === undefined) this.markDisconnected();
  };
  /** Line errors seen (wrong baud often shows up as framing errors). */
  lineErrors = 0;

  constructor(readonly port: SerialPortLike, name?: string, private readonly serial?: SerialLike | null) {
    const i = port.getInfo();
    this.info = { name: name ?? 'Serial port', usbVendorId: i.usbVendorId, usbProductId: i.usbProductId };
  }

  async open(options: SerialOpenOptions): Promise<void> {
    try {
      await this.port.open({ baudRate: options.baudRate, bufferSize: 64 * 1024 });
    } catch (e) {
      throw openError(e, options.baudRate);
    }
    this.open_ = true;
    this.disconnected = false;
    this.port.addEventListener?.('disconnect', this.onDisconnect);
    this.serial?.addEventListener?.('disconnect', this.onDisconnect);
  }

  isOpen(): boolean {
    return this.open_ && !this.disconnected;
  }

  /** Called by the disconnect event (or a UI that learned it elsewhere). */
  markDisconnected(): void {
    if (this.disconnected) return;
    this.disconnected = true;
    this.reader?.cancel().catch(() => undefined);
  }

  async close(): Promise<void> {
    this.port.removeEventListener?.('disconnect', this.onDisconnect);
    this.serial?.removeEventListener?.('disconnect', this.onDisconnect);
    if (!this.open_) return;
    this.open_ = false;
    try {
      await this.reader?.cancel();
    } catch { /* already gone */ }
    try {
      await this.port.close();
    } catch { /* unplugged ports fail to close; nothing to do */ }
  }

  async *readable(): AsyncIterable<Uint8Array> {
    while (this.open_ && !this.disconnected) {
      const stream = this.port.readable;
      if (!stream) break;
      const reader = stream.getReader();
      this.reader = reader;
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          if (value && value.length) yield value;
        }
      } catch (e) {
        const name = errorName(e);
        if (RECOVERABLE.has(name) && !this.disconnected) {
          this.lineErrors++;
          continue;
        }
        if (this.open_) this.disconnected = true;
        throw disconnectedError(e);
      } finally {
        this.reader = null;
        try { reader.releaseLock(); } catch { /* stream already errored */ }
      }
      // done: closed by us, or the device went away
      if (!this.open_) return;
      if (this.disconnected) break;
    }
    if (this.disconnected) throw disconnectedError();
  }

  async write(data: Uint8Array): Promise<void> {
    if (!this.open_ || this.disconnected || !this.port.writable) throw disconnectedError();
    const w = this.port.writable.getWriter();
    try {
      await w.write(data);
    } catch (e) {
      this.disconnected = true;
      throw disconnectedError(e);
    } finally {
      try { w.releaseLock(); } catch { /* ignore */ }
    }
  }

  async setSignals(signals: { dataTerminalReady?: boolean; requestToSend?: boolean }): Promise<void> {
    await this.port.setSignals?.(signals);
  }
}
