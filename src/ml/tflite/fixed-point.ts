/**
 * Exact 32-bit fixed-point arithmetic as TFLite Micro's reference kernels do it (double-rounding
 * build: gemmlowp-style saturating rounding doubling high multiply, then a rounding right shift).
 * DOM-free core module.
 *
 * JavaScript numbers hold 53 bits exactly; a 32×32-bit product needs 62, so the high multiply splits
 * one factor into 16-bit halves and recombines so that no intermediate exceeds 2^53.
 */

const TWO31 = 2147483648;
const INT32_MAX = 2147483647;
const INT32_MIN = -2147483648;

/**
 * (a·b·2 + rounding) >> 32 with gemmlowp's rounding (nudge ±2^30, then truncation toward zero) and
 * saturation for a = b = INT32_MIN. a, b are int32.
 */
export function srdhm(a: number, b: number): number {
  if (a === INT32_MIN && b === INT32_MIN) return INT32_MAX;
  const bl = b & 0xffff; // 0..65535
  const bh = (b - bl) / 65536; // signed high half, exact
  const p1 = a * bh; // |p1| < 2^46
  const p0 = a * bl; // |p0| < 2^47
  // ab = p1·2^16 + p0; split p1 = q1·2^15 + r1 so that p1·2^16 = q1·2^31 + r1·2^16.
  const r1 = ((p1 % 32768) + 32768) % 32768;
  const q1 = (p1 - r1) / 32768;
  const negative = (a < 0) !== (b < 0) && a !== 0 && b !== 0;
  const nudge = negative ? 1 - (1 << 30) : 1 << 30;
  const s = r1 * 65536 + p0 + nudge; // exact: |s| < 2^48
  // total = q1·2^31 + s; trunc(total / 2^31) toward zero.
  const sFloor = Math.floor(s / TWO31);
  let q = q1 + sFloor;
  if (negative) {
    const rem = s - sFloor * TWO31;
    if (rem !== 0) q += 1; // ceil for negative totals
  }
  return q;
}

/** gemmlowp RoundingDivideByPOT: x / 2^e rounded half away from zero. x int32, 0 ≤ e ≤ 31. */
export function roundingDivideByPOT(x: number, e: number): number {
  if (e === 0) return x;
  const mask = e >= 31 ? 0x7fffffff : (1 << e) - 1;
  const remainder = x & mask;
  const threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> e) + (remainder > threshold ? 1 : 0);
}

/** TFLite MultiplyByQuantizedMultiplier (int32 accumulator, double-rounding variant). */
export function multiplyByQuantizedMultiplier(x: number, multiplier: number, shift: number): number {
  const left = shift > 0 ? shift : 0;
  const right = shift > 0 ? 0 : -shift;
  return roundingDivideByPOT(srdhm((x * 2 ** left) | 0, multiplier), right);
}

/**
 * The single-rounding variant (TFLITE_SINGLE_ROUNDING, and what full TFLite's optimized int8 kernels
 * compute): (x·multiplier + 2^(30−shift)) >> (31 − shift), one 64-bit product, ties rounded up.
 */
export function multiplyByQuantizedMultiplierSingleRounding(x: number, multiplier: number, shift: number): number {
  const total = 31 - shift;
  const r = (BigInt(x) * BigInt(multiplier) + (1n << BigInt(total - 1))) >> BigInt(total);
  return Number(BigInt.asIntN(32, r));
}

export type Rounding = 'double' | 'single';

/** Saturating rounding multiply by 2^e (gemmlowp SaturatingRoundingMultiplyByPOT) for int32. */
export function saturatingRoundingMultiplyByPOT(x: number, e: number): number {
  if (e === 0) return x;
  if (e < 0) return roundingDivideByPOT(x, -e);
  const threshold = (1 << (31 - e)) - 1;
  if (x > threshold) return INT32_MAX;
  if (x < -threshold) return INT32_MIN;
  return x * (1 << e);
}

/** One float multiplier as TFLite QuantizeMultiplier: significand in [2^30, 2^31) and a shift. */
export interface QuantizedMultiplier {
  multiplier: number;
  shift: number;
}

/** frexp for doubles: x = m·2^e with |m| in [0.5, 1). */
function frexp(x: number): [number, number] {
  if (x === 0 || !Number.isFinite(x)) return [x, 0];
  let e = Math.max(-1073, Math.floor(Math.log2(Math.abs(x))) + 1);
  let m = x * 2 ** -e;
  while (Math.abs(m) < 0.5) {
    m *= 2;
    e -= 1;
  }
  while (Math.abs(m) >= 1) {
    m /= 2;
    e += 1;
  }
  return [m, e];
}

/** std::round: half away from zero. */
export function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

export function quantizeMultiplier(real: number): QuantizedMultiplier {
  if (real === 0) return { multiplier: 0, shift: 0 };
  const [q, e] = frexp(real);
  let shift = e;
  let qFixed = roundHalfAway(q * TWO31);
  if (qFixed === TWO31) {
    qFixed /= 2;
    shift += 1;
  }
  if (shift < -31) {
    shift = 0;
    qFixed = 0;
  }
  return { multiplier: qFixed, shift };
}

/** Activation clamp range for a quantized output (TFLite CalculateActivationRangeQuantized, int8). */
export function activationRangeInt8(activation: number, scale: number, zeroPoint: number): [number, number] {
  const q = (f: number) => zeroPoint + roundHalfAway(Math.fround(Math.fround(f) / Math.fround(scale)));
  let lo = -128;
  let hi = 127;
  if (activation === 1) lo = Math.max(lo, q(0));
  else if (activation === 3) {
    lo = Math.max(lo, q(0));
    hi = Math.min(hi, q(6));
  } else if (activation === 2) {
    lo = Math.max(lo, q(-1));
    hi = Math.min(hi, q(1));
  }
  return [lo, hi];
}

/** Float activation clamp range. */
export function activationRangeFloat(activation: number): [number, number] {
  if (activation === 1) return [0, Infinity];
  if (activation === 3) return [0, 6];
  if (activation === 2) return [-1, 1];
  return [-Infinity, Infinity];
}

export const Int32 = { MAX: INT32_MAX, MIN: INT32_MIN };
