/** Test support: seeded PRNG and byte helpers so fuzz tests are reproducible. DOM-free. */

/** The shared mulberry32 (src/core/prng.ts) under the name the protocol tests use. */
export { mulberry32 as prng } from '../../../core/prng.ts';

export function randomBytes(rand: () => number, n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(rand() * 256);
  return b;
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
