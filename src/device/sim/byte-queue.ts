/**
 * The receive side of a simulated serial port: bytes the device sent, waiting for the host to read
 * them, exposed as the async iterable `Transport.readable()` returns. DOM-free core module.
 */
import { StudioError } from '../../core/errors.ts';

/** Bytes kept for a host that is not reading before the oldest are dropped (an OS buffer overflowing). */
export const DEFAULT_QUEUE_LIMIT = 1 << 20;

export class ByteQueue {
  private chunks: Uint8Array[] = [];
  private size = 0;
  private waiter: { resolve: (r: IteratorResult<Uint8Array>) => void; reject: (e: unknown) => void } | null = null;
  private ended = false;
  private failure: unknown = null;
  private reading = false;
  /** Bytes dropped because nobody read them in time. */
  dropped = 0;

  constructor(private readonly limit = DEFAULT_QUEUE_LIMIT) {}

  get buffered(): number {
    return this.size;
  }

  get isReading(): boolean {
    return this.reading;
  }

  push(bytes: Uint8Array): void {
    if (this.ended || this.failure || bytes.length === 0) return;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = null;
      w.resolve({ value: bytes, done: false });
      return;
    }
    this.chunks.push(bytes);
    this.size += bytes.length;
    while (this.size > this.limit && this.chunks.length > 1) {
      const c = this.chunks.shift()!;
      this.size -= c.length;
      this.dropped += c.length;
    }
  }

  /** Normal end: the reader gets what is buffered, then `done`. */
  end(): void {
    this.ended = true;
    if (this.waiter && this.chunks.length === 0) {
      const w = this.waiter;
      this.waiter = null;
      w.resolve({ value: undefined, done: true });
    }
  }

  /** Abnormal end: the reader's pending and next reads throw `err`; buffered bytes are lost. */
  fail(err: unknown): void {
    this.failure = err;
    this.chunks = [];
    this.size = 0;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = null;
      w.reject(err);
    }
  }

  /** One reader at a time, like a locked ReadableStream. */
  iterable(): AsyncIterable<Uint8Array> {
    if (this.reading) {
      throw new StudioError({
        family: 'device',
        code: 'port-busy',
        message: 'The simulated port is already being read.',
        remedy: 'Stop the other reader before starting a new one.',
      });
    }
    this.reading = true;
    const next = (): Promise<IteratorResult<Uint8Array>> => {
      if (this.failure) return Promise.reject(this.failure);
      if (this.chunks.length > 0) {
        const c = this.chunks.shift()!;
        this.size -= c.length;
        return Promise.resolve({ value: c, done: false });
      }
      if (this.ended) {
        this.reading = false;
        return Promise.resolve({ value: undefined, done: true });
      }
      return new Promise((resolve, reject) => {
        this.waiter = { resolve, reject };
      });
    };
    const release = (): Promise<IteratorResult<Uint8Array>> => {
      this.reading = false;
      if (this.waiter) {
        const w = this.waiter;
        this.waiter = null;
        w.resolve({ value: undefined, done: true });
      }
      return Promise.resolve({ value: undefined, done: true });
    };
    const iterator: AsyncIterator<Uint8Array> = { next, return: release };
    return { [Symbol.asyncIterator]: () => iterator };
  }
}
