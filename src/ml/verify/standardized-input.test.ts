import { describe, it, expect } from 'vitest';
import type { FloatModel } from '../float-model.ts';
import { mulberry32 } from '../quantize/fixtures.ts';
import { floatForward } from '../quantize/float-forward.ts';
import { exportInt8, runTflite } from '../train/int8-export.ts';
import { argmax } from './int8-agreement.ts';
import { exportInt8Standardized, standardizeRows, unfoldStandardization } from './standardized-input.ts';

const rnd = (r: () => number, n: number, s = 1) => Float32Array.from({ length: n }, () => (r() * 2 - 1) * s);

/** [T=40, C=2] raw input → conv1d 2→4 k5 valid relu → global avg → dense 4→3 → softmax. */
function convModel(seed: number): FloatModel {
  const r = mulberry32(seed);
  return {
    inputShape: [40, 2],
    labels: ['a', 'b', 'c'],
    layers: [
      { kind: 'conv1d', filters: 4, kernelSize: 5, inChannels: 2, stride: 1, padding: 'valid', kernel: rnd(r, 4 * 5 * 2), bias: rnd(r, 4, 0.1), activation: 'relu' },
      { kind: 'global-avgpool1d' },
      { kind: 'dense', units: 3, inUnits: 4, kernel: rnd(r, 12, 2), bias: rnd(r, 3, 0.1), activation: 'none' },
      { kind: 'softmax' },
    ],
  };
}

describe('standardised int8 input tensor', () => {
  it('unfolding is exact: the unfolded model on (x − mean)/std equals the folded model on x', () => {
    const fm = convModel(4);
    const norm = { mean: Float32Array.from([0.2, -30]), std: Float32Array.from([0.5, 400]) };
    const dense: FloatModel = { inputShape: [6], labels: ['a', 'b'], layers: [{ kind: 'dense', units: 2, inUnits: 6, kernel: rnd(mulberry32(5), 12), bias: rnd(mulberry32(6), 2), activation: 'relu' }] };
    const dnorm = { mean: rnd(mulberry32(7), 6, 10), std: Float32Array.from([1, 2, 3, 100, 0.01, 5]) };
    const r = mulberry32(8);
    for (let k = 0; k < 20; k++) {
      const x = Float32Array.from({ length: 80 }, (_, i) => (i % 2 ? 400 : 0.5) * (r() * 2 - 1) + (i % 2 ? -30 : 0.2));
      const a = floatForward(fm, x);
      const b = floatForward(unfoldStandardization(fm, norm), standardizeRows(x, norm));
      for (let j = 0; j < a.length; j++) expect(b[j]).toBeCloseTo(a[j], 5);
      const xd = rnd(r, 6, 50);
      const da = floatForward(dense, xd);
      const db = floatForward(unfoldStandardization(dense, dnorm), standardizeRows(xd, dnorm));
      for (let j = 0; j < da.length; j++) expect(db[j]).toBeCloseTo(da[j], 3);
    }
    expect(() => unfoldStandardization(fm, { mean: new Float32Array(3), std: new Float32Array(3).fill(1) })).toThrow(/3 channels/);
    const same = { ...fm, layers: [{ ...(fm.layers[0] as Extract<FloatModel['layers'][number], { kind: 'conv1d' }>), padding: 'same' as const }, ...fm.layers.slice(1)] };
    expect(() => unfoldStandardization(same, norm)).toThrow(/cannot take the input standardisation back/);
  });

  it('keeps a small-range channel that one raw int8 scale would lose', () => {
    // Channel 0 (small range, e.g. g) decides the class; channel 1 (deg/s) is large noise.
    const r = mulberry32(11);
    const fm: FloatModel = {
      inputShape: [2],
      labels: ['neg', 'pos'],
      layers: [{ kind: 'dense', units: 2, inUnits: 2, kernel: Float32Array.from([-20, 0, 20, 0]), bias: new Float32Array(2), activation: 'none' }, { kind: 'softmax' }],
    };
    const x = Float32Array.from({ length: 2 * 400 }, (_, i) => (i % 2 ? 1000 * (r() * 2 - 1) : 0.3 * (r() * 2 - 1)));
    const norm = { mean: Float32Array.from([0, 0]), std: Float32Array.from([0.17, 577]) };
    const truth = Array.from({ length: 400 }, (_, i) => (x[2 * i] > 0 ? 1 : 0));
    const acc = (p: Float32Array) => truth.filter((t, i) => argmax(p.subarray(2 * i, 2 * i + 2)) === t).length / truth.length;
    const st = exportInt8Standardized(fm, norm, x);
    expect(acc(runTflite(st.tflite, standardizeRows(x, norm), 2))).toBeGreaterThan(0.97);
    expect(st.input.scale).toBeLessThan(0.05);
    // The folded export: one scale ≈ 7.8 per LSB over both channels, channel 0 rounds to the zero point.
    const folded = exportInt8(fm, x);
    expect(folded.input.scale).toBeGreaterThan(5);
    expect(acc(runTflite(folded.int8Tflite, x, 2))).toBeLessThan(0.7);
  });
});
