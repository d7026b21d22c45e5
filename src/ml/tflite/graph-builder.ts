/**
 * Builds a one-subgraph `TfliteModel` step by step (tensors, constant buffers, operators with their
 * op versions) the way the TFLite converter lays it out: buffer 0 is the empty sentinel, every
 * activation tensor points at its own empty buffer, and `min_runtime_version` metadata is derived
 * from the op versions. DOM-free core module.
 */
import { runtimeVersionBytes } from './writer.ts';
import {
  BuiltinOperator,
  TensorType,
  type TfliteModel,
  type TfliteOperatorCode,
  type TfliteOptions,
  type TfliteQuantization,
  type TfliteTensor,
} from './schema.ts';

/** Minimum TFLite runtime per (op, version), from the public TFLite runtime-version table. */
const RUNTIME_VERSION: Record<string, string> = {
  [`${BuiltinOperator.ADD}/1`]: '1.5.0',
  [`${BuiltinOperator.ADD}/2`]: '1.14.0',
  [`${BuiltinOperator.AVERAGE_POOL_2D}/1`]: '1.5.0',
  [`${BuiltinOperator.AVERAGE_POOL_2D}/2`]: '1.14.0',
  [`${BuiltinOperator.MAX_POOL_2D}/1`]: '1.5.0',
  [`${BuiltinOperator.MAX_POOL_2D}/2`]: '1.14.0',
  [`${BuiltinOperator.CONV_2D}/1`]: '1.5.0',
  [`${BuiltinOperator.CONV_2D}/3`]: '1.14.0',
  [`${BuiltinOperator.DEPTHWISE_CONV_2D}/1`]: '1.5.0',
  [`${BuiltinOperator.DEPTHWISE_CONV_2D}/3`]: '1.14.0',
  [`${BuiltinOperator.FULLY_CONNECTED}/1`]: '1.5.0',
  [`${BuiltinOperator.FULLY_CONNECTED}/4`]: '1.14.0',
  [`${BuiltinOperator.RESHAPE}/1`]: '1.5.0',
  [`${BuiltinOperator.SOFTMAX}/1`]: '1.5.0',
  [`${BuiltinOperator.SOFTMAX}/2`]: '1.14.0',
  [`${BuiltinOperator.MEAN}/1`]: '1.6.0',
  [`${BuiltinOperator.MEAN}/2`]: '1.14.0',
  [`${BuiltinOperator.QUANTIZE}/1`]: '1.14.0',
  [`${BuiltinOperator.DEQUANTIZE}/1`]: '1.13.1',
  [`${BuiltinOperator.DEQUANTIZE}/2`]: '1.14.0',
};

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number), pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return d;
  }
  return 0;
}

/** The op version the TFLite converter assigns for our ops: int8 kernels carry higher versions. */
export function opVersion(code: number, int8: boolean): number {
  if (!int8) return 1;
  switch (code) {
    case BuiltinOperator.FULLY_CONNECTED:
      return 4;
    case BuiltinOperator.CONV_2D:
    case BuiltinOperator.DEPTHWISE_CONV_2D:
      return 3;
    case BuiltinOperator.AVERAGE_POOL_2D:
    case BuiltinOperator.MAX_POOL_2D:
    case BuiltinOperator.SOFTMAX:
    case BuiltinOperator.MEAN:
    case BuiltinOperator.ADD:
    case BuiltinOperator.DEQUANTIZE:
      return 2;
    default:
      return 1;
  }
}

export class GraphBuilder {
  private tensors: TfliteTensor[] = [];
  private buffers: Uint8Array[] = [new Uint8Array(0)];
  private codes: TfliteOperatorCode[] = [];
  private ops: TfliteModel['subgraphs'][number]['operators'] = [];

  /** An activation tensor (empty buffer of its own, as the MLIR converter writes). */
  tensor(name: string, shape: number[], type: number, quantization?: TfliteQuantization): number {
    this.buffers.push(new Uint8Array(0));
    const t: TfliteTensor = { name, shape, type, buffer: this.buffers.length - 1 };
    if (quantization) t.quantization = quantization;
    this.tensors.push(t);
    return this.tensors.length - 1;
  }

  /** A constant tensor with its data. */
  constant(name: string, shape: number[], type: number, data: Uint8Array, quantization?: TfliteQuantization): number {
    this.buffers.push(data);
    const t: TfliteTensor = { name, shape, type, buffer: this.buffers.length - 1 };
    if (quantization) t.quantization = quantization;
    this.tensors.push(t);
    return this.tensors.length - 1;
  }

  op(code: number, inputs: number[], outputs: number[], options: TfliteOptions, version?: number): void {
    const int8 = inputs.length > 0 && this.tensors[inputs[0]].type === TensorType.INT8;
    const v = version ?? opVersion(code, int8 || (code === BuiltinOperator.QUANTIZE));
    let idx = this.codes.findIndex((c) => c.builtinCode === code && c.version === v);
    if (idx < 0) {
      this.codes.push({ builtinCode: code, deprecatedBuiltinCode: Math.min(code, 127), version: v });
      idx = this.codes.length - 1;
    }
    this.ops.push({ opcodeIndex: idx, inputs, outputs, options });
  }

  shapeOf(t: number): number[] {
    return this.tensors[t].shape;
  }

  finish(opts: { inputs: number[]; outputs: number[]; description: string; inputNames?: string[]; outputNames?: string[] }): TfliteModel {
    let minRuntime = '1.5.0';
    for (const c of this.codes) {
      const v = RUNTIME_VERSION[`${c.builtinCode}/${c.version}`];
      if (v && compareVersions(v, minRuntime) > 0) minRuntime = v;
    }
    const buffers = [...this.buffers, runtimeVersionBytes(minRuntime)];
    return {
      version: 3,
      description: opts.description,
      operatorCodes: this.codes.map((c) => ({ ...c })),
      subgraphs: [
        {
          tensors: this.tensors.map((t) => ({ ...t })),
          inputs: opts.inputs,
          outputs: opts.outputs,
          operators: this.ops,
          name: 'main',
        },
      ],
      buffers,
      metadata: [{ name: 'min_runtime_version', buffer: buffers.length - 1 }],
      signatureDefs: [
        {
          key: 'serving_default',
          subgraphIndex: 0,
          inputs: opts.inputs.map((t, i) => ({ name: opts.inputNames?.[i] ?? `input_${i}`, tensorIndex: t })),
          outputs: opts.outputs.map((t, i) => ({ name: opts.outputNames?.[i] ?? `output_${i}`, tensorIndex: t })),
        },
      ],
    };
  }
}
