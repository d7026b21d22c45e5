/**
 * A fake `navigator.serial` for e2e tests, injected with `page.addInitScript(installFakeSerial, opts)`.
 * Its device side plays a plain-CSV Arduino sketch: `accX,accY,accZ` lines at a fixed rate, with
 * optional garbage lines, and can be unplugged from the test through `window.__fakeSerial.unplug()`.
 * The function runs in the page, so it must be self-contained.
 */
export interface FakeSerialOptions {
  rateHz: number;
  /** Every Nth line is replaced by a malformed one (0 = never). */
  badEvery: number;
  usbVendorId: number;
  usbProductId: number;
  /** Axis count printed per line. */
  axes: number;
}

export function installFakeSerial(opts: FakeSerialOptions): void {
  type Listener = (ev: Event) => void;
  const listeners: Record<string, Listener[]> = { connect: [], disconnect: [] };
  const enc = new TextEncoder();
  const state = { lines: 0, written: [] as string[], baud: 0, opened: 0 };

  class FakePort extends EventTarget {
    readable: ReadableStream<Uint8Array> | null = null;
    writable: WritableStream<Uint8Array> | null = null;
    private timer: ReturnType<typeof setInterval> | null = null;
    private controller: ReadableStreamDefaultController<Uint8Array> | null = null;
    connected = true;

    getInfo() {
      return { usbVendorId: opts.usbVendorId, usbProductId: opts.usbProductId };
    }

    async open(o: { baudRate: number }) {
      if (!this.connected) throw new DOMException('The device has been lost.', 'NetworkError');
      if (this.readable) throw new DOMException('The port is already open.', 'InvalidStateError');
      state.baud = o.baudRate;
      state.opened++;
      let n = 0;
      const t0 = performance.now();
      this.readable = new ReadableStream<Uint8Array>({
        start: (c) => {
          this.controller = c;
          // A sketch that was already running: the first line arrives cut in the middle.
          c.enqueue(enc.encode('.25,0.5\r\n'));
          this.timer = setInterval(() => {
            const due = Math.floor(((performance.now() - t0) / 1000) * opts.rateHz);
            let text = '';
            while (n < due) {
              n++;
              state.lines++;
              if (opts.badEvery && n % opts.badEvery === 0) {
                text += n % (2 * opts.badEvery) === 0 ? 'hello world\r\n' : '1.0,2.0\r\n';
                continue;
              }
              const t = n / opts.rateHz;
              const vals = [Math.sin(2 * Math.PI * 1.5 * t) * 3, Math.cos(2 * Math.PI * 1.5 * t) * 3, 9.81 + Math.sin(t) * 0.2, 10, 20, 30].slice(0, opts.axes);
              text += vals.map((v) => v.toFixed(3)).join(',') + '\r\n';
            }
            if (text) c.enqueue(enc.encode(text));
          }, 20);
        },
        cancel: () => this.stopTimer(),
      });
      this.writable = new WritableStream<Uint8Array>({
        write: (chunk) => {
          state.written.push(Array.from(chunk).join(','));
        },
      });
    }

    private stopTimer() {
      if (this.timer) clearInterval(this.timer);
      this.timer = null;
    }

    async close() {
      this.stopTimer();
      try {
        this.controller?.close();
      } catch {
        /* already closed */
      }
      this.readable = null;
      this.writable = null;
    }

    async setSignals() {}

    unplug() {
      this.connected = false;
      this.stopTimer();
      try {
        this.controller?.error(new DOMException('The device has been lost.', 'NetworkError'));
      } catch {
        /* closed */
      }
      this.readable = null;
      const ev = new Event('disconnect');
      Object.defineProperty(ev, 'target', { value: this });
      this.dispatchEvent(ev);
      for (const l of listeners.disconnect) l(ev);
    }
  }

  const port = new FakePort();
  let granted = false;
  const serial = {
    async requestPort() {
      granted = true;
      return port;
    },
    async getPorts() {
      return granted ? [port] : [];
    },
    addEventListener(type: string, l: Listener) {
      (listeners[type] ??= []).push(l);
    },
    removeEventListener(type: string, l: Listener) {
      listeners[type] = (listeners[type] ?? []).filter((x) => x !== l);
    },
  };
  Object.defineProperty(navigator, 'serial', { value: serial, configurable: true });
  (window as unknown as { __fakeSerial: unknown }).__fakeSerial = { port, state, unplug: () => port.unplug() };
}
