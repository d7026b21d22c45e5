import { describe, expect, it } from 'vitest';
import { detectMode } from './detect-mode.ts';
import { DeviceClient } from './protocol/client.ts';
import { createTwinCore } from './protocol/host-twin.ts';
import { MemoryFlash } from './protocol/model-slot.ts';
import { CoreTransport } from './protocol/test-support/core-transport.ts';
import type { Transport } from './transport.ts';

/** A sketch that prints CSV lines every 10 ms and ignores its input. */
function csvBoard(lineFor: (i: number) => string): Transport & { written: number } {
  let open = false;
  let i = 0;
  const t = {
    info: { name: 'csv sketch' },
    written: 0,
    async open() { open = true; },
    async close() { open = false; },
    isOpen: () => open,
    async write(d: Uint8Array) { t.written += d.length; },
    async *readable() {
      while (open) {
        await new Promise((r) => setTimeout(r, 10));
        yield new TextEncoder().encode(lineFor(i++));
      }
    },
  };
  return t;
}

describe('detectMode', () => {
  it('recognises the runtime firmware and hands over a working stream', async () => {
    const t = new CoreTransport((send) => createTwinCore(new MemoryFlash(64 * 1024, 4096, 256), send));
    await t.open({ baudRate: 115200 });
    const r = await detectMode(t);
    expect(r.mode).toBe('framed');
    expect(r.info?.board).toBe('TinyML host twin');
    const c = new DeviceClient(r.transport);
    expect((await c.connect()).firmwareVersion).toBe('0.1.0');
    await t.close();
  });

  it('recognises a plain-CSV sketch and replays the bytes it read', async () => {
    const t = csvBoard((i) => `${i},${i * 2},${i * 3}\r\n`);
    await t.open({ baudRate: 115200 });
    const r = await detectMode(t, { helloTimeoutMs: 300 });
    expect(r.mode).toBe('csv');
    expect(r.diagnosis).toBeNull();
    expect(t.written).toBeGreaterThan(0);
    const text: string[] = [];
    for await (const c of r.transport.readable()) {
      text.push(new TextDecoder().decode(c));
      if (text.length > 3) break;
    }
    expect(text[0]).toBe('0,0,0\r\n');
    await t.close();
  });

  it('says when the bytes look like a wrong baud rate, and when nothing arrives', async () => {
    const soup = csvBoard((i) => String.fromCharCode(0xf0, 0x1c, 0x80 + (i % 50), 0x07) + '\n');
    await soup.open({ baudRate: 115200 });
    const r = await detectMode(soup, { helloTimeoutMs: 200 });
    expect(r.mode).toBe('csv');
    expect(r.diagnosis?.code).toBe('wrong-baud');
    await soup.close();
    const silent: Transport = { info: { name: 'x' }, async open() {}, async close() {}, isOpen: () => true, async write() {},
      async *readable() { await new Promise((res) => setTimeout(res, 10_000)); yield new Uint8Array(0); } };
    expect((await detectMode(silent, { helloTimeoutMs: 100 })).mode).toBe('silent');
  });
});
