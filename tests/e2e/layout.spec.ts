/**
 * Every step at phone (390×844) and desktop (1280×800) size, for the demo project and an empty one:
 * no horizontal scrolling, notices never over a chart, and a screenshot per step kept for review.
 */
import { test, expect, type Page } from '@playwright/test';
import { StudioPage } from './pages/studio-page.ts';
import { SIZES, walkAllSteps } from './pages/step-walk.ts';


async function overflow(page: Page): Promise<{ scrollWidth: number; innerWidth: number; wide: string[] }> {
  return page.evaluate(() => {
    const wide: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>('body *')) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > innerWidth + 1 && wide.length < 8) wide.push(`${el.tagName.toLowerCase()}.${el.className} ${Math.round(r.right)}`);
    }
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth, wide };
  });
}

/** Visible controls smaller than a 44 px touch target (inline text links exempt, as WCAG 2.5.8 allows). */
async function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const sel = 'button, select, input:not([type="checkbox"]):not([type="radio"]):not([type="range"]):not([type="file"]), summary';
    for (const el of document.querySelectorAll<HTMLElement>(sel)) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || el.closest('p, li') && getComputedStyle(el).display === 'inline') continue;
      if (r.height < 44 - 0.5) out.push(`${el.tagName.toLowerCase()} "${(el.textContent ?? el.getAttribute('aria-label') ?? '').trim().slice(0, 30)}" ${Math.round(r.height)} px`);
    }
    return out.slice(0, 10);
  });
}

/** Boxes of notices that intersect a chart (canvas, svg plot, figure). */
async function noticesOverCharts(page: Page): Promise<number> {
  return page.evaluate(() => {
    const boxes = (sel: string) => [...document.querySelectorAll(sel)].map((e) => e.getBoundingClientRect()).filter((r) => r.width > 0 && r.height > 0);
    const notes = boxes('[data-testid="notices"] > *');
    const charts = boxes('canvas, figure, svg[role="img"], [data-testid="live-plot"]');
    let n = 0;
    for (const a of notes) for (const b of charts) if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) n++;
    return n;
  });
}

for (const size of SIZES) {
  for (const project of ['demo', 'empty'] as const) {
    test(`${project} project at ${size.name} size: every step fits the width`, async ({ page }, testInfo) => {
      test.setTimeout(150_000);
      await walkAllSteps(page, project, size, async (step) => {
        await page.waitForTimeout(400);
        const o = await overflow(page);
        const shot = testInfo.outputPath(`${project}-${size.name}-${step}.png`);
        await page.screenshot({ path: shot, fullPage: true });
        await testInfo.attach(`${project}-${size.name}-${step}`, { path: shot, contentType: 'image/png' });
        expect.soft(o.scrollWidth, `${step}: ${o.wide.join(', ')}`).toBeLessThanOrEqual(o.innerWidth);
        expect.soft(await noticesOverCharts(page), `${step}: notices over a chart`).toBe(0);
        if (size.width < 700) expect.soft(await smallTargets(page), `${step}: touch targets`).toEqual([]);
      });
    });
  }
}

test('the notice at the end of training does not cover the training curves (phone size)', async ({ page }) => {
  test.setTimeout(150_000);
  await page.setViewportSize({ width: 390, height: 844 });
  const s = new StudioPage(page);
  await s.open({ demo: false });
  await s.step('train');
  await page.getByTestId('train-start').click();
  await expect(page.getByRole('status').filter({ hasText: 'trained' })).toBeVisible({ timeout: 90_000 });
  await page.getByTestId('train-curves').scrollIntoViewIfNeeded();
  expect(await noticesOverCharts(page)).toBe(0);
  const o = await overflow(page);
  expect(o.scrollWidth, o.wide.join(', ')).toBeLessThanOrEqual(o.innerWidth);
});
