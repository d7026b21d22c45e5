/**
 * 2-D convolution layers built from slice + concat + matMul (im2col) and slice × weight sums
 * (depthwise), so TF.js's WASM backend can train them. DOM-free core module.
 *
 * Why: the WASM backend registers no `Conv2DBackpropFilter` (nor the depthwise filter gradient), so
 * `tf.layers.conv2d` / `depthwiseConv2d` cannot be trained there (see im2col-conv1d.ts). Every op used
 * here (Slice, PadV2, Concat, Reshape, BatchMatMul, Mul, Add, Relu) has a gradient on WASM.
 * Stride 1 only. Weights have the Keras layouts — Conv2D `kernel [kh, kw, inC, filters]`,
 * DepthwiseConv2D `depthwiseKernel [kh, kw, C, 1]` — plus `bias`, so to-float-model.ts maps them like
 * Keras layers to CONV_2D / DEPTHWISE_CONV_2D.
 */
import * as tf from '@tensorflow/tfjs';
import type { LayerVariable } from '@tensorflow/tfjs';
import { conv1dGeometry, type ConvActivation } from './im2col-conv1d.ts';

export interface Im2colConv2DArgs {
  /** Output channels (Im2colConv2D only). */
  filters?: number;
  kernelSize: number;
  padding?: 'same' | 'valid';
  activation?: ConvActivation;
  seed?: number;
  name?: string;
  inputShape?: number[];
  batchInputShape?: (number | null)[];
  trainable?: boolean;
}

function padded(x: tf.Tensor4D, k: number, padding: 'same' | 'valid'): { xp: tf.Tensor4D; oh: number; ow: number } {
  const [, h, w] = x.shape;
  const gh = conv1dGeometry(h, k, 1, padding);
  const gw = conv1dGeometry(w, k, 1, padding);
  if (gh.outLen <= 0 || gw.outLen <= 0) throw new Error(`conv2d: input ${h}×${w} is smaller than kernel ${k}×${k}`);
  const xp = gh.padLeft || gh.padRight || gw.padLeft || gw.padRight ? tf.pad(x, [[0, 0], [gh.padLeft, gh.padRight], [gw.padLeft, gw.padRight], [0, 0]]) : x;
  return { xp, oh: gh.outLen, ow: gw.outLen };
}

/** im2col 2-D convolution: x [B, H, W, C], kernel [k, k, C, F], bias [F] → [B, H', W', F]. */
export function im2colConv2d(x: tf.Tensor4D, kernel: tf.Tensor4D, bias: tf.Tensor1D | null, padding: 'same' | 'valid'): tf.Tensor4D {
  return tf.tidy(() => {
    const [b, , , c] = x.shape;
    const [k, , , f] = kernel.shape;
    const { xp, oh, ow } = padded(x, k, padding);
    const cols: tf.Tensor4D[] = [];
    for (let dy = 0; dy < k; dy++) for (let dx = 0; dx < k; dx++) cols.push(tf.slice(xp, [0, dy, dx, 0], [b, oh, ow, c]));
    const patches = (cols.length === 1 ? cols[0] : tf.concat(cols, 3)).reshape([b * oh * ow, k * k * c]);
    let y = tf.matMul(patches, kernel.reshape([k * k * c, f]));
    if (bias) y = tf.add(y, bias);
    return y.reshape([b, oh, ow, f]) as tf.Tensor4D;
  });
}

/** Depthwise 2-D convolution (multiplier 1): x [B, H, W, C], kernel [k, k, C, 1], bias [C]. */
export function sliceDepthwiseConv2d(x: tf.Tensor4D, kernel: tf.Tensor4D, bias: tf.Tensor1D | null, padding: 'same' | 'valid'): tf.Tensor4D {
  return tf.tidy(() => {
    const [b, , , c] = x.shape;
    const [k] = kernel.shape;
    const { xp, oh, ow } = padded(x, k, padding);
    const w = kernel.reshape([k * k, c]);
    let y: tf.Tensor4D | null = null;
    for (let dy = 0; dy < k; dy++)
      for (let dx = 0; dx < k; dx++) {
        const term = tf.mul(tf.slice(xp, [0, dy, dx, 0], [b, oh, ow, c]), tf.slice(w, [dy * k + dx, 0], [1, c]).reshape([c])) as tf.Tensor4D;
        y = y ? tf.add(y, term) : term;
      }
    return (bias ? tf.add(y!, bias) : y!) as tf.Tensor4D;
  });
}

function activate(y: tf.Tensor, a: ConvActivation): tf.Tensor {
  if (a === 'relu') return tf.relu(y);
  if (a === 'relu6') return tf.relu6(y);
  return y;
}

abstract class Conv2DBase extends tf.layers.Layer {
  readonly kernelSize: number;
  readonly padding: 'same' | 'valid';
  readonly activationName: ConvActivation;
  readonly seed: number | undefined;
  protected kernel: LayerVariable | null = null;
  protected bias: LayerVariable | null = null;

  constructor(args: Im2colConv2DArgs) {
    super({ name: args.name, inputShape: args.inputShape, batchInputShape: args.batchInputShape, trainable: args.trainable });
    this.kernelSize = args.kernelSize;
    this.padding = args.padding ?? 'valid';
    this.activationName = args.activation ?? 'relu';
    this.seed = args.seed;
  }

  protected abstract outChannels(inC: number): number;

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const dim = (n: number | null) => (n == null ? null : conv1dGeometry(n, this.kernelSize, 1, this.padding).outLen);
    return [s[0], dim(s[1]), dim(s[2]), this.outChannels(s[3] as number)];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), kernelSize: this.kernelSize, padding: this.padding, activation: this.activationName, seed: this.seed ?? null };
  }
}

/** Conv2D (stride 1) trained through im2col; Keras Conv2D weights `kernel [k, k, inC, filters]`, `bias`. */
export class Im2colConv2D extends Conv2DBase {
  static className = 'Im2colConv2D';
  readonly filters: number;

  constructor(args: Im2colConv2DArgs) {
    super(args);
    this.filters = args.filters ?? 8;
  }

  protected outChannels(): number {
    return this.filters;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const inC = s[s.length - 1] as number;
    this.kernel = this.addWeight('kernel', [this.kernelSize, this.kernelSize, inC, this.filters], 'float32', tf.initializers.glorotUniform({ seed: this.seed }));
    this.bias = this.addWeight('bias', [this.filters], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      return activate(im2colConv2d(x, this.kernel!.read() as tf.Tensor4D, this.bias!.read() as tf.Tensor1D, this.padding), this.activationName);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), filters: this.filters };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(cls: tf.serialization.SerializableConstructor<T>, config: tf.serialization.ConfigDict): T {
    const c = config as unknown as Im2colConv2DArgs & { seed: number | null };
    return new cls({ ...c, seed: c.seed ?? undefined });
  }
}
tf.serialization.registerClass(Im2colConv2D);

/** DepthwiseConv2D (stride 1, multiplier 1) trained through slices; Keras weights `depthwiseKernel [k, k, C, 1]`, `bias`. */
export class SliceDepthwiseConv2D extends Conv2DBase {
  static className = 'SliceDepthwiseConv2D';

  protected outChannels(inC: number): number {
    return inC;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const c = s[s.length - 1] as number;
    this.kernel = this.addWeight('depthwise_kernel', [this.kernelSize, this.kernelSize, c, 1], 'float32', tf.initializers.glorotUniform({ seed: this.seed }));
    this.bias = this.addWeight('bias', [c], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      return activate(sliceDepthwiseConv2d(x, this.kernel!.read() as tf.Tensor4D, this.bias!.read() as tf.Tensor1D, this.padding), this.activationName);
    });
  }

  static override fromConfig<T extends tf.serialization.Serializable>(cls: tf.serialization.SerializableConstructor<T>, config: tf.serialization.ConfigDict): T {
    const c = config as unknown as Im2colConv2DArgs & { seed: number | null };
    return new cls({ ...c, seed: c.seed ?? undefined });
  }
}
tf.serialization.registerClass(SliceDepthwiseConv2D);
