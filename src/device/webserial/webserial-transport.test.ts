import { describe, expect, it } from 'vitest';
import { isCancelled, isStudioError } from '../../core/errors.ts';
import { findBoardByUsb, isRpBootRom } from '../boards/index.ts';
import { SERIAL_FILTERS, describePort, findGrantedPort, requestSerialPort, transportFor } from './port-picker.ts';
import type { ByteStreamReader, SerialLike, SerialPortLike } from './serial-api.ts';
import { WebSerialTransport } from './webserial-transport.ts';

/** A fake Web Serial port: push() feeds bytes, fail() makes the next read throw a named error. */
function fakePort(vid = 0x2341, pid = 0x805a) {
  const chunks: (Uint8Array | Error)[] = [];
  let wake: (() => void) | null = null;
  const listeners = new Set<(ev: unknown) => void>();
  const log: string[] = [];
  const written: Uint8Array[] = [];
  let opened = false;
  let cancelled = false;
  const named = (name: string) => Object.assign(new Error(name), { name });
  const port: SerialPortLike & { push(b: Uint8Array | Error): void; unplug(): void; named: typeof named; log: string[]; written: Uint8Array[] } = {
    log, written, named,
    async open(o) { if (opened) throw named('InvalidStateError'); opened = true; log.push(`open ${o.baudRate}`); },
    async close() { opened = false; log.push('close'); },
    get readable() {
      if (!opened) return null;
      return {
        getReader(): ByteStreamReader {
          cancelled = false;
          return {
            async read() {
              for (;;) {
                if (cancelled) return { done: true };
                const c = chunks.shift();
                if (c instanceof Error) throw c;
                if (c) return { value: c, done: false };
                await new Promise<void>((r) => (wake = r));
              }
            },
            releaseLock() {},
            async cancel() { cancelled = true; wake?.(); },
          };
        },
      };
    },
    get writable() { return opened ? { getWriter: () => ({ async write(d: Uint8Array) { written.push(d); }, releaseLock() {} }) } : null; },
    getInfo: () => ({ usbVendorId: vid, usbProductId: pid }),
    async setSignals(s) { log.push(`signals ${JSON.stringify(s)}`); },
    addEventListener: (_t, l) => listeners.add(l),
    removeEventListener: (_t, l) => listeners.delete(l),
    push(b) { chunks.push(b); wake?.(); },
    unplug() { for (const l of listeners) l({ target: port }); },
  };
  return port;
}

describe('WebSerialTransport', () => {
  it('reads, survives line errors, writes, and reports an unplug as disconnected', async () => {
    const port = fakePort();
    const t = transportFor(describePort(port));
    expect(t.info.name).toBe('Arduino Nano 33 BLE Sense');
    await t.open({ baudRate: 115200 });
    await t.write(new Uint8Array([1, 2]));
    expect(port.written).toEqual([new Uint8Array([1, 2])]);
    port.push(new Uint8Array([65]));
    port.push(port.named('FramingError'));
    port.push(new Uint8Array([66]));
    const got: number[] = [];
    const it = t.readable()[Symbol.asyncIterator]();
    got.push(...(await it.next()).value);
    got.push(...(await it.next()).value);
    expect(got).toEqual([65, 66]);
    expect(t.lineErrors).toBe(1);
    const next = it.next();
    port.unplug();
    await expect(next).rejects.toSatisfy((e: unknown) => isStudioError(e, 'disconnected'));
    await expect(t.write(new Uint8Array([1]))).rejects.toSatisfy((e: unknown) => isStudioError(e, 'disconnected'));
    expect(t.isOpen()).toBe(false);
  });

  it('maps open failures to actionable errors and ends reading on close', async () => {
    const port = fakePort();
    const t = new WebSerialTransport(port);
    await t.open({ baudRate: 9600 });
    const t2 = new WebSerialTransport(port);
    await expect(t2.open({ baudRate: 9600 })).rejects.toSatisfy((e: unknown) => isStudioError(e, 'port-open'));
    const reading = (async () => { for await (const _ of t.readable()) { /* none */ } })();
    await t.close();
    await reading; // ends without error
    const busy = { ...fakePort(), open: async () => { throw Object.assign(new Error('x'), { name: 'NetworkError' }); } };
    await expect(new WebSerialTransport(busy).open({ baudRate: 1 })).rejects.toSatisfy((e: unknown) => isStudioError(e, 'port-busy'));
  });
});

describe('port picker', () => {
  it('filters on the known vendor IDs, or none for "any port"', async () => {
    const calls: unknown[] = [];
    const serial: SerialLike = {
      async requestPort(o) { calls.push(o); return fakePort(0x2e8a, 0x000a); },
      async getPorts() { return []; },
    };
    const c = await requestSerialPort(serial);
    expect(c.label).toBe('Raspberry Pi Pico (with I²C IMU) (2e8a:000a)');
    expect((calls[0] as { filters: unknown[] }).filters).toEqual(SERIAL_FILTERS);
    expect(SERIAL_FILTERS.map((f) => f.usbVendorId)).toEqual([0x2341, 0x2e8a, 0x303a, 0x239a, 0x2886, 0x1a86, 0x10c4, 0x0403]);
    await requestSerialPort(serial, { anyPort: true });
    expect(calls[1]).toEqual({});
    const cancel: SerialLike = { requestPort: async () => { throw Object.assign(new Error(''), { name: 'NotFoundError' }); }, getPorts: async () => [] };
    await expect(requestSerialPort(cancel)).rejects.toSatisfy((e: unknown) => isCancelled(e));
    await expect(requestSerialPort(null)).rejects.toSatisfy((e: unknown) => isStudioError(e, 'no-webserial'));
  });

  it('finds the granted, unopened port of a re-enumerated board by its USB ids', async () => {
    const other = fakePort(0x2341, 0x805a);
    const pico = fakePort(0x2e8a, 0x000a);
    const ports = [other];
    const serial: SerialLike = { requestPort: async () => other, getPorts: async () => ports };
    expect(await findGrantedPort(serial, { usbVendorId: 0x2e8a })).toBeNull();
    ports.push(pico);
    const t = await findGrantedPort(serial, { usbVendorId: 0x2e8a });
    expect(t?.info.name).toBe('Raspberry Pi Pico (with I²C IMU)');
    await t!.open({ baudRate: 115200 });
    expect(await findGrantedPort(serial, { usbVendorId: 0x2e8a })).toBeNull(); // open: not a candidate
    expect((await findGrantedPort(serial))?.info.name).toBe('Arduino Nano 33 BLE Sense');
    expect(await findGrantedPort(null)).toBeNull();
  });

  it('looks boards up by USB IDs', async () => {
    expect(findBoardByUsb(0x2341, 0x005e)?.id).toBe('nano-rp2040-connect');
    expect(findBoardByUsb(0x2341, 0x005a)?.id).toBe('nano33ble-sense');
    expect(findBoardByUsb(0x1234, 1)).toBeNull();
    expect(isRpBootRom(0x2e8a, 0x0003)).toBe(true);
    expect(isRpBootRom(0x2e8a, 0x000a)).toBe(false);
  });
});
