/**
 * Test support: a TypeScript `DeviceCore` behind a `Transport`, ticking on a timer, with hooks to drop or
 * corrupt bytes in either direction. DOM-free.
 */
import { StudioError } from '../../../core/errors.ts';
import type { SerialOpenOptions, Transport, TransportInfo } from '../../transport.ts';
import type { DeviceCore } from '../device-core.ts';

export interface CoreTransportHooks {
  /** Return what the device should receive instead (e.g. a corrupted or empty copy). */
  toDevice?: (bytes: Uint8Array) => Uint8Array;
  /** Return what the host should receive instead. */
  toHost?: (bytes: Uint8Array) => Uint8Array;
}

export class CoreTransport implements Transport {
  readonly info: TransportInfo = { name: 'TypeScript device core', simulated: true };
  core!: DeviceCore;
  private queue: Uint8Array[] = [];
  private wake: (() => void) | null = null;
  private open_ = false;
  private unplugged = false;
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly t0 = performance.now();

  constructor(makeCore: (send: (b: Uint8Array) => void) => DeviceCore, public hooks: CoreTransportHooks = {}) {
    this.core = makeCore((b) => {
      const out = this.hooks.toHost ? this.hooks.toHost(b) : b;
      if (out.length && this.open_) {
        this.queue.push(out);
        this.wake?.();
      }
    });
  }

  async open(_o: SerialOpenOptions): Promise<void> {
    this.open_ = true;
    this.timer = setInterval(() => this.core.tick(Math.round((performance.now() - this.t0) * 1000)), 2);
  }
  isOpen(): boolean {
    return this.open_;
  }
  async close(): Promise<void> {
    this.open_ = false;
    if (this.timer) clearInterval(this.timer);
    this.wake?.();
  }
  unplug(): void {
    this.unplugged = true;
    void this.close();
  }
  async *readable(): AsyncIterable<Uint8Array> {
    for (;;) {
      while (this.queue.length) yield this.queue.shift()!;
      if (!this.open_) {
        if (this.unplugged) throw new StudioError({ family: 'device', code: 'disconnected', message: 'The board was disconnected.' });
        return;
      }
      await new Promise<void>((r) => (this.wake = r));
      this.wake = null;
    }
  }
  async write(data: Uint8Array): Promise<void> {
    if (!this.open_) throw new StudioError({ family: 'device', code: 'disconnected', message: 'The board was disconnected.' });
    const d = this.hooks.toDevice ? this.hooks.toDevice(data) : data;
    queueMicrotask(() => this.core.receive(d));
  }
}
