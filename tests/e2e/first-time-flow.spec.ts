/**
 * A student's first hour at phone size, using only what is visible and labelled (roles and labels,
 * no test ids): a new empty project → record three gestures from the simulated board → train →
 * classify live from the Test step → export the model.
 */
import { test, expect } from '@playwright/test';

test('first time at 390×844: empty project → record 3 labels → train → live test → export', async ({ page }) => {
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/?demo=off');
  const nav = page.getByRole('navigation', { name: 'Pipeline steps' });
  await expect(nav).toBeVisible();

  await page.getByRole('button', { name: 'New project' }).click();
  await page.getByLabel('New project name').fill('My gestures');
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByLabel('Project', { exact: true })).toHaveValue(/.+/);
  // A new project starts on the Device step.
  await expect(nav.getByRole('button', { name: /Device/ })).toHaveAttribute('aria-current', 'step');

  await page.getByRole('button', { name: 'Simulated board', exact: true }).click();
  const gestures = page.getByRole('group', { name: 'Gesture' });
  await expect(gestures.getByRole('button', { name: 'wave', exact: true })).toBeVisible();
  await page.getByLabel('Length (ms)').fill('4000');
  const count = page.getByText(/\d+ samples in this project/);
  let n = 0;
  for (const label of ['idle', 'wave', 'shake']) {
    // Picking the gesture sets the label it implies.
    await gestures.getByRole('button', { name: label, exact: true }).click();
    await expect(page.getByLabel('Label', { exact: true })).toHaveValue(label);
    for (let i = 0; i < 2; i++) {
      await page.getByRole('button', { name: 'Start recording' }).click();
      n++;
      await expect(count).toHaveText(`${n} samples in this project.`, { timeout: 20_000 });
      await expect(page.getByRole('button', { name: 'Start recording' })).toBeEnabled();
    }
  }

  await nav.getByRole('button', { name: /Train/ }).click();
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: /Model v1 trained/ })).toBeVisible({ timeout: 90_000 });
  // The guide line offers the way on.
  await page.getByRole('button', { name: 'Go to Test →' }).click();

  await page.getByRole('button', { name: 'Start live classification' }).click();
  await expect(page.getByRole('button', { name: 'Stop live classification' })).toBeVisible({ timeout: 20_000 });
  // The simulated board's gestures are right here on the Test step.
  const testGestures = page.getByRole('group', { name: 'Gesture' });
  for (const label of ['wave', 'idle']) {
    await testGestures.getByRole('button', { name: label, exact: true }).click();
    await expect
      .poll(async () => Number(await page.getByRole('meter', { name: `${label} probability` }).getAttribute('aria-valuenow')), { timeout: 30_000 })
      .toBeGreaterThan(0.5);
  }
  await page.getByRole('button', { name: 'Stop live classification' }).click();

  await page.getByRole('button', { name: 'Go to Deploy →' }).click();
  await page.getByRole('button', { name: 'Quantize to int8 and export' }).click();
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'model.tflite (int8)' }).click({ timeout: 60_000 })]);
  expect(dl.suggestedFilename()).toBe('model.tflite');
  const scroll = await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth);
  expect(scroll).toBe(true);
});
