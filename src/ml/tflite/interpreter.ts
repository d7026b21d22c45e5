/**
 * A TFLite interpreter in TypeScript that runs int8 models with exactly the integer arithmetic of
 * TensorFlow Lite Micro's reference kernels, and float32 models with plain float kernels.
 * DOM-free core module.
 *
 * Every activation tensor gets its own typed array (no arena sharing), kernels are prepared once at
 * load (multipliers, paddings, index maps) and `invoke` allocates nothing per element.
 */
import { StudioError } from '../../core/errors.ts';
import { multiplyByQuantizedMultiplier, multiplyByQuantizedMultiplierSingleRounding, roundHalfAway, type Rounding } from './fixed-point.ts';
import { prepareAdd } from './kernels/add.ts';
import { flatSize, kernelError, type KernelContext, type Prepared, type RtTensor, type TensorData } from './kernels/common.ts';
import { prepareConv2d } from './kernels/conv-2d.ts';
import { prepareDepthwiseConv2d } from './kernels/depthwise-conv-2d.ts';
import { prepareDequantize } from './kernels/dequantize.ts';
import { prepareFullyConnected } from './kernels/fully-connected.ts';
import { prepareMean } from './kernels/mean.ts';
import { preparePool2d } from './kernels/pool-2d.ts';
import { prepareQuantize } from './kernels/quantize.ts';
import { prepareReshape } from './kernels/reshape.ts';
import { prepareSoftmax } from './kernels/softmax.ts';
import { readTflite } from './reader.ts';
import {
  BuiltinOperator,
  TensorType,
  bufferAsFloat32,
  bufferAsInt32,
  bufferAsInt8,
  builtinOperatorName,
  type TfliteModel,
  type TfliteTensor,
} from './schema.ts';

export interface TensorDetails {
  index: number;
  name: string;
  shape: number[];
  type: 'int8' | 'float32' | 'int32';
  scale: number;
  zeroPoint: number;
}

export interface InterpreterOptions {
  /**
   * 'double' (default): TFLite Micro's reference kernels, bit-exact with the board. 'single': the
   * single-rounding requantization that full TFLite's optimized kernels use (±1 LSB variant), for
   * comparing against a desktop/WASM TFLite runtime.
   */
  rounding?: Rounding;
}

/** Upper bound on all tensor elements together (a damaged shape must not allocate gigabytes). */
const MAX_ELEMENTS = 64 * 1024 * 1024;

const PREPARERS: Record<number, (ctx: KernelContext) => Prepared> = {
  [BuiltinOperator.CONV_2D]: prepareConv2d,
  [BuiltinOperator.DEPTHWISE_CONV_2D]: prepareDepthwiseConv2d,
  [BuiltinOperator.FULLY_CONNECTED]: prepareFullyConnected,
  [BuiltinOperator.AVERAGE_POOL_2D]: (c) => preparePool2d(c, 'avg'),
  [BuiltinOperator.MAX_POOL_2D]: (c) => preparePool2d(c, 'max'),
  [BuiltinOperator.MEAN]: prepareMean,
  [BuiltinOperator.SOFTMAX]: prepareSoftmax,
  [BuiltinOperator.RESHAPE]: prepareReshape,
  [BuiltinOperator.ADD]: prepareAdd,
  [BuiltinOperator.QUANTIZE]: prepareQuantize,
  [BuiltinOperator.DEQUANTIZE]: prepareDequantize,
};

function allocate(t: TfliteTensor, n: number): TensorData {
  switch (t.type) {
    case TensorType.INT8:
      return new Int8Array(n);
    case TensorType.FLOAT32:
      return new Float32Array(n);
    case TensorType.INT32:
      return new Int32Array(n);
    default:
      throw kernelError(t.name, `tensor type ${t.type} is not supported`);
  }
}

function constData(t: TfliteTensor, bytes: Uint8Array): TensorData {
  switch (t.type) {
    case TensorType.INT8:
      return bufferAsInt8(bytes);
    case TensorType.FLOAT32:
      return bufferAsFloat32(bytes);
    case TensorType.INT32:
      return bufferAsInt32(bytes);
    default:
      throw kernelError(t.name, `constant tensor type ${t.type} is not supported`);
  }
}

function typeName(t: number): TensorDetails['type'] {
  return t === TensorType.INT8 ? 'int8' : t === TensorType.INT32 ? 'int32' : 'float32';
}

export class Int8Interpreter {
  readonly model!: TfliteModel;
  readonly tensors!: RtTensor[];
  private readonly steps!: Prepared[];
  private readonly inputTensor!: RtTensor;
  private readonly outputTensor!: RtTensor;

  /** Parses and prepares `.tflite` bytes. */
  static load(bytes: Uint8Array, opts: InterpreterOptions = {}): Int8Interpreter {
    return new Int8Interpreter(readTflite(bytes), opts);
  }

  constructor(model: TfliteModel, opts: InterpreterOptions = {}) {
    try {
      this.model = model;
      [this.tensors, this.steps] = this.prepare(model, opts.rounding === 'single' ? multiplyByQuantizedMultiplierSingleRounding : multiplyByQuantizedMultiplier);
      const sg = model.subgraphs[0];
      this.inputTensor = this.tensors[sg.inputs[0]];
      this.outputTensor = this.tensors[sg.outputs[0]];
    } catch (e) {
      if (e instanceof StudioError) throw e;
      throw new StudioError({
        family: 'model',
        code: 'tflite-invalid',
        message: `The TFLite model cannot be prepared: ${e instanceof Error ? e.message : String(e)}.`,
        remedy: 'Export the model again from the studio.',
        cause: e,
      });
    }
  }

  private prepare(model: TfliteModel, mbqm: KernelContext['mbqm']): [RtTensor[], Prepared[]] {
    const sg = model.subgraphs[0];
    if (sg.inputs.length !== 1 || sg.outputs.length !== 1) {
      throw new StudioError({
        family: 'model',
        code: 'tflite-unsupported',
        message: `The model has ${sg.inputs.length} inputs and ${sg.outputs.length} outputs; the studio runs models with one of each.`,
        remedy: 'Use a model with a single input and a single output tensor.',
      });
    }
    let total = 0;
    const tensors: RtTensor[] = sg.tensors.map((t, index) => {
      const bytes = model.buffers[t.buffer];
      const isConst = t.buffer !== 0 && bytes.length > 0;
      if (t.shape.some((d) => d < 0)) throw kernelError(t.name, 'dynamic shapes are not supported');
      const n = flatSize(t.shape);
      total += n;
      if (!Number.isSafeInteger(n) || total > MAX_ELEMENTS) throw kernelError(t.name, 'the tensors are larger than the interpreter allows');
      const data = isConst ? constData(t, bytes) : allocate(t, n);
      if (data.length !== n) throw kernelError(t.name, `holds ${data.length} values for shape [${t.shape.join(', ')}]`);
      const q = t.quantization;
      return {
        index,
        name: t.name,
        shape: t.shape,
        type: t.type,
        data,
        scale: q?.scale[0] ?? 0,
        zeroPoint: q?.zeroPoint[0] ?? 0,
        scales: q?.scale ?? [],
        zeroPoints: q?.zeroPoint ?? [],
        quantizedDimension: q?.quantizedDimension ?? 0,
        isConst,
      };
    });
    const steps = sg.operators.map((op) => {
      const code = model.operatorCodes[op.opcodeIndex];
      const opName = builtinOperatorName(code.builtinCode);
      const prep = PREPARERS[code.builtinCode];
      const ctx: KernelContext = {
        op,
        opName,
        inputs: op.inputs.map((i) => (i < 0 ? null : tensors[i])),
        outputs: op.outputs.map((i) => tensors[i]),
        mbqm,
      };
      if (!prep || code.customCode !== undefined) throw kernelError(opName, 'this operator is not supported by the studio interpreter');
      if (ctx.outputs.length === 0) throw kernelError(opName, 'the operator has no output');
      return prep(ctx);
    });
    return [tensors, steps];
  }

  private details(t: RtTensor): TensorDetails {
    return { index: t.index, name: t.name, shape: [...t.shape], type: typeName(t.type), scale: t.scale, zeroPoint: t.zeroPoint };
  }

  get input(): TensorDetails {
    return this.details(this.inputTensor);
  }

  get output(): TensorDetails {
    return this.details(this.outputTensor);
  }

  private run(): void {
    for (const step of this.steps) step();
  }

  private checkLength(n: number): void {
    if (n !== this.inputTensor.data.length) {
      throw new StudioError({
        family: 'model',
        code: 'input-size',
        message: `The model expects ${this.inputTensor.data.length} input values, got ${n}.`,
        remedy: 'Check that the DSP settings match the ones the model was trained with.',
      });
    }
  }

  /** Runs an int8 model on raw int8 input; returns a copy of the raw int8 output. */
  invoke(input: Int8Array): Int8Array {
    if (this.inputTensor.type !== TensorType.INT8 || this.outputTensor.type !== TensorType.INT8) {
      throw new StudioError({
        family: 'model',
        code: 'tflite-type',
        message: 'This model does not have int8 input and output tensors.',
        remedy: 'Use invokeFloat for float models.',
      });
    }
    this.checkLength(input.length);
    (this.inputTensor.data as Int8Array).set(input);
    this.run();
    return (this.outputTensor.data as Int8Array).slice();
  }

  /**
   * Runs on float input: quantizes it first when the input tensor is int8 (with the tensor's scale
   * and zero point) and dequantizes an int8 output.
   */
  invokeFloat(input: Float32Array | number[]): Float32Array {
    this.checkLength(input.length);
    const t = this.inputTensor;
    if (t.type === TensorType.INT8) {
      const d = t.data as Int8Array;
      const s = Math.fround(t.scale);
      for (let i = 0; i < d.length; i++) {
        const v = roundHalfAway(Math.fround(input[i] / s)) + t.zeroPoint;
        d[i] = v < -128 ? -128 : v > 127 ? 127 : v;
      }
    } else (t.data as Float32Array).set(input);
    this.run();
    const o = this.outputTensor;
    if (o.type === TensorType.INT8) {
      const out = new Float32Array(o.data.length);
      for (let i = 0; i < out.length; i++) out[i] = o.scale * (o.data[i] - o.zeroPoint);
      return out;
    }
    return Float32Array.from(o.data as Float32Array);
  }
}
