/**
 * int8 vs float per class on the demo project: after training, the Test step and the Deploy step (after
 * the int8 export) each show one row per class with both recalls, the accuracy row matches the figures
 * shown elsewhere on the page, every row that differs by more than 1 point is flagged and has its
 * warning, and at phone width the table scrolls inside its card instead of widening the page.
 */
import { test, expect, type Locator, type Page } from '@playwright/test';
import { StudioPage } from './pages/studio-page.ts';

async function checkTable(page: Page, table: Locator): Promise<string[]> {
  await expect(table).toBeVisible();
  const rows = table.getByTestId('int8-class-row');
  const n = await rows.count();
  expect(n).toBeGreaterThanOrEqual(2);
  const labels: string[] = [];
  let flagged = 0;
  for (let i = 0; i < n; i++) {
    const row = rows.nth(i);
    const label = (await row.getAttribute('data-label')) ?? '';
    labels.push(label);
    const delta = Number(await row.getAttribute('data-delta'));
    expect(Number.isFinite(delta)).toBe(true);
    const isFlagged = (await row.getAttribute('data-flagged')) === 'true';
    expect(isFlagged, `${label}: Δ ${delta}`).toBe(Math.abs(delta) > 1 + 1e-6);
    if (isFlagged) {
      flagged++;
      await expect(table.locator(`[data-testid="int8-warning"][data-label="${label}"]`)).toContainText(`on class "${label}"`);
    }
  }
  const accFlagged = (await table.getByTestId('int8-accuracy-row').getAttribute('data-flagged')) === 'true';
  await expect(table.getByTestId('int8-warning')).toHaveCount(flagged + (accFlagged ? 1 : 0));
  if (flagged + (accFlagged ? 1 : 0) === 0) await expect(table.getByTestId('int8-no-warning')).toBeVisible();
  // Phone width: the page never scrolls sideways because of this table.
  const fits = await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth);
  expect(fits).toBe(true);
  return labels;
}

test('int8 vs float per class appears on Test and Deploy after training', async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 390, height: 844 });
  const s = new StudioPage(page);
  await s.open({ demo: true });
  await s.step('train');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('model-row')).toHaveCount(1, { timeout: 120_000 });

  await s.step('test');
  const testTable = page.locator('[data-testid="int8-per-class"]');
  await expect(page.getByTestId('test-accuracy')).toBeVisible({ timeout: 60_000 });
  const testLabels = await checkTable(page, testTable);
  await testTable.screenshot({ path: testInfo.outputPath('test-int8-per-class.png') });
  // The int8 accuracy in the table is the one the Test summary reports for the shipped model.
  const int8Acc = Number(await page.getByTestId('test-int8-accuracy').getAttribute('data-accuracy'));
  await expect(testTable.getByTestId('int8-accuracy-row').locator('td').nth(1)).toHaveText(`${(int8Acc * 100).toFixed(1)} %`);
  // One row per class in the per-class metrics table.
  await expect(page.getByTestId('class-metrics').locator('tbody tr')).toHaveCount(testLabels.length);

  await s.step('deploy');
  await page.getByTestId('deploy-export').click();
  await expect(page.getByTestId('export-result')).toBeVisible({ timeout: 90_000 });
  const deployTable = page.getByTestId('export-result').getByTestId('int8-per-class');
  const deployLabels = await checkTable(page, deployTable);
  await deployTable.screenshot({ path: testInfo.outputPath('deploy-int8-per-class.png') });
  expect(deployLabels.sort()).toEqual([...testLabels].sort());
  // The accuracy row's difference is the one the float-vs-int8 summary states.
  const pp = Number(await page.getByTestId('acc-diff').getAttribute('data-pp'));
  const row = deployTable.getByTestId('int8-accuracy-row');
  await expect(row.locator('td').nth(2)).toContainText(Math.abs(pp).toFixed(1));
});
