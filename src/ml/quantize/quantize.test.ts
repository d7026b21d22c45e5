import { describe, it, expect } from 'vitest';
import { isStudioError } from '../../core/errors.ts';
import { argmax } from '../metrics/argmax.ts';
import type { FloatModel } from '../float-model.ts';
import { Int8Interpreter } from '../tflite/interpreter.ts';
import { TensorType } from '../tflite/schema.ts';
import { floatForward } from './float-forward.ts';
import { conv1dFixture, denseFixture, depthwiseFixture, fixtureInputs } from './test-support/fixtures.ts';
import { calibrate, LOGIT_FLOOR, quantizeModel, toFloatTflite } from './quantize.ts';
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
  it('logits before the softmax: the range stops LOGIT_FLOOR below the lowest window top and above the highest runner-up, so close top logits stay apart', () => {
    // 8 classes, logit_c = 10·x_c; class 7 (never the answer) carries a bias of −40, stretching the
    // whole logit range down to −50 while the windows only need the top few nats.
    const k = 8;
    const kernel = new Float32Array(k * k);
    for (let c = 0; c < k; c++) kernel[c * k + c] = 10;
    const bias = new Float32Array(k);
    bias[7] = -40;
    const fm: FloatModel = { inputShape: [k], labels: Array.from({ length: k }, (_, c) => `c${c}`), layers: [{ kind: 'dense', units: k, inUnits: k, kernel, bias, activation: 'none' }, { kind: 'softmax' }] };
    const rows: Float32Array[] = [];
    for (let c = 0; c < 7; c++) {
      const sure = new Float32Array(k).fill(-1);
      sure[c] = 1;
      rows.push(sure);
      // an uncertain window: two classes 0.1 apart in logits (13 input steps, under half the whole-range logit step)
      const close = new Float32Array(k).fill(-1);
      close[c] = 0.5;
      close[(c + 1) % 7] = 0.49;
      rows.push(close);
    }
    const wide = calibrate(fm, rows, { softmaxAwareLogits: false }).layers[0];
    const tight = calibrate(fm, rows).layers[0];
    // whole range −50…10 before; now from the lowest window top 5 − 10 up to 10 (below max(lowest top, highest runner-up) + 10)
    expect(wide.scale).toBeCloseTo(60 / 255, 4);
    expect(tight.scale).toBeCloseTo((10 - (5 - LOGIT_FLOOR)) / 255, 4);
    const ties = (softmaxAwareLogits: boolean) => {
      const interp = Int8Interpreter.load(quantizeModel(fm, rows, { softmaxAwareLogits }).tflite);
      let n = 0;
      for (const r of rows) {
        const p = Array.from(interp.invokeFloat(r));
        if (p.filter((v) => v === Math.max(...p)).length > 1) n++;
      }
      return n;
    };
    expect(ties(false)).toBeGreaterThan(1);
    expect(ties(true)).toBe(0);
  });

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
