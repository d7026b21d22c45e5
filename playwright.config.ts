import { defineConfig, devices } from '@playwright/test';
import { existsSync } from 'node:fs';
import { chromiumPath } from './tests/helpers/chromium.ts';

const PORT = Number(process.env.E2E_PORT ?? 4173);
const executablePath = chromiumPath();

const chromiumUse = {
  ...devices['Desktop Chrome'],
  viewport: { width: 1280, height: 720 },
  launchOptions: {
    ...(executablePath ? { executablePath } : {}),
    args: ['--disable-quic', '--disable-gpu-sandbox', '--enable-unsafe-swiftshader'],
  },
};

export default defineConfig({
  testDir: 'tests/e2e',
  timeout: 120_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 2,
  retries: 0,
  reporter: process.env.CI ? [['list'], ['json', { outputFile: 'reports/e2e.json' }]] : [['list'], ['json', { outputFile: 'reports/e2e.json' }]],
  use: {
    baseURL: `http://localhost:${PORT}`,
    viewport: { width: 1280, height: 720 },
    trace: 'off',
    serviceWorkers: 'allow',
  },
  // The phone specs compare resampled values with the driver's event times, which a neighbour that
  // trains a model or writes an hour of audio can skew on 2 cores: they run last, after every other spec.
  projects: [
    { name: 'chromium', testIgnore: /phone\.spec\.ts$/, use: chromiumUse },
    { name: 'phone-timing', testMatch: /phone\.spec\.ts$/, dependencies: ['chromium'], use: chromiumUse },
  ],
  webServer: {
    // E2E_DIST serves an existing build from another folder (parallel runs); E2E_SKIP_BUILD reuses dist/.
    command: process.env.E2E_DIST
      ? `node_modules/.bin/vite preview --outDir ${process.env.E2E_DIST} --port ${PORT} --strictPort`
      : existsSync('dist/index.html') && process.env.E2E_SKIP_BUILD
        ? `node_modules/.bin/vite preview --port ${PORT} --strictPort`
        : `npm run build && node_modules/.bin/vite preview --port ${PORT} --strictPort`,
    url: `http://localhost:${PORT}`,
    timeout: 240_000,
    reuseExistingServer: !process.env.CI,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
