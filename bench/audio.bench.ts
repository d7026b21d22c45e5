/**
 * Audio benchmarks. Run with `npx tsx bench/audio.bench.ts` (or `npm run bench audio`).
 * - DSP: windows/s of the MFE, MFCC and spectrogram blocks on 1 s windows at 16 kHz (EI defaults),
 *   single thread, through a reused runner;
 * - resampling: seconds of 48 kHz and 44.1 kHz microphone audio converted to 16 kHz per second;
 * - recording: the whole microphone path (generated 48 kHz chunks of 128 samples → resampler →
 *   int16 units → Recorder, 0.5 s chunks) into the store, as a real-time factor, in Node on
 *   fake-indexeddb; and in Chromium's real IndexedDB (production build, the app's StudioStore) one
 *   hour of 16 kHz audio written as the Recorder writes it (0.5 s chunks through appendChunk) and
 *   finished: `audio.record_rtf` (an hour ÷ time to write and finish), `audio.hour_finish_s`, the JS
 *   heap growth while finishing (Chromium's precise performance.memory), reading the last 2 s, and
 *   the overview (min/max preview) of the hour.
 */
import 'fake-indexeddb/auto';
import { chromium } from '@playwright/test';
import { mfeBlock } from '../src/dsp/blocks/mfe.ts';
import { mfccBlock } from '../src/dsp/blocks/mfcc.ts';
import { spectrogramBlock } from '../src/dsp/blocks/spectrogram.ts';
import type { DspBlock, DspContext } from '../src/dsp/block.ts';
import { Resampler } from '../src/device/mic/resampler.ts';
import { GeneratedAudioInput } from '../src/device/mic/fake-input.ts';
import { openMicStream } from '../src/device/mic/mic-stream.ts';
import { recordAudio } from '../src/device/mic/record.ts';
import { openStudioDb } from '../src/data/store/open-db.ts';
import { StudioStore } from '../src/data/store/studio-store.ts';
import { chromiumPath } from '../tests/helpers/chromium.ts';
import { startPreviewServer } from './lib/preview-server.ts';

const PORT = Number(process.env.BENCH_AUDIO_PORT ?? 4193);

function speech(n: number, seed: number): Float32Array {
  const x = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const env = 0.5 + 0.5 * Math.sin((2 * Math.PI * 3 * i) / 16000);
    x[i] = Math.round(env * (6000 * Math.sin((2 * Math.PI * (200 + 30 * seed) * i) / 16000) + 2000 * Math.sin((2 * Math.PI * 1700 * i) / 16000)) + (s / 4294967296 - 0.5) * 800);
  }
  return x;
}

function windowsPerSecond(block: DspBlock, budgetMs = 2000): number {
  const ctx: DspContext = { axesCount: 1, axisNames: ['audio'], frequencyHz: 16000, windowFrames: 16000, params: {} };
  const runner = block.createRunner(ctx);
  const pool = Array.from({ length: 8 }, (_, i) => speech(16000, i + 1));
  const out = new Float32Array(runner.dim);
  for (let i = 0; i < 20; i++) runner.run(pool[i % 8], out);
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < budgetMs) {
    for (let i = 0; i < 10; i++) runner.run(pool[(n + i) % 8], out);
    n += 10;
    t = performance.now();
  }
  return (n * 1000) / (t - t0);
}

function resampleRtf(inRate: number, seconds = 20): number {
  const r = new Resampler(inRate, 16000);
  const chunk = new Float32Array(128);
  for (let i = 0; i < 128; i++) chunk[i] = Math.sin(i * 0.1);
  const chunks = Math.round((seconds * inRate) / 128);
  const t0 = performance.now();
  for (let i = 0; i < chunks; i++) r.process(chunk);
  return seconds / ((performance.now() - t0) / 1000);
}

async function recordRtfNode(seconds = 60): Promise<number> {
  const store = new StudioStore(await openStudioDb({ name: `bench-audio-${Date.now()}` }));
  const p = await store.createProject('bench');
  const mic = new GeneratedAudioInput(48000, (t) => 0.3 * Math.sin(2 * Math.PI * 440 * t));
  const stream = await openMicStream(mic);
  const t0 = performance.now();
  const rec = await recordAudio(store, stream, { projectId: p.id, label: 'long', category: 'training' }, { lengthMs: seconds * 1000 });
  // deliver in 0.1 s bursts so the store's writes interleave with capture, as in the browser
  for (let i = 0; i < seconds * 10 + 2 && rec.recorder.state === 'recording'; i++) {
    mic.pump(0.1);
    await new Promise((r) => setImmediate(r));
  }
  const meta = await rec.done;
  const s = (performance.now() - t0) / 1000;
  if (meta?.length !== seconds * 16000) throw new Error(`recorded ${meta?.length} frames`);
  await stream.close();
  return seconds / s;
}

async function recordChromium(): Promise<void> {
  const exe = chromiumPath();
  const server = await startPreviewServer(PORT, process.env.BENCH_DIST); // BENCH_DIST: an existing build folder
  try {
    const browser = await chromium.launch({ ...(exe ? { executablePath: exe } : {}), args: ['--disable-quic', '--enable-precise-memory-info'] });
    const page = await browser.newPage();
    await page.goto(`http://localhost:${PORT}/?demo=off`);
    await page.waitForFunction(() => (globalThis as unknown as { __tinyml?: { studio: { ready: boolean } } }).__tinyml?.studio.ready === true);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('HeapProfiler.enable');
    const p = await page.evaluate(async () => {
      type S = { createProject(n: string): Promise<{ id: string }>; beginRecording(x: unknown): Promise<{ id: string }>; appendChunk(id: string, i: number, v: Float32Array): Promise<void> };
      const store = (globalThis as unknown as { __tinyml: { studio: { s: S } } }).__tinyml.studio.s;
      const proj = await store.createProject('audio-bench');
      // audio as the Recorder writes it: 0.5 s chunks of 8000 int16-unit values (no named inner
      // functions here: the bench runs through tsx, whose helpers do not exist in the page)
      const meta = await store.beginRecording({ projectId: proj.id, label: 'long', category: 'training', axes: [{ name: 'audio', units: 'int16' }], intervalMs: 1000 / 16000, deviceName: 'bench' });
      const v = new Float32Array(8000);
      const t0 = performance.now();
      for (let i = 0; i < 7200; i++) {
        for (let k = 0; k < v.length; k++) v[k] = Math.round(8000 * Math.sin((i * 8000 + k) * 0.17));
        await store.appendChunk(meta.id, i, v.slice());
      }
      return { id: meta.id, writeMs: performance.now() - t0 };
    });
    await cdp.send('HeapProfiler.collectGarbage');
    const r = await page.evaluate(async (id) => {
      type S = {
        finishRecording(id: string): Promise<{ length: number } | undefined>;
        readFrames(id: string, a: number, b: number): Promise<Float32Array | undefined>;
        overview(id: string, n: number): Promise<unknown>;
        deleteSamples(ids: string[]): Promise<unknown>;
      };
      const store = (globalThis as unknown as { __tinyml: { studio: { s: S } } }).__tinyml.studio.s;
      const mem = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;
      const heap0 = mem?.usedJSHeapSize ?? NaN;
      let peak = heap0;
      const timer = setInterval(() => (peak = Math.max(peak, mem?.usedJSHeapSize ?? NaN)), 1);
      const t0 = performance.now();
      const done = await store.finishRecording(id);
      const finishMs = performance.now() - t0;
      peak = Math.max(peak, mem?.usedJSHeapSize ?? NaN);
      clearInterval(timer);
      const t1 = performance.now();
      const tail = await store.readFrames(id, 3598 * 16000, 3600 * 16000);
      const tailMs = performance.now() - t1;
      const t2 = performance.now();
      await store.overview(id, 2000);
      const overviewMs = performance.now() - t2;
      const ok = done?.length === 7200 * 8000 && tail?.length === 32000;
      return { finishMs, heapMb: (peak - heap0) / 2 ** 20, tailMs, overviewMs, ok };
    }, p.id);
    if (!r.ok) throw new Error('the hour did not finish whole');
    console.log(`BENCH audio.record_rtf ${(3600_000 / (p.writeMs + r.finishMs)).toFixed(0)} x`);
    console.log(`BENCH audio.hour_finish_s ${(r.finishMs / 1000).toFixed(3)} s`);
    console.log(`BENCH audio.hour_finish_heap_growth_mb ${r.heapMb.toFixed(1)} MB`);
    console.log(`BENCH audio.hour_tail_2s_read_ms ${r.tailMs.toFixed(0)} ms`);
    console.log(`BENCH audio.hour_overview_ms ${r.overviewMs.toFixed(0)} ms`);
    await browser.close();
  } finally {
    server.close();
  }
}

async function main(): Promise<void> {
  console.log(`BENCH audio.mfe_windows_per_s ${windowsPerSecond(mfeBlock).toFixed(0)} windows/s`);
  console.log(`BENCH audio.mfcc_windows_per_s ${windowsPerSecond(mfccBlock).toFixed(0)} windows/s`);
  console.log(`BENCH audio.spectrogram_windows_per_s ${windowsPerSecond(spectrogramBlock).toFixed(0)} windows/s`);
  console.log(`BENCH audio.resample_48k_to_16k_realtime_factor ${resampleRtf(48000).toFixed(0)} x`);
  console.log(`BENCH audio.resample_44k1_to_16k_realtime_factor ${resampleRtf(44100).toFixed(0)} x`);
  console.log(`BENCH audio.record_mic_path_node_fake_idb_realtime_factor ${(await recordRtfNode()).toFixed(0)} x`);
  await recordChromium();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
