/**
 * Runs .tflite models in the real TFLite runtime (@tensorflow/tfjs-tflite, TFLite compiled to WASM) in
 * a Playwright page, self-contained: a bundle of tfjs-core + cpu backend + tfjs-tflite (esbuild) and the
 * runtime's WASM files are served with `page.route` on a fake origin, so no app build or server is
 * needed. Used by tests/e2e/tflite-runtime.spec.ts and tflite-trained.spec.ts.
 */
import type { Page } from '@playwright/test';
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const nm = join(root, 'node_modules');
export const TFLITE_ORIGIN = 'http://tflite.local';

export interface RuntimeJob {
  name: string;
  tflite: Uint8Array;
  /** Input tensor shape (with the batch dimension). */
  inputShape: number[];
  /** int8 input tensors (or float32 for float models). */
  inputs: ArrayLike<number>[];
  float?: boolean;
}

export interface RuntimeResult {
  name: string;
  outputs?: number[][];
  error?: string;
}

async function bundle(): Promise<string> {
  const out = await build({
    stdin: {
      contents: [
        "import * as tf from '@tensorflow/tfjs-core';",
        "import '@tensorflow/tfjs-backend-cpu';",
        "import * as tflite from '@tensorflow/tfjs-tflite';",
        'globalThis.tf = tf; globalThis.tflite = tflite;',
      ].join('\n'),
      resolveDir: root,
      loader: 'js',
    },
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    logLevel: 'silent',
    // The package's ESM entry imports a file it does not ship; its flat ESM build is complete.
    alias: { '@tensorflow/tfjs-tflite': join(nm, '@tensorflow/tfjs-tflite/dist/tf-tflite.fesm.js') },
  });
  return out.outputFiles[0].text;
}

/** Serves the runtime on the fake origin, opens it and waits until it is loaded. Returns page errors. */
export async function openTflitePage(page: Page): Promise<string[]> {
  const js = await bundle();
  const html = `<!doctype html><meta charset="utf-8"><title>tflite check</title><script src="${TFLITE_ORIGIN}/bundle.js"></script><body>ready</body>`;
  await page.route(`${TFLITE_ORIGIN}/**`, async (route) => {
    const url = new URL(route.request().url());
    if (url.pathname === '/' || url.pathname === '/index.html') return route.fulfill({ body: html, contentType: 'text/html' });
    if (url.pathname === '/bundle.js') return route.fulfill({ body: js, contentType: 'text/javascript' });
    const m = /^\/wasm\/([\w.]+)$/.exec(url.pathname);
    if (m) {
      try {
        const body = readFileSync(join(nm, '@tensorflow/tfjs-tflite/wasm', m[1]));
        return route.fulfill({ body, contentType: m[1].endsWith('.wasm') ? 'application/wasm' : 'text/javascript' });
      } catch {
        return route.fulfill({ status: 404, body: 'not found' });
      }
    }
    return route.fulfill({ status: 404, body: 'not found' });
  });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${TFLITE_ORIGIN}/index.html`);
  await page.waitForFunction(() => 'tflite' in globalThis, null, { timeout: 60_000 });
  return errors;
}

/** Loads each model in the page's TFLite runtime and runs every input row; one job at a time. */
export async function runInTflite(page: Page, jobs: RuntimeJob[]): Promise<RuntimeResult[]> {
  const results: RuntimeResult[] = [];
  for (const j of jobs) {
    const job = { name: j.name, tflite: Array.from(j.tflite), inputShape: j.inputShape, inputs: j.inputs.map((r) => Array.from(r)), float: !!j.float };
    const r = await page.evaluate(
      async ({ job, origin }) => {
        type TfCore = { setBackend(b: string): Promise<boolean>; ready(): Promise<void>; getBackend(): string; tensor(d: number[], s: number[], t: string): { dispose(): void } };
        type Out = { dataSync(): ArrayLike<number>; dispose(): void };
        type Lite = { setWasmPath(p: string): void; loadTFLiteModel(b: ArrayBuffer, o?: object): Promise<{ predict(t: unknown): Out }> };
        const g = globalThis as unknown as { tf: TfCore; tflite: Lite; __tfliteReady?: boolean };
        if (!g.__tfliteReady) {
          await g.tf.setBackend('cpu');
          await g.tf.ready();
          g.tflite.setWasmPath(`${origin}/wasm/`);
          g.__tfliteReady = true;
        }
        try {
          const model = await g.tflite.loadTFLiteModel(new Uint8Array(job.tflite).buffer, { numThreads: 1 });
          const outputs: number[][] = [];
          for (const row of job.inputs) {
            const t = g.tf.tensor(row, job.inputShape, job.float ? 'float32' : 'int32');
            const y = model.predict(t);
            outputs.push(Array.from(y.dataSync()));
            t.dispose();
            y.dispose();
          }
          return { name: job.name, outputs };
        } catch (e) {
          return { name: job.name, error: String(e) };
        }
      },
      { job, origin: TFLITE_ORIGIN },
    );
    results.push(r);
  }
  return results;
}
