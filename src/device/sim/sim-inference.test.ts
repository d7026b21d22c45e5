import { describe, it, expect } from 'vitest';
import type { ImpulseConfig } from '../../core/impulse.ts';
import { DEFAULT_TRAINING } from '../../ml/defaults.ts';
import type { FloatModel } from '../../ml/float-model.ts';
import { quantizeModel } from '../../ml/quantize/quantize.ts';
import { exportTflite, runTflite } from '../../ml/train/int8-export.ts';
import { dspContext, getDspBlock } from '../../dsp/registry.ts';
import { IMU_AXES } from './motion-model.ts';
import { SimInference } from './sim-inference.ts';
import { DeviceClient } from '../protocol/client.ts';
import { uploadModel } from '../protocol/model-upload.ts';
import { MemoryFlash } from '../protocol/model-slot.ts';
import { createSimulatedBoard } from './simulated-board.ts';

// The impulse reads accZ then accX (not the board's order), so a wrong axis pick changes the answer.
const impulse: ImpulseConfig = {
  version: 1,
  windowing: { windowMs: 1000, strideMs: 500, zeroPad: false, frequencyHz: 50, axes: ['accZ', 'accX'] },
  dsp: { block: 'flatten', params: {} },
  learn: { block: 'dense', params: {} },
  training: DEFAULT_TRAINING,
  labels: ['neg', 'pos'],
};
const deviceAxes = IMU_AXES.map((a) => a.name);
const names = getDspBlock('flatten').featureNames(dspContext(impulse));
const accXAverage = names.indexOf('accX: Average');

/** A dense model whose logits are (−w·avg(accX), +w·avg(accX)): class "pos" when accX is positive on average. */
function signModel(weight: number): FloatModel {
  const n = names.length;
  const kernel = new Float32Array(2 * n);
  kernel[accXAverage] = -weight;
  kernel[n + accXAverage] = weight;
  return { inputShape: [n], labels: impulse.labels, layers: [{ kind: 'dense', units: 2, inUnits: n, kernel, bias: new Float32Array(2), activation: 'none' }, { kind: 'softmax' }] };
}

/** 50 frames × 6 device axes with constant accX and accZ (other axes noise-free zeros). */
function window(accX: number, accZ: number): Float32Array {
  const w = new Float32Array(50 * 6);
  const ix = deviceAxes.indexOf('accX');
  const iz = deviceAxes.indexOf('accZ');
  for (let t = 0; t < 50; t++) {
    w[t * 6 + ix] = accX + 0.01 * Math.sin(t);
    w[t * 6 + iz] = accZ + 0.01 * Math.cos(t);
  }
  return w;
}

function representative(): Float32Array[] {
  const run = getDspBlock('flatten').createRunner(dspContext(impulse));
  const pick = [deviceAxes.indexOf('accZ'), deviceAxes.indexOf('accX')];
  const rows: Float32Array[] = [];
  for (let k = -8; k <= 8; k++) {
    const w = window(k, -k * 2);
    const two = new Float32Array(100);
    for (let t = 0; t < 50; t++) for (let j = 0; j < 2; j++) two[t * 2 + j] = w[t * 6 + pick[j]];
    rows.push(run.run(two));
  }
  return rows;
}

describe('SimInference (the simulated runtime firmware running the slot model)', () => {
  const tflite = quantizeModel(signModel(1), representative()).tflite;

  it('runs the impulse DSP on the impulse axes and the int8 model from the slot bytes', () => {
    const hook = new SimInference(impulse, { deviceAxes, fixedTimingUs: 1234 });
    expect(hook.windowFrames).toBe(50);
    expect(hook.strideFrames).toBe(25);
    const pos = hook.run(window(4, -9), 6, tflite);
    const neg = hook.run(window(-4, 9), 6, tflite);
    expect(pos.labelIndex).toBe(1);
    expect(neg.labelIndex).toBe(0);
    expect(pos.scores[1]).toBeGreaterThan(0.9);
    expect(neg.scores[0]).toBeGreaterThan(0.9);
    expect(pos.timingUs).toBe(1234);
    expect(hook.runs).toBe(2);
  });

  it('loads the new model when the slot changes', () => {
    const flipped = quantizeModel(signModel(-1), representative()).tflite;
    const hook = new SimInference(impulse, { deviceAxes });
    expect(hook.run(window(4, 0), 6, tflite).labelIndex).toBe(1);
    expect(hook.run(window(4, 0), 6, flipped).labelIndex).toBe(0);
  });

  it('standardises the features with the impulse normalization before the int8 model (as the firmware)', () => {
    const n = names.length;
    const mean = new Array<number>(n).fill(0);
    const std = new Array<number>(n).fill(1);
    mean[accXAverage] = 3;
    std[accXAverage] = 2;
    const normalization = { mean, std };
    const rows = representative();
    const x = new Float32Array(rows.length * n);
    rows.forEach((r, i) => x.set(r, i * n));
    // a model over standardised features z = (accX − 3) / 2: "pos" when z > −1.5, i.e. raw accX > 0
    const fm = signModel(1);
    const dense = fm.layers[0];
    if (dense.kind !== 'dense') throw new Error('dense first');
    const stdModel: FloatModel = { ...fm, layers: [{ ...dense, bias: Float32Array.of(-1.5, 1.5) }, ...fm.layers.slice(1)] };
    const std8 = exportTflite(stdModel, x, normalization).int8Tflite;
    // standardised as the impulse says, the board gets raw accX signs right
    const hook = new SimInference({ ...impulse, normalization }, { deviceAxes });
    expect(hook.run(window(-1, 0), 6, std8).labelIndex).toBe(0);
    expect(hook.run(window(1, 0), 6, std8).labelIndex).toBe(1);
    // fed raw features (no standardisation) the same model gets accX = −1 wrong: the step matters
    expect(new SimInference(impulse, { deviceAxes }).run(window(-1, 0), 6, std8).labelIndex).toBe(1);
    // runTflite standardises the same way
    const p = runTflite(std8, x, n, normalization);
    rows.forEach((_, i) => expect(p[i * 2 + 1] > p[i * 2]).toBe(i > 8));
    expect(() => new SimInference({ ...impulse, normalization: { mean: [1], std: [1] } }, { deviceAxes })).toThrow(/normalization/);
  });

  it('refuses an impulse whose axes the board lacks', () => {
    const bad = { ...impulse, windowing: { ...impulse.windowing, axes: ['ax'] } };
    expect(() => new SimInference(bad, { deviceAxes })).toThrow(/no axis "ax"/);
  });

  it('a framed simulated board classifies with the model uploaded over the protocol', async () => {
    const board = createSimulatedBoard({ mode: 'framed', rateHz: 50, flash: new MemoryFlash(64 * 1024), inference: new SimInference(impulse, { deviceAxes }), seed: 3, tickMs: 5 });
    board.setActivity('idle');
    await board.transport.open({ baudRate: 115200 });
    const client = new DeviceClient(board.transport);
    const info = await client.connect();
    expect(info.model.length).toBe(0);
    await uploadModel(client, tflite, { sequence: 7, arenaSize: 4096 });
    const after = await client.getInfo();
    expect(after.model.sequence).toBe(7);
    const got: number[] = [];
    client.onInference((m) => got.push(m.labelIndex));
    await client.setInference(true);
    const t0 = Date.now();
    while (got.length < 2 && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 50));
    await client.setInference(false);
    await board.transport.close();
    expect(got.length).toBeGreaterThanOrEqual(2);
    // An idle board lying flat: accX averages near 0 ± noise, so either class is possible; the labels must be valid.
    for (const g of got) expect([0, 1]).toContain(g);
  });
});
