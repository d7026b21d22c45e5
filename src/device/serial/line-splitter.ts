/**
 * Incremental line splitter for serial text: `\r\n`, `\n` or `\r` end a line, in any chunking
 * (a `\r` at the end of one chunk and `\n` at the start of the next are one terminator).
 * DOM-free core module.
 *
 * Lines are handed out as (bytes, start, end) views without copying when they lie inside one chunk.
 * A line longer than `maxLineLength` is not buffered: its bytes are dropped up to the next terminator
 * and `onTooLong` fires once for it.
 */
export interface LineSink {
  line(bytes: Uint8Array, start: number, end: number): void;
  tooLong(): void;
}

export class LineSplitter {
  private buf: Uint8Array;
  private len = 0;
  private lastCR = false;
  private dropping = false;

  constructor(readonly maxLineLength = 256) {
    this.buf = new Uint8Array(maxLineLength);
  }

  /** Bytes of the unfinished line (a copy). */
  leftover(): Uint8Array {
    return this.dropping ? new Uint8Array(0) : this.buf.slice(0, this.len);
  }

  reset(): void {
    this.len = 0;
    this.lastCR = false;
    this.dropping = false;
  }

  push(chunk: Uint8Array, sink: LineSink): void {
    const n = chunk.length;
    let i = 0;
    if (this.lastCR && n > 0 && chunk[0] === 10) i = 1;
    this.lastCR = false;
    let start = i;
    const max = this.maxLineLength;
    for (; i < n; i++) {
      const b = chunk[i];
      if (b !== 10 && b !== 13) continue;
      // line ends at i
      if (this.dropping) {
        this.dropping = false;
      } else if (this.len > 0) {
        const add = i - start;
        if (this.len + add > max) sink.tooLong();
        else {
          this.buf.set(chunk.subarray(start, i), this.len);
          sink.line(this.buf, 0, this.len + add);
        }
        this.len = 0;
      } else if (i - start > max) {
        sink.tooLong();
      } else {
        sink.line(chunk, start, i);
      }
      if (b === 13) {
        if (i + 1 < n) {
          if (chunk[i + 1] === 10) i++;
        } else {
          this.lastCR = true;
        }
      }
      start = i + 1;
    }
    // unfinished tail
    if (start < n && !this.dropping) {
      const add = n - start;
      if (this.len + add > max) {
        sink.tooLong();
        this.dropping = true;
        this.len = 0;
      } else {
        this.buf.set(chunk.subarray(start, n), this.len);
        this.len += add;
      }
    }
  }
}
