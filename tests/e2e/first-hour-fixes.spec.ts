/**
 * What a newcomer broke in their first hour, each checked in a real browser: rebalance undo, live
 * classification leaking into another project, the Impulse step after switching project, and the
 * first step a new project opens on.
 */
import { test, expect, type Page } from '@playwright/test';
import { StudioPage } from './pages/studio-page.ts';
import { TrainPage } from './pages/train-page.ts';


type Handle = { __tinyml: { studio: { samples: { id: string; category: string }[] } } };
const categories = (page: Page) =>
  page.evaluate(() => Object.fromEntries((globalThis as unknown as Handle).__tinyml.studio.samples.map((s) => [s.id, s.category])));

test('rebalance: the notice counts what changed and Undo puts every sample back', async ({ page }) => {
  const s = new StudioPage(page);
  await s.open({ demo: false });
  await s.step('data');
  // A hand-picked test set: the demo's own split.
  const before = await categories(page);
  await page.getByTestId('rebalance-open').click();
  await page.getByTestId('rebalance-seed').fill('5');
  const announced = Number((await page.getByTestId('rebalance-changed').textContent())?.match(/\d+/)?.[0]);
  expect(announced).toBeGreaterThan(0);
  await page.getByTestId('rebalance-apply').click();
  const notice = page.getByRole('status').filter({ hasText: 'Split rebalanced' });
  await expect(notice).toContainText(`${announced} sample(s) changed category`);
  const after = await categories(page);
  expect(Object.keys(after).filter((id) => after[id] !== before[id])).toHaveLength(announced);
  await notice.getByRole('button', { name: 'Undo' }).click();
  await expect.poll(() => categories(page)).toEqual(before);
});

test('live classification stops when another project is opened', async ({ page }) => {
  test.setTimeout(180_000);
  const t = new TrainPage(page);
  await t.studio.open();
  await expect(page.getByTestId('status-device')).toContainText('●');
  await t.openTrain();
  await t.train();
  await t.openTest();
  await t.startLive();
  await t.studio.newProject('Second project');
  // The new project has no model: nothing may classify with the demo's model any more.
  await t.openTest();
  await page.getByLabel('Project', { exact: true }).selectOption({ label: 'Demo: gestures (simulated board)' });
  await t.openTest();
  await expect(page.getByTestId('live-start')).toBeVisible();
  await expect(page.getByTestId('live-stop')).toHaveCount(0);
});

test('Impulse step after features in one project and a new project made on another step: no error', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' || /derived_inert/.test(m.text())) errors.push(m.text());
  });
  const s = new StudioPage(page);
  await s.open({ demo: false });
  await s.step('impulse');
  await page.getByTestId('generate').click();
  await expect(page.getByTestId('gen-summary')).toBeVisible({ timeout: 60_000 });
  await s.step('data');
  await s.newProject('Empty one');
  await s.step('impulse');
  await expect(page.getByTestId('gen-summary')).toHaveCount(0);
  await page.waitForTimeout(300);
  expect(errors).toEqual([]);
  // The empty project's Impulse step says what to do first, not an error in red.
  await expect(page.getByText('record samples first', { exact: false }).first()).toBeVisible();
});

test('a new project opens on the Device step', async ({ page }) => {
  const s = new StudioPage(page);
  await s.open({ demo: false });
  await s.step('deploy');
  await s.newProject('Fresh');
  await expect(page.locator('nav button[data-step="device"]')).toHaveAttribute('aria-current', 'step');
});
