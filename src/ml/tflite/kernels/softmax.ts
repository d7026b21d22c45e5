/**
 * SOFTMAX kernel: int8 → int8 with TFLM's fixed-point reference path (Q5.26 input differences,
 * gemmlowp exp on negative values, Q12 accumulation, fixed-point reciprocal), and float32.
 * DOM-free core module.
 */
import { Int32, quantizeMultiplier, roundingDivideByPOT, saturatingRoundingMultiplyByPOT, srdhm } from '../fixed-point.ts';
import { BuiltinOptionsType, TensorType } from '../schema.ts';
import { input, kernelError, type KernelContext, type Prepared } from './common.ts';

const SCALED_DIFF_INTEGER_BITS = 5;
const ACCUMULATION_INTEGER_BITS = 12;

/** exp(x) for x in [-1/4, 0) in Q0.31 (Taylor expansion around -1/8). */
function expOnIntervalBetweenNegativeOneQuarterAnd0Excl(a: number): number {
  const constantTerm = 1895147668; // exp(-1/8) in Q0.31
  const constant1Over3 = 715827883; // 1/3 in Q0.31
  const x = (a + (1 << 28)) | 0; // a + 1/8
  const x2 = srdhm(x, x);
  const x3 = srdhm(x2, x);
  const x4 = srdhm(x2, x2);
  const x4Over4 = roundingDivideByPOT(x4, 2);
  const poly = roundingDivideByPOT((srdhm((x4Over4 + x3) | 0, constant1Over3) + x2) | 0, 1);
  return (constantTerm + srdhm(constantTerm, (x + poly) | 0)) | 0;
}

const EXP_BARREL: [number, number][] = [
  [-2, 1672461947],
  [-1, 1302514674],
  [0, 790015084],
  [1, 290630308],
  [2, 39332535],
  [3, 720401],
  [4, 242],
];

/** exp(a) for a ≤ 0 given in Q5.26; result in Q0.31. */
export function expOnNegativeValues(a: number): number {
  const fractionalBits = 31 - SCALED_DIFF_INTEGER_BITS; // 26
  const oneQuarter = 1 << (fractionalBits - 2);
  const mask = oneQuarter - 1;
  const aModQuarterMinusOneQuarter = ((a & mask) - oneQuarter) | 0;
  let result = expOnIntervalBetweenNegativeOneQuarterAnd0Excl(saturatingRoundingMultiplyByPOT(aModQuarterMinusOneQuarter, SCALED_DIFF_INTEGER_BITS));
  const remainder = (aModQuarterMinusOneQuarter - a) | 0;
  for (const [exponent, multiplier] of EXP_BARREL) {
    if (SCALED_DIFF_INTEGER_BITS > exponent) {
      const bit = fractionalBits + exponent;
      if (remainder & (1 << bit)) result = srdhm(result, multiplier);
    }
  }
  if (a === 0) result = Int32.MAX;
  return result;
}

/** 1/(1+x) for x in [0,1) in Q0.31 (Newton-Raphson on Q2.29), result Q0.31. */
function oneOverOnePlusXForXIn01(a: number): number {
  // RoundingHalfSum(a, One) with One = INT32_MAX.
  const sum = a + Int32.MAX;
  const sign = sum >= 0 ? 1 : -1;
  const halfDenominator = Math.trunc((sum + sign) / 2);
  const c48over17 = 1515870810;
  const cNeg32over17 = -1010580540;
  const oneQ2 = 1 << 29;
  let x = (c48over17 + srdhm(halfDenominator, cNeg32over17)) | 0;
  for (let i = 0; i < 3; i++) {
    const hdx = srdhm(halfDenominator, x);
    const oneMinus = (oneQ2 - hdx) | 0;
    x = (x + saturatingRoundingMultiplyByPOT(srdhm(x, oneMinus), 2)) | 0;
  }
  return saturatingRoundingMultiplyByPOT(x, 1);
}

function getReciprocal(x: number, integerDigits: number): { value: number; numBitsOverUnit: number } {
  const headroomPlusOne = Math.clz32(x);
  const numBitsOverUnit = integerDigits - headroomPlusOne;
  const shiftedSumMinusOne = ((x << headroomPlusOne) - 0x80000000) | 0;
  return { value: oneOverOnePlusXForXIn01(shiftedSumMinusOne), numBitsOverUnit };
}

export function prepareSoftmax(ctx: KernelContext): Prepared {
  const o = ctx.op.options;
  const beta = o.type === BuiltinOptionsType.SoftmaxOptions ? o.beta : 1;
  const inp = input(ctx, 0);
  const out = ctx.outputs[0];
  const depth = inp.shape[inp.shape.length - 1];
  const outer = inp.data.length / depth;
  const x = inp.data, y = out.data;
  if (inp.type === TensorType.FLOAT32) {
    const tmp = new Float64Array(depth);
    return () => {
      for (let i = 0; i < outer; i++) {
        let max = -Infinity;
        for (let c = 0; c < depth; c++) max = Math.max(max, x[i * depth + c]);
        let sum = 0;
        for (let c = 0; c < depth; c++) {
          const e = Math.exp((x[i * depth + c] - max) * beta);
          tmp[c] = e;
          sum += e;
        }
        for (let c = 0; c < depth; c++) y[i * depth + c] = tmp[c] / sum;
      }
    };
  }
  if (inp.type !== TensorType.INT8 || out.type !== TensorType.INT8) throw kernelError(ctx, 'only int8 → int8 and float32 are supported');
  if (out.zeroPoint !== -128 || out.scale !== 1 / 256) throw kernelError(ctx, 'the int8 output must have scale 1/256 and zero point -128');
  // PreprocessSoftmaxScaling + CalculateInputRadius.
  const real = Math.min(beta * inp.scale * 2 ** (31 - SCALED_DIFF_INTEGER_BITS), 2 ** 31 - 1);
  const q = quantizeMultiplier(real);
  const inputMultiplier = q.multiplier;
  const inputLeftShift = q.shift;
  const maxInputRescaled = (((1 << SCALED_DIFF_INTEGER_BITS) - 1) * 2 ** (31 - SCALED_DIFF_INTEGER_BITS)) / 2 ** inputLeftShift;
  const diffMin = -Math.floor(maxInputRescaled);
  const pow = 2 ** inputLeftShift;
  const exps = new Int32Array(depth);
  return () => {
    for (let i = 0; i < outer; i++) {
      const base = i * depth;
      let max = -128;
      for (let c = 0; c < depth; c++) if (x[base + c] > max) max = x[base + c];
      let sumOfExps = 0;
      for (let c = 0; c < depth; c++) {
        const diff = x[base + c] - max;
        if (diff >= diffMin) {
          const rescaled = srdhm((diff * pow) | 0, inputMultiplier);
          const e = expOnNegativeValues(rescaled);
          exps[c] = e;
          sumOfExps = (sumOfExps + roundingDivideByPOT(e, ACCUMULATION_INTEGER_BITS)) | 0;
        } else exps[c] = 0;
      }
      const r = getReciprocal(sumOfExps, ACCUMULATION_INTEGER_BITS);
      const exponent = r.numBitsOverUnit + 31 - 8;
      for (let c = 0; c < depth; c++) {
        const diff = x[base + c] - max;
        let v = -128;
        if (diff >= diffMin) {
          const unsat = roundingDivideByPOT(srdhm(r.value, exps[c]), exponent);
          v = unsat - 128;
          v = v < -128 ? -128 : v > 127 ? 127 : v;
        }
        y[base + c] = v;
      }
    }
  };
}
