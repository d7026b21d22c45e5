import { describe, it, expect } from 'vitest';
import { touch1200 } from './touch-1200.ts';
import type { Transport, SerialOpenOptions } from '../device/transport.ts';
import { VirtualClock } from '../core/clock.ts';
import { StudioError } from '../core/errors.ts';

class FakePort implements Transport {
  info = { name: 'fake' };
  open_ = false;
  log: string[] = [];
  failOpen?: Error;
  async open(o: SerialOpenOptions) {
    if (this.failOpen) throw this.failOpen;
    this.open_ = true;
    this.log.push(`open ${o.baudRate}`);
  }
  async close() {
    this.open_ = false;
    this.log.push('close');
  }
  isOpen() {
    return this.open_;
  }
  async *readable(): AsyncIterable<Uint8Array> {}
  async write() {}
  async setSignals(s: { dataTerminalReady?: boolean }) {
    this.log.push(`dtr ${s.dataTerminalReady}`);
  }
}

describe('1200-baud touch', () => {
  it('closes, reopens at 1200 baud, drops DTR, closes and waits', async () => {
    const p = new FakePort();
    p.open_ = true;
    const clock = new VirtualClock({ autoAdvance: true });
    await touch1200(p, { clock });
    expect(p.log).toEqual(['close', 'open 1200', 'dtr false', 'close']);
    expect(clock.now()).toBe(1500);
  });

  it('treats a board that vanishes as success and reports other failures', async () => {
    const gone = new FakePort();
    gone.failOpen = new StudioError({ family: 'device', code: 'disconnected', message: 'gone' });
    await touch1200(gone, { clock: new VirtualClock({ autoAdvance: true }) });
    const busy = new FakePort();
    busy.failOpen = new Error('Failed to open serial port.');
    await expect(touch1200(busy, { clock: new VirtualClock({ autoAdvance: true }) })).rejects.toMatchObject({ code: 'touch-failed', remedy: expect.stringMatching(/BOOTSEL/) });
  });
});
