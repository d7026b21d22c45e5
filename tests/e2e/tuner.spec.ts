import { test, expect } from '@playwright/test';
import { TrainPage } from './pages/train-page.ts';

test('impulse tuner on the demo project: trials in workers, Pareto plot and table, kept across a reload, apply trains the chosen impulse', async ({ page }) => {
  test.setTimeout(240_000);
  const t = new TrainPage(page);
  await t.studio.open();
  await t.studio.waitForPlot(30);
  await t.openTrain();
  await expect(page.getByTestId('tuner-panel')).toBeVisible();
  await page.getByTestId('tuner-budget').fill('10');
  await page.getByTestId('tuner-start').click();
  await expect(page.getByTestId('tuner-cancel')).toBeVisible();
  await expect(page.getByTestId('tuner-start')).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId('tuner-plot')).toBeVisible();
  const rows = await page.getByTestId('tuner-table').locator('tbody tr').count();
  expect(rows).toBeGreaterThan(0);
  const trials = Number((await page.getByTestId('tuner-trials').textContent())!.match(/\d+/)![0]);
  expect(trials).toBeGreaterThan(0);

  // the run is kept in IndexedDB with the project
  await page.reload();
  await t.studio.waitForPlot(30);
  await t.openTrain();
  await expect(page.getByTestId('tuner-trials')).toHaveText(`${trials} trials`);
  await expect(page.getByTestId('tuner-start')).toHaveText('Resume tuning');

  // apply: the impulse is saved and the final model trains
  await page.getByTestId('tuner-apply').first().click();
  await expect(page.getByTestId('train-start')).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId('model-row')).toHaveCount(1, { timeout: 120_000 });
  await expect(page.getByTestId('train-error')).toHaveCount(0);
});
