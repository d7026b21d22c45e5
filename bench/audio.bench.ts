/**
 * Audio benchmarks. Run with `npx tsx bench/audio.bench.ts` (or `npm run bench audio`).
 * - DSP: windows/s of the MFE, MFCC and spectrogram blocks on 1 s windows at 16 kHz (EI defaults),
 *   single thread, through a reused runner;
 * - resampling: seconds of 48 kHz and 44.1 kHz microphone audio converted to 16 kHz per second;
 * - recording: the whole microphone path (generated 48 kHz chunks of 128 samples → resampler →
 *   int16 units → Recorder, 0.5 s chunks) into the store, as a real-time factor: in Node on
 *   fake-indexeddb, and in Chromium's real IndexedDB (production build, the app's StudioStore) the
 *   chunk writes of one hour of 16 kHz audio and a whole 10-minute recording (chunks + finish).
 *   Finishing a one-hour recording is reported too: the store joins the chunks into one value, and
 *   230 MB is above Chromium's IndexedDB value limit (~133 MB), so it fails today (a store change).
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
  const server = await startPreviewServer(PORT);
  try {
    const browser = await chromium.launch({ ...(exe ? { executablePath: exe } : {}), args: ['--disable-quic'] });
    const page = await browser.newPage();
    await page.goto(`http://localhost:${PORT}/?demo=off`);
    await page.waitForFunction(() => (globalThis as unknown as { __tinyml?: { studio: { ready: boolean } } }).__tinyml?.studio.ready === true);
    const r = await page.evaluate(async () => {
      type S = {
        createProject(n: string): Promise<{ id: string }>;
        beginRecording(x: unknown): Promise<{ id: string }>;
        appendChunk(id: string, i: number, v: Float32Array): Promise<void>;
        finishRecording(id: string): Promise<{ length: number }>;
        deleteSamples(ids: string[]): Promise<unknown>;
      };
      const store = (globalThis as unknown as { __tinyml: { studio: { s: S } } }).__tinyml.studio.s;
      const p = await store.createProject('audio-bench');
      // audio as the Recorder writes it: 0.5 s chunks of 8000 int16-unit values (no named inner
      // functions here: the bench runs through tsx, whose helpers do not exist in the page)
      const out: { written: number; total: number; finished: boolean }[] = [];
      for (const chunks of [1200, 7200]) {
        const meta = await store.beginRecording({ projectId: p.id, label: 'long', category: 'training', axes: [{ name: 'audio', units: 'int16' }], intervalMs: 1000 / 16000, deviceName: 'bench' });
        const t0 = performance.now();
        for (let i = 0; i < chunks; i++) {
          const v = new Float32Array(8000);
          for (let k = 0; k < v.length; k++) v[k] = Math.round(8000 * Math.sin((i * 8000 + k) * 0.17));
          await store.appendChunk(meta.id, i, v);
        }
        const written = performance.now() - t0;
        let finished = true;
        try {
          const done = await store.finishRecording(meta.id);
          if (done.length !== chunks * 8000) finished = false;
        } catch {
          finished = false;
        }
        out.push({ written, total: performance.now() - t0, finished });
        await store.deleteSamples([meta.id]);
      }
      return { tenMin: out[0], hour: out[1] };
    });
    console.log(`BENCH audio.record_10min_16khz_idb_realtime_factor ${(600_000 / r.tenMin.total).toFixed(0)} x`);
    console.log(`BENCH audio.record_1h_16khz_idb_chunk_writes_realtime_factor ${(3600_000 / r.hour.written).toFixed(0)} x`);
    console.log(`BENCH audio.record_1h_16khz_idb_finish_ok ${r.hour.finished ? 1 : 0} bool`);
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
