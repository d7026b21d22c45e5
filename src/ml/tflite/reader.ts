/**
 * Reads a `.tflite` flatbuffer into a plain `TfliteModel`, checking every offset against the byte
 * length so garbage gives a clear StudioError instead of a crash. DOM-free core module.
 */
import { ByteBuffer } from 'flatbuffers';
import { StudioError } from '../../core/errors.ts';
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
  type TfliteOperator,
  type TfliteOperatorCode,
  type TfliteOptions,
  type TfliteQuantization,
  type TfliteSignatureDef,
  type TfliteSubgraph,
  type TfliteTensor,
} from './schema.ts';

class Bad extends Error {}

/** A bounds-checked view of one flatbuffer table. */
class Table {
  constructor(
    readonly bb: ByteBuffer,
    readonly pos: number,
  ) {}

  private check(at: number, len: number): void {
    if (at < 0 || len < 0 || at + len > this.bb.capacity()) throw new Bad(`offset ${at}+${len} out of range`);
  }

  /** Absolute position of the field's value, or 0 when absent. */
  field(slot: number): number {
    const bb = this.bb;
    this.check(this.pos, 4);
    const vtable = this.pos - bb.readInt32(this.pos);
    this.check(vtable, 4);
    const vtSize = bb.readUint16(vtable);
    const vo = 4 + 2 * slot;
    if (vo >= vtSize) return 0;
    this.check(vtable + vo, 2);
    const off = bb.readUint16(vtable + vo);
    return off ? this.pos + off : 0;
  }

  int(slot: number, def: number, size: 1 | 2 | 4, signed = true): number {
    const p = this.field(slot);
    if (!p) return def;
    this.check(p, size);
    if (size === 1) return signed ? this.bb.readInt8(p) : this.bb.readUint8(p);
    if (size === 2) return signed ? this.bb.readInt16(p) : this.bb.readUint16(p);
    return signed ? this.bb.readInt32(p) : this.bb.readUint32(p);
  }

  bool(slot: number, def: boolean): boolean {
    return this.int(slot, def ? 1 : 0, 1) !== 0;
  }

  float(slot: number, def: number): number {
    const p = this.field(slot);
    if (!p) return def;
    this.check(p, 4);
    return this.bb.readFloat32(p);
  }

  private deref(p: number): number {
    this.check(p, 4);
    const t = p + this.bb.readUint32(p);
    this.check(t, 4);
    return t;
  }

  table(slot: number): Table | null {
    const p = this.field(slot);
    return p ? new Table(this.bb, this.deref(p)) : null;
  }

  /** [start, length] of a vector field, or null. */
  vector(slot: number, elemSize: number): [number, number] | null {
    const p = this.field(slot);
    if (!p) return null;
    const v = this.deref(p);
    const len = this.bb.readUint32(v);
    this.check(v + 4, len * elemSize);
    return [v + 4, len];
  }

  string(slot: number): string | null {
    const v = this.vector(slot, 1);
    if (!v) return null;
    return new TextDecoder().decode(this.bb.bytes().subarray(v[0], v[0] + v[1]));
  }

  ints(slot: number): number[] | null {
    const v = this.vector(slot, 4);
    if (!v) return null;
    const out: number[] = [];
    for (let i = 0; i < v[1]; i++) out.push(this.bb.readInt32(v[0] + 4 * i));
    return out;
  }

  floats(slot: number): number[] | null {
    const v = this.vector(slot, 4);
    if (!v) return null;
    const out: number[] = [];
    for (let i = 0; i < v[1]; i++) out.push(this.bb.readFloat32(v[0] + 4 * i));
    return out;
  }

  longs(slot: number): number[] | null {
    const v = this.vector(slot, 8);
    if (!v) return null;
    const out: number[] = [];
    for (let i = 0; i < v[1]; i++) out.push(Number(this.bb.readInt64(v[0] + 8 * i)));
    return out;
  }

  bytes(slot: number): Uint8Array | null {
    const v = this.vector(slot, 1);
    if (!v) return null;
    return this.bb.bytes().slice(v[0], v[0] + v[1]);
  }

  tables(slot: number): Table[] {
    const v = this.vector(slot, 4);
    if (!v) return [];
    const out: Table[] = [];
    for (let i = 0; i < v[1]; i++) out.push(new Table(this.bb, this.deref(v[0] + 4 * i)));
    return out;
  }
}

function readQuant(t: Table | null): TfliteQuantization | undefined {
  if (!t) return undefined;
  const scale = t.floats(QuantizationField.scale) ?? [];
  const zeroPoint = t.longs(QuantizationField.zero_point) ?? [];
  if (scale.length === 0 && zeroPoint.length === 0) return undefined;
  const q: TfliteQuantization = {
    scale,
    zeroPoint,
    quantizedDimension: t.int(QuantizationField.quantized_dimension, 0, 4),
  };
  const min = t.floats(QuantizationField.min);
  const max = t.floats(QuantizationField.max);
  if (min && min.length) q.min = min;
  if (max && max.length) q.max = max;
  return q;
}

function readTensor(t: Table): TfliteTensor {
  const tensor: TfliteTensor = {
    name: t.string(TensorField.name) ?? '',
    shape: t.ints(TensorField.shape) ?? [],
    type: t.int(TensorField.type, 0, 1),
    buffer: t.int(TensorField.buffer, 0, 4, false),
  };
  const q = readQuant(t.table(TensorField.quantization));
  if (q) tensor.quantization = q;
  if (t.bool(TensorField.is_variable, false)) tensor.isVariable = true;
  const sig = t.ints(TensorField.shape_signature);
  if (sig) tensor.shapeSignature = sig;
  return tensor;
}

function readOptions(type: number, t: Table | null): TfliteOptions {
  const o = t;
  switch (type) {
    case BuiltinOptionsType.NONE:
      return { type: 0 };
    case BuiltinOptionsType.Conv2DOptions: {
      const f = Conv2DOptionsField;
      return {
        type,
        padding: o?.int(f.padding, 0, 1) ?? 0,
        strideW: o?.int(f.stride_w, 0, 4) ?? 0,
        strideH: o?.int(f.stride_h, 0, 4) ?? 0,
        activation: o?.int(f.fused_activation_function, 0, 1) ?? 0,
        dilationW: o?.int(f.dilation_w_factor, 1, 4) ?? 1,
        dilationH: o?.int(f.dilation_h_factor, 1, 4) ?? 1,
      };
    }
    case BuiltinOptionsType.DepthwiseConv2DOptions: {
      const f = DepthwiseConv2DOptionsField;
      return {
        type,
        padding: o?.int(f.padding, 0, 1) ?? 0,
        strideW: o?.int(f.stride_w, 0, 4) ?? 0,
        strideH: o?.int(f.stride_h, 0, 4) ?? 0,
        depthMultiplier: o?.int(f.depth_multiplier, 0, 4) ?? 0,
        activation: o?.int(f.fused_activation_function, 0, 1) ?? 0,
        dilationW: o?.int(f.dilation_w_factor, 1, 4) ?? 1,
        dilationH: o?.int(f.dilation_h_factor, 1, 4) ?? 1,
      };
    }
    case BuiltinOptionsType.Pool2DOptions: {
      const f = Pool2DOptionsField;
      return {
        type,
        padding: o?.int(f.padding, 0, 1) ?? 0,
        strideW: o?.int(f.stride_w, 0, 4) ?? 0,
        strideH: o?.int(f.stride_h, 0, 4) ?? 0,
        filterW: o?.int(f.filter_width, 0, 4) ?? 0,
        filterH: o?.int(f.filter_height, 0, 4) ?? 0,
        activation: o?.int(f.fused_activation_function, 0, 1) ?? 0,
      };
    }
    case BuiltinOptionsType.FullyConnectedOptions: {
      const f = FullyConnectedOptionsField;
      return {
        type,
        activation: o?.int(f.fused_activation_function, 0, 1) ?? 0,
        weightsFormat: o?.int(f.weights_format, 0, 1) ?? 0,
        keepNumDims: o?.bool(f.keep_num_dims, false) ?? false,
        asymmetricQuantizeInputs: o?.bool(f.asymmetric_quantize_inputs, false) ?? false,
      };
    }
    case BuiltinOptionsType.SoftmaxOptions:
      return { type, beta: o?.float(SoftmaxOptionsField.beta, 0) ?? 0 };
    case BuiltinOptionsType.AddOptions:
      return {
        type,
        activation: o?.int(AddOptionsField.fused_activation_function, 0, 1) ?? 0,
        potScaleInt16: o?.bool(AddOptionsField.pot_scale_int16, true) ?? true,
      };
    case BuiltinOptionsType.ReshapeOptions:
      return { type, newShape: o?.ints(ReshapeOptionsField.new_shape) ?? null };
    case BuiltinOptionsType.ReducerOptions:
      return { type, keepDims: o?.bool(ReducerOptionsField.keep_dims, false) ?? false };
    case BuiltinOptionsType.QuantizeOptions:
      return { type };
    case BuiltinOptionsType.DequantizeOptions:
      return { type };
    default:
      return { type: -1, rawType: type };
  }
}

function readOperator(t: Table): TfliteOperator {
  const type = t.int(OperatorField.builtin_options_type, 0, 1, false);
  return {
    opcodeIndex: t.int(OperatorField.opcode_index, 0, 4, false),
    inputs: t.ints(OperatorField.inputs) ?? [],
    outputs: t.ints(OperatorField.outputs) ?? [],
    options: readOptions(type, t.table(OperatorField.builtin_options)),
  };
}

function readSubgraph(t: Table): TfliteSubgraph {
  return {
    tensors: t.tables(SubGraphField.tensors).map(readTensor),
    inputs: t.ints(SubGraphField.inputs) ?? [],
    outputs: t.ints(SubGraphField.outputs) ?? [],
    operators: t.tables(SubGraphField.operators).map(readOperator),
    name: t.string(SubGraphField.name) ?? '',
  };
}

function readOpCode(t: Table): TfliteOperatorCode {
  const deprecated = t.int(OperatorCodeField.deprecated_builtin_code, 0, 1);
  const extended = t.int(OperatorCodeField.builtin_code, 0, 4);
  const code: TfliteOperatorCode = {
    builtinCode: Math.max(deprecated, extended),
    deprecatedBuiltinCode: deprecated,
    version: t.int(OperatorCodeField.version, 1, 4),
  };
  const custom = t.string(OperatorCodeField.custom_code);
  if (custom !== null) code.customCode = custom;
  return code;
}

function readSignature(t: Table): TfliteSignatureDef {
  const maps = (slot: number) =>
    t.tables(slot).map((m) => ({
      name: m.string(TensorMapField.name) ?? '',
      tensorIndex: m.int(TensorMapField.tensor_index, 0, 4, false),
    }));
  return {
    key: t.string(SignatureDefField.signature_key) ?? '',
    subgraphIndex: t.int(SignatureDefField.subgraph_index, 0, 4, false),
    inputs: maps(SignatureDefField.inputs),
    outputs: maps(SignatureDefField.outputs),
  };
}

/** Parses `.tflite` bytes. Throws StudioError `model/tflite-invalid` on anything malformed. */
export function readTflite(bytes: Uint8Array): TfliteModel {
  try {
    if (bytes.byteLength < 8) throw new Bad('file is shorter than a flatbuffer header');
    const bb = new ByteBuffer(bytes);
    const ident = String.fromCharCode(...bytes.subarray(4, 8));
    if (ident !== 'TFL3') throw new Bad(`file identifier is "${ident.replace(/[^\x20-\x7e]/g, '?')}", not "TFL3"`);
    const root = new Table(bb, bb.readUint32(0));
    if (root.pos + 4 > bytes.byteLength) throw new Bad('root offset out of range');
    const model: TfliteModel = {
      version: root.int(ModelField.version, 0, 4, false),
      description: root.string(ModelField.description) ?? '',
      operatorCodes: root.tables(ModelField.operator_codes).map(readOpCode),
      subgraphs: root.tables(ModelField.subgraphs).map(readSubgraph),
      buffers: root.tables(ModelField.buffers).map((b) => {
        const off = b.field(BufferField.offset);
        if (off) throw new Bad('buffers stored outside the flatbuffer (offset/size form) are not supported');
        return b.bytes(BufferField.data) ?? new Uint8Array(0);
      }),
      metadata: root.tables(ModelField.metadata).map((m) => ({
        name: m.string(MetadataField.name) ?? '',
        buffer: m.int(MetadataField.buffer, 0, 4, false),
      })),
      signatureDefs: root.tables(ModelField.signature_defs).map(readSignature),
    };
    validate(model);
    return model;
  } catch (e) {
    if (e instanceof StudioError) throw e;
    throw new StudioError({
      family: 'model',
      code: 'tflite-invalid',
      message: `This is not a valid TFLite model: ${e instanceof Error ? e.message : String(e)}.`,
      remedy: 'Export the model again, or pick a .tflite file written by a TFLite converter.',
      cause: e,
    });
  }
}

function validate(m: TfliteModel): void {
  if (m.subgraphs.length === 0) throw new Bad('the model has no subgraph');
  for (const sg of m.subgraphs) {
    const nT = sg.tensors.length;
    const checkIdx = (i: number, what: string) => {
      if (i !== -1 && (i < 0 || i >= nT)) throw new Bad(`${what} refers to tensor ${i} of ${nT}`);
    };
    sg.inputs.forEach((i) => checkIdx(i, 'a subgraph input'));
    sg.outputs.forEach((i) => checkIdx(i, 'a subgraph output'));
    for (const t of sg.tensors) {
      if (t.buffer >= m.buffers.length) throw new Bad(`tensor "${t.name}" refers to buffer ${t.buffer} of ${m.buffers.length}`);
      if (t.shape.some((d) => d < -1)) throw new Bad(`tensor "${t.name}" has a negative dimension`);
    }
    for (const op of sg.operators) {
      if (op.opcodeIndex >= m.operatorCodes.length) throw new Bad(`an operator uses opcode ${op.opcodeIndex} of ${m.operatorCodes.length}`);
      op.inputs.forEach((i) => checkIdx(i, 'an operator input'));
      op.outputs.forEach((i) => checkIdx(i, 'an operator output'));
    }
  }
  for (const md of m.metadata) {
    if (md.buffer >= m.buffers.length) throw new Bad(`metadata "${md.name}" refers to buffer ${md.buffer}`);
  }
}

/** The string stored in a metadata entry (e.g. `min_runtime_version`), NUL padding removed. */
export function metadataString(m: TfliteModel, name: string): string | null {
  const md = m.metadata.find((x) => x.name === name);
  if (!md) return null;
  const b = m.buffers[md.buffer];
  let end = b.length;
  const nul = b.indexOf(0);
  if (nul >= 0) end = nul;
  return new TextDecoder().decode(b.subarray(0, end));
}

/** File offsets of every non-empty buffer's data (to check the 16-byte alignment of a writer). */
export function bufferDataOffsets(bytes: Uint8Array): number[] {
  const bb = new ByteBuffer(bytes);
  const root = new Table(bb, bb.readUint32(0));
  return root.tables(ModelField.buffers).map((b) => b.vector(BufferField.data, 1)?.[0] ?? -1);
}
