import { test, expect } from '@playwright/test';
import { StudioPage } from './pages/studio-page.ts';

test('after one online load the app, its stored samples and the TF.js WASM work offline', async ({ page, context }) => {
  const studio = new StudioPage(page);
  await studio.open({ demo: false });
  await expect(page.getByTestId('status-offline')).toHaveText('Works offline', { timeout: 60_000 });
  await studio.newProject('Offline field trip');
  await studio.connectSimulated();
  await studio.waitForPlot(20);
  await studio.record('shake', 1600);

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByLabel('Project', { exact: true }).locator('option:checked')).toHaveText('Offline field trip');
  const rows = await studio.sampleRows();
  expect(rows).toEqual([{ label: 'shake', length: '1.60 s' }]);
  // The simulated board and recording keep working offline.
  await studio.connectSimulated();
  await studio.waitForPlot(20);
  // Every precached WASM binary the ML worker needs is served by the service worker.
  const wasm = await page.evaluate(async () => {
    const keys = await caches.keys();
    const urls: string[] = [];
    for (const k of keys) for (const r of await (await caches.open(k)).keys()) if (r.url.endsWith('.wasm')) urls.push(r.url);
    const ok = await Promise.all(urls.map(async (u) => (await fetch(u)).ok));
    return { count: urls.length, ok: ok.every(Boolean) };
  });
  expect(wasm.count).toBeGreaterThanOrEqual(2);
  expect(wasm.ok).toBe(true);
  await context.setOffline(false);
});

test('makes no request beyond its own origin and breaks no Content-Security-Policy rule', async ({ page }) => {
  const foreign: string[] = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (!['localhost', '127.0.0.1'].includes(u.hostname) && u.protocol !== 'data:' && u.protocol !== 'blob:') foreign.push(r.url());
  });
  await page.addInitScript(() => {
    (globalThis as unknown as { __csp: string[] }).__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => (globalThis as unknown as { __csp: string[] }).__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const studio = new StudioPage(page);
  await studio.open();
  await studio.waitForPlot(30);
  for (const s of ['data', 'impulse', 'train', 'test', 'deploy', 'device'] as const) await studio.step(s);
  await page.waitForTimeout(1000);
  expect(foreign).toEqual([]);
  expect(await page.evaluate(() => (globalThis as unknown as { __csp: string[] }).__csp)).toEqual([]);
  // The policy is really in force: an inline script is refused.
  const blocked = await page.evaluate(async () => {
    const s = document.createElement('script');
    s.textContent = 'window.__inlineRan = true';
    document.body.appendChild(s);
    await new Promise((r) => setTimeout(r, 50));
    return !(globalThis as unknown as { __inlineRan?: boolean }).__inlineRan;
  });
  expect(blocked).toBe(true);
});
