/**
 * Shortest decimal text for a float32 value that parses back to the very same float32. DOM-free core module.
 *
 * CSV and JSON exports write values with `formatFloat32`, so a value read from "0.5786" is written
 * as "0.5786" again (not 0.578599989414215) and every export re-imports bit-exact.
 */

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/** Shortest decimal string s with Math.fround(Number(s)) === Math.fround(x) (same bits, including -0). */
export function formatFloat32(x: number): string {
  const f = Math.fround(x);
  if (!Number.isFinite(f)) return String(f);
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  // Integers up to 2^24 are exact and short already.
  if (Number.isInteger(f) && Math.abs(f) <= 16777216) return String(f);
  return fastShortest(f) ?? slowShortest(f);
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
    if (k > 22 || k < -15) return undefined;
    // Rounded on the magnitude (halves away from zero, like toPrecision), then signed.
    const m = k >= 0 ? Math.round(a * POW10[k]) : Math.round(a / POW10[-k]);
    const cand = k >= 0 ? m / POW10[k] : m * POW10[-k];
    if (Math.fround(f < 0 ? -cand : cand) === f) return decimalText(f < 0, m, k);
  }
  return undefined;
}

/** m × 10^−k as plain decimal text (integer-to-string is much cheaper than double-to-string). */
function decimalText(neg: boolean, m: number, k: number): string {
  let d = String(m);
  if (k <= 0) d += '0'.repeat(-k);
  else {
    if (d.length <= k) d = '0'.repeat(k - d.length + 1) + d;
    const cut = d.length - k;
    let frac = d.slice(cut);
    let end = frac.length;
    while (end > 0 && frac.charCodeAt(end - 1) === 48) end--;
    frac = frac.slice(0, end);
    d = frac ? `${d.slice(0, cut)}.${frac}` : d.slice(0, cut);
  }
  return neg ? `-${d}` : d;
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
