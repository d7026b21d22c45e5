/**
 * MEAN kernel: int8 (TFLM reference QuantizedMeanOrSum arithmetic, with its 1/N folded into the
 * multiplier) and float32, over any axes of an up-to-4-D tensor. DOM-free core module.
 */
import { quantizeMultiplier } from '../fixed-point.ts';
import { BuiltinOptionsType, TensorType } from '../schema.ts';
import { flatSize, input, kernelError, type KernelContext, type Prepared } from './common.ts';

export function prepareMean(ctx: KernelContext): Prepared {
  const mbqm = ctx.mbqm;
  const o = ctx.op.options;
  const keepDims = o.type === BuiltinOptionsType.ReducerOptions ? o.keepDims : false;
  void keepDims; // the output shape stored in the model already reflects keep_dims
  const inp = input(ctx, 0);
  const axisT = input(ctx, 1);
  const out = ctx.outputs[0];
  if (axisT.type !== TensorType.INT32 || !axisT.isConst) throw kernelError(ctx, 'the axis must be a constant int32 tensor');
  const rank = inp.shape.length;
  const reduced = new Array<boolean>(rank).fill(false);
  for (const a of axisT.data as Int32Array) {
    const ax = a < 0 ? a + rank : a;
    if (ax < 0 || ax >= rank) throw kernelError(ctx, `axis ${a} is out of range`);
    reduced[ax] = true;
  }
  const nOut = flatSize(out.shape);
  const nIn = flatSize(inp.shape);
  let n = 1;
  inp.shape.forEach((d, i) => {
    if (reduced[i]) n *= d;
  });
  if (nIn / n !== nOut) throw kernelError(ctx, 'the output size does not match the reduced input');
  // Map each input element to its output element.
  const outIndex = new Int32Array(nIn);
  {
    const idx = new Array<number>(rank).fill(0);
    for (let i = 0; i < nIn; i++) {
      let oi = 0;
      for (let d = 0; d < rank; d++) if (!reduced[d]) oi = oi * inp.shape[d] + idx[d];
      outIndex[i] = oi;
      for (let d = rank - 1; d >= 0; d--) {
        if (++idx[d] < inp.shape[d]) break;
        idx[d] = 0;
      }
    }
  }
  const x = inp.data, y = out.data;
  const sums = new Float64Array(nOut);

  if (inp.type === TensorType.FLOAT32) {
    return () => {
      sums.fill(0);
      for (let i = 0; i < nIn; i++) sums[outIndex[i]] += x[i];
      for (let j = 0; j < nOut; j++) y[j] = sums[j] / n;
    };
  }
  if (inp.type !== TensorType.INT8) throw kernelError(ctx, `tensor type ${inp.type} is not supported`);
  const q = quantizeMultiplier(inp.scale / out.scale);
  // Fold 1/n into the multiplier exactly as the reference does (64-bit shift and division).
  let shift = 0; // floor(log2(n)), then clamped as the reference does
  while (2 ** (shift + 1) <= n) shift++;
  shift = Math.min(shift, 32, 31 + q.shift);
  const multiplier = Number((BigInt(q.multiplier) << BigInt(shift)) / BigInt(n));
  const outShift = q.shift - shift;
  const inZp = inp.zeroPoint, outZp = out.zeroPoint;
  return () => {
    sums.fill(0);
    for (let i = 0; i < nIn; i++) sums[outIndex[i]] += x[i];
    for (let j = 0; j < nOut; j++) {
      const shifted = (sums[j] - inZp * n) | 0;
      let v = mbqm(shifted, multiplier, outShift) + outZp;
      v = v < -128 ? -128 : v > 127 ? 127 : v;
      y[j] = v;
    }
  };
}
