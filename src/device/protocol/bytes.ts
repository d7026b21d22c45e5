/**
 * Little-endian byte writer and bounds-checked reader for protocol payloads. DOM-free core module.
 */
import { StudioError } from '../../core/errors.ts';

const enc = new TextEncoder();
const dec = new TextDecoder('utf-8', { fatal: false });

export class ByteWriter {
  private buf: Uint8Array;
  private view: DataView;
  length = 0;

  constructor(capacity = 64) {
    this.buf = new Uint8Array(capacity);
    this.view = new DataView(this.buf.buffer);
  }

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(v: number): this {
    this.room(1);
    this.buf[this.length++] = v & 0xff;
    return this;
  }
  u16(v: number): this {
    this.room(2);
    this.view.setUint16(this.length, v & 0xffff, true);
    this.length += 2;
    return this;
  }
  u32(v: number): this {
    this.room(4);
    this.view.setUint32(this.length, v >>> 0, true);
    this.length += 4;
    return this;
  }
  i16(v: number): this {
    this.room(2);
    this.view.setInt16(this.length, v, true);
    this.length += 2;
    return this;
  }
  f32(v: number): this {
    this.room(4);
    this.view.setFloat32(this.length, v, true);
    this.length += 4;
    return this;
  }
  bytes(b: Uint8Array): this {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
    return this;
  }
  /** u8 length + UTF-8 bytes, cut to 255 bytes. */
  str(s: string): this {
    let b = enc.encode(s);
    if (b.length > 255) b = b.subarray(0, 255);
    return this.u8(b.length).bytes(b);
  }
  /** UTF-8 bytes to the end of the payload (LOG text). */
  rest(s: string, max: number): this {
    const b = enc.encode(s);
    return this.bytes(b.length > max ? b.subarray(0, max) : b);
  }
  finish(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

export function protocolError(message: string): StudioError {
  return new StudioError({
    family: 'device',
    code: 'protocol',
    message: `The board sent a message the studio cannot read: ${message}.`,
    remedy: 'Update the runtime firmware on the board to the version shipped with this studio.',
  });
}

export class ByteReader {
  private readonly view: DataView;
  pos = 0;

  constructor(private readonly buf: Uint8Array, private readonly what = 'payload') {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  need(n: number): void {
    if (this.pos + n > this.buf.length) throw protocolError(`${this.what} is too short`);
  }
  u8(): number {
    this.need(1);
    return this.buf[this.pos++];
  }
  u16(): number {
    this.need(2);
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
  i16(): number {
    this.need(2);
    const v = this.view.getInt16(this.pos, true);
    this.pos += 2;
    return v;
  }
  i8(): number {
    this.need(1);
    return (this.buf[this.pos++] << 24) >> 24;
  }
  f32(): number {
    this.need(4);
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }
  bytes(n: number): Uint8Array {
    this.need(n);
    const b = this.buf.slice(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
  str(): string {
    const n = this.u8();
    return dec.decode(this.bytes(n));
  }
  restString(): string {
    return dec.decode(this.bytes(this.remaining));
  }
  end(): void {
    if (this.pos !== this.buf.length) throw protocolError(`${this.what} has ${this.remaining} unexpected extra bytes`);
  }
}
