/**
 * The confusing text and visuals a newcomer met, checked in a real browser: dataset health wording,
 * the sample view's two y-scales, the simulated person acting only the project's gestures, deploy
 * advice without WebUSB/Web Serial, the training engine line, reconnecting the simulated board after
 * a reload, and figures that must not wrap at phone size.
 */
import { test, expect } from '@playwright/test';
import { StudioPage } from './pages/studio-page.ts';

test('dataset health on the demo: the proposed 2000 ms window, words for titles, no raw floats, no idle outliers', async ({ page }) => {
  const s = new StudioPage(page);
  await s.open({ demo: false });
  await s.step('data');
  const panel = page.getByTestId('health-panel');
  await expect(panel).toContainText('Windows are 2000 ms', { timeout: 30_000 });
  const text = (await panel.innerText()).replace(/\s+/g, ' ');
  expect(text).not.toMatch(/\d\.\d{5,}/);
  expect(text).not.toMatch(/Need More|Near Duplicate/);
  await expect(page.locator('[data-testid="health-finding"][data-kind="outlier"]').filter({ hasText: '"idle"' })).toHaveCount(0);
  await expect(page.locator('[data-testid="health-finding"][data-kind="near-duplicate"]')).toHaveCount(0);
});

test('the sample view draws acceleration and rotation rate on two y-scales', async ({ page }) => {
  const s = new StudioPage(page);
  await s.open({ demo: false });
  await s.step('data');
  await page.getByTestId('sample-open').first().click();
  await expect(page.getByTestId('sample-plot')).toHaveAttribute('data-scales', '2');
});

test("the simulated person acts out the demo's own gestures, and the board reconnects after a reload", async ({ page }) => {
  const s = new StudioPage(page);
  await s.open();
  await expect(page.getByTestId('status-device')).toContainText('●');
  const sim = page.getByRole('group', { name: 'Simulated board' });
  await expect(sim).toContainText('Acting out circle, shake, wave in turn, with idle between');
  await expect(sim).not.toContainText('updown in turn');
  // Picking a gesture the project has not learned says so.
  await sim.getByRole('button', { name: 'punch', exact: true }).click();
  await expect(page.getByTestId('sim-unlearned')).toContainText('not learned by this project');
  await expect(page.getByLabel('Label', { exact: true })).toHaveValue('punch');
  // A project of one's own: after a reload its simulated board is back.
  await s.newProject('Mine');
  await expect(page.getByTestId('status-device')).toContainText('●');
  await page.reload();
  await expect(page.getByTestId('status-device')).toContainText('●', { timeout: 20_000 });
  await expect(page.getByLabel('Project', { exact: true }).locator('option:checked')).toHaveText('Mine');
});

test('without WebUSB and Web Serial, Deploy advises a download and disables what needs them; Train hides the probe noise', async ({ page }) => {
  test.setTimeout(150_000);
  await page.addInitScript(() => {
    for (const k of ['usb', 'serial']) {
      delete (Navigator.prototype as unknown as Record<string, unknown>)[k];
      delete (navigator as unknown as Record<string, unknown>)[k];
    }
  });
  const s = new StudioPage(page);
  await s.open({ demo: false });
  expect(await page.evaluate(() => 'usb' in navigator || 'serial' in navigator)).toBe(false);
  await s.step('train');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('model-row')).toHaveCount(1, { timeout: 90_000 });
  await expect(page.getByText(/software renderer|ANGLE|skipped:/)).toHaveCount(0);
  await s.step('deploy');
  await page.getByTestId('deploy-export').click();
  await expect(page.getByTestId('export-result')).toBeVisible({ timeout: 60_000 });
  await page.getByTestId('board-select').selectOption('pico');
  const advice = page.getByTestId('no-webusb');
  await expect(advice).toContainText('no Web Serial');
  await expect(advice).toContainText('.uf2');
  await expect(advice).not.toContainText('upload over serial below');
  await expect(page.getByTestId('touch-1200')).toBeDisabled();
  await expect(page.getByTestId('flash-usb')).toBeDisabled();
});

test('at phone size percentages and window counts stay on one line and the two confusion matrices line up', async ({ page }) => {
  test.setTimeout(150_000);
  await page.setViewportSize({ width: 390, height: 844 });
  const s = new StudioPage(page);
  await s.open();
  await s.step('train');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('model-row')).toHaveCount(1, { timeout: 90_000 });
  await s.step('test');
  await page.getByTestId('live-start').click();
  await expect(page.getByTestId('live-probs')).toBeVisible({ timeout: 20_000 });
  const oneLine = (sel: string) =>
    page.locator(sel).evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height / parseFloat(getComputedStyle(e).lineHeight === 'normal' ? String(parseFloat(getComputedStyle(e).fontSize) * 1.25) : getComputedStyle(e).lineHeight)));
  for (const r of await oneLine('[data-testid="live-probs"] li > span:last-child')) expect(r).toBeLessThan(1.6);
  await page.getByTestId('live-stop').click();
  await s.step('deploy');
  await page.getByTestId('deploy-export').click();
  await expect(page.getByTestId('export-result')).toBeVisible({ timeout: 60_000 });
  for (const r of await oneLine('[data-testid="float"] figcaption .muted, [data-testid="int8"] figcaption .muted')) expect(r).toBeLessThan(1.6);
  // Side by side (desktop) the two matrices start at the same height.
  await page.setViewportSize({ width: 1280, height: 800 });
  const tops = await page.locator('[data-testid="float"] table, [data-testid="int8"] table').evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().top)));
  expect(tops[0]).toBe(tops[1]);
});
