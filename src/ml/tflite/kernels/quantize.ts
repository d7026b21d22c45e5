/**
 * QUANTIZE kernel: float32 → int8 (round half away from zero of x / scale, plus zero point) and
 * int8 → int8 requantization. DOM-free core module.
 */
import { quantizeMultiplier, roundHalfAway } from '../fixed-point.ts';
import { TensorType } from '../schema.ts';
import { input, kernelError, type KernelContext, type Prepared } from './common.ts';

export function prepareQuantize(ctx: KernelContext): Prepared {
  const mbqm = ctx.mbqm;
  const inp = input(ctx, 0);
  const out = ctx.outputs[0];
  if (out.type !== TensorType.INT8) throw kernelError(ctx, 'only int8 outputs are supported');
  const x = inp.data, y = out.data as Int8Array;
  const zp = out.zeroPoint;
  if (inp.type === TensorType.FLOAT32) {
    const scale = Math.fround(out.scale);
    return () => {
      for (let i = 0; i < y.length; i++) {
        const v = roundHalfAway(Math.fround(x[i] / scale)) + zp;
        y[i] = v < -128 ? -128 : v > 127 ? 127 : v;
      }
    };
  }
  if (inp.type === TensorType.INT8) {
    const q = quantizeMultiplier(inp.scale / out.scale);
    const inZp = inp.zeroPoint;
    return () => {
      for (let i = 0; i < y.length; i++) {
        const v = mbqm(x[i] - inZp, q.multiplier, q.shift) + zp;
        y[i] = v < -128 ? -128 : v > 127 ? 127 : v;
      }
    };
  }
  throw kernelError(ctx, `input type ${inp.type} is not supported`);
}
