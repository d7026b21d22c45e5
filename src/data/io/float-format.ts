/**
 * Shortest decimal text for a float32 value that parses back to the very same float32. DOM-free core module.
 *
 * CSV and JSON exports write values with `formatFloat32`, so a value read from "0.5786" is written
 * as "0.5786" again (not 0.578599989414215) and every export re-imports bit-exact.
 */

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);
// Sensor data repeats values a lot (quantised ADC readings), so recent results are kept.
const CACHE_MAX = 1 << 16;
const cache = new Map<number, string>();

/** Shortest decimal string s with Math.fround(Number(s)) === Math.fround(x) (same bits, including -0). */
export function formatFloat32(x: number): string {
  const f = Math.fround(x);
  if (!Number.isFinite(f)) return String(f);
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  // Integers up to 2^24 are exact and short already.
  if (Number.isInteger(f) && Math.abs(f) <= 16777216) return String(f);
  const hit = cache.get(f);
  if (hit !== undefined) return hit;
  const out = fastShortest(f) ?? slowShortest(f);
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(f, out);
  return out;
}

/**
 * Tries 1..9 significant digits with exact arithmetic: m / 10^k with integer m < 2^53 and k ≤ 22 is
 * one correctly rounded division, i.e. exactly Number() of that decimal. Returns undefined when the
 * magnitude is outside that fast range.
 */
function fastShortest(f: number): string | undefined {
  const a = Math.abs(f);
  let e = Math.floor(Math.log10(a));
  if (10 ** e > a) e--;
  else if (10 ** (e + 1) <= a) e++;
  for (let p = 1; p <= 9; p++) {
    const k = p - 1 - e; // decimals
    let cand: number;
    if (k > 22 || k < -15) return undefined;
    // Rounded on the magnitude (halves away from zero, like toPrecision), then signed.
    if (k >= 0) cand = Math.round(a * POW10[k]) / POW10[k];
    else cand = Math.round(a / POW10[-k]) * POW10[-k];
    if (f < 0) cand = -cand;
    if (Math.fround(cand) === f) return String(cand);
  }
  return undefined;
}

/** The straightforward reference (toPrecision 1..9 until it round-trips); slower, used as fallback and in tests. */
export function slowShortest(f: number): string {
  for (let p = 1; p <= 9; p++) {
    const n = Number(f.toPrecision(p));
    if (Math.fround(n) === f) return String(n);
  }
  return String(f); // unreachable: 9 significant digits always identify a float32
}

/** Rounds to `decimals` places and prints without trailing zeros (for timestamps such as 9.615). */
export function formatFixed(x: number, decimals: number): string {
  const m = 10 ** decimals;
  const r = Math.round(x * m) / m;
  return String(Object.is(r, -0) ? 0 : r);
}
