/**
 * App benchmarks in headless Chromium against the production build:
 * - cold load of the built bundle (new browser context, empty cache) until the shell is ready;
 * - IndexedDB write + read throughput of a 1-hour, 6-axis, 100 Hz recording through the app's own
 *   Recorder (0.5 s chunks) and store.
 */
import { chromium } from '@playwright/test';
import { chromiumPath } from '../tests/helpers/chromium.ts';
import { startPreviewServer } from './lib/preview-server.ts';

const PORT = 4191;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const server = await startPreviewServer(PORT);
  try {
    const browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--disable-quic'] });
    const loads: number[] = [];
    for (let i = 0; i < 5; i++) {
      const ctx = await browser.newContext();
      const page = await ctx.newPage();
      const t0 = Date.now();
      await page.goto(`http://localhost:${PORT}/?demo=off`);
      await page.waitForFunction(() => (globalThis as unknown as { __tinyml?: { studio: { ready: boolean } } }).__tinyml?.studio.ready === true);
      loads.push(Date.now() - t0);
      await ctx.close();
    }
    console.log(`BENCH app.first_run_load_ms ${median(loads)} ms`);
    // A returning visitor with an empty HTTP cache (new context) but an existing project: one context, cache cleared.
    const warmCtx = await browser.newContext({ serviceWorkers: 'block' });
    const wp = await warmCtx.newPage();
    await wp.goto(`http://localhost:${PORT}/?demo=off`);
    await wp.waitForFunction(() => (globalThis as unknown as { __tinyml?: { studio: { ready: boolean } } }).__tinyml?.studio.ready === true);
    const cdp = await warmCtx.newCDPSession(wp);
    const again: number[] = [];
    for (let i = 0; i < 5; i++) {
      await cdp.send('Network.clearBrowserCache');
      const t0 = Date.now();
      await wp.goto(`http://localhost:${PORT}/?demo=off&r=${i}`);
      await wp.waitForFunction(() => (globalThis as unknown as { __tinyml?: { studio: { ready: boolean } } }).__tinyml?.studio.ready === true);
      again.push(Date.now() - t0);
    }
    await warmCtx.close();
    console.log(`BENCH app.cold_load_ms ${median(again)} ms`);

    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await page.goto(`http://localhost:${PORT}/?demo=off`);
    await page.waitForFunction(() => (globalThis as unknown as { __tinyml?: { studio: { ready: boolean } } }).__tinyml?.studio.ready === true);
    const r = await page.evaluate(async () => {
      type AnyStudio = { studio: { s: { createProject(n: string): Promise<{ id: string }>; getSample(id: string): Promise<{ values: Float32Array }> } } };
      const { studio } = (globalThis as unknown as { __tinyml: AnyStudio }).__tinyml;
      const store = studio.s;
      const p = await store.createProject('bench');
      const axes = ['accX', 'accY', 'accZ', 'gyrX', 'gyrY', 'gyrZ'].map((name) => ({ name, units: '' }));
      // Drive the store the way the Recorder does: 0.5 s chunks of 50 frames × 6 axes.
      const s = store as unknown as {
        beginRecording(x: unknown): Promise<{ id: string }>;
        appendChunk(id: string, i: number, v: Float32Array): Promise<void>;
        finishRecording(id: string): Promise<{ length: number }>;
      };
      const frames = 3600 * 100;
      const chunk = 50;
      const t0 = performance.now();
      const meta = await s.beginRecording({ projectId: p.id, label: 'hour', category: 'training', axes, intervalMs: 10, deviceName: 'bench' });
      for (let i = 0; i < frames / chunk; i++) {
        const v = new Float32Array(chunk * 6);
        for (let k = 0; k < v.length; k++) v[k] = Math.sin(i + k);
        await s.appendChunk(meta.id, i, v);
      }
      const done = await s.finishRecording(meta.id);
      const t1 = performance.now();
      const back = await store.getSample(meta.id);
      const t2 = performance.now();
      return { frames: done.length, writeMs: t1 - t0, readMs: t2 - t1, readFrames: back.values.length / 6 };
    });
    console.log(`BENCH idb.record_1h_6axis_100hz_write ${Math.round(r.frames / (r.writeMs / 1000))} samples/s`);
    console.log(`BENCH idb.record_1h_6axis_100hz_read ${Math.round(r.readFrames / (r.readMs / 1000))} samples/s`);
    console.log(`BENCH idb.record_1h_realtime_factor ${(3600_000 / r.writeMs).toFixed(0)} x`);
    // Opening a project with 10,000 samples (2 s, 3 axes, 62.5 Hz each): time from navigation to the
    // sample list and per-label totals being ready.
    await page.evaluate(async () => {
      type S = { studio: { s: { createProject(n: string, extra?: unknown): Promise<{ id: string }>; addSamples(p: string, r: unknown[]): Promise<unknown> } } };
      const { studio } = (globalThis as unknown as { __tinyml: S }).__tinyml;
      const p = await studio.s.createProject('ten-thousand');
      const labels = ['idle', 'wave', 'circle', 'shake'];
      for (let b = 0; b < 10; b++) {
        const recs = [];
        for (let i = 0; i < 1000; i++) {
          const values = new Float32Array(125 * 3);
          for (let k = 0; k < values.length; k++) values[k] = Math.sin(k * 0.1 + i);
          recs.push({ name: `s${b}-${i}`, label: labels[i % 4], category: i % 5 ? 'training' : 'testing', axes: [{ name: 'accX', units: 'm/s2' }, { name: 'accY', units: 'm/s2' }, { name: 'accZ', units: 'm/s2' }], intervalMs: 16, values });
        }
        await studio.s.addSamples(p.id, recs);
      }
      localStorage.setItem('tinyml-studio.last-project', p.id);
    });
    const opens: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = Date.now();
      await page.goto(`http://localhost:${PORT}/?demo=off&open=${i}`);
      await page.waitForFunction(() => {
        const st = (globalThis as unknown as { __tinyml?: { studio: { ready: boolean; samples: unknown[]; totals: unknown[] } } }).__tinyml?.studio;
        return st?.ready === true && st.samples.length === 10000 && st.totals.length === 4;
      });
      opens.push(Date.now() - t0);
    }
    console.log(`BENCH data.open_project_10k_samples_ms ${median(opens)} ms`);
    // Feature generation for a 1-hour dataset (60 one-minute 6-axis 100 Hz recordings) in the DSP worker:
    // flatten and spectral (FFT 16), 2 s windows every 0.5 s, first run (nothing cached) then a cached rerun.
    const fg = await page.evaluate(async () => {
      type H = {
        studio: { s: { createProject(n: string): Promise<{ id: string }>; addSamples(p: string, r: unknown[]): Promise<unknown> } };
        dsp: () => Promise<{ worker: { generateFeatures(job: string, pid: string, imp: unknown): Promise<{ rows: number }> }; newJobId(k: string): string }>;
      };
      const h = (globalThis as unknown as { __tinyml: H }).__tinyml;
      const p = await h.studio.s.createProject('one-hour');
      const axes = ['accX', 'accY', 'accZ', 'gyrX', 'gyrY', 'gyrZ'].map((name) => ({ name, units: '' }));
      for (let b = 0; b < 6; b++) {
        const recs = [];
        for (let i = 0; i < 10; i++) {
          const values = new Float32Array(6000 * 6);
          for (let k = 0; k < values.length; k++) values[k] = Math.sin(k * 0.013 + i) * 3 + Math.sin(k * 0.7) * 0.2;
          recs.push({ name: `m${b}-${i}`, label: ['a', 'b', 'c'][i % 3], category: 'training', axes, intervalMs: 10, values });
        }
        await h.studio.s.addSamples(p.id, recs);
      }
      const { worker, newJobId } = await h.dsp();
      const windowing = { windowMs: 2000, strideMs: 500, zeroPad: true, frequencyHz: 100, axes: axes.map((a) => a.name) };
      const out: Record<string, number> = {};
      for (const [name, dsp] of [
        ['flatten', { block: 'flatten', params: {} }],
        ['spectral_fft16', { block: 'spectral', params: { 'fft-length': 16 } }],
      ] as const) {
        const t0 = performance.now();
        const r = await worker.generateFeatures(newJobId('bench'), p.id, { windowing, dsp });
        out[name] = performance.now() - t0;
        out[`${name}_rows`] = r.rows;
        const t1 = performance.now();
        await worker.generateFeatures(newJobId('bench'), p.id, { windowing, dsp });
        out[`${name}_cached`] = performance.now() - t1;
      }
      return out;
    });
    console.log(`BENCH dsp.worker_features_1h_flatten_s ${(fg.flatten / 1000).toFixed(2)} s`);
    console.log(`BENCH dsp.worker_features_1h_spectral_fft16_s ${(fg.spectral_fft16 / 1000).toFixed(2)} s`);
    console.log(`BENCH dsp.worker_features_1h_spectral_cached_s ${(fg.spectral_fft16_cached / 1000).toFixed(2)} s`);
    await browser.close();
    console.log(
      `\nCold load (empty HTTP cache, existing project) ${median(again)} ms; first run incl. demo dataset ${median(loads)} ms (medians of 5). A 1-hour 6-axis 100 Hz recording (${r.frames} frames) was written in 0.5 s chunks in ${(r.writeMs / 1000).toFixed(1)} s and read back whole in ${r.readMs.toFixed(0)} ms. A project of 10,000 samples opens in ${median(opens)} ms. Features for 1 hour of 6-axis 100 Hz data (${fg.spectral_fft16_rows} windows) take ${(fg.spectral_fft16 / 1000).toFixed(1)} s in the DSP worker (spectral, FFT 16), ${(fg.spectral_fft16_cached / 1000).toFixed(1)} s when cached.`,
    );
  } finally {
    server.close();
  }
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
