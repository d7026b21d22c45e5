/**
 * Writes a plain `TfliteModel` as a `.tflite` flatbuffer (schema version 3, identifier "TFL3") with
 * the `flatbuffers` builder. DOM-free core module.
 *
 * Buffer data vectors are 16-byte aligned in the file (as the schema's force_align asks), operator
 * codes carry both the byte `deprecated_builtin_code` (127 placeholder above 127) and the int
 * `builtin_code`, and the output is parsed back before it is returned.
 */
import { Builder } from 'flatbuffers';
import { StudioError } from '../../core/errors.ts';
import { readTflite } from './reader.ts';
import {
  AddOptionsField,
  BufferField,
  BuiltinOptionsType,
  Conv2DOptionsField,
  DepthwiseConv2DOptionsField,
  FullyConnectedOptionsField,
  MetadataField,
  ModelField,
  OperatorCodeField,
  OperatorField,
  PLACEHOLDER_FOR_GREATER_OP_CODES,
  Pool2DOptionsField,
  QuantizationField,
  ReducerOptionsField,
  ReshapeOptionsField,
  SignatureDefField,
  SoftmaxOptionsField,
  SubGraphField,
  TensorField,
  TensorMapField,
  type TfliteModel,
  type TfliteOptions,
  type TfliteQuantization,
  type TfliteTensor,
} from './schema.ts';

type Offset = number;

function intVector(b: Builder, v: number[]): Offset {
  b.startVector(4, v.length, 4);
  for (let i = v.length - 1; i >= 0; i--) b.addInt32(v[i]);
  return b.endVector();
}

function floatVector(b: Builder, v: number[]): Offset {
  b.startVector(4, v.length, 4);
  for (let i = v.length - 1; i >= 0; i--) b.addFloat32(v[i]);
  return b.endVector();
}

function longVector(b: Builder, v: number[]): Offset {
  b.startVector(8, v.length, 8);
  for (let i = v.length - 1; i >= 0; i--) b.addInt64(BigInt(v[i]));
  return b.endVector();
}

function offsetVector(b: Builder, v: Offset[]): Offset {
  b.startVector(4, v.length, 4);
  for (let i = v.length - 1; i >= 0; i--) b.addOffset(v[i]);
  return b.endVector();
}

/** A ubyte vector whose first byte lands on a 16-byte boundary of the finished file. */
function alignedBytes(b: Builder, data: Uint8Array): Offset {
  b.startVector(1, data.length, 16);
  for (let i = data.length - 1; i >= 0; i--) b.writeInt8(data[i] << 24 >> 24);
  return b.endVector();
}

function writeQuant(b: Builder, q: TfliteQuantization): Offset {
  const min = q.min?.length ? floatVector(b, q.min) : 0;
  const max = q.max?.length ? floatVector(b, q.max) : 0;
  const scale = floatVector(b, q.scale);
  const zp = longVector(b, q.zeroPoint);
  b.startObject(7);
  if (min) b.addFieldOffset(QuantizationField.min, min, 0);
  if (max) b.addFieldOffset(QuantizationField.max, max, 0);
  b.addFieldOffset(QuantizationField.scale, scale, 0);
  b.addFieldOffset(QuantizationField.zero_point, zp, 0);
  b.addFieldInt32(QuantizationField.quantized_dimension, q.quantizedDimension, 0);
  return b.endObject();
}

function writeTensor(b: Builder, t: TfliteTensor): Offset {
  const shape = intVector(b, t.shape);
  const name = b.createString(t.name);
  const quant = t.quantization ? writeQuant(b, t.quantization) : 0;
  const sig = t.shapeSignature ? intVector(b, t.shapeSignature) : 0;
  b.startObject(9);
  b.addFieldOffset(TensorField.shape, shape, 0);
  b.addFieldInt8(TensorField.type, t.type, 0);
  b.addFieldInt32(TensorField.buffer, t.buffer, 0);
  b.addFieldOffset(TensorField.name, name, 0);
  if (quant) b.addFieldOffset(TensorField.quantization, quant, 0);
  if (t.isVariable) b.addFieldInt8(TensorField.is_variable, 1, 0);
  if (sig) b.addFieldOffset(TensorField.shape_signature, sig, 0);
  return b.endObject();
}

function writeOptions(b: Builder, o: TfliteOptions): Offset {
  switch (o.type) {
    case BuiltinOptionsType.NONE:
    case -1:
      return 0;
    case BuiltinOptionsType.Conv2DOptions: {
      const f = Conv2DOptionsField;
      b.startObject(7);
      b.addFieldInt8(f.padding, o.padding, 0);
      b.addFieldInt32(f.stride_w, o.strideW, 0);
      b.addFieldInt32(f.stride_h, o.strideH, 0);
      b.addFieldInt8(f.fused_activation_function, o.activation, 0);
      b.addFieldInt32(f.dilation_w_factor, o.dilationW, 1);
      b.addFieldInt32(f.dilation_h_factor, o.dilationH, 1);
      return b.endObject();
    }
    case BuiltinOptionsType.DepthwiseConv2DOptions: {
      const f = DepthwiseConv2DOptionsField;
      b.startObject(7);
      b.addFieldInt8(f.padding, o.padding, 0);
      b.addFieldInt32(f.stride_w, o.strideW, 0);
      b.addFieldInt32(f.stride_h, o.strideH, 0);
      b.addFieldInt32(f.depth_multiplier, o.depthMultiplier, 0);
      b.addFieldInt8(f.fused_activation_function, o.activation, 0);
      b.addFieldInt32(f.dilation_w_factor, o.dilationW, 1);
      b.addFieldInt32(f.dilation_h_factor, o.dilationH, 1);
      return b.endObject();
    }
    case BuiltinOptionsType.Pool2DOptions: {
      const f = Pool2DOptionsField;
      b.startObject(6);
      b.addFieldInt8(f.padding, o.padding, 0);
      b.addFieldInt32(f.stride_w, o.strideW, 0);
      b.addFieldInt32(f.stride_h, o.strideH, 0);
      b.addFieldInt32(f.filter_width, o.filterW, 0);
      b.addFieldInt32(f.filter_height, o.filterH, 0);
      b.addFieldInt8(f.fused_activation_function, o.activation, 0);
      return b.endObject();
    }
    case BuiltinOptionsType.FullyConnectedOptions: {
      const f = FullyConnectedOptionsField;
      b.startObject(5);
      b.addFieldInt8(f.fused_activation_function, o.activation, 0);
      b.addFieldInt8(f.weights_format, o.weightsFormat, 0);
      b.addFieldInt8(f.keep_num_dims, o.keepNumDims ? 1 : 0, 0);
      b.addFieldInt8(f.asymmetric_quantize_inputs, o.asymmetricQuantizeInputs ? 1 : 0, 0);
      return b.endObject();
    }
    case BuiltinOptionsType.SoftmaxOptions:
      b.startObject(1);
      b.addFieldFloat32(SoftmaxOptionsField.beta, o.beta, 0);
      return b.endObject();
    case BuiltinOptionsType.AddOptions:
      b.startObject(2);
      b.addFieldInt8(AddOptionsField.fused_activation_function, o.activation, 0);
      b.addFieldInt8(AddOptionsField.pot_scale_int16, o.potScaleInt16 ? 1 : 0, 1);
      return b.endObject();
    case BuiltinOptionsType.ReshapeOptions: {
      const shape = o.newShape ? intVector(b, o.newShape) : 0;
      b.startObject(1);
      if (shape) b.addFieldOffset(ReshapeOptionsField.new_shape, shape, 0);
      return b.endObject();
    }
    case BuiltinOptionsType.ReducerOptions:
      b.startObject(1);
      b.addFieldInt8(ReducerOptionsField.keep_dims, o.keepDims ? 1 : 0, 0);
      return b.endObject();
    case BuiltinOptionsType.QuantizeOptions:
    case BuiltinOptionsType.DequantizeOptions:
      b.startObject(0);
      return b.endObject();
  }
}

/** Serialises a model. Throws StudioError `model/tflite-write` when it does not parse back. */
export function writeTflite(model: TfliteModel): Uint8Array {
  const b = new Builder(1024 + model.buffers.reduce((s, x) => s + x.length + 32, 0));

  // Buffers first: they are the bulk, and writing them early keeps offsets small.
  const bufferOffsets = model.buffers.map((data) => {
    const vec = data.length ? alignedBytes(b, data) : 0;
    b.startObject(3);
    if (vec) b.addFieldOffset(BufferField.data, vec, 0);
    return b.endObject();
  });
  const buffers = offsetVector(b, bufferOffsets);

  const opCodes = offsetVector(
    b,
    model.operatorCodes.map((c) => {
      const custom = c.customCode !== undefined ? b.createString(c.customCode) : 0;
      b.startObject(4);
      b.addFieldInt8(OperatorCodeField.deprecated_builtin_code, Math.min(c.builtinCode, PLACEHOLDER_FOR_GREATER_OP_CODES), 0);
      if (custom) b.addFieldOffset(OperatorCodeField.custom_code, custom, 0);
      b.addFieldInt32(OperatorCodeField.version, c.version, 1);
      b.addFieldInt32(OperatorCodeField.builtin_code, c.builtinCode, 0);
      return b.endObject();
    }),
  );

  const subgraphs = offsetVector(
    b,
    model.subgraphs.map((sg) => {
      const tensors = offsetVector(b, sg.tensors.map((t) => writeTensor(b, t)));
      const inputs = intVector(b, sg.inputs);
      const outputs = intVector(b, sg.outputs);
      const operators = offsetVector(
        b,
        sg.operators.map((op) => {
          const ins = intVector(b, op.inputs);
          const outs = intVector(b, op.outputs);
          const opts = writeOptions(b, op.options);
          b.startObject(9);
          b.addFieldInt32(OperatorField.opcode_index, op.opcodeIndex, 0);
          b.addFieldOffset(OperatorField.inputs, ins, 0);
          b.addFieldOffset(OperatorField.outputs, outs, 0);
          if (opts && op.options.type > 0) {
            b.addFieldInt8(OperatorField.builtin_options_type, op.options.type, 0);
            b.addFieldOffset(OperatorField.builtin_options, opts, 0);
          }
          return b.endObject();
        }),
      );
      const name = sg.name ? b.createString(sg.name) : 0;
      b.startObject(5);
      b.addFieldOffset(SubGraphField.tensors, tensors, 0);
      b.addFieldOffset(SubGraphField.inputs, inputs, 0);
      b.addFieldOffset(SubGraphField.outputs, outputs, 0);
      b.addFieldOffset(SubGraphField.operators, operators, 0);
      if (name) b.addFieldOffset(SubGraphField.name, name, 0);
      return b.endObject();
    }),
  );

  const description = b.createString(model.description);
  const metadata = offsetVector(
    b,
    model.metadata.map((m) => {
      const name = b.createString(m.name);
      b.startObject(2);
      b.addFieldOffset(MetadataField.name, name, 0);
      b.addFieldInt32(MetadataField.buffer, m.buffer, 0);
      return b.endObject();
    }),
  );
  const signatures = offsetVector(
    b,
    model.signatureDefs.map((s) => {
      const maps = (list: { name: string; tensorIndex: number }[]) =>
        offsetVector(
          b,
          list.map((m) => {
            const name = b.createString(m.name);
            b.startObject(2);
            b.addFieldOffset(TensorMapField.name, name, 0);
            b.addFieldInt32(TensorMapField.tensor_index, m.tensorIndex, 0);
            return b.endObject();
          }),
        );
      const ins = maps(s.inputs);
      const outs = maps(s.outputs);
      const key = b.createString(s.key);
      b.startObject(5);
      b.addFieldOffset(SignatureDefField.inputs, ins, 0);
      b.addFieldOffset(SignatureDefField.outputs, outs, 0);
      b.addFieldOffset(SignatureDefField.signature_key, key, 0);
      b.addFieldInt32(SignatureDefField.subgraph_index, s.subgraphIndex, 0);
      return b.endObject();
    }),
  );

  b.startObject(8);
  b.addFieldInt32(ModelField.version, model.version, 0);
  b.addFieldOffset(ModelField.operator_codes, opCodes, 0);
  b.addFieldOffset(ModelField.subgraphs, subgraphs, 0);
  b.addFieldOffset(ModelField.description, description, 0);
  b.addFieldOffset(ModelField.buffers, buffers, 0);
  if (model.metadata.length) b.addFieldOffset(ModelField.metadata, metadata, 0);
  if (model.signatureDefs.length) b.addFieldOffset(ModelField.signature_defs, signatures, 0);
  const root = b.endObject();
  b.finish(root, 'TFL3');
  const bytes = b.asUint8Array().slice();

  try {
    readTflite(bytes);
  } catch (e) {
    throw new StudioError({
      family: 'model',
      code: 'tflite-write',
      message: 'The TFLite model written did not parse back.',
      remedy: 'This is a bug in the model writer; please report it with the model.',
      cause: e,
    });
  }
  return bytes;
}

/** The `min_runtime_version` metadata payload: the version string NUL-padded to 16 bytes. */
export function runtimeVersionBytes(version: string): Uint8Array {
  const out = new Uint8Array(16);
  out.set(new TextEncoder().encode(version).subarray(0, 15));
  return out;
}
