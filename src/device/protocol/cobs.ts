/**
 * Consistent Overhead Byte Stuffing: removes every 0x00 from a block so 0x00 can delimit frames.
 * DOM-free core module.
 *
 * Encoded size is at most `n + ceil(n / 254) + 1`. The 0x00 delimiter is not added here.
 */
export function cobsMaxEncodedLength(n: number): number {
  return n + Math.ceil(n / 254) + 1;
}

/** Encodes `src[start..end)` into `out` at `outPos`; returns the new write position. */
export function cobsEncodeInto(src: Uint8Array, start: number, end: number, out: Uint8Array, outPos: number): number {
  let codePos = outPos;
  let w = outPos + 1;
  let code = 1;
  for (let i = start; i < end; i++) {
    const b = src[i];
    if (b === 0) {
      out[codePos] = code;
      codePos = w++;
      code = 1;
    } else {
      out[w++] = b;
      code++;
      if (code === 0xff) {
        out[codePos] = code;
        codePos = w++;
        code = 1;
      }
    }
  }
  out[codePos] = code;
  return w;
}

export function cobsEncode(src: Uint8Array): Uint8Array {
  const out = new Uint8Array(cobsMaxEncodedLength(src.length));
  const n = cobsEncodeInto(src, 0, src.length, out, 0);
  return out.subarray(0, n);
}

/**
 * Decodes one COBS block (without the delimiter) into `out`. Returns the decoded length, or -1 when
 * the block is malformed (a 0x00 inside, a code running past the end, or `out` too small).
 */
export function cobsDecodeInto(src: Uint8Array, start: number, end: number, out: Uint8Array): number {
  let r = start;
  let w = 0;
  while (r < end) {
    const code = src[r++];
    if (code === 0) return -1;
    const stop = r + code - 1;
    if (stop > end) return -1;
    if (w + (code - 1) > out.length) return -1;
    for (; r < stop; r++) {
      const b = src[r];
      if (b === 0) return -1;
      out[w++] = b;
    }
    if (code !== 0xff && r < end) {
      if (w >= out.length) return -1;
      out[w++] = 0;
    }
  }
  return w;
}

/** Decodes a COBS block; returns null when it is malformed. */
export function cobsDecode(src: Uint8Array): Uint8Array | null {
  const out = new Uint8Array(src.length);
  const n = cobsDecodeInto(src, 0, src.length, out);
  return n < 0 ? null : out.subarray(0, n);
}
