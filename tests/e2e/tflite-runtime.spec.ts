/**
 * Checks our int8 TFLite export against an independent TFLite runtime: @tensorflow/tfjs-tflite (full
 * TFLite compiled to WASM) in headless Chromium. Self-contained: the models and expected outputs are
 * computed here in Node with our quantizer, writer and interpreter; the runtime page comes from
 * tflite-runtime/tflite-page.ts (served with `page.route` on a fake origin, no app build needed).
 */
import { test, expect } from '@playwright/test';
import { conv1dFixture, denseFixture, depthwiseFixture, fixtureInputs, mulberry32 } from '../../src/ml/quantize/test-support/fixtures.ts';
import { quantizeModel, toFloatTflite } from '../../src/ml/quantize/quantize.ts';
import { Int8Interpreter } from '../../src/ml/tflite/interpreter.ts';
import { openTflitePage, runInTflite } from './tflite-runtime/tflite-page.ts';


interface Case {
  name: string;
  tflite: number[];
  inputShape: number[];
  inputs: number[][];
  expected: number[][];
  /** Our interpreter with the single-rounding requantization full TFLite uses. */
  expectedSingle: number[][];
  float: boolean;
}

/** int8 rows: held-out windows quantized with the model's input parameters, then random rows. */
function int8Rows(n: number, size: number, windows: Float32Array[], scale: number, zp: number, seed: number): Int8Array[] {
  const rows: Int8Array[] = windows.map((w) => Int8Array.from(w, (v) => Math.max(-128, Math.min(127, Math.round(v / scale) + zp))));
  const r = mulberry32(seed);
  while (rows.length < n) rows.push(Int8Array.from({ length: size }, () => Math.floor(r() * 256) - 128));
  return rows;
}

function makeCases(): Case[] {
  const cases: Case[] = [];
  // Logits without softmax: shows the FULLY_CONNECTED requantization on its own.
  const logits = denseFixture();
  logits.layers = logits.layers.slice(0, -1);
  const fixtures = [
    ['dense-logits', logits],
    ['dense', denseFixture()],
    ['conv1d', conv1dFixture()],
    ['depthwise', depthwiseFixture()],
  ] as const;
  for (const [name, fm] of fixtures) {
    const windows = fixtureInputs(fm, 300, 7);
    const q = quantizeModel(fm, windows.slice(0, 150));
    const it = Int8Interpreter.load(q.tflite);
    const single = Int8Interpreter.load(q.tflite, { rounding: 'single' });
    const size = fm.inputShape.reduce((a, b) => a * b, 1);
    const rows = int8Rows(250, size, windows.slice(150), q.input.scale, q.input.zeroPoint, 17);
    cases.push({
      name: `${name} int8`,
      tflite: Array.from(q.tflite),
      inputShape: it.input.shape,
      inputs: rows.map((r) => Array.from(r)),
      expected: rows.map((r) => Array.from(it.invoke(r))),
      expectedSingle: rows.map((r) => Array.from(single.invoke(r))),
      float: false,
    });
    const f = toFloatTflite(fm);
    const fit = Int8Interpreter.load(f.tflite);
    const fr = windows.slice(150, 190);
    cases.push({
      name: `${name} float32`,
      tflite: Array.from(f.tflite),
      inputShape: fit.input.shape,
      inputs: fr.map((r) => Array.from(r)),
      expected: fr.map((r) => Array.from(fit.invokeFloat(r))),
      expectedSingle: [],
      float: true,
    });
  }
  return cases;
}

test('tfjs-tflite (real TFLite, WASM) gives our int8 interpreter outputs', async ({ page }) => {
  test.setTimeout(180_000);
  const cases = makeCases();
  const errors = await openTflitePage(page);
  const results = await runInTflite(
    page,
    cases.map((c) => ({ name: c.name, tflite: Uint8Array.from(c.tflite), inputShape: c.inputShape, inputs: c.inputs, float: c.float })),
  );

  expect(errors).toEqual([]);
  const argmax = (a: number[]) => a.reduce((b, v, i) => (v > a[b] ? i : b), 0);
  const compare = (outs: number[][], expected: number[][], tol: number) => {
    let values = 0, differing = 0, maxDiff = 0, topMismatch = 0;
    outs.forEach((o, row) => {
      const e = expected[row];
      expect(o.length).toBe(e.length);
      o.forEach((v, j) => {
        values++;
        const d = Math.abs(v - e[j]);
        maxDiff = Math.max(maxDiff, d);
        if (d > tol) differing++;
      });
      if (argmax(o) !== argmax(e)) topMismatch++;
    });
    return { values, differing, maxDiff, topMismatch };
  };
  for (const [i, c] of cases.entries()) {
    const r = results[i];
    expect(r.error, `${c.name}: TFLite failed`).toBeUndefined();
    const outs = r.outputs!;
    expect(outs.length).toBe(c.expected.length);
    if (c.float) {
      const f = compare(outs, c.expected, 1e-5);
      console.log(`${c.name}: ${outs.length} rows, max |diff| ${f.maxDiff.toExponential(2)}, top-class mismatches ${f.topMismatch}`);
      expect(f.maxDiff, c.name).toBeLessThan(1e-4);
      expect(f.topMismatch, c.name).toBe(0);
      continue;
    }
    // Full TFLite requantizes with one rounding (64-bit product, ties up); TFLite Micro's reference
    // kernels round twice (gemmlowp). Our interpreter does either: the first must agree with TFLite
    // to the bound, the second is what the board computes.
    const single = compare(outs, c.expectedSingle, 0);
    const tflm = compare(outs, c.expected, 0);
    console.log(
      `${c.name}: ${outs.length} rows × ${outs[0].length}; TFLite vs ours (TFLite rounding): ${single.differing}/${single.values} differ, max ${single.maxDiff}, top-class mismatches ${single.topMismatch}; ` +
        `TFLite vs ours (TFLM rounding): ${tflm.differing} differ, max ${tflm.maxDiff}, top-class mismatches ${tflm.topMismatch}`,
    );
    if (process.env.TFLITE_DEBUG) {
      outs.forEach((o, row) => {
        if (o.some((v, j) => v !== c.expectedSingle[row][j])) console.log(c.name, 'row', row, 'ours', c.expected[row].join(','), 'single', c.expectedSingle[row].join(','), 'tflite', o.join(','));
      });
    }
    expect(single.maxDiff, c.name).toBeLessThanOrEqual(1);
    expect(single.differing / single.values, c.name).toBeLessThanOrEqual(0.005);
    expect(single.topMismatch, c.name).toBe(0);
    expect(tflm.topMismatch, c.name).toBe(0);
  }
});
