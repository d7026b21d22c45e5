/**
 * Test support (unit tests and the deploy e2e fake): a board's serial port as Web Serial shows it,
 * over the byte `Transport` of a simulated board, and the model slot as a window of a larger flash
 * (the runtime firmware's view of the flash a boot ROM simulator writes). Not used by the app.
 */
import { pico } from '../../device/boards/pico.ts';
import type { FlashMemory } from '../../device/protocol/model-slot.ts';
import type { Transport } from '../../device/transport.ts';

/** A window of a larger flash: the model slot as the runtime firmware sees it. */
export class SlotView implements FlashMemory {
  readonly sectorSize: number;
  readonly programUnit: number;
  constructor(
    private readonly flash: FlashMemory,
    private readonly base: number,
    readonly size: number,
  ) {
    this.sectorSize = flash.sectorSize;
    this.programUnit = flash.programUnit;
  }
  private check(addr: number, length: number): void {
    if (addr < 0 || length < 0 || addr + length > this.size) throw new Error(`slot access ${addr}+${length} out of range`);
  }
  read(addr: number, length: number): Uint8Array {
    this.check(addr, length);
    return this.flash.read(this.base + addr, length);
  }
  erase(addr: number, length: number): void {
    this.check(addr, length);
    this.flash.erase(this.base + addr, length);
  }
  program(addr: number, data: Uint8Array): void {
    this.check(addr, data.length);
    this.flash.program(this.base + addr, data);
  }
}

/** What Web Serial raises when the device behind an open port is gone. */
function lost(): DOMException {
  return new DOMException('The device has been lost.', 'NetworkError');
}

/**
 * A Web Serial port (USB ids of a Pico's runtime by default) over a `Transport` (a simulated or
 * emulated board's serial link); a failing link surfaces as Web Serial's lost-device error.
 */

export class TransportPort extends EventTarget {
  readable: ReadableStream<Uint8Array> | null = null;
  writable: WritableStream<Uint8Array> | null = null;
  constructor(
    private readonly t: Transport,
    private readonly ids: { usbVendorId: number; usbProductId: number } = { usbVendorId: pico.usb[0].vendorId, usbProductId: pico.usb[0].productId },
  ) {
    super();
  }
  getInfo() {
    return { ...this.ids };
  }
  async open(o: { baudRate: number }) {
    if (this.readable) throw new DOMException('The port is already open.', 'InvalidStateError');
    try {
      await this.t.open({ baudRate: o.baudRate });
    } catch {
      throw lost();
    }
    const it = this.t.readable()[Symbol.asyncIterator]();
    this.readable = new ReadableStream<Uint8Array>({
      pull: async (c) => {
        try {
          const r = await it.next();
          if (r.done) {
            this.readable = null;
            c.close();
          } else c.enqueue(r.value);
        } catch {
          this.readable = null;
          c.error(lost());
        }
      },
      cancel: () => void it.return?.(),
    });
    this.writable = new WritableStream<Uint8Array>({
      write: async (chunk) => {
        try {
          await this.t.write(chunk);
        } catch {
          throw lost();
        }
      },
    });
  }
  async close() {
    this.readable = null;
    this.writable = null;
    await this.t.close();
  }
  async setSignals() {}
}
