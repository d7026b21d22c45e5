/**
 * Self-made recordings for the data import/export tests (no shared data needed). DOM-free core module.
 */
import type { Category, RawRecording } from '../sample.ts';

/** Deterministic PRNG (mulberry32): same seed, same sequence. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
