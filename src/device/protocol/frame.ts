/**
 * Protocol frames: encoder and incremental, resynchronising decoder. DOM-free core module.
 *
 * On the wire a frame is `COBS(type u8, seq u8, len u16 LE, payload[len], crc32 u32 LE) 0x00`, the CRC
 * (see crc.ts) covering type..payload. The decoder collects bytes up to each 0x00 delimiter, so after any
 * garbage it is back in step at the next delimiter. Blocks longer than a maximal frame are dropped
 * without buffering them (no unbounded memory on a byte soup). Empty blocks (0x00 0x00) are idle fill.
 */
import { cobsDecodeInto, cobsEncodeInto, cobsMaxEncodedLength } from './cobs.ts';
import { crc32 } from '../../core/crc.ts';
import { FRAME_CRC_SIZE, FRAME_HEADER_SIZE, MAX_PAYLOAD } from './ids.ts';

export interface Frame {
  type: number;
  seq: number;
  payload: Uint8Array;
}

export type FrameErrorKind = 'cobs' | 'short' | 'length' | 'crc' | 'overflow';

export interface FrameError {
  kind: FrameErrorKind;
  /** Bytes thrown away for this error (including the delimiter when there was one). */
  bytes: number;
}

export interface FrameDecodeResult {
  frames: Frame[];
  errors: FrameError[];
}

export interface FrameStats {
  frames: number;
  errors: number;
  crcErrors: number;
  droppedBytes: number;
}

/** Largest raw (un-stuffed) frame. */
export const MAX_RAW_FRAME = FRAME_HEADER_SIZE + MAX_PAYLOAD + FRAME_CRC_SIZE;
/** Largest COBS block of a frame (without the delimiter). */
export const MAX_ENCODED_FRAME = cobsMaxEncodedLength(MAX_RAW_FRAME);

/** The raw frame bytes before COBS: header, payload, CRC. */
export function buildRawFrame(type: number, seq: number, payload: Uint8Array): Uint8Array {
  const n = payload.length;
  const raw = new Uint8Array(FRAME_HEADER_SIZE + n + FRAME_CRC_SIZE);
  raw[0] = type & 0xff;
  raw[1] = seq & 0xff;
  raw[2] = n & 0xff;
  raw[3] = (n >>> 8) & 0xff;
  raw.set(payload, FRAME_HEADER_SIZE);
  const c = crc32(raw, 0, FRAME_HEADER_SIZE + n);
  const p = FRAME_HEADER_SIZE + n;
  raw[p] = c & 0xff;
  raw[p + 1] = (c >>> 8) & 0xff;
  raw[p + 2] = (c >>> 16) & 0xff;
  raw[p + 3] = (c >>> 24) & 0xff;
  return raw;
}

/** Encodes one frame with its trailing 0x00 delimiter. Throws RangeError on a payload over MAX_PAYLOAD. */
export function encodeFrame(type: number, seq: number, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  if (payload.length > MAX_PAYLOAD) throw new RangeError(`frame payload ${payload.length} > ${MAX_PAYLOAD} bytes`);
  const raw = buildRawFrame(type, seq, payload);
  const out = new Uint8Array(cobsMaxEncodedLength(raw.length) + 1);
  const n = cobsEncodeInto(raw, 0, raw.length, out, 0);
  out[n] = 0;
  return out.slice(0, n + 1);
}

/** Parses one un-stuffed frame; returns the error kind when it is invalid. */
export function parseRawFrame(raw: Uint8Array, n: number = raw.length): Frame | FrameErrorKind {
  if (n < FRAME_HEADER_SIZE + FRAME_CRC_SIZE) return 'short';
  const len = raw[2] | (raw[3] << 8);
  if (len > MAX_PAYLOAD || len !== n - FRAME_HEADER_SIZE - FRAME_CRC_SIZE) return 'length';
  const p = FRAME_HEADER_SIZE + len;
  const got = (raw[p] | (raw[p + 1] << 8) | (raw[p + 2] << 16) | (raw[p + 3] << 24)) >>> 0;
  if (got !== crc32(raw, 0, p)) return 'crc';
  return { type: raw[0], seq: raw[1], payload: raw.slice(FRAME_HEADER_SIZE, p) };
}

/**
 * Incremental frame decoder. Feed it chunks as they arrive, split anywhere; it returns the complete
 * valid frames and the errors seen. `pending` is the number of buffered bytes of an unfinished frame.
 */
export class FrameDecoder {
  private readonly buf = new Uint8Array(MAX_ENCODED_FRAME);
  private readonly raw = new Uint8Array(MAX_ENCODED_FRAME);
  private len = 0;
  private overflow = 0;
  readonly stats: FrameStats = { frames: 0, errors: 0, crcErrors: 0, droppedBytes: 0 };

  get pending(): number {
    return this.overflow > 0 ? 0 : this.len;
  }

  /** The unfinished bytes held (a copy). */
  leftover(): Uint8Array {
    return this.overflow > 0 ? new Uint8Array(0) : this.buf.slice(0, this.len);
  }

  reset(): void {
    this.len = 0;
    this.overflow = 0;
  }

  push(chunk: Uint8Array): FrameDecodeResult {
    const frames: Frame[] = [];
    const errors: FrameError[] = [];
    const buf = this.buf;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (b !== 0) {
        if (this.overflow > 0) {
          this.overflow++;
        } else if (this.len < buf.length) {
          buf[this.len++] = b;
        } else {
          this.overflow = this.len + 1;
          this.len = 0;
        }
        continue;
      }
      if (this.overflow > 0) {
        this.fail(errors, 'overflow', this.overflow + 1);
        this.overflow = 0;
        continue;
      }
      if (this.len === 0) continue;
      const n = cobsDecodeInto(buf, 0, this.len, this.raw);
      const blockLen = this.len;
      this.len = 0;
      if (n < 0) {
        this.fail(errors, 'cobs', blockLen + 1);
        continue;
      }
      const f = parseRawFrame(this.raw, n);
      if (typeof f === 'string') {
        this.fail(errors, f, blockLen + 1);
        continue;
      }
      this.stats.frames++;
      frames.push(f);
    }
    return { frames, errors };
  }

  private fail(errors: FrameError[], kind: FrameErrorKind, bytes: number): void {
    this.stats.errors++;
    if (kind === 'crc') this.stats.crcErrors++;
    this.stats.droppedBytes += bytes;
    errors.push({ kind, bytes });
  }
}

/** One-shot decode of a byte string: frames, errors, and the unfinished tail. */
export function decodeFrames(bytes: Uint8Array): FrameDecodeResult & { leftover: Uint8Array } {
  const d = new FrameDecoder();
  const r = d.push(bytes);
  return { ...r, leftover: d.leftover() };
}
