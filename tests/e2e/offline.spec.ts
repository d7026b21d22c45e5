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
