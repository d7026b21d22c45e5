/**
 * DEPTHWISE_CONV_2D kernel: int8 per-channel (TFLM reference DepthwiseConvPerChannel arithmetic)
 * and float32. DOM-free core module.
 */
import { BuiltinOptionsType } from '../schema.ts';
import { convArithmetic, convGeometry, kernelError, type KernelContext, type Prepared } from './common.ts';

export function prepareDepthwiseConv2d(ctx: KernelContext): Prepared {
  const mbqm = ctx.mbqm;
  const o = ctx.op.options;
  if (o.type !== BuiltinOptionsType.DepthwiseConv2DOptions) throw kernelError(ctx, 'DepthwiseConv2DOptions are missing');
  const geo = convGeometry(ctx, o);
  const { inp, filter, bias, out, inShape, filterShape, outShape, sW, sH, dW, dH, padW, padH } = geo;
  const [batches, inH, inW, inC] = inShape;
  const [, fH, fW, fC] = filterShape;
  const [, outH, outW, outC] = outShape;
  if (fC !== outC || inC === 0 || outC % inC !== 0) throw kernelError(ctx, 'filter and tensor shapes do not match');
  // TFLM derives the multiplier from the shapes (the stored depth_multiplier is informational).
  const mult = outC / inC;
  const { q, inOff, outOff, lo, hi } = convArithmetic(ctx, geo, o.activation, outC);
  const x = inp.data, w = filter.data, y = out.data;
  const bd = bias ? bias.data : null;
  return () => {
    for (let b = 0; b < batches; b++)
      for (let oy = 0; oy < outH; oy++) {
        const iy0 = oy * sH - padH;
        for (let ox = 0; ox < outW; ox++) {
          const ix0 = ox * sW - padW;
          const outBase = ((b * outH + oy) * outW + ox) * outC;
          for (let ic = 0; ic < inC; ic++)
            for (let m = 0; m < mult; m++) {
              const oc = m + ic * mult;
              let acc = 0;
              for (let fy = 0; fy < fH; fy++) {
                const iy = iy0 + dH * fy;
                if (iy < 0 || iy >= inH) continue;
                for (let fx = 0; fx < fW; fx++) {
                  const ix = ix0 + dW * fx;
                  if (ix < 0 || ix >= inW) continue;
                  acc += w[(fy * fW + fx) * fC + oc] * (x[((b * inH + iy) * inW + ix) * inC + ic] + inOff);
                }
              }
              if (bd) acc += bd[oc];
              const v = q ? mbqm(acc | 0, q.mult[oc], q.shift[oc]) + outOff : acc;
              y[outBase + oc] = v < lo ? lo : v > hi ? hi : v;
            }
        }
      }
  };
}
