/**
 * DSP throughput benchmark: spectral analysis windows/s and input samples/s, and the time to compute
 * features for one hour of 6-axis 100 Hz data. Run with `npx tsx bench/dsp.bench.ts`.
 * Single thread, synthetic data (sines plus deterministic noise).
 */
import { spectralBlock } from '../src/dsp/blocks/spectral.ts';
import type { DspContext } from '../src/dsp/block.ts';
import { computeFeatures } from '../src/dsp/features.ts';
import type { FeatureRecording } from '../src/dsp/features.ts';
import type { ImpulseConfig } from '../src/core/impulse.ts';

function synth(frames: number, axes: number, fs: number, seed = 1): Float32Array {
  const out = new Float32Array(frames * axes);
  let s = seed;
  for (let t = 0; t < frames; t++) {
    for (let a = 0; a < axes; a++) {
      s = (s * 1103515245 + 12345) >>> 0;
      const noise = (s / 4294967296 - 0.5) * 0.2;
      out[t * axes + a] = Math.sin((2 * Math.PI * (1.3 + a) * t) / fs) * (1 + a * 0.3) + noise + (a === 2 ? 9.81 : 0);
    }
  }
  return out;
}

/** Windows/s of the spectral block over a pool of distinct windows, for ~budgetMs. */
function spectralRate(axes: number, fs: number, windowMs: number, fft: number, budgetMs = 2500): number {
  const frames = Math.round((windowMs * fs) / 1000);
  const ctx: DspContext = {
    axesCount: axes,
    axisNames: Array.from({ length: axes }, (_, i) => `ax${i}`),
    frequencyHz: fs,
    windowFrames: frames,
    params: { 'fft-length': fft },
  };
  const runner = spectralBlock.createRunner(ctx);
  const pool = Array.from({ length: 64 }, (_, i) => synth(frames, axes, fs, i + 1));
  const out = new Float32Array(runner.dim);
  // warm-up
  for (let i = 0; i < 2000; i++) runner.run(pool[i % 64], out);
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < budgetMs) {
    for (let i = 0; i < 500; i++) runner.run(pool[(n + i) % 64], out);
    n += 500;
    t = performance.now();
  }
  return (n * 1000) / (t - t0);
}

function featuresHour(): number {
  const fs = 100;
  const axes = ['accX', 'accY', 'accZ', 'gyrX', 'gyrY', 'gyrZ'];
  // one hour as 60 one-minute recordings
  const recordings: FeatureRecording[] = Array.from({ length: 60 }, (_, i) => ({
    id: `r${i}`,
    label: i % 2 ? 'a' : 'b',
    values: synth(60 * fs, axes.length, fs, i + 7),
    axes: axes.map((name) => ({ name })),
    intervalMs: 1000 / fs,
  }));
  const impulse: Pick<ImpulseConfig, 'windowing' | 'dsp'> = {
    windowing: { windowMs: 2000, strideMs: 500, zeroPad: false, frequencyHz: fs, axes },
    dsp: { block: 'spectral', params: { 'fft-length': 16 } },
  };
  const t0 = performance.now();
  const set = computeFeatures(recordings, impulse);
  const s = (performance.now() - t0) / 1000;
  if (set.rows < 7000) throw new Error('unexpected window count');
  return s;
}

const r16 = spectralRate(3, 62.5, 2000, 16);
const r128 = spectralRate(3, 62.5, 2000, 128);
const s16 = spectralRate(6, 100, 2000, 16);
const s128 = spectralRate(6, 100, 2000, 128);
const hour = featuresHour();
const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(3));
console.log(`BENCH dsp.spectral_fft16_windows_per_s ${fmt(r16)} windows/s`);
console.log(`BENCH dsp.spectral_fft128_windows_per_s ${fmt(r128)} windows/s`);
console.log(`BENCH dsp.spectral_fft16_6axis_100hz_samples_per_s ${fmt(s16 * 200 * 6)} samples/s`);
console.log(`BENCH dsp.spectral_fft128_6axis_100hz_samples_per_s ${fmt(s128 * 200 * 6)} samples/s`);
console.log(`BENCH dsp.spectral_fft16_6axis_100hz_windows_per_s ${fmt(s16)} windows/s`);
console.log(`BENCH dsp.spectral_fft128_6axis_100hz_windows_per_s ${fmt(s128)} windows/s`);
console.log(`BENCH dsp.features_1h_dataset_s ${hour.toFixed(3)} s`);
console.log(
  `Spectral analysis, one thread: ${fmt(r16)} windows/s at FFT 16 (3 axes, 62.5 Hz, 2 s; goal ≥ 20000: ${r16 >= 20000 ? 'met' : 'NOT met'}), ` +
    `${fmt(r128)} at FFT 128. One hour of 6-axis 100 Hz data (2 s windows, 0.5 s stride) in ${hour.toFixed(2)} s.`,
);
