/**
 * The subset of the TFLite flatbuffer schema (schema version 3) that the studio reads and writes,
 * as enums, field slots and a plain-object model. DOM-free core module.
 *
 * Field slots are the declaration order of each table's fields in the public TFLite schema; a union
 * field takes two slots (its `_type` byte, then the value). The vtable offset of slot s is 4 + 2·s.
 */

/** TFLite `TensorType` values we handle. */
export const TensorType = {
  FLOAT32: 0,
  FLOAT16: 1,
  INT32: 2,
  UINT8: 3,
  INT64: 4,
  STRING: 5,
  BOOL: 6,
  INT16: 7,
  INT8: 9,
} as const;
export type TensorTypeId = number;

export function tensorTypeName(t: number): string {
  for (const [k, v] of Object.entries(TensorType)) if (v === t) return k.toLowerCase();
  return `type${t}`;
}

/** Bytes per element of a tensor type (0 when not fixed-size). */
export function tensorTypeSize(t: number): number {
  switch (t) {
    case TensorType.FLOAT32:
    case TensorType.INT32:
      return 4;
    case TensorType.INT64:
      return 8;
    case TensorType.FLOAT16:
    case TensorType.INT16:
      return 2;
    case TensorType.INT8:
    case TensorType.UINT8:
    case TensorType.BOOL:
      return 1;
    default:
      return 0;
  }
}

/** TFLite `BuiltinOperator` codes we handle. */
export const BuiltinOperator = {
  ADD: 0,
  AVERAGE_POOL_2D: 1,
  CONV_2D: 3,
  DEPTHWISE_CONV_2D: 4,
  DEQUANTIZE: 6,
  FULLY_CONNECTED: 9,
  MAX_POOL_2D: 17,
  RESHAPE: 22,
  SOFTMAX: 25,
  MEAN: 40,
  QUANTIZE: 114,
} as const;

/** `deprecated_builtin_code` is a byte: codes above this go in `builtin_code` only. */
export const PLACEHOLDER_FOR_GREATER_OP_CODES = 127;

export function builtinOperatorName(code: number): string {
  for (const [k, v] of Object.entries(BuiltinOperator)) if (v === code) return k;
  return `OP_${code}`;
}

/** `BuiltinOptions` union type ids. */
export const BuiltinOptionsType = {
  NONE: 0,
  Conv2DOptions: 1,
  DepthwiseConv2DOptions: 2,
  Pool2DOptions: 5,
  FullyConnectedOptions: 8,
  SoftmaxOptions: 9,
  AddOptions: 11,
  ReshapeOptions: 17,
  ReducerOptions: 27,
  DequantizeOptions: 38,
  QuantizeOptions: 89,
} as const;

export const Padding = { SAME: 0, VALID: 1 } as const;

export const ActivationFunctionType = { NONE: 0, RELU: 1, RELU_N1_TO_1: 2, RELU6: 3, TANH: 4, SIGN_BIT: 5 } as const;

/** Field slots per table. */
export const ModelField = {
  version: 0,
  operator_codes: 1,
  subgraphs: 2,
  description: 3,
  buffers: 4,
  metadata_buffer: 5,
  metadata: 6,
  signature_defs: 7,
} as const;
export const SubGraphField = { tensors: 0, inputs: 1, outputs: 2, operators: 3, name: 4 } as const;
export const TensorField = {
  shape: 0,
  type: 1,
  buffer: 2,
  name: 3,
  quantization: 4,
  is_variable: 5,
  sparsity: 6,
  shape_signature: 7,
  has_rank: 8,
} as const;
export const QuantizationField = {
  min: 0,
  max: 1,
  scale: 2,
  zero_point: 3,
  details_type: 4,
  details: 5,
  quantized_dimension: 6,
} as const;
export const BufferField = { data: 0, offset: 1, size: 2 } as const;
export const OperatorField = {
  opcode_index: 0,
  inputs: 1,
  outputs: 2,
  builtin_options_type: 3,
  builtin_options: 4,
  custom_options: 5,
  custom_options_format: 6,
  mutating_variable_inputs: 7,
  intermediates: 8,
} as const;
export const OperatorCodeField = { deprecated_builtin_code: 0, custom_code: 1, version: 2, builtin_code: 3 } as const;
export const MetadataField = { name: 0, buffer: 1 } as const;
export const SignatureDefField = { inputs: 0, outputs: 1, signature_key: 2, subgraph_index: 4 } as const;
export const TensorMapField = { name: 0, tensor_index: 1 } as const;

export const Conv2DOptionsField = {
  padding: 0,
  stride_w: 1,
  stride_h: 2,
  fused_activation_function: 3,
  dilation_w_factor: 4,
  dilation_h_factor: 5,
} as const;
export const DepthwiseConv2DOptionsField = {
  padding: 0,
  stride_w: 1,
  stride_h: 2,
  depth_multiplier: 3,
  fused_activation_function: 4,
  dilation_w_factor: 5,
  dilation_h_factor: 6,
} as const;
export const Pool2DOptionsField = {
  padding: 0,
  stride_w: 1,
  stride_h: 2,
  filter_width: 3,
  filter_height: 4,
  fused_activation_function: 5,
} as const;
export const FullyConnectedOptionsField = {
  fused_activation_function: 0,
  weights_format: 1,
  keep_num_dims: 2,
  asymmetric_quantize_inputs: 3,
} as const;
export const SoftmaxOptionsField = { beta: 0 } as const;
export const AddOptionsField = { fused_activation_function: 0, pot_scale_int16: 1 } as const;
export const ReshapeOptionsField = { new_shape: 0 } as const;
export const ReducerOptionsField = { keep_dims: 0 } as const;

// ---- The plain-object model ----

export interface TfliteQuantization {
  scale: number[];
  zeroPoint: number[];
  quantizedDimension: number;
  min?: number[];
  max?: number[];
}

export interface TfliteTensor {
  name: string;
  shape: number[];
  type: TensorTypeId;
  /** Index into `TfliteModel.buffers`; 0 = no data (activation). */
  buffer: number;
  quantization?: TfliteQuantization;
  isVariable?: boolean;
  shapeSignature?: number[];
}

export type TfliteOptions =
  | { type: typeof BuiltinOptionsType.NONE }
  | {
      type: typeof BuiltinOptionsType.Conv2DOptions;
      padding: number;
      strideW: number;
      strideH: number;
      activation: number;
      dilationW: number;
      dilationH: number;
    }
  | {
      type: typeof BuiltinOptionsType.DepthwiseConv2DOptions;
      padding: number;
      strideW: number;
      strideH: number;
      depthMultiplier: number;
      activation: number;
      dilationW: number;
      dilationH: number;
    }
  | {
      type: typeof BuiltinOptionsType.Pool2DOptions;
      padding: number;
      strideW: number;
      strideH: number;
      filterW: number;
      filterH: number;
      activation: number;
    }
  | {
      type: typeof BuiltinOptionsType.FullyConnectedOptions;
      activation: number;
      weightsFormat: number;
      keepNumDims: boolean;
      asymmetricQuantizeInputs: boolean;
    }
  | { type: typeof BuiltinOptionsType.SoftmaxOptions; beta: number }
  | { type: typeof BuiltinOptionsType.AddOptions; activation: number; potScaleInt16: boolean }
  | { type: typeof BuiltinOptionsType.ReshapeOptions; newShape: number[] | null }
  | { type: typeof BuiltinOptionsType.ReducerOptions; keepDims: boolean }
  | { type: typeof BuiltinOptionsType.QuantizeOptions }
  | { type: typeof BuiltinOptionsType.DequantizeOptions }
  /** An options table this reader does not decode; kept by type id only. */
  | { type: -1; rawType: number };

export interface TfliteOperator {
  opcodeIndex: number;
  inputs: number[];
  outputs: number[];
  options: TfliteOptions;
}

export interface TfliteOperatorCode {
  /** The effective builtin code (max of builtin_code and deprecated_builtin_code, as TFLite reads it). */
  builtinCode: number;
  /** The stored byte field (≤ 127). */
  deprecatedBuiltinCode: number;
  version: number;
  customCode?: string;
}

export interface TfliteSubgraph {
  tensors: TfliteTensor[];
  inputs: number[];
  outputs: number[];
  operators: TfliteOperator[];
  name: string;
}

export interface TfliteMetadata {
  name: string;
  buffer: number;
}

export interface TfliteSignatureDef {
  key: string;
  subgraphIndex: number;
  inputs: { name: string; tensorIndex: number }[];
  outputs: { name: string; tensorIndex: number }[];
}

export interface TfliteModel {
  version: number;
  description: string;
  operatorCodes: TfliteOperatorCode[];
  subgraphs: TfliteSubgraph[];
  /** Buffer contents; buffer 0 is the empty sentinel. */
  buffers: Uint8Array[];
  metadata: TfliteMetadata[];
  signatureDefs: TfliteSignatureDef[];
}

/** Reads a little-endian typed view of a buffer (copies, so alignment never matters). */
export function bufferAsInt8(b: Uint8Array): Int8Array {
  return new Int8Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}
export function bufferAsInt32(b: Uint8Array): Int32Array {
  const n = Math.floor(b.byteLength / 4);
  const out = new Int32Array(n);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < n; i++) out[i] = dv.getInt32(i * 4, true);
  return out;
}
export function bufferAsFloat32(b: Uint8Array): Float32Array {
  const n = Math.floor(b.byteLength / 4);
  const out = new Float32Array(n);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < n; i++) out[i] = dv.getFloat32(i * 4, true);
  return out;
}
export function int32ToBytes(v: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(v.length * 4);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < v.length; i++) dv.setInt32(i * 4, v[i], true);
  return out;
}
export function float32ToBytes(v: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(v.length * 4);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < v.length; i++) dv.setFloat32(i * 4, v[i], true);
  return out;
}
export function int8ToBytes(v: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i] & 0xff;
  return out;
}
