/**
 * Per-operator cycle figures of the committed RP2040 runtime image (public/firmware/tinyml-runtime-rp2040.uf2)
 * in the emulator of tests/support/rp2040 — the figures behind the RP2040 latency model of
 * src/ml/export/estimate.ts (`RP2040_CYCLES`).
 *
 * Run: npx tsx bench/rp2040-ops.bench.ts
 *
 * Each probe is a small int8 model on a raw window; its Invoke time comes from the INFERENCE message
 * (the firmware's micros() around Invoke, 1 µs = 125 emulator cycles; median of 3).
 * - invokeFixed, perOp, fcPerMac, fcPerOutput: least squares over FULLY_CONNECTED probes without
 *   SOFTMAX (300→4, 300→16, 75→16, 300→16→4);
 * - softmaxPerElement: the same models and others with SOFTMAX (4 or 16 elements), what they take
 *   beyond the dense model per element (the int8 kernel skips exp for outputs far below the maximum,
 *   so it varies with the data: ≈ 2.4–2.9 k cycles per element here);
 * - convPerMac: CONV_2D k5 8 filters on 6 vs 3 channels (same outputs and taps);
 * - convPerOutput: the rest of the 8-filter conv probe after the other terms;
 * - perRead: MAX_POOL 2 on [50, 6] → FC 150→4, after the FC costs.
 * `PROBES=a,b` runs only the named probes (the solve then needs all of them).
 * Then the three test impulses of tests/support/rp2040/impulses.ts (flatten, spectral + low-pass, 1-D
 * conv) are measured the same way, and all Invoke cycles go to bench/rp2040-invoke-cycles.json with the
 * image's SHA-256: src/ml/export/estimate.test.ts checks the estimate against them (and that they
 * belong to the committed image).
 * The emulator is rp2040js: its per-instruction cycle counts at 125 MHz; no flash wait states or XIP
 * cache misses, no bus contention — a real Pico running code from flash is slower (lower bounds).
 */
import { DeviceClient } from '../src/device/protocol/client.ts';
import { uploadModel } from '../src/device/protocol/model-upload.ts';
import type { InferenceMsg } from '../src/device/protocol/messages.ts';
import type { ImpulseConfig } from '../src/core/impulse.ts';
import { gaussian, mulberry32 } from '../src/core/prng.ts';
import { makeSlotPayload } from '../src/deploy/slot-payload.ts';
import type { FloatLayer, FloatModel } from '../src/ml/float-model.ts';
import { computeInputNormalization } from '../src/ml/models/input-normalization.ts';
import { quantizeModel } from '../src/ml/quantize/quantize.ts';
import { readTflite } from '../src/ml/tflite/reader.ts';
import { costTerms, modelCycles, RP2040_CYCLES, type CostTerms, type CycleModel } from '../src/ml/export/estimate.ts';
import { createEmulatedBoard } from '../tests/support/rp2040/board.ts';
import { buildImpulses, makeRecording } from '../tests/support/rp2040/impulses.ts';
import { writeFileSync } from 'node:fs';
import { loadBootrom, loadFirmware } from '../tests/support/rp2040/node-loader.ts';

const line = (name: string, value: number, unit: string) => console.log(`BENCH rp2040_ops.${name} ${Number.isInteger(value) ? value : Number(value.toPrecision(4))} ${unit}`);

const fw = loadFirmware();
if ('missing' in fw) {
  console.log(`rp2040 op bench skipped: ${fw.missing}`);
  process.exit(0);
}
const RATE = 50;
const ALL_AXES = ['accX', 'accY', 'accZ', 'gyrX', 'gyrY', 'gyrZ'];

function probe(name: string, axes: string[], frames: number, layers: (r: () => number, inShape: number[]) => FloatLayer[], nOut = 4, flat = false, softmax = true) {
  const labels = Array.from({ length: nOut }, (_, i) => `c${i}`);
  const impulse: ImpulseConfig = {
    version: 1,
    windowing: { windowMs: (frames * 1000) / RATE, strideMs: 500, zeroPad: false, frequencyHz: RATE, axes },
    dsp: { block: 'raw', params: {} },
    learn: { block: 'conv1d', params: {} },
    training: { epochs: 1, learningRate: 0.001, batchSize: 32, validationSplit: 0.2, seed: 1, earlyStoppingPatience: 0, classWeighting: false, augmentation: { noise: 0, timeShift: 0, amplitudeScale: 0 } },
    labels,
  };
  const inputShape = flat ? [frames * axes.length] : [frames, axes.length];
  const r = mulberry32(name.length * 31 + frames);
  const calib = Array.from({ length: 24 }, () => Float32Array.from({ length: frames * axes.length }, () => gaussian(r)));
  const norm = computeInputNormalization(Float32Array.from(calib.flatMap((c) => Array.from(c))), inputShape);
  const fm: FloatModel = { inputShape, labels, layers: [...layers(r, inputShape), ...(softmax ? [{ kind: 'softmax' } as FloatLayer] : [])] };
  const q = quantizeModel(fm, calib);
  return { name, terms: costTerms(readTflite(q.tflite)), slot: makeSlotPayload({ int8Tflite: q.tflite, impulse: { ...impulse, normalization: norm }, normalization: norm }) };
}
const w = (r: () => number, n: number) => Float32Array.from({ length: n }, () => gaussian(r) * 0.2);
const dense = (r: () => number, inUnits: number, units: number, activation: 'relu' | 'none' = 'none'): FloatLayer => ({ kind: 'dense', units, inUnits, kernel: w(r, units * inUnits), bias: w(r, units), activation });
const conv = (r: () => number, ch: number): FloatLayer => ({ kind: 'conv1d', filters: 8, kernelSize: 5, inChannels: ch, stride: 1, padding: 'valid', kernel: w(r, 8 * 5 * ch), bias: w(r, 8), activation: 'relu' });

const probes = [
  probe('fc300x4', ALL_AXES, 50, (r) => [{ kind: 'flatten' }, dense(r, 300, 4)]),
  probe('fc300x16', ALL_AXES, 50, (r) => [{ kind: 'flatten' }, dense(r, 300, 16)], 16),
  probe('fc75x16', ALL_AXES.slice(0, 3), 25, (r) => [{ kind: 'flatten' }, dense(r, 75, 16)], 16),
  probe('fc300x4flat', ALL_AXES, 50, (r) => [dense(r, 300, 4)], 4, true),
  probe('fc300x4ns', ALL_AXES, 50, (r) => [dense(r, 300, 4)], 4, true, false),
  probe('fc300x16ns', ALL_AXES, 50, (r) => [dense(r, 300, 16)], 16, true, false),
  probe('fc75x16ns', ALL_AXES.slice(0, 3), 25, (r) => [dense(r, 75, 16)], 16, true, false),
  probe('fc300x16x4ns', ALL_AXES, 50, (r) => [dense(r, 300, 16, 'relu'), dense(r, 16, 4)], 4, true, false),
  probe('fc300x4x4', ALL_AXES, 50, (r) => [{ kind: 'flatten' }, dense(r, 300, 4, 'relu'), dense(r, 4, 4)]),
  probe('fc300x16x4', ALL_AXES, 50, (r) => [{ kind: 'flatten' }, dense(r, 300, 16, 'relu'), dense(r, 16, 4)]),
  probe('conv6ch', ALL_AXES, 50, (r) => [conv(r, 6), { kind: 'flatten' }, dense(r, 368, 4)]),
  probe('conv3ch', ALL_AXES.slice(0, 3), 50, (r) => [conv(r, 3), { kind: 'flatten' }, dense(r, 368, 4)]),
  probe('pool', ALL_AXES, 50, (r) => [{ kind: 'maxpool1d', poolSize: 2, stride: 2, padding: 'valid' }, { kind: 'flatten' }, dense(r, 150, 4)]),
];

const recording = makeRecording(RATE * 60, RATE);
const only = process.env.PROBES?.split(',');
if (only) probes.splice(0, probes.length, ...probes.filter((p) => only.includes(p.name)));
const impulses = buildImpulses(recording, RATE);
probes.push(...impulses.map((i) => ({ name: i.name, terms: costTerms(readTflite(i.tflite)), slot: i.slot })));
const board = createEmulatedBoard({ image: fw.image, bootrom: loadBootrom(), imu: { frames: recording, rateHz: RATE }, yieldToHost: () => new Promise((res) => setImmediate(res)) });
board.runFor(250);
await board.transport.open({ baudRate: 115200 });
const client = new DeviceClient(board.transport, { helloTimeoutMs: 60_000, commandTimeoutMs: 60_000 });
await board.runUntil(client.connect());
const nextInference = () => new Promise<InferenceMsg>((resolve) => { const off = client.onInference((m) => { off(); resolve(m); }); });

const c: Record<string, number> = {};
for (const [k, p] of probes.entries()) {
  await board.runUntil(uploadModel(client, p.slot, { sequence: k + 1, endTimeoutMs: 60_000 }), 60_000);
  await board.runUntil(client.setInference(true));
  const t: number[] = [];
  for (let i = 0; i < 3; i++) t.push((await board.runUntil(nextInference(), 10_000)).timingUs);
  await board.runUntil(client.setInference(false));
  t.sort((a, b) => a - b);
  c[p.name] = t[1] * 125;
  console.log(`  ${p.name}: Invoke ${t.join('/')} µs = ${c[p.name]} cycles`);
}
board.stop();

const T = (n: string): CostTerms => probes.find((p) => p.name === n)!.terms;
const m: CycleModel = { invokeFixed: 0, perOp: 0, fcPerMac: 0, fcPerOutput: 0, convPerMac: 0, convPerOutput: 0, perRead: 0, softmaxPerElement: 0 };
// Dense: least squares over the FC probes without SOFTMAX (cycles = fixed + op·ops + a·MACs + b·outputs).
const fcNames = ['fc300x4ns', 'fc300x16ns', 'fc75x16ns', 'fc300x16x4ns'];
const rows = fcNames.map((n) => [1, T(n).ops, T(n).fcMacs, T(n).fcOutputs]);
const K = rows[0].length;
const N = rows[0].map((_, i) => rows[0].map((__, j) => rows.reduce((acc, r) => acc + r[i] * r[j], 0)));
const v = rows[0].map((_, i) => rows.reduce((acc, r, k) => acc + r[i] * c[fcNames[k]], 0));
for (let i = 0; i < K; i++) for (let k = i + 1; k < K; k++) { const f = N[k][i] / N[i][i]; for (let j = i; j < K; j++) N[k][j] -= f * N[i][j]; v[k] -= f * v[i]; }
const x = new Array<number>(K).fill(0);
for (let i = K - 1; i >= 0; i--) x[i] = (v[i] - N[i].slice(i + 1).reduce((acc, nij, j) => acc + nij * x[i + 1 + j], 0)) / N[i][i];
[m.invokeFixed, m.perOp, m.fcPerMac, m.fcPerOutput] = x;
// SOFTMAX: what the probes with it take beyond the dense model, per element (least squares through 0).
// The int8 kernel skips the exp of outputs far below the maximum, so this depends on the data.
const smNames = ['fc300x4', 'fc300x16', 'fc75x16', 'fc300x4x4', 'fc300x16x4', 'fc300x4flat'];
m.softmaxPerElement = smNames.reduce((acc, n) => acc + (c[n] - modelCycles(T(n), m)) * T(n).softmaxElements, 0) / smNames.reduce((acc, n) => acc + T(n).softmaxElements ** 2, 0);
for (const n of smNames) console.log(`  ${n}: SOFTMAX of ${T(n).softmaxElements} took ${Math.round((c[n] - modelCycles(T(n), { ...m, softmaxPerElement: 0 })) / T(n).softmaxElements)} cycles per element`);
// Conv: same outputs and taps, half the channels → per MAC; the rest of the conv probe → per output.
m.convPerMac = (c.conv6ch - c.conv3ch) / (T('conv6ch').convMacs - T('conv3ch').convMacs);
m.convPerOutput = (c.conv6ch - modelCycles(T('conv6ch'), m)) / T('conv6ch').convOutputs;
m.perRead = (c.pool - modelCycles(T('pool'), m)) / T('pool').reads;
const rounded = Object.fromEntries(Object.entries(m).map(([k, v]) => [k, Number(v.toPrecision(4))])) as unknown as CycleModel;
for (const [k, v] of Object.entries(rounded)) line(k, v, 'cycles');
console.log(`RP2040_CYCLES = ${JSON.stringify(rounded)}`);
for (const i of impulses) {
  const est = modelCycles(T(i.name), RP2040_CYCLES);
  console.log(`  ${i.name}: measured ${c[i.name]} cycles, estimate (estimate.ts RP2040_CYCLES) ${Math.round(est)} (${(((est - c[i.name]) / c[i.name]) * 100).toFixed(1)} %), with these figures ${Math.round(modelCycles(T(i.name), rounded))}`);
}
for (const [k, v] of Object.entries(c)) line(`invoke_cycles_${k}`, v, 'cycles');
const record = fw.record as { imageSha256: string };
writeFileSync(new URL('./rp2040-invoke-cycles.json', import.meta.url), `${JSON.stringify({
  image: 'public/firmware/tinyml-runtime-rp2040.uf2',
  imageSha256: record.imageSha256,
  method: 'median of 3 INFERENCE timings (µs, micros() around Invoke) × 125 emulator cycles/µs, rp2040js; bench/rp2040-ops.bench.ts',
  invokeCycles: c,
}, null, 2)}\n`);
