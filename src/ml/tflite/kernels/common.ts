/**
 * Shared types and helpers for the interpreter's kernels: runtime tensors, padding, per-channel
 * multipliers. DOM-free core module.
 */
import { StudioError } from '../../../core/errors.ts';
import { activationRangeFloat, activationRangeInt8, quantizeMultiplier } from '../fixed-point.ts';
import type { TfliteOperator } from '../schema.ts';
import { Padding, TensorType } from '../schema.ts';

export type TensorData = Int8Array | Int32Array | Float32Array | Uint8Array;

export interface RtTensor {
  index: number;
  name: string;
  shape: number[];
  type: number;
  data: TensorData;
  /** Per-tensor scale / zero point (the first entry when per-channel). */
  scale: number;
  zeroPoint: number;
  scales: number[];
  zeroPoints: number[];
  quantizedDimension: number;
  isConst: boolean;
}

export interface KernelContext {
  op: TfliteOperator;
  opName: string;
  inputs: (RtTensor | null)[];
  outputs: RtTensor[];
  /** MultiplyByQuantizedMultiplier in the chosen rounding (TFLM reference: double rounding). */
  mbqm: (x: number, multiplier: number, shift: number) => number;
}

/** A prepared operator: runs one inference step over its tensors' current data. */
export type Prepared = () => void;

export function kernelError(ctx: KernelContext | string, what: string): StudioError {
  const name = typeof ctx === 'string' ? ctx : ctx.opName;
  return new StudioError({
    family: 'model',
    code: 'tflite-unsupported',
    message: `${name}: ${what}.`,
    remedy: 'This model uses a feature the studio interpreter does not run; retrain with the offered learning blocks.',
  });
}

export function input(ctx: KernelContext, i: number): RtTensor {
  const t = ctx.inputs[i];
  if (!t) throw kernelError(ctx, `input ${i} is missing`);
  return t;
}

export function optionalInput(ctx: KernelContext, i: number): RtTensor | null {
  return ctx.inputs[i] ?? null;
}

export function flatSize(shape: number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Extends a shape to 4-D by prepending 1s (TFLite RuntimeShape::ExtendedShape). */
export function shape4(shape: number[]): [number, number, number, number] {
  const s = [1, 1, 1, 1, ...shape].slice(-4);
  return [s[0], s[1], s[2], s[3]];
}

/** TFLite ComputePaddingHeightWidth for one dimension (the leading pad). */
export function computePadding(padding: number, stride: number, dilation: number, inSize: number, filterSize: number, outSize: number): number {
  if (padding !== Padding.SAME && padding !== Padding.VALID) return 0;
  const eff = (filterSize - 1) * dilation + 1;
  const total = Math.max((outSize - 1) * stride + eff - inSize, 0);
  return Math.floor(total / 2);
}

/** Per-output-channel (multiplier, shift) from float32 scales, as TFLM's prepare computes them. */
export function perChannelMultipliers(inp: RtTensor, filter: RtTensor, out: RtTensor, channels: number): { mult: Int32Array; shift: Int32Array } {
  const mult = new Int32Array(channels);
  const shift = new Int32Array(channels);
  const perChannel = filter.scales.length > 1;
  if (perChannel && filter.scales.length !== channels) {
    throw kernelError(filter.name, `has ${filter.scales.length} scales for ${channels} channels`);
  }
  for (let c = 0; c < channels; c++) {
    const fs = perChannel ? filter.scales[c] : filter.scales[0];
    const q = quantizeMultiplier((inp.scale * fs) / out.scale);
    mult[c] = q.multiplier;
    shift[c] = q.shift;
  }
  return { mult, shift };
}

export function requireType(ctx: KernelContext, t: RtTensor, types: number[], what: string): void {
  if (!types.includes(t.type)) throw kernelError(ctx, `${what} has tensor type ${t.type}, which is not supported here`);
}

/** Operands and geometry shared by CONV_2D and DEPTHWISE_CONV_2D (input, filter, optional bias, output as 4-D shapes; strides, dilations, leading pads). */
export interface ConvGeometry {
  inp: RtTensor;
  filter: RtTensor;
  bias: RtTensor | null;
  out: RtTensor;
  inShape: [number, number, number, number];
  filterShape: [number, number, number, number];
  outShape: [number, number, number, number];
  sW: number;
  sH: number;
  dW: number;
  dH: number;
  padW: number;
  padH: number;
}

export function convGeometry(ctx: KernelContext, o: { padding: number; strideW: number; strideH: number; dilationW: number; dilationH: number }): ConvGeometry {
  const inp = input(ctx, 0);
  const filter = input(ctx, 1);
  const bias = optionalInput(ctx, 2);
  const out = ctx.outputs[0];
  const inShape = shape4(inp.shape);
  const filterShape = shape4(filter.shape);
  const outShape = shape4(out.shape);
  const sW = o.strideW, sH = o.strideH, dW = o.dilationW, dH = o.dilationH;
  const padW = computePadding(o.padding, sW, dW, inShape[2], filterShape[2], outShape[2]);
  const padH = computePadding(o.padding, sH, dH, inShape[1], filterShape[1], outShape[1]);
  return { inp, filter, bias, out, inShape, filterShape, outShape, sW, sH, dW, dH, padW, padH };
}

/**
 * The arithmetic of a convolution's output: float32 has no offsets, no requantization and a float
 * activation range; int8 (input and filter checked) has the input offset, per-channel multipliers and
 * the activation range in output units.
 */
export interface ConvArithmetic {
  q: { mult: Int32Array; shift: Int32Array } | null;
  inOff: number;
  outOff: number;
  lo: number;
  hi: number;
}

export function convArithmetic(ctx: KernelContext, g: ConvGeometry, activation: number, channels: number): ConvArithmetic {
  const { inp, filter, out } = g;
  if (inp.type === TensorType.FLOAT32) {
    const [lo, hi] = activationRangeFloat(activation);
    return { q: null, inOff: 0, outOff: out.zeroPoint, lo, hi };
  }
  requireType(ctx, inp, [TensorType.INT8], 'the input');
  requireType(ctx, filter, [TensorType.INT8], 'the filter');
  const [lo, hi] = activationRangeInt8(activation, out.scale, out.zeroPoint);
  return { q: perChannelMultipliers(inp, filter, out, channels), inOff: -inp.zeroPoint, outOff: out.zeroPoint, lo, hi };
}
