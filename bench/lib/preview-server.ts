/**
 * Bench support: serves a production build with `vite preview` for the browser benchmarks, building
 * it first when `dist` is missing (or BENCH_BUILD is set), and waits until it answers.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface PreviewServer {
  /** Base URL, e.g. `http://localhost:4191`. */
  url: string;
  /** Stops the server. */
  close(): void;
}

async function waitFor(url: string, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not come up`);
}

/**
 * Starts `vite preview` on `port` (strict) serving `outDir` (default: vite's own, `dist`, which is
 * built when needed; another folder is served as it is). Resolves once the page answers (30 s at most).
 */
export async function startPreviewServer(port: number, outDir?: string): Promise<PreviewServer> {
  if ((outDir === undefined || outDir === 'dist') && (!existsSync('dist/index.html') || process.env.BENCH_BUILD)) {
    spawnSync('npm', ['run', 'build'], { stdio: 'ignore' });
  }
  const args = ['preview', '--port', String(port), '--strictPort', ...(outDir === undefined ? [] : ['--outDir', outDir])];
  const server = spawn('node_modules/.bin/vite', args, { stdio: 'ignore' });
  const url = `http://localhost:${port}`;
  try {
    await waitFor(`${url}/`, 30_000);
  } catch (e) {
    server.kill();
    throw e;
  }
  return { url, close: () => void server.kill() };
}
