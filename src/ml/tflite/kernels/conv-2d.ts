/**
 * CONV_2D kernel: int8 per-channel (TFLM reference ConvPerChannel arithmetic) and float32.
 * DOM-free core module.
 */
import { activationRangeFloat, activationRangeInt8 } from '../fixed-point.ts';
import { BuiltinOptionsType, TensorType } from '../schema.ts';
import { computePadding, input, kernelError, optionalInput, perChannelMultipliers, requireType, shape4, type KernelContext, type Prepared } from './common.ts';

export function prepareConv2d(ctx: KernelContext): Prepared {
  const mbqm = ctx.mbqm;
  const o = ctx.op.options;
  if (o.type !== BuiltinOptionsType.Conv2DOptions) throw kernelError(ctx, 'Conv2DOptions are missing');
  const inp = input(ctx, 0);
  const filter = input(ctx, 1);
  const bias = optionalInput(ctx, 2);
  const out = ctx.outputs[0];
  const [batches, inH, inW, inC] = shape4(inp.shape);
  const [outC, fH, fW, fInC] = shape4(filter.shape);
  const [, outH, outW, outC2] = shape4(out.shape);
  if (outC !== outC2 || fInC === 0 || inC % fInC !== 0) throw kernelError(ctx, 'filter and tensor shapes do not match');
  const groups = inC / fInC;
  const filtersPerGroup = outC / groups;
  const sW = o.strideW, sH = o.strideH, dW = o.dilationW, dH = o.dilationH;
  const padW = computePadding(o.padding, sW, dW, inW, fW, outW);
  const padH = computePadding(o.padding, sH, dH, inH, fH, outH);

  if (inp.type === TensorType.FLOAT32) {
    const x = inp.data as Float32Array, w = filter.data as Float32Array, y = out.data as Float32Array;
    const bd = bias ? (bias.data as Float32Array) : null;
    const [lo, hi] = activationRangeFloat(o.activation);
    return () => {
      for (let b = 0; b < batches; b++)
        for (let oy = 0; oy < outH; oy++) {
          const iy0 = oy * sH - padH;
          for (let ox = 0; ox < outW; ox++) {
            const ix0 = ox * sW - padW;
            const outBase = ((b * outH + oy) * outW + ox) * outC;
            for (let oc = 0; oc < outC; oc++) {
              const g = (oc / filtersPerGroup) | 0;
              let acc = 0;
              for (let fy = 0; fy < fH; fy++) {
                const iy = iy0 + dH * fy;
                if (iy < 0 || iy >= inH) continue;
                for (let fx = 0; fx < fW; fx++) {
                  const ix = ix0 + dW * fx;
                  if (ix < 0 || ix >= inW) continue;
                  const ib = ((b * inH + iy) * inW + ix) * inC + g * fInC;
                  const fb = ((oc * fH + fy) * fW + fx) * fInC;
                  for (let ic = 0; ic < fInC; ic++) acc += x[ib + ic] * w[fb + ic];
                }
              }
              if (bd) acc += bd[oc];
              y[outBase + oc] = Math.min(hi, Math.max(lo, acc));
            }
          }
        }
    };
  }

  requireType(ctx, inp, [TensorType.INT8], 'the input');
  requireType(ctx, filter, [TensorType.INT8], 'the filter');
  const x = inp.data as Int8Array, w = filter.data as Int8Array, y = out.data as Int8Array;
  const bd = bias ? (bias.data as Int32Array) : null;
  const { mult, shift } = perChannelMultipliers(inp, filter, out, outC);
  const inOff = -inp.zeroPoint;
  const outOff = out.zeroPoint;
  const [lo, hi] = activationRangeInt8(o.activation, out.scale, out.zeroPoint);
  return () => {
    for (let b = 0; b < batches; b++)
      for (let oy = 0; oy < outH; oy++) {
        const iy0 = oy * sH - padH;
        for (let ox = 0; ox < outW; ox++) {
          const ix0 = ox * sW - padW;
          const outBase = ((b * outH + oy) * outW + ox) * outC;
          for (let oc = 0; oc < outC; oc++) {
            const g = (oc / filtersPerGroup) | 0;
            let acc = 0;
            for (let fy = 0; fy < fH; fy++) {
              const iy = iy0 + dH * fy;
              if (iy < 0 || iy >= inH) continue;
              for (let fx = 0; fx < fW; fx++) {
                const ix = ix0 + dW * fx;
                if (ix < 0 || ix >= inW) continue;
                const ib = ((b * inH + iy) * inW + ix) * inC + g * fInC;
                const fb = ((oc * fH + fy) * fW + fx) * fInC;
                for (let ic = 0; ic < fInC; ic++) acc += w[fb + ic] * (x[ib + ic] + inOff);
              }
            }
            if (bd) acc += bd[oc];
            let v = mbqm(acc | 0, mult[oc], shift[oc]) + outOff;
            v = v < lo ? lo : v > hi ? hi : v;
            y[outBase + oc] = v;
          }
        }
      }
  };
}
