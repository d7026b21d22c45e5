/**
 * The strict simulated board and the firmware decide alike on the same slot bytes: the firmware's
 * impulse pipeline (firmware/host/impulse_main.cpp with impulse_runner.cpp, impulse_descriptor.cpp and
 * the generated DSP kernels, compiled with g++) and `SlotInference` read one slot image and must give
 * the same header (block, axes, window, stride, features, quantization), the same features, the same
 * int8 input tensor — hence the same classification — and refuse the same slots.
 */
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import type { ImpulseConfig, InputNormalization, ParamValue } from '../../core/impulse.ts';
import { DEFAULT_TRAINING } from '../../ml/defaults.ts';
import type { FloatModel } from '../../ml/float-model.ts';
import { computeInputNormalization, standardizeFeatures } from '../../ml/models/input-normalization.ts';
import { quantizeModel } from '../../ml/quantize/quantize.ts';
import { Int8Interpreter } from '../../ml/tflite/interpreter.ts';
import { describeImpulse, encodeImpulseDescriptor, makeImpulseDescriptor } from '../../ml/export/impulse-descriptor.ts';
import { dspContext, getDspBlock } from '../../dsp/registry.ts';
import { buildModelSlotImage, buildSlotPayload } from '../protocol/model-slot.ts';
import { buildImpulseProgram, runImpulseProgram } from '../protocol/test-support/host-program.ts';
import { SLOT } from '../../core/slot-layout.ts';
import { IMU_AXES } from './motion-model.ts';
import { SLOT_REFUSALS, SlotInference } from './sim-inference.ts';

const gxx = spawnSync('g++', ['--version']).status === 0;
const IMU = IMU_AXES.map((a) => a.name);



function impulse(block: 'raw' | 'flatten' | 'spectral', params: Record<string, ParamValue>, axes: string[], hz = 100, windowMs = 2000): ImpulseConfig {
  return {
    version: 1,
    windowing: { windowMs, strideMs: windowMs / 4, zeroPad: false, frequencyHz: hz, axes },
    dsp: { block, params },
    learn: { block: 'dense', params: {} },
    training: DEFAULT_TRAINING,
    labels: ['a', 'b', 'c'],
  };
}

/** Deterministic 6-axis windows, values exact in float32 (so the text round trip to the host is lossless). */
function imuWindows(frames: number, hz: number, count: number, seed: number): Float32Array[] {
  let s = seed >>> 0;
  const rnd = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5;
  return Array.from({ length: count }, (_, w) => {
    const out = new Float32Array(frames * 6);
    for (let i = 0; i < frames; i++) {
      const t = (i + w * 41) / hz;
      for (let a = 0; a < 6; a++) {
        out[i * 6 + a] = (a < 3 ? 9.8 : 150) * (Math.sin(2 * Math.PI * (0.9 + a * 0.8 + w * 0.4) * t + a) + 0.3 * Math.sin(2 * Math.PI * 6.1 * t) + 0.2 * rnd()) + (a === 2 ? 9.8 : 0);
      }
    }
    return out;
  });
}

/** Three-class dense model over n standardised features (fixed pseudo-random weights). */
function denseModel(n: number): FloatModel {
  const kernel = Float32Array.from({ length: 3 * n }, (_, i) => Math.sin(i * 12.9898) * 0.7);
  return { inputShape: [n], labels: ['a', 'b', 'c'], layers: [{ kind: 'dense', units: 3, inUnits: n, kernel, bias: Float32Array.from([0.1, -0.2, 0.05]), activation: 'none' }, { kind: 'softmax' }] };
}

function selectAxes(w: Float32Array, axes: string[]): Float32Array {
  const idx = axes.map((a) => IMU.indexOf(a));
  const frames = w.length / 6;
  const out = new Float32Array(frames * axes.length);
  for (let i = 0; i < frames; i++) idx.forEach((k, j) => (out[i * axes.length + j] = w[i * 6 + k]));
  return out;
}

describe.skipIf(!gxx)(`strict simulated board vs the firmware's impulse pipeline (g++ host build)${gxx ? '' : ' — skipped: g++ not found'}`, () => {
  const bin = gxx ? buildImpulseProgram() : '';

  const cases: { name: string; cfg: ImpulseConfig; normalize: boolean }[] = [
    { name: 'spectral low-pass 5 Hz order 6, fft 64, log', cfg: impulse('spectral', { 'fft-length': 64, 'filter-type': 'low', 'filter-cutoff': 5, 'filter-order': 6 }, ['accX', 'accY', 'accZ']), normalize: true },
    { name: 'spectral high-pass, fft 128, linear, reordered axes, scaled', cfg: impulse('spectral', { 'fft-length': 128, 'filter-type': 'high', 'filter-cutoff': 2, 'filter-order': 4, 'do-log': false, 'do-fft-overlap': false, 'scale-axes': 0.5 }, ['gyrZ', 'accX']), normalize: true },
    { name: 'spectral no filter, fft 16, 62.5 Hz, 6 axes', cfg: impulse('spectral', { 'fft-length': 16 }, IMU, 62.5, 1600), normalize: false },
    { name: 'flatten, four statistics, scaled', cfg: impulse('flatten', { 'scale-axes': 2, minimum: false, stdev: false, kurtosis: false }, ['accZ', 'gyrX']), normalize: true },
    { name: 'flatten with the motion shape (the defaults), 6 axes, scaled', cfg: impulse('flatten', { kurtosis: false, shape: true, 'scale-axes': 0.5 }, IMU, 104, 2000), normalize: true },
    { name: 'raw, per-axis standardisation', cfg: impulse('raw', { 'scale-axes': 0.25 }, ['accX', 'gyrY'], 50, 600), normalize: true },
  ];

  for (const [ci, c] of cases.entries()) {
    it(`same header, features, int8 tensor and decision: ${c.name}`, () => {
      const ctx = dspContext(c.cfg);
      const runner = getDspBlock(c.cfg.dsp.block).createRunner(ctx);
      const windows = imuWindows(ctx.windowFrames, c.cfg.windowing.frequencyHz, 4, 300 + ci);
      const appFeatures = windows.map((w) => runner.run(selectAxes(w, c.cfg.windowing.axes)));
      const shape = c.cfg.dsp.block === 'raw' ? [runner.dim / c.cfg.windowing.axes.length, c.cfg.windowing.axes.length] : [runner.dim];
      const norm: InputNormalization | null = c.normalize ? computeInputNormalization(Float32Array.from(appFeatures.flatMap((f) => Array.from(f))), shape) : null;
      const rows = appFeatures.map((f) => (norm ? standardizeFeatures(f, norm) : f));
      const tflite = quantizeModel(denseModel(runner.dim), rows).tflite;
      const interp = Int8Interpreter.load(tflite);
      const descriptor = makeImpulseDescriptor({ ...c.cfg, normalization: norm ?? undefined }, {
        input: { scale: interp.input.scale, zeroPoint: interp.input.zeroPoint }, output: { scale: interp.output.scale, zeroPoint: interp.output.zeroPoint }, normalization: norm,
      });
      const payload = buildSlotPayload(tflite, descriptor);
      const host = runImpulseProgram(bin, buildModelSlotImage(tflite, { sequence: 3, arenaSize: 8192, descriptor }), windows);
      expect(host.error).toBeUndefined();

      const hook = new SlotInference({ sensorAxes: IMU, arenaCapacity: 48 * 1024 });
      expect(hook.loadSlot(payload, 8192)).toBe(true);
      const imp = hook.impulse!;
      const blockId = { raw: 0, flatten: 1, spectral: 2 }[imp.block];
      expect([blockId, imp.axes.length, imp.windowFrames, imp.strideFrames, imp.featureCount, 1]).toEqual(host.head.slice(0, 6));
      expect(Math.fround(host.head[6])).toBe(Math.fround(imp.input!.scale));
      expect(host.head[7]).toBe(imp.input!.zeroPoint);

      windows.forEach((w, wi) => {
        const f = hook.features(w, 6)!;
        expect(f).not.toBeNull();
        // the firmware's kernels, step for step: equal up to the last digit %.9g prints (libm's cos/log10 may differ by 1 ulp)
        f.forEach((v, i) => {
          const g = host.features[wi][i];
          expect(Math.abs(g - v) / Math.max(Math.abs(v), 1e-6), `window ${wi} feature ${i}: C++ ${g} vs sim ${v}`).toBeLessThan(1e-6);
        });
        const q = hook.inputTensor(f);
        expect(Array.from(q)).toEqual(host.tensor[wi]);
        // one int8 tensor, one model: the firmware's decision is the simulated board's
        const out = interp.invoke(Int8Array.from(host.tensor[wi]));
        let best = 0;
        for (let k = 1; k < out.length; k++) if (out[k] > out[best]) best = k;
        expect(hook.run(w, 6).labelIndex).toBe(best);
      });
    });
  }

  it('refuses the slots the firmware refuses, with the same reasons', () => {
    const cfg = cases[3].cfg;
    const windows = imuWindows(dspContext(cfg).windowFrames, 100, 1, 1);
    const q = { scale: 0.1, zeroPoint: 0 };
    const model = new Uint8Array(3001).fill(5);
    const slot = (d: Uint8Array) => buildModelSlotImage(model, { sequence: 1, arenaSize: 1, descriptor: d });
    const simProblem = (image: Uint8Array) => {
      const hook = new SlotInference({ sensorAxes: IMU, arenaCapacity: 48 * 1024 });
      const len = new DataView(image.buffer).getUint32(8, true);
      expect(hook.loadSlot(image.subarray(SLOT.DATA_OFFSET, SLOT.DATA_OFFSET + len), 1)).toBe(false);
      return hook.problem;
    };
    const refusals: [string, Uint8Array][] = [
      ['axis', slot(makeImpulseDescriptor(impulse('flatten', {}, ['accX', 'magX']), { input: q }))],
      ['ring', slot(encodeImpulseDescriptor({ ...describeImpulse(cfg, { input: q }), windowFrames: 700 }))],
      ['features', slot(encodeImpulseDescriptor({ ...describeImpulse(cfg, { input: q }), featureCount: 9 }))],
    ];
    for (const [what, image] of refusals) {
      const host = runImpulseProgram(bin, image, windows).error;
      expect(host, what).toBeDefined();
      expect(simProblem(image), what).toBe(host);
    }
    expect(runImpulseProgram(bin, refusals[0][1], windows).error).toBe(SLOT_REFUSALS.missingAxis);
    // a damaged descriptor under a valid slot CRC: both refuse (the firmware says "descriptor crc")
    const bad = makeImpulseDescriptor(cfg, { input: q });
    bad[30] ^= 0x40;
    expect(runImpulseProgram(bin, slot(bad), windows).error).toBe('descriptor crc');
    expect(simProblem(slot(bad))).toMatch(/CRC/);
  });
});
