#!/usr/bin/env node
// `npm test`: unit tests (vitest: the fast project, then the slow one) then end-to-end tests in headless
// Chromium (Playwright), then one closing line with the totals of all. Extra args are not supported:
// use `npm run test:unit` / `npm run test:slow` / `npm run test:e2e` for focused runs.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'].filter(Boolean);
mkdirSync('reports', { recursive: true });
// A report left from an earlier run must not be counted when its run fails to write a new one.
for (const f of ['unit.json', 'unit-slow.json', 'e2e.json']) rmSync(join('reports', f), { force: true });

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: process.env });
  return r.status ?? 1;
}

// The fast project (vitest.config.ts), then the slow one (vitest.slow.config.ts: emulator, g++ host
// builds, shared-data cases): each test runs once; the totals below add both reports.
const fastCode = run('node_modules/.bin/vitest', ['run', '--reporter=default', '--reporter=json', '--outputFile.json=reports/unit.json']);
const slowCode = run('node_modules/.bin/vitest', ['run', '--config', 'vitest.slow.config.ts', '--reporter=default', '--reporter=json', '--outputFile.json=reports/unit-slow.json']);
const unitCode = fastCode || slowCode;

let e2eCode = 0;
const chromium = CANDIDATES.find((p) => existsSync(p));
const pwBrowsers = join(process.env.HOME ?? '', '.cache', 'ms-playwright');
const hasPwBrowser = existsSync(pwBrowsers) && readdirSync(pwBrowsers).some((d) => d.startsWith('chromium'));
if (!chromium && !hasPwBrowser) {
  console.error('\nNo Chromium found for the end-to-end tests.');
  console.error('Install one: `sudo apt-get install -y chromium` (Debian/Ubuntu), or set CHROMIUM_PATH to a Chrome/Chromium binary.');
  e2eCode = 1;
} else {
  e2eCode = run('node_modules/.bin/playwright', ['test']);
}

function counts(file, kind) {
  try {
    const j = JSON.parse(readFileSync(file, 'utf8'));
    if (kind === 'vitest') return { passed: j.numPassedTests ?? 0, failed: j.numFailedTests ?? 0, skipped: (j.numPendingTests ?? 0) + (j.numTodoTests ?? 0) };
    const s = j.stats ?? {};
    return { passed: (s.expected ?? 0) + (s.flaky ?? 0), failed: s.unexpected ?? 0, skipped: s.skipped ?? 0, flaky: s.flaky ?? 0 };
  } catch {
    return { passed: 0, failed: 0, skipped: 0 };
  }
}
const uf = counts('reports/unit.json', 'vitest');
const us = counts('reports/unit-slow.json', 'vitest');
const u = { passed: uf.passed + us.passed, failed: uf.failed + us.failed, skipped: uf.skipped + us.skipped };
const e = counts('reports/e2e.json', 'playwright');
console.log(`\nunit: ${u.passed} passed, ${u.failed} failed, ${u.skipped} skipped; e2e: ${e.passed} passed${e.flaky ? ` (${e.flaky} only on retry)` : ''}, ${e.failed} failed, ${e.skipped} skipped`);
const failed = u.failed + e.failed + (unitCode !== 0 && u.failed === 0 ? 1 : 0) + (e2eCode !== 0 && e.failed === 0 ? 1 : 0);
console.log(`tests: ${u.passed + e.passed} passed, ${failed} failed, ${u.skipped + e.skipped} skipped`);
process.exit(unitCode || e2eCode);
