import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedPath, skipReason } from '../../../tests/helpers/shared.ts';
import { isStudioError } from '../../core/errors.ts';
import { GraphBuilder } from './graph-builder.ts';
import { Int8Interpreter } from './interpreter.ts';
import { metadataString, readTflite } from './reader.ts';
import {
  BuiltinOperator,
  BuiltinOptionsType,
  Padding,
  TensorType,
  builtinOperatorName,
  float32ToBytes,
  int32ToBytes,
  int8ToBytes,
  tensorTypeName,
  type TfliteQuantization,
} from './schema.ts';
import { writeTflite } from './writer.ts';

const q = (scale: number, zeroPoint: number): TfliteQuantization => ({ scale: [scale], zeroPoint: [zeroPoint], quantizedDimension: 0 });

/** Builds, writes and loads a one-op int8 model. */
function oneOp(
  build: (g: GraphBuilder) => { input: number; output: number },
): Int8Interpreter {
  const g = new GraphBuilder();
  const { input, output } = build(g);
  return Int8Interpreter.load(writeTflite(g.finish({ inputs: [input], outputs: [output], description: 'test' })));
}

describe('Int8Interpreter on self-made models (hand-computed expectations)', () => {
  it('FULLY_CONNECTED per-tensor with an exact multiplier of 1', () => {
    // input scale 0.5, weights 0.25, output 0.125 → multiplier exactly 1: out = acc + zp_out.
    const it = oneOp((g) => {
      const x = g.tensor('x', [1, 3], TensorType.INT8, q(0.5, -1));
      const w = g.constant('w', [2, 3], TensorType.INT8, int8ToBytes([1, 2, 3, -4, 5, -6]), q(0.25, 0));
      const b = g.constant('b', [2], TensorType.INT32, int32ToBytes([10, -20]), q(0.125, 0));
      const y = g.tensor('y', [1, 2], TensorType.INT8, q(0.125, 3));
      g.op(BuiltinOperator.FULLY_CONNECTED, [x, w, b], [y], { type: BuiltinOptionsType.FullyConnectedOptions, activation: 0, weightsFormat: 0, keepNumDims: false, asymmetricQuantizeInputs: false });
      return { input: x, output: y };
    });
    // x - zp = [2, 3, 4]; acc0 = 2+6+12+10 = 30 → 33; acc1 = -8+15-24-20 = -37 → -34
    expect(Array.from(it.invoke(Int8Array.from([1, 2, 3])))).toEqual([33, -34]);
    // saturation: acc0 = 127·... clamps at 127
    expect(it.invoke(Int8Array.from([127, 127, 127]))[0]).toBe(127);
  });

  it('FULLY_CONNECTED with fused RELU clamps at the output zero point', () => {
    const it = oneOp((g) => {
      const x = g.tensor('x', [1, 1], TensorType.INT8, q(1, 0));
      const w = g.constant('w', [1, 1], TensorType.INT8, int8ToBytes([-1]), q(1, 0));
      const b = g.constant('b', [1], TensorType.INT32, int32ToBytes([0]), q(1, 0));
      const y = g.tensor('y', [1, 1], TensorType.INT8, q(1, -5));
      g.op(BuiltinOperator.FULLY_CONNECTED, [x, w, b], [y], { type: BuiltinOptionsType.FullyConnectedOptions, activation: 1, weightsFormat: 0, keepNumDims: false, asymmetricQuantizeInputs: false });
      return { input: x, output: y };
    });
    expect(it.invoke(Int8Array.from([3]))[0]).toBe(-5); // -3 clamped to zero point
    expect(it.invoke(Int8Array.from([-3]))[0]).toBe(-2); // 3 + (-5)
  });

  it('AVERAGE_POOL_2D rounds half away from zero; MAX_POOL_2D picks the max', () => {
    const pool = (code: number) =>
      oneOp((g) => {
        const x = g.tensor('x', [1, 1, 6, 1], TensorType.INT8, q(1, 0));
        const y = g.tensor('y', [1, 1, 3, 1], TensorType.INT8, q(1, 0));
        g.op(code, [x], [y], { type: BuiltinOptionsType.Pool2DOptions, padding: Padding.VALID, strideW: 2, strideH: 1, filterW: 2, filterH: 1, activation: 0 });
        return { input: x, output: y };
      });
    const x = Int8Array.from([1, 2, -1, -2, 100, -128]);
    expect(Array.from(pool(BuiltinOperator.AVERAGE_POOL_2D).invoke(x))).toEqual([2, -2, -14]);
    expect(Array.from(pool(BuiltinOperator.MAX_POOL_2D).invoke(x))).toEqual([2, -1, 100]);
  });

  it('MEAN over the spatial axes, same in/out parameters', () => {
    const it = oneOp((g) => {
      const x = g.tensor('x', [1, 1, 3, 2], TensorType.INT8, q(0.5, -2));
      const axis = g.constant('axis', [2], TensorType.INT32, int32ToBytes([1, 2]));
      const y = g.tensor('y', [1, 2], TensorType.INT8, q(0.5, -2));
      g.op(BuiltinOperator.MEAN, [x, axis], [y], { type: BuiltinOptionsType.ReducerOptions, keepDims: false });
      return { input: x, output: y };
    });
    // channel 0: 1, 2, 4 → (7 + 6)/3 − 2 = 2.33 → 2 ; channel 1: -5, -6, -8 → (-19 + 6)/3 − 2 = −6.33 → −6
    expect(Array.from(it.invoke(Int8Array.from([1, -5, 2, -6, 4, -8])))).toEqual([2, -6]);
  });

  it('ADD with equal scales adds the real values', () => {
    const g = new GraphBuilder();
    const a = g.tensor('a', [1, 4], TensorType.INT8, q(0.5, 0));
    const b = g.constant('b', [4], TensorType.INT8, int8ToBytes([1, -2, 3, 100]), q(0.5, 0));
    const y = g.tensor('y', [1, 4], TensorType.INT8, q(0.5, 0));
    g.op(BuiltinOperator.ADD, [a, b], [y], { type: BuiltinOptionsType.AddOptions, activation: 0, potScaleInt16: true });
    const it = Int8Interpreter.load(writeTflite(g.finish({ inputs: [a], outputs: [y], description: 't' })));
    expect(Array.from(it.invoke(Int8Array.from([4, 4, -4, 100])))).toEqual([5, 2, -1, 127]);
  });

  it('SOFTMAX int8 stays within 1 LSB of the exact softmax and sums to about 256', () => {
    const it = oneOp((g) => {
      const x = g.tensor('x', [1, 5], TensorType.INT8, q(0.0625, 0));
      const y = g.tensor('y', [1, 5], TensorType.INT8, q(1 / 256, -128));
      g.op(BuiltinOperator.SOFTMAX, [x], [y], { type: BuiltinOptionsType.SoftmaxOptions, beta: 1 });
      return { input: x, output: y };
    });
    const rows = [
      [0, 0, 0, 0, 0],
      [10, -20, 30, 40, -50],
      [127, -128, 0, 64, 100],
      [-128, -128, -128, -128, 127],
    ];
    for (const r of rows) {
      const out = it.invoke(Int8Array.from(r));
      const e = r.map((v) => Math.exp(v * 0.0625 - Math.max(...r) * 0.0625));
      const s = e.reduce((a, b) => a + b, 0);
      e.forEach((v, i) => expect(Math.abs(out[i] - (Math.round((v / s) * 256) - 128))).toBeLessThanOrEqual(1));
      const total = Array.from(out).reduce((a, v) => a + v + 128, 0);
      expect(Math.abs(total - 256)).toBeLessThanOrEqual(5);
    }
    expect(Array.from(it.invoke(Int8Array.from([0, 0, 0, 0, 0])))).toEqual([-77, -77, -77, -77, -77]); // 51.2 → 51
  });

  it('CONV_2D 1×3 with SAME padding and QUANTIZE / DEQUANTIZE around it', () => {
    const g = new GraphBuilder();
    const xf = g.tensor('xf', [1, 1, 4, 1], TensorType.FLOAT32);
    const x = g.tensor('x', [1, 1, 4, 1], TensorType.INT8, q(0.5, 0));
    const w = g.constant('w', [1, 1, 3, 1], TensorType.INT8, int8ToBytes([1, 2, 1]), { scale: [0.5], zeroPoint: [0], quantizedDimension: 0 });
    const b = g.constant('b', [1], TensorType.INT32, int32ToBytes([4]), q(0.25, 0));
    const y = g.tensor('y', [1, 1, 4, 1], TensorType.INT8, q(0.25, 0));
    const yf = g.tensor('yf', [1, 1, 4, 1], TensorType.FLOAT32);
    g.op(BuiltinOperator.QUANTIZE, [xf], [x], { type: BuiltinOptionsType.QuantizeOptions });
    g.op(BuiltinOperator.CONV_2D, [x, w, b], [y], { type: BuiltinOptionsType.Conv2DOptions, padding: Padding.SAME, strideW: 1, strideH: 1, activation: 0, dilationW: 1, dilationH: 1 });
    g.op(BuiltinOperator.DEQUANTIZE, [y], [yf], { type: BuiltinOptionsType.DequantizeOptions });
    const it = Int8Interpreter.load(writeTflite(g.finish({ inputs: [xf], outputs: [yf], description: 't' })));
    // x = [1, 2, 3, 4] → q = [2, 4, 6, 8]; acc = [0+2·2+4, 2+8+6, 4+12+8, 6+16+0] + 4 = [12, 20, 28, 26]; ×0.25
    expect(Array.from(it.invokeFloat(Float32Array.from([1, 2, 3, 4])))).toEqual([3, 5, 7, 6.5]);
  });

  it('rejects a model with an operator it does not run, with a clear error', () => {
    const g = new GraphBuilder();
    const x = g.tensor('x', [1, 2], TensorType.FLOAT32);
    const y = g.tensor('y', [1, 2], TensorType.FLOAT32);
    g.op(14 /* LOGISTIC */, [x], [y], { type: BuiltinOptionsType.NONE });
    const bytes = writeTflite(g.finish({ inputs: [x], outputs: [y], description: 't' }));
    expect(() => Int8Interpreter.load(bytes)).toThrow(/LOGISTIC|OP_14/);
    try {
      Int8Interpreter.load(bytes);
    } catch (e) {
      expect(isStudioError(e, 'tflite-unsupported')).toBe(true);
    }
  });

  it('float32 models run through invokeFloat', () => {
    const g = new GraphBuilder();
    const x = g.tensor('x', [1, 2], TensorType.FLOAT32);
    const w = g.constant('w', [2, 2], TensorType.FLOAT32, float32ToBytes([1, 2, 3, 4]));
    const b = g.constant('b', [2], TensorType.FLOAT32, float32ToBytes([0.5, -0.5]));
    const y = g.tensor('y', [1, 2], TensorType.FLOAT32);
    g.op(BuiltinOperator.FULLY_CONNECTED, [x, w, b], [y], { type: BuiltinOptionsType.FullyConnectedOptions, activation: 0, weightsFormat: 0, keepNumDims: false, asymmetricQuantizeInputs: false });
    const it = Int8Interpreter.load(writeTflite(g.finish({ inputs: [x], outputs: [y], description: 't' })));
    expect(Array.from(it.invokeFloat([1, 1]))).toEqual([3.5, 6.5]);
    expect(() => it.invoke(new Int8Array(2))).toThrow(/int8/);
  });
});

// ---- Golden data from TFLite Micro's reference kernels (../shared/reference/tflite) ----

const refRoot = sharedPath('reference/tflite');
const MODELS = ['hello_world_int8', 'micro_speech_int8', 'magic_wand_int8', 'person_detect_int8'];

function csvRows(path: string): number[][] {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.split(',').map(Number));
}

interface Meta {
  ops: string[];
  operator_codes: string[];
  input: { shape: number[]; scale: number; zero_point: number };
  output: { shape: number[]; scale: number; zero_point: number };
  converter: { description: string; metadata: Record<string, string> };
  flatbuffer_summary: {
    buffers: number;
    tensors: number;
    tensor_types: Record<string, number>;
    per_channel_quantized_tensors: number;
    per_channel_quantized_dimensions: number[];
    operators: string[];
    builtin_options_type_by_op: Record<string, number[]>;
  };
}

describe.skipIf(!refRoot)(`TFLite Micro golden outputs (${refRoot ? 'shared/reference/tflite' : skipReason('reference/tflite')})`, () => {
  for (const name of MODELS) {
    const dir = refRoot ? join(refRoot, name) : '';
    it.skipIf(!refRoot || !existsSync(join(dir, 'model.tflite')))(`${name}: every output row matches exactly`, () => {
      const bytes = new Uint8Array(readFileSync(join(dir, 'model.tflite')));
      const it = Int8Interpreter.load(bytes);
      const inputs = csvRows(join(dir, 'inputs.csv'));
      const outputs = csvRows(join(dir, 'outputs.csv'));
      expect(inputs.length).toBe(outputs.length);
      let diffs = 0;
      inputs.forEach((row, i) => {
        const out = it.invoke(Int8Array.from(row));
        out.forEach((v, j) => {
          if (v !== outputs[i][j]) diffs++;
        });
        expect(out.length).toBe(outputs[i].length);
      });
      expect(diffs).toBe(0);
    });

    it.skipIf(!refRoot || !existsSync(join(dir, 'meta.json')))(`${name}: the reader agrees with flatbuffer_summary`, () => {
      const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as Meta;
      const m = readTflite(new Uint8Array(readFileSync(join(dir, 'model.tflite'))));
      const sg = m.subgraphs[0];
      const fs = meta.flatbuffer_summary;
      expect(m.version).toBe(3);
      expect(m.description).toBe(meta.converter.description);
      expect(m.buffers.length).toBe(fs.buffers);
      expect(sg.tensors.length).toBe(fs.tensors);
      const types: Record<string, number> = {};
      for (const t of sg.tensors) types[tensorTypeName(t.type)] = (types[tensorTypeName(t.type)] ?? 0) + 1;
      expect(types).toEqual(fs.tensor_types);
      const perChannel = sg.tensors.filter((t) => (t.quantization?.scale.length ?? 0) > 1);
      expect(perChannel.length).toBe(fs.per_channel_quantized_tensors);
      expect([...new Set(perChannel.map((t) => t.quantization!.quantizedDimension))].sort()).toEqual([...fs.per_channel_quantized_dimensions].sort());
      const opNames = sg.operators.map((o) => builtinOperatorName(m.operatorCodes[o.opcodeIndex].builtinCode));
      expect(opNames).toEqual(fs.operators);
      const optsByOp: Record<string, number[]> = {};
      sg.operators.forEach((o, i) => {
        const list = (optsByOp[opNames[i]] ??= []);
        if (!list.includes(o.options.type)) list.push(o.options.type);
      });
      expect(optsByOp).toEqual(fs.builtin_options_type_by_op);
      expect(m.operatorCodes.map((c) => `${builtinOperatorName(c.builtinCode)}/v${c.version}`)).toEqual(meta.operator_codes);
      const inT = sg.tensors[sg.inputs[0]];
      const outT = sg.tensors[sg.outputs[0]];
      expect(inT.shape).toEqual(meta.input.shape);
      expect(outT.shape).toEqual(meta.output.shape);
      expect(inT.quantization!.scale[0]).toBe(Math.fround(meta.input.scale));
      expect(inT.quantization!.zeroPoint[0]).toBe(meta.input.zero_point);
      expect(outT.quantization!.scale[0]).toBe(Math.fround(meta.output.scale));
      expect(outT.quantization!.zeroPoint[0]).toBe(meta.output.zero_point);
      const mrv = meta.converter.metadata.min_runtime_version;
      expect(metadataString(m, 'min_runtime_version')).toBe(mrv ?? null);
    });
  }
});
