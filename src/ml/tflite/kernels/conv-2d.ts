/**
 * CONV_2D kernel: int8 per-channel (TFLM reference ConvPerChannel arithmetic) and float32, grouped
 * convolutions included. One loop serves both: float32 has no input offset and no requantization.
 * DOM-free core module.
 */
import { BuiltinOptionsType } from '../schema.ts';
import { convArithmetic, convGeometry, kernelError, type KernelContext, type Prepared } from './common.ts';

export function prepareConv2d(ctx: KernelContext): Prepared {
  const mbqm = ctx.mbqm;
  const o = ctx.op.options;
  if (o.type !== BuiltinOptionsType.Conv2DOptions) throw kernelError(ctx, 'Conv2DOptions are missing');
  const geo = convGeometry(ctx, o);
  const { inp, filter, bias, out, inShape, filterShape, outShape, sW, sH, dW, dH, padW, padH } = geo;
  const [batches, inH, inW, inC] = inShape;
  const [outC, fH, fW, fInC] = filterShape;
  const [, outH, outW, outC2] = outShape;
  if (outC !== outC2 || fInC === 0 || inC % fInC !== 0) throw kernelError(ctx, 'filter and tensor shapes do not match');
  const groups = inC / fInC;
  const filtersPerGroup = outC / groups;
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
            const v = q ? mbqm(acc | 0, q.mult[oc], q.shift[oc]) + outOff : acc;
            y[outBase + oc] = v < lo ? lo : v > hi ? hi : v;
          }
        }
      }
  };
}
