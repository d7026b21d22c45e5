import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedPath } from '../../../tests/helpers/shared.ts';
import { isStudioError } from '../../core/errors.ts';
import { conv1dFixture, denseFixture, depthwiseFixture, fixtureInputs, mulberry32 } from '../quantize/test-support/fixtures.ts';
import { quantizeModel, toFloatTflite } from '../quantize/quantize.ts';
import { GraphBuilder } from './graph-builder.ts';
import { Int8Interpreter } from './interpreter.ts';
import { bufferDataOffsets, metadataString, readTflite } from './reader.ts';
import { BuiltinOperator, BuiltinOptionsType, TensorType, type TfliteModel } from './schema.ts';
import { writeTflite } from './writer.ts';

/** Field-by-field comparison with readable failure paths. */
function expectSameModel(a: TfliteModel, b: TfliteModel): void {
  expect(a.version).toBe(b.version);
  expect(a.description).toBe(b.description);
  expect(a.operatorCodes).toEqual(b.operatorCodes);
  expect(a.metadata).toEqual(b.metadata);
  expect(a.signatureDefs).toEqual(b.signatureDefs);
  expect(a.buffers.length).toBe(b.buffers.length);
  a.buffers.forEach((buf, i) => expect(Array.from(buf), `buffer ${i}`).toEqual(Array.from(b.buffers[i])));
  expect(a.subgraphs.length).toBe(b.subgraphs.length);
  a.subgraphs.forEach((sg, s) => {
    const o = b.subgraphs[s];
    expect(sg.name).toBe(o.name);
    expect(sg.inputs).toEqual(o.inputs);
    expect(sg.outputs).toEqual(o.outputs);
    expect(sg.tensors.length).toBe(o.tensors.length);
    sg.tensors.forEach((t, i) => expect(t, `tensor ${i} ${t.name}`).toEqual(o.tensors[i]));
    expect(sg.operators.length).toBe(o.operators.length);
    sg.operators.forEach((op, i) => expect(op, `operator ${i}`).toEqual(o.operators[i]));
  });
}

describe('TFLite writer → reader round trip', () => {
  for (const [name, make] of [['dense', denseFixture], ['conv1d', conv1dFixture], ['depthwise', depthwiseFixture]] as const) {
    it(`${name}: int8 and float models parse back field by field, buffers 16-byte aligned`, () => {
      const fm = make();
      const r = quantizeModel(fm, fixtureInputs(fm, 64));
      const back = readTflite(r.tflite);
      expectSameModel(back, r.model);
      const f = toFloatTflite(fm);
      expectSameModel(readTflite(f.tflite), f.model);
      for (const bytes of [r.tflite, f.tflite]) {
        const offs = bufferDataOffsets(bytes);
        const m = readTflite(bytes);
        offs.forEach((o, i) => {
          if (m.buffers[i].length) expect(o % 16, `buffer ${i} at ${o}`).toBe(0);
        });
        expect(m.buffers[0].length).toBe(0);
        expect(String.fromCharCode(...bytes.subarray(4, 8))).toBe('TFL3');
      }
      expect(metadataString(back, 'min_runtime_version')).toBe('1.14.0');
      expect(metadataString(readTflite(f.tflite), 'min_runtime_version')).toMatch(/^1\.(5|6)\.0$/);
      // int8 tensors all carry quantization, biases are int32, per-channel weights have one scale per channel
      for (const t of back.subgraphs[0].tensors) {
        if (t.type === TensorType.INT8) expect(t.quantization).toBeDefined();
        if (t.name.endsWith('/bias')) expect(t.type).toBe(TensorType.INT32);
        if (t.name.endsWith('/kernel')) {
          const dim = t.quantization!.quantizedDimension;
          expect(t.quantization!.scale.length).toBe(t.shape[dim]);
          expect(t.quantization!.zeroPoint.every((z) => z === 0)).toBe(true);
        }
      }
    });
  }

  it('op versions follow the converter: int8 FULLY_CONNECTED v4, CONV_2D v3, SOFTMAX v2; float v1', () => {
    const fm = conv1dFixture();
    const m = quantizeModel(fm, fixtureInputs(fm, 16)).model;
    const v = Object.fromEntries(m.operatorCodes.map((c) => [c.builtinCode, c.version]));
    expect(v[BuiltinOperator.FULLY_CONNECTED]).toBe(4);
    expect(v[BuiltinOperator.CONV_2D]).toBe(3);
    expect(v[BuiltinOperator.SOFTMAX]).toBe(2);
    expect(v[BuiltinOperator.MAX_POOL_2D]).toBe(2);
    expect(v[BuiltinOperator.AVERAGE_POOL_2D]).toBe(2);
    expect(v[BuiltinOperator.RESHAPE]).toBe(1);
    const mean = quantizeModel(depthwiseFixture(), fixtureInputs(depthwiseFixture(), 16)).model;
    const vm = Object.fromEntries(mean.operatorCodes.map((c) => [c.builtinCode, c.version]));
    expect(vm[BuiltinOperator.MEAN]).toBe(2);
    expect(vm[BuiltinOperator.DEPTHWISE_CONV_2D]).toBe(3);
    const f = toFloatTflite(fm).model;
    expect(f.operatorCodes.every((c) => c.version === 1)).toBe(true);
  });

  it('builtin codes above 127 go in builtin_code with the 127 placeholder', () => {
    const g = new GraphBuilder();
    const x = g.tensor('x', [1, 2], TensorType.FLOAT32);
    const y = g.tensor('y', [1, 2], TensorType.FLOAT32);
    g.op(150, [x], [y], { type: BuiltinOptionsType.NONE }, 1);
    g.op(BuiltinOperator.QUANTIZE, [y], [x], { type: BuiltinOptionsType.QuantizeOptions });
    const m = readTflite(writeTflite(g.finish({ inputs: [x], outputs: [y], description: 'codes' })));
    expect(m.operatorCodes[0]).toEqual({ builtinCode: 150, deprecatedBuiltinCode: 127, version: 1 });
    expect(m.operatorCodes[1]).toEqual({ builtinCode: 114, deprecatedBuiltinCode: 114, version: 1 });
  });

  it('garbage and damaged files give a StudioError, never a crash', () => {
    const good = quantizeModel(denseFixture(), fixtureInputs(denseFixture(), 8)).tflite;
    const rand = mulberry32(5);
    const cases: Uint8Array[] = [new Uint8Array(0), new Uint8Array(7), Uint8Array.from({ length: 64 }, () => (rand() * 256) | 0)];
    for (let i = 0; i < 300; i++) {
      const b = good.slice(0, i % 3 === 0 ? Math.floor(rand() * good.length) : good.length);
      for (let k = 0; k < 4; k++) b[Math.floor(rand() * b.length)] = (rand() * 256) | 0;
      cases.push(b);
    }
    let parsed = 0;
    for (const b of cases) {
      try {
        const it = Int8Interpreter.load(b);
        it.invoke(new Int8Array(it.input.shape.reduce((a, c) => a * c, 1)));
        parsed++;
      } catch (e) {
        expect(isStudioError(e), String(e)).toBe(true);
      }
    }
    expect(parsed).toBeLessThan(cases.length);
  });
});

const refRoot = sharedPath('reference/tflite');
describe.skipIf(!refRoot)('re-writing converter-made models', () => {
  for (const name of ['hello_world_int8', 'micro_speech_int8', 'magic_wand_int8']) {
    it(`${name}: read → write → read is identical and runs identically`, () => {
      const dir = join(refRoot!, name);
      if (!existsSync(join(dir, 'model.tflite'))) return;
      const orig = new Uint8Array(readFileSync(join(dir, 'model.tflite')));
      const m = readTflite(orig);
      const rewritten = writeTflite(m);
      expectSameModel(readTflite(rewritten), m);
      const a = Int8Interpreter.load(orig);
      const b = Int8Interpreter.load(rewritten);
      const rows = readFileSync(join(dir, 'inputs.csv'), 'utf8').trim().split('\n').slice(0, 6);
      for (const r of rows) {
        const x = Int8Array.from(r.split(',').map(Number));
        expect(Array.from(b.invoke(x))).toEqual(Array.from(a.invoke(x)));
      }
    });
  }
});
