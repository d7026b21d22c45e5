/**
 * ADD kernel: int8 (TFLM reference arithmetic: inputs shifted left by 20, rescaled to twice the larger
 * input scale, summed, rescaled to the output) and float32, with broadcasting. DOM-free core module.
 */
import { activationRangeFloat, activationRangeInt8, quantizeMultiplier } from '../fixed-point.ts';
import { BuiltinOptionsType, TensorType } from '../schema.ts';
import { flatSize, input, kernelError, type KernelContext, type Prepared } from './common.ts';

/** For each output element, the index of the broadcast element in a (NumPy-style broadcasting). */
function broadcastIndex(shape: number[], outShape: number[]): Int32Array {
  const n = flatSize(outShape);
  const rank = outShape.length;
  const s = [...new Array<number>(rank - shape.length).fill(1), ...shape];
  const idx = new Int32Array(n);
  const pos = new Array<number>(rank).fill(0);
  for (let i = 0; i < n; i++) {
    let k = 0;
    for (let d = 0; d < rank; d++) k = k * s[d] + (s[d] === 1 ? 0 : pos[d]);
    idx[i] = k;
    for (let d = rank - 1; d >= 0; d--) {
      if (++pos[d] < outShape[d]) break;
      pos[d] = 0;
    }
  }
  return idx;
}

export function prepareAdd(ctx: KernelContext): Prepared {
  const mbqm = ctx.mbqm;
  const o = ctx.op.options;
  const activation = o.type === BuiltinOptionsType.AddOptions ? o.activation : 0;
  const a = input(ctx, 0);
  const b = input(ctx, 1);
  const out = ctx.outputs[0];
  const n = flatSize(out.shape);
  for (const t of [a, b]) {
    if (t.shape.length > out.shape.length) throw kernelError(ctx, 'an input has more dimensions than the output');
    const off = out.shape.length - t.shape.length;
    t.shape.forEach((d, i) => {
      if (d !== 1 && d !== out.shape[off + i]) throw kernelError(ctx, 'input shapes do not broadcast to the output');
    });
  }
  const ia = broadcastIndex(a.shape, out.shape);
  const ib = broadcastIndex(b.shape, out.shape);
  const x1 = a.data, x2 = b.data, y = out.data;
  if (a.type === TensorType.FLOAT32) {
    const [lo, hi] = activationRangeFloat(activation);
    return () => {
      for (let i = 0; i < n; i++) y[i] = Math.min(hi, Math.max(lo, x1[ia[i]] + x2[ib[i]]));
    };
  }
  if (a.type !== TensorType.INT8 || b.type !== TensorType.INT8) throw kernelError(ctx, 'only int8 and float32 are supported');
  const leftShift = 20;
  const twiceMax = 2 * Math.max(a.scale, b.scale);
  const m1 = quantizeMultiplier(a.scale / twiceMax);
  const m2 = quantizeMultiplier(b.scale / twiceMax);
  const mo = quantizeMultiplier(twiceMax / (2 ** leftShift * out.scale));
  const off1 = -a.zeroPoint, off2 = -b.zeroPoint, outOff = out.zeroPoint;
  const [lo, hi] = activationRangeInt8(activation, out.scale, out.zeroPoint);
  const pow = 2 ** leftShift;
  return () => {
    for (let i = 0; i < n; i++) {
      const s1 = mbqm(((x1[ia[i]] + off1) * pow) | 0, m1.multiplier, m1.shift);
      const s2 = mbqm(((x2[ib[i]] + off2) * pow) | 0, m2.multiplier, m2.shift);
      let v = mbqm((s1 + s2) | 0, mo.multiplier, mo.shift) + outOff;
      v = v < lo ? lo : v > hi ? hi : v;
      y[i] = v;
    }
  };
}
