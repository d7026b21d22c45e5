/**
 * Training in the browser, through the app's own Train step (worker, IndexedDB, curves), in headless
 * Chromium against the production build:
 * - the default dense model on the first-run demo project (40 simulated samples) and, when
 *   ../shared/datasets/xiao_ei_motion exists, on that dataset (imported through the store, with its
 *   own test split and the same default impulse as `tinyml train`), per TF.js backend (wasm, webgl,
 *   cpu) chosen in the UI: seconds of training (the trainer's own clock, in the worker), epochs/s,
 *   click-to-saved wall time and the test accuracy;
 * - the longest main-thread task (PerformanceObserver 'longtask') while training runs.
 * WebGL runs in software here (no GPU): on xiao it trains BENCH_WEBGL_EPOCHS (default 5) epochs and
 * the 30-epoch time is estimated from its epochs/s unless BENCH_FULL=1.
 * Env: BENCH_DIST=folder to serve another build (default dist, built when missing).
 */
import { chromium, type Page } from '@playwright/test';
import { chromiumPath } from '../tests/helpers/chromium.ts';
import { sharedPath } from '../tests/helpers/shared.ts';
import { applySplit, loadDataset, resolveImpulse } from '../src/cli/impulse-args.ts';
import { startPreviewServer } from './lib/preview-server.ts';
import type { StudioHookWindow } from './lib/studio-hook.ts';

const PORT = 4192;
const DIST = process.env.BENCH_DIST ?? 'dist';
const FULL = !!process.env.BENCH_FULL;
const WEBGL_EPOCHS = Number(process.env.BENCH_WEBGL_EPOCHS ?? 5);

type Win = StudioHookWindow & { __longTasks: { start: number; duration: number }[] };

interface Run {
  backend: string;
  trainS: number;
  epochs: number;
  wallS: number;
  accuracy: number | null;
  longMax: number;
  longCount: number;
}

/** Trains through the UI with the chosen backend and epochs; returns the stored model's figures. */
async function trainOnce(page: Page, backend: string, epochs: number): Promise<Run> {
  await page.locator('nav button[data-step="train"]').click();
  await page.getByTestId('backend-pref').selectOption(backend);
  await page.getByTestId('set-epochs').fill(String(epochs));
  const t0 = await page.evaluate(() => performance.now());
  await page.getByTestId('train-start').click();
  await page.getByTestId('train-cancel').waitFor({ state: 'visible', timeout: 10_000 }).catch(() => undefined);
  await page.getByTestId('train-start').waitFor({ state: 'visible', timeout: 240_000 });
  const t1 = await page.evaluate(() => performance.now());
  const err = await page.getByTestId('train-error').count();
  if (err) throw new Error(`training on ${backend} failed: ${await page.getByTestId('train-error').textContent()}`);
  return page.evaluate(
    async ({ t0, t1, backend }) => {
      const w = globalThis as Win;
      const models = await w.__tinyml.studio.s.listModels(w.__tinyml.studio.project!.id);
      const m = models[0];
      const lt = w.__longTasks.filter((x) => x.start >= t0 && x.start <= t1);
      return {
        backend: m.metrics.training.backend || backend,
        trainS: m.metrics.training.train_ms / 1000,
        epochs: m.metrics.training.epochs_run,
        wallS: (t1 - t0) / 1000,
        accuracy: m.metrics.float?.accuracy ?? null,
        longMax: lt.reduce((a, b) => Math.max(a, b.duration), 0),
        longCount: lt.length,
      };
    },
    { t0, t1, backend },
  );
}

async function main(): Promise<void> {
  const server = await startPreviewServer(PORT, DIST);
  const lines: string[] = [];
  const say = (l: string) => {
    lines.push(l);
    console.log(l);
  };
  const summary: string[] = [];
  let longMax = 0;
  try {
    const browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--disable-quic', '--enable-unsafe-swiftshader'] });
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    await ctx.addInitScript(() => {
      const w = globalThis as unknown as { __longTasks: { start: number; duration: number }[] };
      w.__longTasks = [];
      try {
        new PerformanceObserver((list) => {
          for (const e of list.getEntries()) w.__longTasks.push({ start: e.startTime, duration: e.duration });
        }).observe({ type: 'longtask', buffered: true });
      } catch {
        /* no long-task timing */
      }
    });
    const page = await ctx.newPage();
    await page.goto(`http://localhost:${PORT}/?demo=off`);
    await page.waitForFunction(() => (globalThis as unknown as { __tinyml?: { studio: { ready: boolean } } }).__tinyml?.studio.ready === true);

    // 1. Demo project (first run), each backend, default 30 epochs.
    for (const b of ['wasm', 'webgl', 'cpu']) {
      const r = await trainOnce(page, b, 30);
      say(`BENCH train.browser_demo_${b}_dense_s ${r.trainS.toFixed(3)} s`);
      say(`BENCH train.browser_demo_${b}_epochs_per_s ${(r.epochs / r.trainS).toFixed(1)} epochs/s`);
      longMax = Math.max(longMax, r.longMax);
      summary.push(`demo ${b}: ${r.epochs} epochs in ${r.trainS.toFixed(2)} s (click→saved ${r.wallS.toFixed(1)} s), test acc ${r.accuracy === null ? 'n/a' : (r.accuracy * 100).toFixed(1) + ' %'}, long tasks ${r.longCount} (max ${r.longMax.toFixed(0)} ms)`);
    }

    // 2. xiao_ei_motion with its own test split, imported through the store.
    const dir = sharedPath('datasets/xiao_ei_motion');
    if (dir) {
      const ds = await loadDataset(dir);
      const impulse = resolveImpulse(ds, {});
      const { recordings } = applySplit(ds.recordings, impulse.training.seed);
      const recs = recordings.map((r) => ({ name: r.name, label: r.label, category: r.category, axes: r.axes, intervalMs: r.intervalMs, values: Array.from(r.values), deviceName: 'xiao' }));
      await page.evaluate(
        async ({ recs, impulse }) => {
          const { studio } = (globalThis as Win).__tinyml;
          const p = await studio.s.createProject('xiao_ei_motion (bench)');
          await studio.s.addSamples(
            p.id,
            recs.map((r) => ({ ...r, values: Float32Array.from(r.values) })),
          );
          await studio.s.updateProject(p.id, { impulse });
          await studio.refreshProjects();
          await studio.selectProject(p.id);
          studio.step = 'device';
        },
        { recs, impulse },
      );
      for (const b of ['wasm', 'webgl', 'cpu']) {
        const epochs = b === 'webgl' && !FULL ? WEBGL_EPOCHS : 30;
        const r = await trainOnce(page, b, epochs);
        const eps = r.epochs / r.trainS;
        const est = epochs === 30 ? r.trainS : 30 / eps;
        say(`BENCH train.browser_${b}_dense_s${epochs === 30 ? '' : '_est'} ${est.toFixed(3)} s`);
        say(`BENCH train.browser_${b}_epochs_per_s ${eps.toFixed(2)} epochs/s`);
        if (epochs === 30 && r.accuracy !== null) say(`BENCH train.browser_${b}_xiao_accuracy ${r.accuracy.toFixed(4)} fraction`);
        longMax = Math.max(longMax, r.longMax);
        summary.push(`xiao ${b}: ${r.epochs} epochs in ${r.trainS.toFixed(2)} s${epochs === 30 ? '' : ` (30 epochs ≈ ${est.toFixed(1)} s)`}, click→saved ${r.wallS.toFixed(1)} s, test acc ${r.accuracy === null ? 'n/a' : (r.accuracy * 100).toFixed(1) + ' %'}, long tasks ${r.longCount} (max ${r.longMax.toFixed(0)} ms)`);
      }
      // 3. The 1-D convolutional model on raw windows (im2col convolution, trainable on WASM), xiao.
      const convImpulse = resolveImpulse(ds, { dsp: 'raw', learn: 'conv1d' });
      const windows = await page.evaluate(
        async ({ recs, impulse }) => {
          const { studio } = (globalThis as Win).__tinyml;
          const p = await studio.s.createProject('xiao_ei_motion conv1d (bench)');
          await studio.s.addSamples(
            p.id,
            recs.map((r) => ({ ...r, values: Float32Array.from(r.values) })),
          );
          await studio.s.updateProject(p.id, { impulse });
          await studio.refreshProjects();
          await studio.selectProject(p.id);
          studio.step = 'device';
          return recs.filter((r) => r.category === 'training').length;
        },
        { recs, impulse: convImpulse },
      );
      const c = await trainOnce(page, 'wasm', 30);
      say(`BENCH train.browser_wasm_conv1d_xiao_s ${c.trainS.toFixed(3)} s`);
      say(`BENCH train.browser_wasm_conv1d_epochs_per_s ${(c.epochs / c.trainS).toFixed(2)} epochs/s`);
      if (c.accuracy !== null) say(`BENCH train.browser_wasm_conv1d_xiao_accuracy ${c.accuracy.toFixed(4)} fraction`);
      longMax = Math.max(longMax, c.longMax);
      summary.push(`xiao conv1d (raw ${convImpulse.windowing.windowMs} ms windows, ${windows} training recordings) wasm: ${c.epochs} epochs in ${c.trainS.toFixed(2)} s, test acc ${c.accuracy === null ? 'n/a' : (c.accuracy * 100).toFixed(1) + ' %'}`);
    } else {
      summary.push('xiao_ei_motion not found (../shared/datasets): only the demo project was measured.');
    }
    say(`BENCH train.ui_long_tasks_max_ms ${longMax.toFixed(0)} ms`);
    await browser.close();
    console.log(`\nDefault dense model trained in the Train step's worker, backend forced per run (seconds = trainer clock in the worker, excluding DSP and probe):\n  ${summary.join('\n  ')}\nLongest main-thread task during any training: ${longMax.toFixed(0)} ms (goal: under 50 ms).`);
  } finally {
    server.close();
  }
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
