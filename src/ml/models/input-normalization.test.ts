import { describe, it, expect } from 'vitest';
import { isStudioError } from '../../core/errors.ts';
import { conv1dFixture, denseFixture, depthwiseFixture, fixtureInputs, mulberry32 } from '../quantize/fixtures.ts';
import { floatForward } from '../quantize/float-forward.ts';
import type { FloatModel } from '../float-model.ts';
import { channelPeriod, checkNormalization, computeInputNormalization, perElementNormalization, standardizeFeatures, unfoldNormalization } from './input-normalization.ts';

const size = (fm: FloatModel) => fm.inputShape.reduce((a, b) => a * b, 1);

/** Raw inputs of very different ranges per element: input = standardised × (1 + 50·i mod 7) + offsets. */
function rawRows(fm: FloatModel, n: number): { rows: Float32Array[]; all: Float32Array } {
  const base = fixtureInputs(fm, n);
  const rows = base.map((r) => r.map((v, i) => v * (1 + 50 * (i % 7)) + 3 * (i % 5) - 4));
  const all = new Float32Array(rows.length * size(fm));
  rows.forEach((r, i) => all.set(r, i * size(fm)));
  return { rows, all };
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
}

describe('input standardisation of the exported model', () => {
  it('un-folding a dense model is exact: standardised input into the new model = raw input into the old', () => {
    const fm = denseFixture();
    const { rows, all } = rawRows(fm, 20);
    const norm = computeInputNormalization(all, fm.inputShape);
    const un = unfoldNormalization(fm, norm)!;
    expect(un).not.toBeNull();
    expect(un.layers[0]).not.toBe(fm.layers[0]);
    for (const r of rows) expect(maxDiff(floatForward(un, standardizeFeatures(r, norm)), floatForward(fm, r))).toBeLessThan(1e-4);
    // standardised training rows have ~zero mean, unit spread per element
    const std = standardizeFeatures(all, norm);
    const m0 = rows.reduce((s, _, i) => s + std[i * size(fm)], 0) / rows.length;
    expect(Math.abs(m0)).toBeLessThan(1e-4);
  });

  it('un-folding a valid conv1d model is exact with per-channel statistics; same-padded and depthwise first layers are refused', () => {
    const rand = mulberry32(5);
    const w = (n: number) => Float32Array.from({ length: n }, () => rand() - 0.5);
    const fm: FloatModel = {
      inputShape: [20, 3],
      labels: ['a', 'b', 'c', 'd'],
      layers: [
        { kind: 'conv1d', filters: 6, kernelSize: 5, inChannels: 3, stride: 1, padding: 'valid', kernel: w(6 * 5 * 3), bias: w(6), activation: 'relu' },
        { kind: 'global-avgpool1d' },
        { kind: 'dense', units: 4, inUnits: 6, kernel: w(24), bias: w(4), activation: 'none' },
        { kind: 'softmax' },
      ],
    };
    const { rows, all } = rawRows(fm, 10);
    const norm = computeInputNormalization(all, fm.inputShape);
    expect(channelPeriod(norm, 3)).toBe(3);
    const un = unfoldNormalization(fm, norm)!;
    expect(un).not.toBeNull();
    for (const r of rows) expect(maxDiff(floatForward(un, standardizeFeatures(r, norm)), floatForward(fm, r))).toBeLessThan(1e-5);
    // per-element statistics that do not repeat per channel cannot go into a convolution
    expect(unfoldNormalization(fm, computeInputNormalization(all, [size(fm)]))).toBeNull();
    const same = conv1dFixture();
    expect(unfoldNormalization(same, computeInputNormalization(rawRows(same, 4).all, same.inputShape))).toBeNull();
    const dw = depthwiseFixture();
    expect(unfoldNormalization(dw, computeInputNormalization(rawRows(dw, 4).all, dw.inputShape))).toBeNull();
  });

  it('standardises in float32 steps like the firmware: fround(fround(x − mean) / std)', () => {
    const n = { mean: [Math.fround(0.1), Math.fround(100.3)], std: [Math.fround(3), Math.fround(0.7)] };
    const x = [1.7, 250.1, -2.2, 99.9];
    const want = x.map((v, i) => Math.fround(Math.fround(Math.fround(v) - n.mean[i % 2]) / n.std[i % 2]));
    expect(Array.from(standardizeFeatures(Float32Array.from(x), n))).toEqual(want);
  });

  it('expands per-channel statistics, finds their period and refuses bad ones', () => {
    const e = perElementNormalization({ mean: [1, 2, 3], std: [4, 5, 6] }, 9);
    expect(e.mean).toEqual([1, 2, 3, 1, 2, 3, 1, 2, 3]);
    expect(channelPeriod(e)).toBe(3);
    expect(channelPeriod({ mean: [1, 2, 1, 3], std: [1, 1, 1, 1] })).toBe(4);
    const bad = (f: () => unknown, code: string) => {
      try {
        f();
        expect.unreachable();
      } catch (err) {
        expect(isStudioError(err, code), String(err)).toBe(true);
      }
    };
    bad(() => perElementNormalization({ mean: [1, 2], std: [1, 1] }, 3), 'normalization-shape');
    bad(() => checkNormalization({ mean: [0, 0], std: [1, 0] }, 2), 'normalization-value');
    bad(() => checkNormalization({ mean: [0, NaN], std: [1, 1] }, 2), 'normalization-value');
    bad(() => checkNormalization({ mean: [0], std: [1] }, 2), 'normalization-shape');
    // a constant input gets std 1 (as the trainer), not a division by zero
    expect(computeInputNormalization(new Float32Array([5, 5, 5, 5]), [2]).std).toEqual([1, 1]);
  });
});
