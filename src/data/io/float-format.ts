/**
 * Shortest decimal text for a float32 value that parses back to the very same float32. DOM-free core module.
 *
 * CSV and JSON exports write values with `formatFloat32`, so a value read from "0.5786" is written
 * as "0.5786" again (not 0.578599989414215) and every export re-imports bit-exact.
 */

/** Shortest decimal string s with Math.fround(Number(s)) === Math.fround(x) (same bits, including -0). */
export function formatFloat32(x: number): string {
  const f = Math.fround(x);
  if (!Number.isFinite(f)) return String(f);
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  // Integers up to 2^24 are exact and short already.
  if (Number.isInteger(f) && Math.abs(f) <= 16777216) return String(f);
  const hit = cache.get(f);
  if (hit !== undefined) return hit;
  let out = String(f); // replaced below: 9 significant digits always identify a float32
  for (let p = 1; p <= 9; p++) {
    const n = Number(f.toPrecision(p));
    if (Math.fround(n) === f) {
      out = String(n);
      break;
    }
  }
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(f, out);
  return out;
}

// Sensor data repeats values a lot (quantised ADC readings), so recent results are kept.
const CACHE_MAX = 1 << 16;
const cache = new Map<number, string>();

/** Rounds to `decimals` places and prints without trailing zeros (for timestamps such as 9.615). */
export function formatFixed(x: number, decimals: number): string {
  const m = 10 ** decimals;
  const r = Math.round(x * m) / m;
  return String(Object.is(r, -0) ? 0 : r);
}
