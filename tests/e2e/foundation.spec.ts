import { test, expect } from '@playwright/test';
import { StudioPage } from './pages/studio-page.ts';

test('new project → simulated board → live plot → record 3 samples with 2 labels → reload → samples kept', async ({ page }) => {
  const studio = new StudioPage(page);
  await studio.open({ demo: false });
  await studio.newProject('Wand e2e');
  await studio.connectSimulated();
  await studio.waitForPlot(60);
  await expect(page.getByTestId('stream-info')).toContainText('accX');

  await studio.record('wave', 2000);
  await studio.record('wave', 2000);
  await studio.record('idle', 1600);

  await page.reload();
  await expect(page.getByLabel('Project', { exact: true }).locator('option:checked')).toHaveText('Wand e2e');
  const rows = await studio.sampleRows();
  expect(rows.map((r) => r.label).sort()).toEqual(['idle', 'wave', 'wave']);
  for (const r of rows) expect(r.length).toBe(r.label === 'idle' ? '1.60 s' : '2.00 s');
  await expect(page.getByTestId('totals')).toContainText('wave');
});

test('the first run opens a demo project made by the simulated board, streaming live', async ({ page }) => {
  const studio = new StudioPage(page);
  await studio.open();
  await expect(page.getByLabel('Project', { exact: true }).locator('option:checked')).toContainText('Demo');
  await studio.waitForPlot(30);
  await studio.step('data');
  await expect(page.getByRole('grid', { name: 'Samples' })).toHaveAttribute('aria-rowcount', '40');
  for (const label of ['idle', 'wave', 'circle', 'shake']) await expect(page.getByTestId('totals')).toContainText(label);
});

test('a recording interrupted by a reload keeps what was captured up to about a second before', async ({ page }) => {
  const studio = new StudioPage(page);
  await studio.open({ demo: false });
  await studio.newProject('Crash test');
  await studio.connectSimulated();
  await studio.waitForPlot(20);
  await page.getByTestId('rec-label').fill('long');
  await page.getByTestId('rec-length').fill('20000');
  await page.getByTestId('rec-start').click();
  await expect(page.getByTestId('rec-start')).toContainText('Recording');
  await page.waitForTimeout(3200);
  const capturedText = await page.getByTestId('rec-start').textContent();
  const captured = Number(/([\d.]+) s/.exec(capturedText ?? '')?.[1] ?? 0);
  await page.reload();
  const rows = await studio.sampleRows();
  expect(rows).toHaveLength(1);
  expect(rows[0].label).toBe('long');
  const kept = parseFloat(rows[0].length);
  expect(kept).toBeGreaterThanOrEqual(captured - 1.0);
  expect(kept).toBeLessThan(20);
});
