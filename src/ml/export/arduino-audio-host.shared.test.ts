/**
 * The audio DSP of the Arduino export (templates/audio-dsp-cpp.ts), compiled with the host's g++,
 * against the TypeScript blocks: MFE, MFCC and spectrogram features within 1e-4 on every window —
 * Edge Impulse's reference signals and parameter sets (../shared/reference/audio, when present) and
 * self-made signals (tones, chirps, noise, speech-like bursts, full-scale clipping that reaches the
 * MFE's wrapped cells, digital silence), windows read across the ring buffer's wrap.
 */
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { sharedPath, skipReason } from '../../../tests/helpers/shared.ts';
import type { ImpulseConfig, ParamValue } from '../../core/impulse.ts';
import { dspContext, getDspBlock } from '../../dsp/registry.ts';
import type { FloatModel } from '../float-model.ts';
import { computeInputNormalization, standardizeFeatures } from '../models/input-normalization.ts';
import { quantizeModel } from '../quantize/quantize.ts';
import { mulberry32 } from '../quantize/test-support/fixtures.ts';
import { Int8Interpreter } from '../tflite/interpreter.ts';
import { makeArduinoLibraryFiles } from './arduino-library.ts';
import { DEFAULT_CONTINUOUS, continuousPlan, guessBackgroundLabels, recognizeStream } from './audio-recognizer-cpp.ts';
import { quantizeFeatures } from './impulse-descriptor.ts';
import { KeywordDetector } from '../live/continuous.ts';
import { ARDUINO_HOST_HEADERS } from './test-support/arduino-host-stubs.ts';
import { audioDspPlan, makeAudioDspCpp, type AudioBlockId } from './templates/audio-dsp-cpp.ts';
import { AUDIO_HOST_MAIN, AUDIO_SKETCH_HOST_HEADERS, AUDIO_SKETCH_HOST_MAIN, audioHostInput, type HostWindow } from './test-support/audio-host.ts';

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

/** A keyword-ish stream: quiet noise with "yes" (a voiced harmonic burst) and "no" (a falling chirp) bursts. */
function keywordStream(seconds: number, hz: number, seed: number): Int16Array {
  const r = mulberry32(seed);
  const n = Math.round(seconds * hz);
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = 150 * (r() + r() + r() - 1.5);
  const burst = (at: number, kind: 'yes' | 'no') => {
    const len = Math.round(0.45 * hz);
    const s0 = Math.round(at * hz);
    for (let i = 0; i < len && s0 + i < n; i++) {
      const t = i / hz;
      const env = Math.sin((Math.PI * i) / len) ** 2;
      let v = 0;
      if (kind === 'yes') for (let h = 1; h <= 8; h++) v += Math.sin(2 * Math.PI * 190 * h * t) * (h === 3 || h === 12 ? 1 : 0.4 / h);
      else v = Math.sin(2 * Math.PI * (1800 * t - 1400 * t * t)) + 0.5 * Math.sin(2 * Math.PI * 3100 * t);
      x[s0 + i] += 9000 * env * v;
    }
  };
  burst(1.3, 'yes');
  burst(3.1, 'no');
  burst(4.6, 'yes');
  burst(6.2, 'no');
  return Int16Array.from(x, clip16);
}

/** A conv1d keyword model over [frames, values per frame] with seeded weights (int8 through the app's quantizer). */
function keywordModel(frames: number, per: number, labels: string[], seed: number): FloatModel {
  const r = mulberry32(seed);
  const w = (n: number, fan: number) => Float32Array.from({ length: n }, () => (r() - 0.5) * Math.sqrt(12 / fan));
  const l1 = Math.floor((frames - 3) / 2) + 1;
  const l2 = Math.floor((l1 - 2) / 2) + 1;
  return {
    inputShape: [frames, per],
    labels,
    layers: [
      { kind: 'conv1d', filters: 8, kernelSize: 3, inChannels: per, stride: 2, padding: 'valid', kernel: w(8 * 3 * per, 3 * per), bias: new Float32Array(8), activation: 'relu' },
      { kind: 'maxpool1d', poolSize: 2, stride: 2, padding: 'valid' },
      { kind: 'flatten' },
      { kind: 'dense', units: labels.length, inUnits: l2 * 8, kernel: w(labels.length * l2 * 8, l2 * 8 / 4), bias: new Float32Array(labels.length), activation: 'none' },
      { kind: 'softmax' },
    ],
  };
}

/** Detections ([window, label]) of the app's KeywordDetector (src/ml/live/continuous.ts) over the probabilities. */
function appDetections(labels: string[], probs: number[][], ends: number[], s: { threshold: number; averaging: number; refractoryMs: number }): [number, number][] {
  const det = new KeywordDetector(labels, guessBackgroundLabels(labels), { averaging: s.averaging, threshold: s.threshold, refractoryMs: s.refractoryMs });
  const out: [number, number][] = [];
  probs.forEach((p, w) => {
    const d = det.step(Float32Array.from(p), (ends[w] * 1000) / 16000).detection;
    if (d) out.push([w, d.index]);
  });
  return out;
}

/** Starts of the windows the sketch classifies (AudioWindows, the host driver's PDM chunks and loops). */
function sketchWindowStarts(total: number, window: number, hop: number, chunk: number, chunksPerLoop: number): number[] {
  const starts: number[] = [];
  let pos = 0;
  let eof = false;
  let k = 0;
  const step = () => {
    if (pos < window + k * hop) return;
    const newest = Math.floor((pos - window) / hop);
    starts.push(newest * hop);
    k = newest + 1;
  };
  while (!eof) {
    for (let c = 0; c < chunksPerLoop && !eof; c++) {
      const take = Math.min(chunk, total - pos);
      pos += take;
      if (take < chunk) eof = true;
    }
    step();
  }
  for (let i = 0; i < 4; i++) step();
  return starts;
}

describe.skipIf(!gxx)(`the exported audio library and its PDM sketch on the host (g++)${gxx ? '' : ' — skipped: g++ not found'}`, () => {
  for (const block of ['mfe', 'mfcc'] as const) {
    it(`${block.toUpperCase()}: every window's int8 tensor is the app's, the model outputs are the app interpreter's, detections equal the app's recognizer rules (also when the board is too slow for the hop)`, async () => {
      const labels = ['noise', 'yes', 'no'];
      const cfg = audioImpulse(block, {}, 16000, 1000, labels);
      const ctx = dspContext(cfg);
      const runner = getDspBlock(block).createRunner(ctx);
      const [frames, per] = getDspBlock(block).outputShape(ctx);
      const stream = keywordStream(8, 16000, block === 'mfe' ? 3 : 4);
      const W = ctx.windowFrames;
      const hop = continuousPlan(DEFAULT_CONTINUOUS, 16000, ctx.windowFrames, audioDspPlan(cfg).frameStride).hopSamples;
      expect(hop).toBe(block === 'mfe' ? 4000 : 4160);
      const starts = Array.from({ length: Math.floor((stream.length - W) / hop) + 1 }, (_, k) => k * hop);
      const feats = starts.map((s) => Float32Array.from(runner.run(Float32Array.from(stream.subarray(s, s + W)))));
      const all = new Float32Array(feats.length * runner.dim);
      feats.forEach((f, i) => all.set(f, i * runner.dim));
      const norm = computeInputNormalization(all, [frames, per]);
      expect(norm.mean).toHaveLength(runner.dim);
      const std = feats.map((f) => standardizeFeatures(f, norm));
      const q = quantizeModel(keywordModel(frames, per, labels, block === 'mfe' ? 5 : 6), std);
      const interp = Int8Interpreter.load(q.tflite);
      const tensors = std.map((f) => quantizeFeatures(f, q.input));
      const outputs = tensors.map((t) => Int8Array.from(interp.invoke(t)));
      const scale = Math.fround(q.output.scale);
      const scores = outputs.map((o) => Array.from(o, (v) => Math.fround((v - q.output.zeroPoint) * scale)));
      // a threshold some windows reach and others do not (the model's weights are seeded, not trained)
      const best = scores.map((s) => Math.max(s[1], s[2])).sort((a, b) => a - b);
      const threshold = Math.round(best[Math.floor(best.length * 0.6)] * 100) / 100;
      const settings = { threshold, averaging: 2, hopMs: 250, refractoryMs: 600 };
      const files = makeArduinoLibraryFiles({ tflite: q.tflite, impulse: cfg, input: q.input, output: q.output, normalization: norm, labels, projectName: `Keywords ${block}`, continuous: settings });
      const name = Object.keys(files)[0].split('/')[0];
      const header = files[`${name}/src/${name}.h`];
      expect(header).toContain(`constexpr int kHopSamples = ${hop};`);
      expect(header).toContain('static const bool kBackground[MODEL_LABEL_COUNT > 0 ? MODEL_LABEL_COUNT : 1] = {true, false, false};');
      const ino = files[`${name}/examples/${name}_listen/${name}_listen.ino`];
      expect(ino).toContain('PDM.onReceive(on_pdm_data);');
      expect(ino).toContain('PDM.begin(1, 16000)');
      const dir = mkdtempSync(join(tmpdir(), 'audio-sketch-'));
      try {
        for (const [p, text] of Object.entries({ ...ARDUINO_HOST_HEADERS, ...AUDIO_SKETCH_HOST_HEADERS })) {
          mkdirSync(dirname(join(dir, 'stubs', p)), { recursive: true });
          writeFileSync(join(dir, 'stubs', p), text);
        }
        for (const [p, text] of Object.entries(files)) {
          mkdirSync(dirname(join(dir, 'lib', p)), { recursive: true });
          writeFileSync(join(dir, 'lib', p), text);
        }
        writeFileSync(join(dir, 'sketch.cpp'), `#include <Arduino.h>\n${ino}`);
        writeFileSync(join(dir, 'host_main.cpp'), AUDIO_SKETCH_HOST_MAIN);
        writeFileSync(join(dir, 'outputs.txt'), tensors.map((t, i) => `${Array.from(t).join(' ')} | ${Array.from(outputs[i]).join(' ')} ;`).join('\n') + '\n');
        const input = Array.from(stream).join('\n') + '\n';
        for (const chunksPerLoop of [1, 20]) {
          const bin = join(dir, `sketch_${chunksPerLoop}`);
          const cc = spawnSync('g++', ['-std=gnu++11', '-O2', '-Wall', '-Wextra', '-Werror', '-Wno-unused-parameter', ...(chunksPerLoop === 20 ? ['-DTML_PRINT_EVERY_WINDOW'] : []), `-DHOST_INPUT_SIZE=${runner.dim}`, `-DHOST_OUTPUT_SIZE=${labels.length}`, `-DHOST_CHUNKS_PER_LOOP=${chunksPerLoop}`, '-I', join(dir, 'stubs'), '-I', join(dir, 'lib', name, 'src'), '-I', dir, '-o', bin, join(dir, 'host_main.cpp')], { encoding: 'utf8' });
          expect(cc.stderr).toBe('');
          const r = spawnSync(bin, { input, encoding: 'utf8', maxBuffer: 1 << 28, timeout: 120_000, env: { ...process.env, HOST_OUTPUTS_FILE: join(dir, 'outputs.txt') } });
          expect(r.status, r.stderr).toBe(0);
          expect(r.stdout).toContain('PDM 1 16000');
          expect(r.stdout).not.toContain('NOMATCH');
          const want = sketchWindowStarts(stream.length, W, hop, 256, chunksPerLoop).map((s) => s / hop);
          if (chunksPerLoop === 1) expect(want).toEqual(starts.map((_, k) => k));
          else expect(want.length).toBeLessThan(starts.length * 0.9);
          const got = r.stdout.split('\n').filter((l) => l.startsWith('Q ')).map((l) => l.slice(2).split(' ').map(Number));
          expect(got).toHaveLength(want.length);
          got.forEach((g, i) => expect(g, `window ${want[i]}`).toEqual(Array.from(tensors[want[i]])));
          const ends = want.map((k) => k * hop + W);
          const events = recognizeStream(want.map((k) => scores[k]), ends, 16000, labels, settings);
          // the app's own detector (src/ml/live/continuous.ts)
          expect(appDetections(labels, want.map((k) => scores[k]), ends, settings)).toEqual(events.map((e) => [e.window, e.label]));
          const heard = [...r.stdout.matchAll(/^Heard "(\w+)" \(([\d.]+)\) at ([\d.]+) s$/gm)].map((m) => ({ label: m[1], score: Number(m[2]), at: Number(m[3]) }));
          expect(heard.map((h) => h.label)).toEqual(events.map((e) => labels[e.label]));
          heard.forEach((h, i) => {
            expect(Math.abs(h.score - events[i].score)).toBeLessThan(0.0051);
            expect(Math.abs(h.at - events[i].timeMs / 1000)).toBeLessThan(0.0006);
          });
          console.log(`${block} sketch, ${chunksPerLoop} PDM chunk(s) per loop: ${got.length} of ${starts.length} windows classified, ${heard.length} detections at threshold ${threshold}, equal to the app's KeywordDetector`);
          if (chunksPerLoop === 1) {
            expect(events.length).toBeGreaterThan(0);
            expect(events.length).toBeLessThan(want.length);
          }
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }, 300_000);
  }
});

describe.skipIf(!gxx)(`continuous features on the host (g++)${gxx ? '' : ' — skipped: g++ not found'}`, () => {
  for (const block of ['mfe', 'mfcc', 'spectrogram'] as const) {
    it(`${block}: consecutive windows equal the TypeScript block, shared frames are moved (not recomputed), a window the microphone overtook is refused`, () => {
      const cfg = audioImpulse(block, block === 'mfcc' ? { 'pre-shift': 2 } : {});
      const ctx = dspContext(cfg);
      const runner = getDspBlock(block).createRunner(ctx);
      const plan = audioDspPlan(cfg);
      const hop = continuousPlan(DEFAULT_CONTINUOUS, 16000, ctx.windowFrames, plan.frameStride).hopSamples;
      const stream = keywordStream(3, 16000, 9);
      const W = ctx.windowFrames;
      const dir = mkdtempSync(join(tmpdir(), 'audio-cont-'));
      try {
        // The ring is filled as the microphone would; before window 1, samples W/2 .. W/2+1000 (inside
        // both windows 0 and 1) are overwritten: a recomputed frame would see them, a moved one does not.
        writeFileSync(
          join(dir, 'cont.cpp'),
          `#include <stdio.h>
#define IMPULSE_WINDOW_SAMPLES ${W}
${makeAudioDspCpp(cfg).code}
static int16_t ring[${W + 2 * hop}];
static float out[${runner.dim}];
int main(int argc, char**) {
  const int corrupt = argc > 1;
  static int16_t x[${stream.length}];
  for (int i = 0; i < ${stream.length}; i++) if (scanf("%hd", &x[i]) != 1) return 4;
  const int cap = ${W + 2 * hop};
  long written = 0;
  for (int k = 0; (long)k * ${hop} + ${W} <= ${stream.length}; k++) {
    const long end = (long)k * ${hop} + ${W};
    for (; written < end; written++) ring[written % cap] = x[written];
    if (k == 1 && corrupt)
      for (long i = ${W / 2}; i < ${W / 2 + 1000}; i++) ring[i % cap] = 0;
    const int n = impulse_extract_audio_features_continuous(ring, cap, (uint64_t)k * ${hop}, nullptr, out, ${runner.dim});
    printf("F");
    for (int i = 0; i < n; i++) printf(" %.9g", (double)out[i]);
    printf("\\n");
    if (k == 1 && corrupt) break;
  }
  // the microphone's count: a window is intact while written <= start + capacity, and refused (-2,
  // the next call computing every frame) once the oldest sample was overwritten before it was read
  const uint64_t st = 2 * ${hop};
  volatile uint32_t count = (uint32_t)(st + cap);
  const int ok = impulse_extract_audio_features_continuous(ring, cap, st, &count, out, ${runner.dim});
  count = (uint32_t)(st + cap + 1);
  const int gone = impulse_extract_audio_features_continuous(ring, cap, st, &count, out, ${runner.dim});
  printf("G %d %d\\n", ok, gone);
  return 0;
}
`,
        );
        const cc = spawnSync('g++', ['-std=gnu++11', '-O2', '-Wall', '-Wextra', '-Werror', '-o', join(dir, 'cont'), join(dir, 'cont.cpp')], { encoding: 'utf8' });
        expect(cc.stderr).toBe('');
        const input = Array.from(stream).join(' ');
        const parse = (out: string) => out.split('\n').filter((l) => l.startsWith('F')).map((l) => l.slice(2).split(' ').map(Number));
        const got = parse(spawnSync(join(dir, 'cont'), { input, encoding: 'utf8', maxBuffer: 1 << 28 }).stdout);
        const acc: Compare = { worst: 0, failures: [], windows: 0, cells: 0 };
        const want = got.map((_, k) => runner.run(Float32Array.from(stream.subarray(k * hop, k * hop + W))));
        expect(got.length).toBe(Math.floor((stream.length - W) / hop) + 1);
        got.forEach((g, k) => compare(`window ${k}`, want[k], g, acc));
        expect(acc.failures).toEqual([]);
        // with the corruption: window 1 still equals the clean stream's (its frames over the overwritten
        // samples were moved from window 0), not the corrupted stream's
        const guard = /^G (-?\d+) (-?\d+)$/m.exec(spawnSync(join(dir, 'cont'), { input, encoding: 'utf8', maxBuffer: 1 << 28 }).stdout);
        expect(guard?.slice(1).map(Number)).toEqual([runner.dim, -2]);
        const got1 = parse(spawnSync(join(dir, 'cont'), ['corrupt'], { input, encoding: 'utf8', maxBuffer: 1 << 28 }).stdout)[1];
        const dirty = Float32Array.from(stream.subarray(hop, hop + W));
        dirty.fill(0, W / 2 - hop, W / 2 - hop + 1000);
        const wantDirty = runner.run(dirty);
        expect(got1).toEqual(Array.from(got[1]));
        expect(Array.from(wantDirty)).not.toEqual(Array.from(want[1]));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }, 120_000);
  }
});

describe.skipIf(!gxx)(`audio libraries side by side (g++)${gxx ? '' : ' — skipped: g++ not found'}`, () => {
  it('an MFE and a spectrogram library compile together in one sketch; the sketch compiles with a gain and stops on AVR', () => {
    const libs = (['mfe', 'spectrogram'] as const).map((block, i) => {
      const cfg = audioImpulse(block, {}, 16000, 1000, ['noise', 'on', 'off']);
      const ctx = dspContext(cfg);
      const runner = getDspBlock(block).createRunner(ctx);
      const r = mulberry32(20 + i);
      const fm: FloatModel = {
        inputShape: [runner.dim],
        labels: cfg.labels,
        layers: [{ kind: 'dense', units: 3, inUnits: runner.dim, kernel: Float32Array.from({ length: 3 * runner.dim }, () => (r() - 0.5) * 0.05), bias: new Float32Array(3), activation: 'none' }, { kind: 'softmax' }],
      };
      const q = quantizeModel(fm, Array.from({ length: 4 }, () => Float32Array.from({ length: runner.dim }, () => r())));
      return { files: makeArduinoLibraryFiles({ tflite: q.tflite, impulse: cfg, input: q.input, output: q.output, projectName: `Lamp ${block}` }), dim: runner.dim };
    });
    const dir = mkdtempSync(join(tmpdir(), 'audio-two-'));
    try {
      for (const [p, text] of Object.entries({ ...ARDUINO_HOST_HEADERS, ...AUDIO_SKETCH_HOST_HEADERS })) {
        mkdirSync(dirname(join(dir, 'stubs', p)), { recursive: true });
        writeFileSync(join(dir, 'stubs', p), text);
      }
      for (const l of libs) {
        for (const [p, text] of Object.entries(l.files)) {
          mkdirSync(dirname(join(dir, p)), { recursive: true });
          writeFileSync(join(dir, p), text);
        }
      }
      writeFileSync(
        join(dir, 'both.cpp'),
        `#include <stdio.h>
#include <Lamp_mfe.h>
#include <Lamp_spectrogram.h>
int main() {
  static int16_t x[16000];
  static float a[Lamp_mfe::kFeatureCount], b[Lamp_spectrogram::kFeatureCount];
  for (int i = 0; i < 16000; i++) x[i] = (int16_t)((i * 37) % 2000 - 1000);
  printf("%d %d\\n", Lamp_mfe::extract_features(x, a, Lamp_mfe::kFeatureCount), Lamp_spectrogram::extract_features(x, b, Lamp_spectrogram::kFeatureCount));
  return 0;
}
`,
      );
      const inc = ['-I', join(dir, 'Lamp_mfe', 'src'), '-I', join(dir, 'Lamp_spectrogram', 'src')];
      const cc = spawnSync('g++', ['-std=gnu++11', '-O1', '-Wall', '-Wextra', '-Werror', ...inc, '-o', join(dir, 'both'), join(dir, 'both.cpp')], { encoding: 'utf8' });
      expect(cc.stderr).toBe('');
      expect(spawnSync(join(dir, 'both'), { encoding: 'utf8' }).stdout.trim()).toBe(`${libs[0].dim} ${libs[1].dim}`);
      const ino = libs[0].files['Lamp_mfe/examples/Lamp_mfe_listen/Lamp_mfe_listen.ino'];
      writeFileSync(join(dir, 'sketch.cpp'), `#include <Arduino.h>\n${ino}`);
      const compile = (defines: string[]) => spawnSync('g++', ['-std=gnu++11', '-fsyntax-only', '-Wall', '-Wextra', '-Werror', '-Wno-unused-parameter', `-DHOST_INPUT_SIZE=${libs[0].dim}`, '-DHOST_OUTPUT_SIZE=3', ...defines, '-I', join(dir, 'stubs'), '-I', join(dir, 'Lamp_mfe', 'src'), join(dir, 'sketch.cpp')], { encoding: 'utf8' });
      expect(compile(['-DTML_PDM_GAIN=20']).stderr).toBe('');
      const avr = compile(['-D__AVR__']);
      expect(avr.status).not.toBe(0);
      expect(avr.stderr).toContain('TensorFlow Lite Micro does not run on AVR boards');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
