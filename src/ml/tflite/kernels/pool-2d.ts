/**
 * AVERAGE_POOL_2D and MAX_POOL_2D kernels: int8 (TFLM reference arithmetic; input and output share
 * quantization) and float32. DOM-free core module.
 */
import { activationRangeFloat, activationRangeInt8 } from '../fixed-point.ts';
import { BuiltinOptionsType, TensorType } from '../schema.ts';
import { computePadding, input, kernelError, shape4, type KernelContext, type Prepared } from './common.ts';

export function preparePool2d(ctx: KernelContext, kind: 'avg' | 'max'): Prepared {
  const o = ctx.op.options;
  if (o.type !== BuiltinOptionsType.Pool2DOptions) throw kernelError(ctx, 'Pool2DOptions are missing');
  const inp = input(ctx, 0);
  const out = ctx.outputs[0];
  const [batches, inH, inW, depth] = shape4(inp.shape);
  const [, outH, outW, outD] = shape4(out.shape);
  if (depth !== outD) throw kernelError(ctx, 'input and output depths differ');
  const fH = o.filterH, fW = o.filterW, sH = o.strideH, sW = o.strideW;
  const padH = computePadding(o.padding, sH, 1, inH, fH, outH);
  const padW = computePadding(o.padding, sW, 1, inW, fW, outW);
  const isFloat = inp.type === TensorType.FLOAT32;
  if (!isFloat && inp.type !== TensorType.INT8) throw kernelError(ctx, `tensor type ${inp.type} is not supported`);
  const [lo, hi] = isFloat ? activationRangeFloat(o.activation) : activationRangeInt8(o.activation, out.scale, out.zeroPoint);
  const x = inp.data, y = out.data;
  return () => {
    for (let b = 0; b < batches; b++)
      for (let oy = 0; oy < outH; oy++)
        for (let ox = 0; ox < outW; ox++)
          for (let c = 0; c < depth; c++) {
            const ix0 = ox * sW - padW;
            const iy0 = oy * sH - padH;
            const fx0 = Math.max(0, -ix0), fx1 = Math.min(fW, inW - ix0);
            const fy0 = Math.max(0, -iy0), fy1 = Math.min(fH, inH - iy0);
            let acc = kind === 'max' ? -Infinity : 0;
            let count = 0;
            for (let fy = fy0; fy < fy1; fy++)
              for (let fx = fx0; fx < fx1; fx++) {
                const v = x[((b * inH + iy0 + fy) * inW + ix0 + fx) * depth + c];
                if (kind === 'max') {
                  if (v > acc) acc = v;
                } else acc += v;
                count++;
              }
            if (count === 0) throw kernelError(ctx, 'a pooling window lies outside the input');
            let v: number;
            if (kind === 'max') v = isFloat ? acc : Math.max(acc, -128);
            else if (isFloat) v = acc / count;
            else v = acc > 0 ? Math.trunc((acc + Math.trunc(count / 2)) / count) : Math.trunc((acc - Math.trunc(count / 2)) / count);
            y[((b * outH + oy) * outW + ox) * depth + c] = v < lo ? lo : v > hi ? hi : v;
          }
  };
}
