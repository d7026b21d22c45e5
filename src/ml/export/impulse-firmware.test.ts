/**
 * Firmware DSP == app DSP: the runtime's impulse pipeline (firmware/src/impulse_runner.cpp with the
 * generated DSP kernels), compiled with g++ as firmware/host/impulse_main.cpp, loads a slot image the
 * studio built (model + impulse descriptor) and must produce the TypeScript DSP block's features and
 * the same int8 input tensor (features standardised with the descriptor's mean/std, then quantized).
 */
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import type { ImpulseConfig, ParamValue, QuantParams } from '../../core/impulse.ts';
import { buildModelSlotImage, buildSlotPayload } from '../../device/protocol/model-slot.ts';
import { buildImpulseProgram, runImpulseProgram, type ImpulseRun } from '../../device/protocol/test-support/host-program.ts';
import { dspContext, getDspBlock } from '../../dsp/registry.ts';
import { computeInputNormalization, standardizeFeatures } from '../models/input-normalization.ts';
import { makeImpulseDescriptor, quantizeFeatures } from './impulse-descriptor.ts';

const gxx = spawnSync('g++', ['--version']).status === 0;
const IMU = ['accX', 'accY', 'accZ', 'gyrX', 'gyrY', 'gyrZ'];


function impulse(block: 'raw' | 'flatten' | 'spectral', params: Record<string, ParamValue>, axes: string[], hz = 100, windowMs = 2000): ImpulseConfig {
  return {
    version: 1,
    windowing: { windowMs, strideMs: windowMs / 4, zeroPad: false, frequencyHz: hz, axes },
    dsp: { block, params },
    learn: { block: 'dense', params: {} },
    training: { epochs: 1, learningRate: 0.001, batchSize: 32, validationSplit: 0.2, seed: 1, earlyStoppingPatience: 0, classWeighting: false, augmentation: { noise: 0, timeShift: 0, amplitudeScale: 0 } },
    labels: ['idle', 'wave', 'shake'],
  };
}

/** Deterministic 6-axis IMU windows (float32): a few sines per axis plus seeded noise. */
function imuWindows(frames: number, hz: number, count: number, seed: number): Float32Array[] {
  let s = seed >>> 0;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) - 0.5;
  return Array.from({ length: count }, (_, w) => {
    const out = new Float32Array(frames * 6);
    for (let i = 0; i < frames; i++) {
      const t = (i + w * 37) / hz;
      for (let a = 0; a < 6; a++) {
        const f1 = 0.7 + a * 0.9 + w * 0.3;
        out[i * 6 + a] = (a < 3 ? 1 : 120) * (Math.sin(2 * Math.PI * f1 * t + a) + 0.4 * Math.sin(2 * Math.PI * 7.3 * t * (1 + a / 7)) + 0.2 * rnd()) + (a === 2 ? 0.98 : 0);
      }
    }
    return out;
  });
}

function selectAxes(w: Float32Array, axes: string[]): Float32Array {
  const idx = axes.map((a) => IMU.indexOf(a));
  const frames = w.length / 6;
  const out = new Float32Array(frames * axes.length);
  for (let i = 0; i < frames; i++) idx.forEach((k, j) => (out[i * axes.length + j] = w[i * 6 + k]));
  return out;
}

/** Input quantization spanning the features' range (so rounding and clamping both occur). */
function quantFor(features: Float32Array[]): QuantParams {
  let lo = Infinity, hi = -Infinity;
  for (const f of features) {
    for (const v of f) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  const scale = Math.fround(((hi - lo) / 255) * 0.9);
  return { scale, zeroPoint: Math.max(-128, Math.min(127, Math.round(-128 - lo / scale) + 5)) };
}

function runHost(bin: string, slot: Uint8Array, windows: Float32Array[]): ImpulseRun {
  const r = runImpulseProgram(bin, slot, windows);
  if (!r.error) expect(r.status, r.stderr).toBe(0);
  return r;
}

const MODEL = Uint8Array.from({ length: 3001 }, (_, i) => (i * 131 + 7) & 0xff);

describe.skipIf(!gxx)(`firmware impulse pipeline (g++ host build) vs TypeScript DSP${gxx ? '' : ' — skipped: g++ not found'}`, () => {
  const bin = gxx ? buildImpulseProgram() : '';

  const cases: { name: string; cfg: ImpulseConfig }[] = [
    { name: 'spectral low-pass 5 Hz order 6, fft 64, log, overlap', cfg: impulse('spectral', { 'fft-length': 64, 'filter-type': 'low', 'filter-cutoff': 5, 'filter-order': 6 }, ['accX', 'accY', 'accZ']) },
    { name: 'spectral high-pass 2 Hz order 4, fft 128, linear, no overlap, scaled, reordered axes',
      cfg: impulse('spectral', { 'fft-length': 128, 'filter-type': 'high', 'filter-cutoff': 2, 'filter-order': 4, 'do-log': false, 'do-fft-overlap': false, 'scale-axes': 0.5 }, ['gyrZ', 'accX']) },
    { name: 'spectral no filter, fft 16, 62.5 Hz', cfg: impulse('spectral', { 'fft-length': 16 }, ['accX', 'accY', 'accZ', 'gyrX', 'gyrY', 'gyrZ'], 62.5, 1600) },
    { name: 'spectral low-pass order 0 (bins only)', cfg: impulse('spectral', { 'fft-length': 32, 'filter-type': 'low', 'filter-cutoff': 8, 'filter-order': 0 }, ['accY']) },
    { name: 'flatten, four statistics, scaled', cfg: impulse('flatten', { 'scale-axes': 2, minimum: false, stdev: false, kurtosis: false }, ['accZ', 'gyrX']) },
    { name: 'flatten, all statistics', cfg: impulse('flatten', {}, IMU, 50, 1000) },
    { name: 'flatten with the motion shape, two sensors (the defaults on 6 axes)', cfg: impulse('flatten', { kurtosis: false, shape: true }, IMU, 104, 2000) },
    { name: 'flatten with the motion shape of two axes together', cfg: impulse('flatten', { minimum: false, shape: true }, ['accZ', 'gyrX'], 50, 1000) },
    { name: 'raw', cfg: impulse('raw', { 'scale-axes': 0.25 }, ['accX', 'gyrY'], 50, 600) },
  ];

  for (const [ci, c] of cases.entries()) {
    it(`gives the TypeScript features and int8 tensor: ${c.name}`, () => {
      const ctx = dspContext(c.cfg);
      const runner = getDspBlock(c.cfg.dsp.block).createRunner(ctx);
      const windows = imuWindows(ctx.windowFrames, c.cfg.windowing.frequencyHz, 3, 100 + ci);
      const want = windows.map((w) => runner.run(selectAxes(w, c.cfg.windowing.axes)));
      // Standardisation per feature (per axis for the raw block, as for a conv1d model); none in case 0.
      const shape = c.cfg.dsp.block === 'raw' ? [runner.dim / c.cfg.windowing.axes.length, c.cfg.windowing.axes.length] : [runner.dim];
      const norm = ci === 0 ? undefined : computeInputNormalization(Float32Array.from(want.flatMap((f) => Array.from(f))), shape);
      const model = (f: Float32Array) => (norm ? standardizeFeatures(f, norm) : f);
      const q = quantFor(want.map(model));
      const cfg: ImpulseConfig = { ...c.cfg, normalization: norm };
      const descriptor = makeImpulseDescriptor(cfg, { input: q, output: { scale: 1 / 256, zeroPoint: -128 } });
      const slot = buildModelSlotImage(MODEL, { sequence: 9, arenaSize: 20_000, descriptor });
      const got = runHost(bin, slot, windows);
      expect(got.error).toBeUndefined();
      expect(got.head.slice(1, 6).map(Number)).toEqual([c.cfg.windowing.axes.length, ctx.windowFrames, Math.round(ctx.windowFrames / 4), runner.dim, 1]);
      expect(Math.fround(Number(got.head[6]))).toBe(q.scale);
      expect(Number(got.head[7])).toBe(q.zeroPoint);
      expect(got.features).toHaveLength(windows.length);
      let worst = 0;
      let clamped = 0;
      want.forEach((f, wi) => {
        expect(got.features[wi]).toHaveLength(f.length);
        f.forEach((v, i) => {
          const g = got.features[wi][i];
          const rel = Math.abs(g - v) / Math.max(Math.abs(v), Math.abs(g), 1e-3);
          worst = Math.max(worst, rel);
          expect(rel, `window ${wi} feature ${i}: C++ ${g} vs TS ${v}`).toBeLessThanOrEqual(1e-4);
        });
        // the firmware standardises and quantizes exactly like TS does (same float32 steps, rounding, clamping)
        expect(got.tensor[wi]).toEqual(Array.from(quantizeFeatures(model(Float32Array.from(got.features[wi])), q)));
        // and its tensor equals the app's: features this close give the same int8 unless a value sits on a rounding edge
        const appTensor = quantizeFeatures(model(f), q);
        const diff = got.tensor[wi].filter((t, i) => t !== appTensor[i]);
        expect(diff.length, `window ${wi}: ${diff.length} tensor values differ`).toBe(0);
        clamped += got.tensor[wi].filter((t) => t === -128 || t === 127).length;
      });
      expect(worst).toBeLessThan(1e-4);
      if (ci === 0) expect(clamped).toBeGreaterThan(0);
    });
  }

  it('refuses slots without, or with a damaged, descriptor and impulses using axes the sensor lacks', () => {
    const cfg = cases[0].cfg;
    const frames = dspContext(cfg).windowFrames;
    const windows = imuWindows(frames, 100, 1, 1);
    expect(runHost(bin, buildModelSlotImage(MODEL, { sequence: 1, arenaSize: 1 }), windows).error).toBe('no impulse descriptor in the slot');
    const descriptor = makeImpulseDescriptor(cfg, { input: { scale: 0.1, zeroPoint: 0 } });
    const bad = descriptor.slice();
    bad[30] ^= 0x40; // a bit flip inside the descriptor, under a valid slot CRC
    expect(runHost(bin, buildModelSlotImage(buildSlotPayload(MODEL, bad), { sequence: 1, arenaSize: 1 }), windows).error).toBe('descriptor crc');
    const mag = makeImpulseDescriptor(impulse('flatten', {}, ['accX', 'magX']), { input: { scale: 0.1, zeroPoint: 0 } });
    expect(runHost(bin, buildModelSlotImage(MODEL, { sequence: 1, arenaSize: 1, descriptor: mag }), windows).error).toBe('the impulse uses an axis the sensor does not have');
    const slot = buildModelSlotImage(MODEL, { sequence: 1, arenaSize: 1, descriptor });
    slot[4096 + 17] ^= 1; // model byte: the slot CRC fails first
    expect(runHost(bin, slot, windows).error).toBe('slot CRC mismatch');
  });
});
