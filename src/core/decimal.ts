/**
 * The one rule for turning a scanned decimal number into a float64, shared by the serial CSV parser
 * (bytes, src/device/serial/csv-line-parser.ts) and the file importers (text, src/data/io/common-csv.ts).
 * DOM-free core module.
 *
 * A scanner reads the sign, the digits as an integer mantissa (counting all digits, the significant
 * ones from the first non-zero digit, and those after the point) and the exponent. `fastDecimal` gives
 * the value of the unsigned number when one float operation yields it exactly rounded (at most 15
 * significant digits and |10^e| ≤ 10^22: both operands exact, one correctly rounded multiply or divide),
 * and NaN otherwise, when the caller converts the text with Number()/parseFloat — also exactly rounded.
 * Either way the result is the value Number() gives for the same text.
 */
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/** Largest exponent a scanner needs to keep (larger ones overflow or underflow whatever the digits). */
export const MAX_SCANNED_EXPONENT = 9999;

/**
 * mant · 10^e10 for an unsigned decimal of `digits` digits (`sig` of them significant), or NaN when
 * the fast path does not apply and the caller must convert the text itself.
 */
export function fastDecimal(mant: number, sig: number, digits: number, e10: number): number {
  if (sig > 15 || digits > 22 || e10 < -22 || e10 > 22) return Number.NaN;
  if (e10 < 0) return mant / POW10[-e10];
  const v = mant * POW10[e10];
  return v > 9007199254740991 ? Number.NaN : v;
}
