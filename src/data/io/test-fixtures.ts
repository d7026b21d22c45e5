/**
 * Self-made recordings for the data import/export tests (no shared data needed). DOM-free core module.
 */
import { deflateSync } from 'fflate';
import { mulberry32 } from '../../core/prng.ts';
import { crc32 } from './safe-zip.ts';
import type { Category, RawRecording } from '../sample.ts';

/** Re-exported for the io tests; the PRNG lives in src/core/prng.ts. */
export { mulberry32 };

/** A motion-like recording: sines + noise, values with awkward float32 bit patterns included. */
export function makeRecording(
  label: string,
  id: string,
  opts: { frames?: number; axes?: string[]; units?: string; rateHz?: number; seed?: number; category?: Category } = {},
): RawRecording {
  const axes = opts.axes ?? ['accX', 'accY', 'accZ'];
  const frames = opts.frames ?? 200;
  const rnd = mulberry32(opts.seed ?? id.length * 7919 + label.length);
  const values = new Float32Array(frames * axes.length);
  for (let i = 0; i < frames; i++) {
    for (let a = 0; a < axes.length; a++) {
      values[i * axes.length + a] = Math.sin(i * 0.1 * (a + 1)) * (a + 1) + (rnd() - 0.5) * 0.3;
    }
  }
  if (values.length > 4) {
    values[0] = 1e-40; // subnormal
    values[1] = -0;
    values[2] = 3.4028234663852886e38;
    values[3] = Math.fround(0.1);
  }
  return {
    name: `${label}.${id}`,
    label,
    category: opts.category ?? 'training',
    axes: axes.map((name) => ({ name, units: opts.units ?? 'g' })),
    intervalMs: 1000 / (opts.rateHz ?? 104),
    values,
  };
}

/** True when both arrays hold the same float32 bit patterns. */
export function sameBits(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < ua.length; i++) if (ua[i] !== ub[i]) return false;
  return true;
}

/** An in-memory file as the importers take it. */
export function memFile(name: string, data: string | Uint8Array): { name: string; size: number; text(): Promise<string>; arrayBuffer(): Promise<ArrayBuffer> } {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  return {
    name,
    size: bytes.length,
    text: async () => new TextDecoder().decode(bytes),
    arrayBuffer: async () => bytes.slice().buffer,
  };
}

/**
 * A raw DEFLATE stream that inflates to `n` zero bytes (fixed Huffman: one literal 0, then
 * length-258/distance-1 matches), built without ever holding `n` bytes: ~6.8 MB for 1 GB.
 */
export function zeroBombDeflate(n: number): Uint8Array {
  const out = new Uint8Array(Math.ceil(((n / 258) * 13 + 64) / 8) + 300);
  let bitPos = 0;
  const bits = (v: number, len: number): void => {
    for (let i = 0; i < len; i++, bitPos++) if ((v >>> i) & 1) out[bitPos >>> 3] |= 1 << (bitPos & 7);
  };
  const huff = (code: number, len: number): void => {
    for (let i = len - 1; i >= 0; i--, bitPos++) if ((code >>> i) & 1) out[bitPos >>> 3] |= 1 << (bitPos & 7);
  };
  bits(1, 1); // final block
  bits(1, 2); // fixed Huffman
  huff(0x30, 8); // literal 0
  let left = n - 1;
  while (left >= 258) {
    huff(0xc5, 8); // length code 285 = 258
    huff(0, 5); // distance code 0 = 1
    left -= 258;
  }
  for (; left > 0; left--) huff(0x30, 8);
  huff(0, 7); // end of block
  return out.slice(0, (bitPos + 7) >>> 3);
}

/** A zip written by hand, so tests can lie about sizes, names and CRCs. */
export function rawZip(entries: { name: string; data: Uint8Array; method?: number; size?: number; crc?: number; flags?: number }[]): Uint8Array {
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let off = 0;
  for (const e of entries) {
    const name = enc.encode(e.name);
    const lh = new Uint8Array(30 + name.length);
    const dv = new DataView(lh.buffer);
    dv.setUint32(0, 0x04034b50, true);
    dv.setUint16(4, 20, true);
    dv.setUint16(6, e.flags ?? 0, true);
    dv.setUint16(8, e.method ?? 8, true);
    dv.setUint32(14, e.crc ?? 0, true);
    dv.setUint32(18, e.data.length, true);
    dv.setUint32(22, e.size ?? e.data.length, true);
    dv.setUint16(26, name.length, true);
    lh.set(name, 30);
    const ch = new Uint8Array(46 + name.length);
    const cv = new DataView(ch.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true);
    cv.setUint16(6, 20, true);
    cv.setUint16(8, e.flags ?? 0, true);
    cv.setUint16(10, e.method ?? 8, true);
    cv.setUint32(16, e.crc ?? 0, true);
    cv.setUint32(20, e.data.length, true);
    cv.setUint32(24, e.size ?? e.data.length, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(42, off, true);
    ch.set(name, 46);
    parts.push(lh, e.data);
    central.push(ch);
    off += lh.length + e.data.length;
  }
  const cdSize = central.reduce((a, c) => a + c.length, 0);
  const eocd = new Uint8Array(22);
  const ev = new DataView(eocd.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, entries.length, true);
  ev.setUint16(10, entries.length, true);
  ev.setUint32(12, cdSize, true);
  ev.setUint32(16, off, true);
  const all = [...parts, ...central, eocd];
  const total = all.reduce((a, c) => a + c.length, 0);
  const z = new Uint8Array(total);
  let p = 0;
  for (const c of all) {
    z.set(c, p);
    p += c.length;
  }
  return z;
}

/**
 * The zip bomb of the import hardening work: `entries` CSV entries of about `entryBytes` each, rows of
 * 60 zeros (with a 10 ms timestamp column when `withTime`, which keeps the compression ratio near 45:1)
 * plus a dataset.json at 100 Hz. One entry is compressed once and stored under every name.
 */
export function csvBombZip(entryBytes: number, entries: number, withTime: boolean): { zip: Uint8Array; entryBytes: number; rows: number } {
  const AXES = 60;
  const enc = new TextEncoder();
  const header = (withTime ? 'timestamp_ms,' : '') + Array.from({ length: AXES }, (_, a) => `a${a}`).join(',') + '\n';
  const zb = enc.encode(Array(AXES).fill('0').join(',') + '\n');
  const rowLen = zb.length + (withTime ? 10 : 0);
  const rows = Math.floor((entryBytes - header.length) / rowLen);
  const csv = new Uint8Array(header.length + rows * rowLen + 64);
  csv.set(enc.encode(header), 0);
  let o = header.length;
  for (let i = 0; i < rows; i++) {
    if (withTime) o += enc.encodeInto(`${i * 10},`, csv.subarray(o)).written;
    csv.set(zb, o);
    o += zb.length;
  }
  const body = csv.subarray(0, o);
  const deflated = deflateSync(body, { level: 6 });
  const crc = crc32(body);
  const sidecar = enc.encode(JSON.stringify({ sample_rate_hz: 100 }));
  const zip = rawZip([
    { name: 'dataset.json', data: sidecar, method: 0, crc: crc32(sidecar) },
    ...Array.from({ length: entries }, (_, i) => ({ name: `idle.${i}.csv`, data: deflated, method: 8, size: body.length, crc })),
  ]);
  return { zip, entryBytes: body.length, rows };
}
