/**
 * The audio DSP of the Arduino export (templates/audio-dsp-cpp.ts), compiled with the host's g++,
 * against the TypeScript blocks: MFE, MFCC and spectrogram features within 1e-4 on every window —
 * Edge Impulse's reference signals and parameter sets (../shared/reference/audio, when present) and
 * self-made signals (tones, chirps, noise, speech-like bursts, full-scale clipping that reaches the
 * MFE's wrapped cells, digital silence), windows read across the ring buffer's wrap.
 */
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedPath, skipReason } from '../../../tests/helpers/shared.ts';
import type { ImpulseConfig, ParamValue } from '../../core/impulse.ts';
import { dspContext, getDspBlock } from '../../dsp/registry.ts';
import { mulberry32 } from '../quantize/test-support/fixtures.ts';
import { audioDspPlan, mfeLevel, mfeLevelThresholds, type AudioBlockId } from './templates/audio-dsp-cpp.ts';
import { AUDIO_HOST_MAIN, audioHostInput, type HostWindow } from './test-support/audio-host.ts';

const gxx = spawnSync('g++', ['--version']).status === 0;
const refDir = sharedPath('reference/audio');

export function audioImpulse(block: AudioBlockId, params: Record<string, ParamValue>, hz = 16000, windowMs = 1000, labels = ['noise', 'yes', 'no']): ImpulseConfig {
  return {
    version: 1,
    windowing: { windowMs, strideMs: 250, zeroPad: false, frequencyHz: hz, axes: ['audio'] },
    dsp: { block, params },
    learn: { block: 'conv1d', params: {} },
    training: { epochs: 1, learningRate: 0.001, batchSize: 32, validationSplit: 0.2, seed: 1, earlyStoppingPatience: 0, classWeighting: false, augmentation: { noise: 0, timeShift: 0, amplitudeScale: 0 } },
    labels,
  };
}

const clip16 = (v: number) => Math.max(-32768, Math.min(32767, Math.round(v)));

/** Self-made int16 test signals of n samples at hz. */
export function selfMadeSignals(n: number, hz: number, seed: number): { name: string; x: Int16Array }[] {
  const r = mulberry32(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
  const make = (f: (i: number, t: number) => number) => Int16Array.from({ length: n }, (_, i) => clip16(f(i, i / hz)));
  return [
    { name: 'tone 437 Hz + 2.9 kHz', x: make((_, t) => 9000 * Math.sin(2 * Math.PI * 437 * t) + 3000 * Math.sin(2 * Math.PI * 2903 * t + 1)) },
    { name: 'chirp 100 Hz → 7 kHz', x: make((_, t) => 12000 * Math.sin(2 * Math.PI * (100 * t + 3450 * t * t))) },
    { name: 'white noise (quiet)', x: make(() => 300 * gauss()) },
    { name: 'speech-like bursts', x: make((i, t) => (Math.sin(Math.PI * ((i / n) * 3) % Math.PI) ** 2 > 0.3 ? 8000 : 200) * (Math.sin(2 * Math.PI * 180 * t) * (0.6 + 0.4 * Math.sin(2 * Math.PI * 4 * t)) + 0.3 * Math.sin(2 * Math.PI * 720 * t) + 0.05 * gauss())) },
    { name: 'full-scale clipped square', x: make((_, t) => (Math.sin(2 * Math.PI * 997 * t) >= 0 ? 40000 : -40000)) },
    { name: 'digital silence', x: new Int16Array(n) },
    { name: 'DC and a click', x: make((i) => 1000 + (i === Math.floor(n / 3) ? 30000 : 0)) },
  ];
}

interface Compare {
  worst: number;
  failures: string[];
  windows: number;
  cells: number;
}

/** |C++ − TS| ≤ 1e-4 (absolute, or relative to the value above 1). */
function compare(label: string, want: Float32Array, got: number[], acc: Compare): void {
  acc.windows++;
  if (got.length !== want.length) {
    acc.failures.push(`${label}: ${got.length} values vs ${want.length}`);
    return;
  }
  let bad = 0;
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i] - want[i]) / Math.max(1, Math.abs(want[i]));
    acc.worst = Math.max(acc.worst, d);
    if (!(d <= 1e-4)) bad++;
  }
  acc.cells += want.length;
  if (bad) acc.failures.push(`${label}: ${bad} of ${want.length} values differ by more than 1e-4`);
}

export function buildAudioHost(dir: string): string {
  writeFileSync(join(dir, 'audio_host.cpp'), AUDIO_HOST_MAIN);
  const bin = join(dir, 'audio_host');
  const r = spawnSync('g++', ['-std=gnu++11', '-O2', '-Wall', '-Wextra', '-Werror', '-o', bin, join(dir, 'audio_host.cpp')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`g++ failed:\n${r.stderr}`);
  return bin;
}

function runHost(bin: string, input: string): number[][] {
  const r = spawnSync(bin, { input, encoding: 'utf8', maxBuffer: 1 << 28, timeout: 120_000 });
  if (r.status !== 0) throw new Error(`host exited ${r.status}: ${r.stderr}`);
  return r.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      if (!l.startsWith('F')) throw new Error(`kernel refused: ${l}`);
      return l.slice(2).split(' ').map(Number);
    });
}

describe('MFE level thresholds', () => {
  it('are where the TypeScript quantiser steps: level(T[k]) ≥ k > level(just below T[k])', () => {
    for (const floor of [-52, -72, -30.5]) {
      const t = mfeLevelThresholds(floor);
      expect(t).toHaveLength(256);
      const dv = new DataView(new ArrayBuffer(8));
      const below = (v: number) => {
        dv.setFloat64(0, v);
        dv.setBigUint64(0, dv.getBigUint64(0) - 1n);
        return dv.getFloat64(0);
      };
      for (let k = 1; k <= 256; k++) {
        expect(mfeLevel(t[k - 1], floor)).toBeGreaterThanOrEqual(k);
        expect(mfeLevel(below(t[k - 1]), floor)).toBeLessThan(k);
        if (k > 1) expect(t[k - 1]).toBeGreaterThanOrEqual(t[k - 2]);
      }
    }
  });
});

describe.skipIf(!gxx)(`audio DSP kernels in C++ (g++ host build) vs the TypeScript blocks${gxx ? '' : ' — skipped: g++ not found'}`, () => {
  const cases: { name: string; cfg: ImpulseConfig }[] = [
    { name: 'MFE defaults', cfg: audioImpulse('mfe', {}) },
    { name: 'MFE saturating, 32 filters, 300–6000 Hz, floor −72 dB', cfg: audioImpulse('mfe', { 'loudest-cells': 'saturate', 'num-filters': 32, 'low-frequency': 300, 'high-frequency': 6000, 'noise-floor-db': -72 }) },
    { name: 'MFE frame 25 ms stride 20 ms, FFT 512, pre-cof 0.5', cfg: audioImpulse('mfe', { 'frame-length': 0.025, 'frame-stride': 0.02, 'fft-length': 512, 'pre-cof': 0.5 }) },
    { name: 'MFE 8 kHz, FFT 128', cfg: audioImpulse('mfe', { 'fft-length': 128, 'num-filters': 20 }, 8000) },
    { name: 'MFCC defaults', cfg: audioImpulse('mfcc', {}) },
    { name: 'MFCC no normalisation, 40 filters, 20 coefficients', cfg: audioImpulse('mfcc', { 'win-size': 0, 'num-filters': 40, 'num-cepstral': 20 }) },
    { name: 'MFCC win 11, shift 3, pre-cof 0.9, FFT 512', cfg: audioImpulse('mfcc', { 'win-size': 11, 'pre-shift': 3, 'pre-cof': 0.9, 'fft-length': 512 }) },
    { name: 'spectrogram defaults', cfg: audioImpulse('spectrogram', {}) },
    { name: 'spectrogram pre-cof 0.97, FFT 256, 32 ms frames', cfg: audioImpulse('spectrogram', { 'pre-cof': 0.97, 'fft-length': 256, 'frame-length': 0.032, 'frame-stride': 0.016 }) },
  ];

  it('self-made signals: every window within 1e-4, also read across the ring buffer wrap', () => {
    const dir = mkdtempSync(join(tmpdir(), 'audio-host-'));
    try {
      const bin = buildAudioHost(dir);
      const acc: Compare = { worst: 0, failures: [], windows: 0, cells: 0 };
      let wrapped = 0;
      for (const [ci, c] of cases.entries()) {
        const plan = audioDspPlan(c.cfg);
        const ctx = dspContext(c.cfg);
        const runner = getDspBlock(c.cfg.dsp.block).createRunner(ctx);
        const sigs = selfMadeSignals(ctx.windowFrames, ctx.frequencyHz, 10 + ci);
        const windows: (HostWindow & { name: string })[] = [];
        for (const [si, s] of sigs.entries()) {
          windows.push({ samples: s.x, name: s.name });
          // in a larger ring, starting near its end (the sketch's buffer)
          if (si % 2 === 0) windows.push({ samples: s.x, capacity: s.x.length + 4000, start: s.x.length + 4000 - 1234, name: `${s.name}, across the ring's wrap` });
        }
        const got = runHost(bin, audioHostInput(plan, windows));
        expect(got).toHaveLength(windows.length);
        windows.forEach((w, wi) => {
          const want = runner.run(Float32Array.from(w.samples));
          if (c.cfg.dsp.block === 'mfe' && c.cfg.dsp.params['loudest-cells'] === undefined) wrapped += want.filter((v, i) => v === 0 && got[wi][i] === 0 && i > 0).length;
          compare(`${c.name} | ${w.name}`, want, got[wi], acc);
        });
      }
      expect(acc.failures).toEqual([]);
      expect(acc.windows).toBeGreaterThan(90);
      expect(wrapped).toBeGreaterThan(0);
      console.log(`audio C++ vs TS, self-made: ${acc.windows} windows, ${acc.cells} values, worst difference ${acc.worst.toExponential(2)}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);

  it.skipIf(!refDir)(`Edge Impulse's reference signals and parameter sets: every case within 1e-4 ${refDir ? '' : skipReason('reference/audio')}`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'audio-host-'));
    try {
      const bin = buildAudioHost(dir);
      const signals = new Map<string, Int16Array>();
      const s = JSON.parse(readFileSync(join(refDir as string, 'signals.json'), 'utf8')) as { signals: { id: string; samples: number[] }[] };
      for (const sig of s.signals) signals.set(sig.id, Int16Array.from(sig.samples));
      const acc: Compare = { worst: 0, failures: [], windows: 0, cells: 0 };
      let exactMfe = 0;
      let mfeCases = 0;
      for (const id of ['mfe', 'mfcc', 'spectrogram'] as const) {
        const ref = JSON.parse(readFileSync(join(refDir as string, `${id}.json`), 'utf8')) as { cases: { name: string; signal: string; sample_rate_hz: number; params: Record<string, ParamValue> }[] };
        expect(ref.cases.length).toBeGreaterThan(60);
        let input = '';
        const wants: { name: string; want: Float32Array }[] = [];
        for (const c of ref.cases) {
          const x = signals.get(c.signal) as Int16Array;
          const cfg = audioImpulse(id, c.params, c.sample_rate_hz, (x.length * 1000) / c.sample_rate_hz);
          const ctx = dspContext(cfg);
          expect(ctx.windowFrames, c.name).toBe(x.length);
          const plan = audioDspPlan(cfg);
          input += audioHostInput(plan, [{ samples: x }]);
          wants.push({ name: c.name, want: getDspBlock(id).createRunner(ctx).run(Float32Array.from(x)) });
        }
        const got = runHost(bin, input);
        expect(got).toHaveLength(wants.length);
        wants.forEach((w, i) => {
          compare(`${id} ${w.name}`, w.want, got[i], acc);
          if (id === 'mfe') {
            mfeCases++;
            if (w.want.every((v, k) => v === got[i][k])) exactMfe++;
          }
        });
      }
      expect(acc.failures).toEqual([]);
      // the MFE's cells are equal, not only close (its quantisation thresholds come from the TypeScript)
      expect(exactMfe).toBe(mfeCases);
      console.log(`audio C++ vs TS, EI reference: ${acc.windows} cases, ${acc.cells} values, worst difference ${acc.worst.toExponential(2)}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
