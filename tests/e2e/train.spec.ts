import { test, expect } from '@playwright/test';
import { DeployPage } from './pages/deploy-page.ts';
import { TrainPage } from './pages/train-page.ts';
import { DEFAULT_TRAINING } from '../../src/ml/defaults.ts';

test.describe.configure({ mode: 'serial' });

test('demo project: train with defaults in the worker → curves, backend, accuracy; test metrics; live classification of the simulated board', async ({ page }) => {
  test.setTimeout(180_000);
  const t = new TrainPage(page);
  await t.studio.open();
  await expect(page.getByLabel('Project', { exact: true }).locator('option:checked')).toContainText('Demo');
  await t.studio.waitForPlot(30);
  await t.openTrain();
  await expect(page.getByTestId('train-backend')).toContainText('chosen when training starts');

  // Watch the curves grow while the UI stays clickable: a click on a settings control must be
  // handled between epochs (the page would not respond if training ran on the main thread).
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-cancel')).toBeVisible();
  const seen = new Set<number>();
  let clicks = 0;
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline && (await page.getByTestId('train-cancel').count()) > 0) {
    seen.add(await t.epochsDrawn());
    const t0 = Date.now();
    await page.getByText('Curves appear here', { exact: false }).or(page.getByTestId('train-curves').locator('figcaption')).click({ timeout: 2000 }).catch(() => undefined);
    if (Date.now() - t0 < 1000) clicks++;
    await page.waitForTimeout(50);
  }
  await expect(page.getByTestId('train-start')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('train-error')).toHaveCount(0);
  expect(clicks).toBeGreaterThan(0);
  expect(await t.epochsDrawn()).toBe(DEFAULT_TRAINING.epochs);
  // Curves were drawn epoch by epoch, not only at the end.
  expect([...seen].filter((n) => n > 0 && n < DEFAULT_TRAINING.epochs).length).toBeGreaterThan(0);
  await expect(page.getByTestId('train-backend')).toHaveText(/^\s*(wasm|webgl|cpu)\s*$/);
  await expect(page.getByTestId('train-accuracy')).toContainText('%');
  await expect(page.getByTestId('model-row')).toHaveCount(1);
  await expect(page.getByTestId('current-badge')).toHaveCount(1);

  // Test step: confusion matrix 4×4 and accuracy on the demo test split.
  await t.openTest();
  const acc = await t.testAccuracy();
  expect(acc).toBeGreaterThanOrEqual(0.8);
  await expect(page.getByTestId('confusion-matrix')).toHaveAttribute('data-size', '4x4');
  await expect(page.getByTestId('cm-row')).toHaveCount(4);
  // Per-sample vote and the uncertain threshold add an "uncertain" column.
  await page.getByTestId('mode-vote').check();
  await expect(page.getByTestId('class-metrics')).toBeVisible();
  await page.getByTestId('uncertain-threshold').fill('0.9');
  await expect(page.getByTestId('confusion-matrix')).toHaveAttribute('data-size', '4x5');
  await page.getByTestId('uncertain-threshold').fill('0');
  await page.getByTestId('mode-window').check();
  // The int8 accuracy the Test step shows is measured on the int8 bytes training saved.
  const testInt8 = Number(await page.getByTestId('test-int8-accuracy').getAttribute('data-accuracy'));
  expect(testInt8).toBeGreaterThanOrEqual(0.8);

  // Live classification of the simulated board.
  await expect(page.getByTestId('status-device')).toContainText('●');
  await t.startLive();
  await expect.poll(async () => Number(await page.getByTestId('live-latency').getAttribute('data-latency')), { timeout: 20_000 }).toBeGreaterThan(0);
  const hits: string[] = [];
  for (const g of ['wave', 'shake', 'circle', 'idle']) {
    await t.act(g);
    const ok = await expect
      .poll(async () => (await t.decision().getAttribute('data-decision')) ?? '', { timeout: 12_000, intervals: [250] })
      .toBe(g)
      .then(() => true)
      .catch(() => false);
    if (ok) hits.push(g);
    if (hits.length >= 2) break;
  }
  expect(hits.length, `gestures recognised live: ${hits.join(', ')}`).toBeGreaterThanOrEqual(2);
  test.info().annotations.push({ type: 'live gestures recognised', description: hits.join(', ') });
  await page.getByTestId('live-stop').click();

  // Deploy packages those bytes and shows the same int8 accuracy (no second quantization).
  const d = new DeployPage(page);
  await d.open();
  await d.exportModel();
  expect((await d.accuracies()).int8).toBe(testInt8);
});

test('model versions: a second run with other settings is listed, compared side by side, made current and deleted', async ({ page }) => {
  const t = new TrainPage(page);
  await t.studio.open({ demo: false });
  await t.openTrain();
  await t.train();
  await page.getByTestId('set-epochs').fill('8');
  await page.getByTestId('dense-layers').fill('16');
  await t.train();
  expect(await t.epochsDrawn()).toBe(8);
  const rows = page.getByTestId('model-row');
  await expect(rows).toHaveCount(2);
  // Newest first and current.
  await expect(rows.nth(0).getByTestId('current-badge')).toBeVisible();
  await rows.nth(0).getByRole('checkbox', { name: /Compare/ }).check();
  await rows.nth(1).getByRole('checkbox', { name: /Compare/ }).check();
  const diff = page.getByTestId('settings-diff');
  await expect(diff).toContainText('training.epochs');
  await expect(diff).toContainText('learn.params.layers');
  await expect(page.getByTestId('model-compare')).toContainText('F1 wave');
  // Make the older one current, then delete the newer one.
  await rows.nth(1).getByRole('button', { name: /Make .* the current model/ }).click();
  await expect(rows.nth(1).getByTestId('current-badge')).toBeVisible();
  await rows.nth(0).getByRole('button', { name: /^Delete/ }).click();
  await rows.nth(0).getByRole('button', { name: /Really delete/ }).click();
  await expect(rows).toHaveCount(1);
  await expect(rows.nth(0).getByTestId('current-badge')).toBeVisible();
  await page.reload();
  await t.openTrain();
  await expect(page.getByTestId('model-row')).toHaveCount(1);
});
