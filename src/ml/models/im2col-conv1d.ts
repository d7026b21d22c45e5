/**
 * A 1-D convolution layer built from slice + concat + matMul (im2col). DOM-free core module.
 *
 * Why: TF.js's WASM backend has no `Conv2DBackpropFilter` kernel, so `tf.layers.conv1d` cannot be
 * trained there. Every op used here (Slice, PadV2, Concat, Reshape, BatchMatMul, Add, Relu) has a
 * gradient the WASM backend can run. Weights have the Keras Conv1D layout `kernel [k, inC, filters]`,
 * `bias [filters]`, so the export (to-float-model.ts) treats it exactly like a Conv1D.
 * Strides > 1 are done by slicing `L*stride` steps, reshaping to [B, L, stride, C] and keeping index 0.
 */
import * as tf from '@tensorflow/tfjs';
import type { LayerVariable } from '@tensorflow/tfjs';

export type ConvActivation = 'linear' | 'relu' | 'relu6';
/** A TF.js weight regulariser (what tf.regularizers.l2 returns). */
export type KernelRegularizer = ReturnType<typeof tf.regularizers.l2>;

export interface Im2colConv1DArgs {
  filters: number;
  kernelSize: number;
  strides?: number;
  padding?: 'same' | 'valid';
  activation?: ConvActivation;
  seed?: number;
  name?: string;
  inputShape?: number[];
  /** Set when restored from a saved model.json. */
  batchInputShape?: (number | null)[];
  trainable?: boolean;
  /** Training-only penalty on the kernel (e.g. tf.regularizers.l2); not saved with the model. */
  kernelRegularizer?: KernelRegularizer;
}

/** Output length and left padding, TensorFlow's rules. */
export function conv1dGeometry(inLen: number, k: number, stride: number, padding: 'same' | 'valid'): { outLen: number; padLeft: number; padRight: number } {
  if (padding === 'valid') return { outLen: Math.floor((inLen - k) / stride) + 1, padLeft: 0, padRight: 0 };
  const outLen = Math.ceil(inLen / stride);
  const total = Math.max((outLen - 1) * stride + k - inLen, 0);
  const padLeft = Math.floor(total / 2);
  return { outLen, padLeft, padRight: total - padLeft };
}

/** im2col 1-D convolution: x [B, T, C], kernel [k, C, F], bias [F] → [B, L, F]. Differentiable on WASM. */
export function im2colConv1d(x: tf.Tensor3D, kernel: tf.Tensor3D, bias: tf.Tensor1D | null, stride: number, padding: 'same' | 'valid'): tf.Tensor3D {
  return tf.tidy(() => {
    const [b, t, c] = x.shape;
    const [k, , f] = kernel.shape;
    const { outLen, padLeft, padRight } = conv1dGeometry(t, k, stride, padding);
    if (outLen <= 0) throw new Error(`conv1d: input length ${t} is shorter than kernel ${k}`);
    // Ensure every slice j .. j + outLen*stride fits.
    const need = (k - 1) + outLen * stride;
    const have = t + padLeft + padRight;
    const extra = Math.max(0, need - have);
    let xp: tf.Tensor3D = x;
    if (padLeft || padRight || extra) xp = tf.pad(x, [[0, 0], [padLeft, padRight + extra], [0, 0]]);
    const cols: tf.Tensor3D[] = [];
    for (let j = 0; j < k; j++) {
      if (stride === 1) {
        cols.push(tf.slice(xp, [0, j, 0], [b, outLen, c]));
      } else {
        const s = tf.slice(xp, [0, j, 0], [b, outLen * stride, c]).reshape([b, outLen, stride, c]);
        cols.push(tf.slice(s, [0, 0, 0, 0], [b, outLen, 1, c]).reshape([b, outLen, c]));
      }
    }
    const patches = (k === 1 ? cols[0] : tf.concat(cols, 2)).reshape([b * outLen, k * c]);
    let y = tf.matMul(patches, kernel.reshape([k * c, f]));
    if (bias) y = tf.add(y, bias);
    return y.reshape([b, outLen, f]) as tf.Tensor3D;
  });
}

export class Im2colConv1D extends tf.layers.Layer {
  static className = 'Im2colConv1D';
  readonly filters: number;
  readonly kernelSize: number;
  readonly strides: number;
  readonly padding: 'same' | 'valid';
  readonly activationName: ConvActivation;
  readonly seed: number | undefined;
  private readonly kernelRegularizer: KernelRegularizer | undefined;
  private kernel: LayerVariable | null = null;
  private bias: LayerVariable | null = null;

  constructor(args: Im2colConv1DArgs) {
    super({ name: args.name, inputShape: args.inputShape, batchInputShape: args.batchInputShape, trainable: args.trainable });
    this.filters = args.filters;
    this.kernelSize = args.kernelSize;
    this.strides = args.strides ?? 1;
    this.padding = args.padding ?? 'valid';
    this.activationName = args.activation ?? 'relu';
    this.seed = args.seed;
    this.kernelRegularizer = args.kernelRegularizer;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const inC = s[s.length - 1] as number;
    this.kernel = this.addWeight('kernel', [this.kernelSize, inC, this.filters], 'float32', tf.initializers.glorotUniform({ seed: this.seed }), this.kernelRegularizer);
    this.bias = this.addWeight('bias', [this.filters], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const len = s[1];
    const outLen = len == null ? null : conv1dGeometry(len, this.kernelSize, this.strides, this.padding).outLen;
    return [s[0], outLen, this.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
      const y = im2colConv1d(x, this.kernel!.read() as tf.Tensor3D, this.bias!.read() as tf.Tensor1D, this.strides, this.padding);
      if (this.activationName === 'relu') return tf.relu(y);
      if (this.activationName === 'relu6') return tf.relu6(y);
      return y;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernelSize: this.kernelSize,
      strides: this.strides,
      padding: this.padding,
      activation: this.activationName,
      seed: this.seed ?? null,
    };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(cls: tf.serialization.SerializableConstructor<T>, config: tf.serialization.ConfigDict): T {
    const c = config as unknown as Im2colConv1DArgs & { seed: number | null };
    return new cls({ ...c, seed: c.seed ?? undefined });
  }
}
tf.serialization.registerClass(Im2colConv1D);
