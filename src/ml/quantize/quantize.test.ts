import { describe, it, expect } from 'vitest';
import { isStudioError } from '../../core/errors.ts';
import { argmax } from '../metrics/argmax.ts';
import type { FloatModel } from '../float-model.ts';
import { Int8Interpreter } from '../tflite/interpreter.ts';
import { TensorType } from '../tflite/schema.ts';
import { floatForward } from './float-forward.ts';
import { conv1dFixture, denseFixture, depthwiseFixture, fixtureInputs } from './test-support/fixtures.ts';
import { quantizeModel, toFloatTflite } from './quantize.ts';
import { int8Params } from './range-estimator.ts';


/** A model with weights set by hand: class k fires when feature k is the largest. */
function handModel(): FloatModel {
  const kernel = new Float32Array(16);
  for (let k = 0; k < 4; k++) kernel[k * 4 + k] = 2;
  return {
    inputShape: [4],
    labels: ['a', 'b', 'c', 'd'],
    layers: [
      { kind: 'dense', units: 4, inUnits: 4, kernel, bias: Float32Array.from([0, 0.1, -0.1, 0]), activation: 'none' },
      { kind: 'softmax' },
    ],
  };
}

describe('quantizeModel', () => {
  it('a hand-set model: int8 output tracks the float softmax closely', () => {
    const fm = handModel();
    const rows = [
      [1, 0, 0, 0],
      [0, 1, 0.2, 0],
      [0, 0.1, 1.5, -1],
      [-1, -1, -1, 0.5],
      [0.3, 0.2, 0.1, 0],
    ].map((r) => Float32Array.from(r));
    const r = quantizeModel(fm, rows);
    // input range [-1, 1.5] → scale 2.5/255, zero point round(-128 + 1/scale) = -26
    expect(r.input.scale).toBe(Math.fround(2.5 / 255));
    expect(r.input.zeroPoint).toBe(-26);
    expect(r.output).toEqual({ scale: 1 / 256, zeroPoint: -128 });
    const it = Int8Interpreter.load(r.tflite);
    for (const x of rows) {
      const f = floatForward(fm, x);
      const q = it.invokeFloat(x);
      expect(argmax(q)).toBe(argmax(f));
      f.forEach((v, i) => expect(Math.abs(v - q[i])).toBeLessThan(0.02));
    }
  });

  for (const [name, make] of [['dense', denseFixture], ['conv1d', conv1dFixture], ['depthwise', depthwiseFixture]] as const) {
    it(`${name}: int8 agrees with the float forward pass on held-out windows`, () => {
      const fm = make();
      const rows = fixtureInputs(fm, 240);
      const r = quantizeModel(fm, rows.slice(0, 160));
      const m = r.model.subgraphs[0];
      expect(m.tensors[m.inputs[0]].type).toBe(TensorType.INT8);
      expect(m.tensors[m.outputs[0]].type).toBe(TensorType.INT8);
      const it = Int8Interpreter.load(r.tflite);
      let agree = 0;
      let maxDiff = 0;
      for (const x of rows.slice(160)) {
        const f = floatForward(fm, x);
        const q = it.invokeFloat(x);
        if (argmax(f) === argmax(q)) agree++;
        f.forEach((v, i) => (maxDiff = Math.max(maxDiff, Math.abs(v - q[i]))));
      }
      expect(agree).toBeGreaterThanOrEqual(76); // ≥ 95 % of 80
      expect(maxDiff).toBeLessThan(0.1);
    });
  }

  it('the float32 export runs like the float forward pass', () => {
    for (const fm of [denseFixture(), conv1dFixture(), depthwiseFixture()]) {
      const it = Int8Interpreter.load(toFloatTflite(fm).tflite);
      expect(it.input.type).toBe('float32');
      for (const x of fixtureInputs(fm, 10)) {
        const a = floatForward(fm, x);
        const b = it.invokeFloat(x);
        a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThan(1e-5));
      }
    }
  });

  it('the percentile estimator narrows the input range when there are outliers', () => {
    const fm = handModel();
    const rows = Array.from({ length: 200 }, (_, i) => Float32Array.from([Math.sin(i), Math.cos(i), 0, 0]));
    rows.push(Float32Array.from([40, 0, 0, 0]));
    const mm = quantizeModel(fm, rows);
    const pc = quantizeModel(fm, rows, { estimator: { kind: 'percentile', percentile: 99.5 } });
    expect(pc.input.scale).toBeLessThan(mm.input.scale / 5);
  });

  it('refuses empty or non-finite representative data and honours abort', () => {
    const fm = handModel();
    expect(() => quantizeModel(fm, [])).toThrow(/representative/);
    try {
      quantizeModel(fm, [Float32Array.from([NaN, 0, 0, 0])]);
      expect.unreachable();
    } catch (e) {
      expect(isStudioError(e, 'quantize-bad-data')).toBe(true);
    }
    const ac = new AbortController();
    ac.abort();
    expect(() => quantizeModel(fm, [new Float32Array(4)], { signal: ac.signal })).toThrow(/cancelled/);
    const stages: string[] = [];
    quantizeModel(fm, [new Float32Array(4)], { onProgress: (p) => stages.push(p.stage) });
    expect(stages).toContain('calibrate');
    expect(stages).toContain('write');
  });

  it('int8Params makes zero exactly representable', () => {
    const p = int8Params(0.5, 3);
    expect(p.zeroPoint).toBe(-128); // range widened to [0, 3]
    const s = int8Params(-2, 2);
    // the int8 grid spans [-2, 2] within one step at each end
    expect((-128 - s.zeroPoint) * s.scale).toBeLessThanOrEqual(-2 + s.scale);
    expect((127 - s.zeroPoint) * s.scale).toBeGreaterThanOrEqual(2 - s.scale);
    expect(int8Params(0, 0).scale).toBeGreaterThan(0);
  });
});
