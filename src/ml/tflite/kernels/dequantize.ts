/**
 * DEQUANTIZE kernel: int8 → float32, scale · (q − zero point). DOM-free core module.
 */
import { TensorType } from '../schema.ts';
import { input, kernelError, type KernelContext, type Prepared } from './common.ts';

export function prepareDequantize(ctx: KernelContext): Prepared {
  const inp = input(ctx, 0);
  const out = ctx.outputs[0];
  if (inp.type !== TensorType.INT8 || out.type !== TensorType.FLOAT32) throw kernelError(ctx, 'only int8 → float32 is supported');
  const x = inp.data as Int8Array, y = out.data as Float32Array;
  const scale = inp.scale, zp = inp.zeroPoint;
  return () => {
    for (let i = 0; i < y.length; i++) y[i] = scale * (x[i] - zp);
  };
}
