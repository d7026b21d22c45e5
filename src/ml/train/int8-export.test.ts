import { describe, it, expect } from 'vitest';
import type { FloatModel } from '../float-model.ts';
import { argmax } from '../metrics/argmax.ts';
import { conv1dFixture, fixtureInputs, mulberry32 } from '../quantize/test-support/fixtures.ts';
import { floatForward } from '../quantize/float-forward.ts';
import { standardizeFeatures } from '../models/input-normalization.ts';
import { calibrationRows, exportTflite, runTflite } from './int8-export.ts';


/**
 * A random dense classifier over standardised inputs (`base`, classes balanced; as the trainer makes
 * them) and the same model folded for raw inputs whose ranges differ by four orders of magnitude
 * (0.01 … 300, like g next to deg/s).
 */
function scenario(): { base: FloatModel; fm: FloatModel; x: Float32Array; rows: Float32Array[]; mean: number[]; std: number[] } {
  const n = 24;
  const r = mulberry32(9);
  const w = (len: number) => Float32Array.from({ length: len }, () => r() - 0.5);
  const z = () => r() + r() + r() - 1.5;
  const hidden = { kind: 'dense' as const, units: 16, inUnits: n, kernel: w(16 * n), bias: new Float32Array(16), activation: 'relu' as const };
  const base: FloatModel = { inputShape: [n], labels: ['a', 'b', 'c', 'd'], layers: [hidden, { kind: 'dense', units: 4, inUnits: 16, kernel: w(64), bias: new Float32Array(4), activation: 'none' }, { kind: 'softmax' }] };
  const std = Array.from({ length: n }, (_, i) => Math.fround(i % 4 === 0 ? 300 * (0.5 + r()) : 0.01 + r()));
  const mean = Array.from({ length: n }, (_, i) => Math.fround((r() - 0.5) * 4 * std[i]));
  const kernel = new Float32Array(hidden.kernel.length);
  const bias = Float32Array.from(hidden.bias);
  for (let o = 0; o < hidden.units; o++)
    for (let i = 0; i < n; i++) {
      kernel[o * n + i] = hidden.kernel[o * n + i] / std[i];
      bias[o] -= (hidden.kernel[o * n + i] * mean[i]) / std[i];
    }
  const fm: FloatModel = { ...base, layers: [{ ...hidden, kernel, bias }, ...base.layers.slice(1)] };
  const rows = Array.from({ length: 300 }, () => Float32Array.from({ length: n }, (_, i) => z() * std[i] + mean[i]));
  const x = new Float32Array(rows.length * n);
  rows.forEach((row, i) => x.set(row, i * n));
  return { base, fm, x, rows, mean, std };
}

describe('exportTflite with the impulse input standardisation', () => {
  it('keeps int8 close to float where one raw input scale cannot (features of very different ranges)', () => {
    const { base, fm, x, rows, mean, std } = scenario();
    const n = mean.length;
    const norm = { mean, std };
    const float = rows.map((row) => argmax(floatForward(base, standardizeFeatures(row, norm))));
    expect(new Set(float).size).toBeGreaterThanOrEqual(3);
    // the folded model on raw rows is the same classifier
    expect(rows.filter((row, i) => argmax(floatForward(fm, row)) === float[i]).length).toBeGreaterThanOrEqual(rows.length - 1);
    const agree = (p: Float32Array) => float.filter((c, i) => argmax(p.subarray(i * 4, i * 4 + 4)) === c).length / rows.length;
    const std8 = exportTflite(base, x, norm);
    const raw = exportTflite(fm, x, undefined);
    const stdAgree = agree(runTflite(std8.int8Tflite, x, n, norm));
    const rawAgree = agree(runTflite(raw.int8Tflite, x, n));
    // the float32 TFLite export takes standardised input too and equals the float model
    expect(agree(runTflite(std8.floatTflite, x, n, norm))).toBe(1);
    expect(stdAgree).toBeGreaterThanOrEqual(0.97);
    console.log(`int8 top-1 agreement with float: raw input ${rawAgree}, standardised ${stdAgree}`);
    expect(stdAgree).toBeGreaterThan(rawAgree + 0.05);
  });

  it('standardises any first layer (a same-padded conv1d too): the float export equals the float model on standardised rows', () => {
    const fm = conv1dFixture(); // first conv is 'same'-padded: a fold would not be exact, standardising first is
    const size = fm.inputShape.reduce((a, b) => a * b, 1);
    const rows = fixtureInputs(fm, 8).map((r) => r.map((v, i) => v * 40 + (i % 3)));
    const x = new Float32Array(rows.length * size);
    rows.forEach((r, i) => x.set(r, i * size));
    const norm = { mean: Array.from({ length: size }, (_, i) => i % 3), std: new Array<number>(size).fill(40) };
    const ex = exportTflite(fm, x, norm);
    const pf = runTflite(ex.floatTflite, x, size, norm);
    expect(pf).toHaveLength(8 * 4);
    rows.forEach((r, i) => {
      const want = floatForward(fm, standardizeFeatures(r, norm));
      for (let j = 0; j < 4; j++) expect(pf[i * 4 + j]).toBeCloseTo(want[j], 4);
    });
    expect(ex.input.scale).toBeLessThan(1); // calibrated on standardised values, not on ±40-sized raw ones
  });
});

describe('exportTflite calibration', () => {
  /** Standardised inputs where one feature is near 0 except in 1 window of 150, where it is 40 σ out (a kurtosis-like feature). */
  function heavyTail() {
    const { base, mean } = scenario();
    const n = mean.length;
    const r = mulberry32(21);
    const z = () => r() + r() + r() - 1.5;
    const rows = Array.from({ length: 600 }, (_, k) => Float32Array.from({ length: n }, (_, i) => (i === 5 ? (k % 150 === 0 ? 40 : 0.1 * z()) : z())));
    const x = new Float32Array(rows.length * n);
    rows.forEach((row, i) => x.set(row, i * n));
    return { base, x, rows, n };
  }

  it('auto keeps the calibration whose int8 model agrees best with float: a clipped range when a rare outlier stretches min/max', () => {
    const { base, x, rows, n } = heavyTail();
    const float = rows.map((row) => argmax(floatForward(base, row)));
    const agree = (p: Float32Array) => float.filter((c, i) => argmax(p.subarray(i * 4, i * 4 + 4)) === c).length / rows.length;
    const mm = exportTflite(base, x, undefined, { calibration: 'minmax' });
    const auto = exportTflite(base, x, undefined);
    expect(mm.calibration).toBe('minmax');
    expect(auto.calibration).not.toBe('minmax');
    console.log(`auto chose ${auto.calibration}: input scale ${auto.input.scale} (min/max ${mm.input.scale})`);
    const a = agree(runTflite(auto.int8Tflite, x, n));
    const m = agree(runTflite(mm.int8Tflite, x, n));
    console.log(`int8 top-1 agreement with float: min/max ${m}, auto (${auto.calibration}) ${a}`);
    expect(a).toBeGreaterThan(m);
    expect(auto.calibrationAgreement).toBeGreaterThanOrEqual(mm.calibrationAgreement);
  });
});

describe('calibrationRows', () => {
  it('gives every class an equal share (all rows of a small class), evenly spaced within a class', () => {
    const size = 2;
    const n = 2000;
    const classes = Int32Array.from({ length: n }, (_, i) => (i < 1900 ? 0 : i < 1990 ? 1 : 2));
    const x = Float32Array.from({ length: n * size }, (_, j) => Math.floor(j / size));
    const rows = calibrationRows(x, size, classes, 300);
    const cls = rows.map((r) => classes[r[0]]);
    expect(rows).toHaveLength(300);
    expect(cls.filter((c) => c === 2)).toHaveLength(10);
    expect(cls.filter((c) => c === 1)).toHaveLength(90);
    expect(cls.filter((c) => c === 0)).toHaveLength(200);
    // without classes: evenly spaced over all rows, so the 10-window class gets about 1 or 2
    expect(calibrationRows(x, size, undefined, 300).filter((r) => classes[r[0]] === 2).length).toBeLessThanOrEqual(2);
  });
});

describe('class-balanced calibration', () => {
  it('a rare class whose inputs lie beyond the common range keeps its int8 accuracy (evenly spaced rows miss it and saturate it)', () => {
    // logits: class 0 = 4, class 1 = 4 - 8·x1, class 2 = 3·x0: class 2 wins only where x0 is large (≈ 5), as only its windows have
    const fm: FloatModel = {
      inputShape: [2],
      labels: ['a', 'b', 'c'],
      layers: [{ kind: 'dense', units: 3, inUnits: 2, kernel: Float32Array.from([0, 0, 0, -8, 3, 0]), bias: Float32Array.from([4, 4, 0]), activation: 'none' }, { kind: 'softmax' }],
    };
    const r = mulberry32(4);
    const n = 20_000;
    const classes = new Int32Array(n);
    const x = new Float32Array(n * 2);
    for (let i = 0; i < n; i++) {
      const rare = i >= 10_005 && i < 10_035; // 30 windows of class 2, in one block between two evenly spaced picks
      classes[i] = rare ? 2 : r() < 0.5 ? 0 : 1;
      x[i * 2] = rare ? 4.5 + r() : r() * 2 - 1;
      x[i * 2 + 1] = classes[i] === 1 ? 0.5 + r() * 0.5 : -0.5 - r() * 0.5;
    }
    const float = Array.from({ length: n }, (_, i) => argmax(floatForward(fm, x.subarray(i * 2, i * 2 + 2))));
    expect(float.filter((c, i) => classes[i] === 2 && c === 2)).toHaveLength(30);
    const rareRecall = (t: Uint8Array) => {
      const p = runTflite(t, x, 2);
      let ok = 0;
      for (let i = 10_005; i < 10_035; i++) if (argmax(p.subarray(i * 3, i * 3 + 3)) === 2) ok++;
      return ok / 30;
    };
    const even = exportTflite(fm, x, undefined, { calibration: 'minmax' });
    const balanced = exportTflite(fm, x, undefined, { calibration: 'minmax', classes });
    const e = rareRecall(even.int8Tflite);
    const b = rareRecall(balanced.int8Tflite);
    console.log(`rare class int8 recall: evenly spaced calibration ${e}, class-balanced ${b}`);
    expect(b).toBe(1);
    expect(e).toBeLessThan(0.5);
  });
});
