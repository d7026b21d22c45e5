import { describe, it, expect } from 'vitest';
import { isStudioError, type AnyErrorCode } from '../../core/errors.ts';
import { conv1dFixture, denseFixture, fixtureInputs } from '../quantize/test-support/fixtures.ts';
import type { FloatModel } from '../float-model.ts';
import { channelPeriod, checkNormalization, computeInputNormalization, perElementNormalization, standardizeFeatures } from './input-normalization.ts';

const size = (fm: FloatModel) => fm.inputShape.reduce((a, b) => a * b, 1);

/** Raw inputs of very different ranges per element: input = standardised × (1 + 50·i mod 7) + offsets. */
function rawRows(fm: FloatModel, n: number): { rows: Float32Array[]; all: Float32Array } {
  const base = fixtureInputs(fm, n);
  const rows = base.map((r) => r.map((v, i) => v * (1 + 50 * (i % 7)) + 3 * (i % 5) - 4));
  const all = new Float32Array(rows.length * size(fm));
  rows.forEach((r, i) => all.set(r, i * size(fm)));
  return { rows, all };
}

describe('input standardisation (the one type and the one place it is applied)', () => {
  it('computes per-channel statistics expanded per element: standardised training rows have zero mean, unit spread', () => {
    const fm = denseFixture();
    const { rows, all } = rawRows(fm, 20);
    const norm = computeInputNormalization(all, fm.inputShape);
    expect(norm.mean).toHaveLength(size(fm));
    const std = standardizeFeatures(all, norm);
    for (const j of [0, 3, size(fm) - 1]) {
      const col = rows.map((_, i) => std[i * size(fm) + j]);
      const m = col.reduce((a, b) => a + b, 0) / col.length;
      const v = col.reduce((a, b) => a + (b - m) ** 2, 0) / col.length;
      expect(Math.abs(m)).toBeLessThan(1e-4);
      expect(Math.abs(v - 1)).toBeLessThan(1e-3);
    }
    // a conv1d input [T, C]: one statistic per channel, repeated every C elements
    const conv = conv1dFixture();
    const cn = computeInputNormalization(rawRows(conv, 6).all, conv.inputShape);
    const c = conv.inputShape[conv.inputShape.length - 1];
    expect(channelPeriod(cn, c)).toBe(c);
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
    const bad = (f: () => unknown, code: AnyErrorCode) => {
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
