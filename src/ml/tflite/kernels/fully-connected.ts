/**
 * FULLY_CONNECTED kernel: int8 per-tensor or per-channel (TFLM reference arithmetic) and float32.
 * DOM-free core module.
 */
import { activationRangeFloat, activationRangeInt8, quantizeMultiplier } from '../fixed-point.ts';
import { BuiltinOptionsType, TensorType } from '../schema.ts';
import { flatSize, input, kernelError, optionalInput, perChannelMultipliers, requireType, type KernelContext, type Prepared } from './common.ts';

export function prepareFullyConnected(ctx: KernelContext): Prepared {
  const mbqm = ctx.mbqm;
  const o = ctx.op.options;
  if (o.type !== BuiltinOptionsType.FullyConnectedOptions) throw kernelError(ctx, 'FullyConnectedOptions are missing');
  if (o.weightsFormat !== 0) throw kernelError(ctx, 'shuffled weights are not supported');
  const inp = input(ctx, 0);
  const filter = input(ctx, 1);
  const bias = optionalInput(ctx, 2);
  const out = ctx.outputs[0];
  const depth = filter.shape[filter.shape.length - 1];
  const outDepth = out.shape[out.shape.length - 1];
  if (filter.shape.length !== 2 || filter.shape[0] !== outDepth) throw kernelError(ctx, 'weights and output shapes do not match');
  const batches = flatSize(out.shape) / outDepth;
  if (flatSize(inp.shape) !== batches * depth) throw kernelError(ctx, 'input size does not match the weights');

  if (inp.type === TensorType.FLOAT32) {
    const x = inp.data as Float32Array, w = filter.data as Float32Array, y = out.data as Float32Array;
    const bd = bias ? (bias.data as Float32Array) : null;
    const [lo, hi] = activationRangeFloat(o.activation);
    return () => {
      for (let b = 0; b < batches; b++)
        for (let oc = 0; oc < outDepth; oc++) {
          let acc = 0;
          const wb = oc * depth, xb = b * depth;
          for (let d = 0; d < depth; d++) acc += x[xb + d] * w[wb + d];
          if (bd) acc += bd[oc];
          y[b * outDepth + oc] = Math.min(hi, Math.max(lo, acc));
        }
    };
  }

  requireType(ctx, inp, [TensorType.INT8], 'the input');
  requireType(ctx, filter, [TensorType.INT8], 'the weights');
  const x = inp.data as Int8Array, w = filter.data as Int8Array, y = out.data as Int8Array;
  const bd = bias ? (bias.data as Int32Array) : null;
  const perChannel = filter.scales.length > 1;
  let mult: Int32Array, shift: Int32Array;
  if (perChannel) ({ mult, shift } = perChannelMultipliers(inp, filter, out, outDepth));
  else {
    // GetQuantizedConvolutionMultipler: double product with a bias, float product without one.
    const product = bias ? inp.scale * filter.scale : Math.fround(inp.scale * filter.scale);
    const q = quantizeMultiplier(product / out.scale);
    mult = new Int32Array(outDepth).fill(q.multiplier);
    shift = new Int32Array(outDepth).fill(q.shift);
  }
  const inOff = -inp.zeroPoint;
  const wOff = perChannel ? 0 : -filter.zeroPoint;
  const outOff = out.zeroPoint;
  const [lo, hi] = activationRangeInt8(o.activation, out.scale, out.zeroPoint);
  return () => {
    for (let b = 0; b < batches; b++)
      for (let oc = 0; oc < outDepth; oc++) {
        let acc = 0;
        const wb = oc * depth, xb = b * depth;
        for (let d = 0; d < depth; d++) acc += (w[wb + d] + wOff) * (x[xb + d] + inOff);
        if (bd) acc += bd[oc];
        let v = mbqm(acc | 0, mult[oc], shift[oc]) + outOff;
        v = v < lo ? lo : v > hi ? hi : v;
        y[b * outDepth + oc] = v;
      }
  };
}
