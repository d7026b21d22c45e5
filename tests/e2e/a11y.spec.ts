/**
 * Accessibility in a real browser: axe on all six steps (demo project with a trained model, and an
 * empty project) at phone and desktop size, the focus ring's contrast, and keyboard-only paths for
 * record, train, test and deploy.
 */
import { test, expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { StudioPage } from './pages/studio-page.ts';
import { SIZES, walkAllSteps } from './pages/step-walk.ts';


async function seriousViolations(page: Page): Promise<string[]> {
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  return r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

for (const size of SIZES) {
  for (const project of ['demo', 'empty'] as const) {
    test(`axe: ${project} project at ${size.name} size, all six steps`, async ({ page }) => {
      test.setTimeout(180_000);
      await walkAllSteps(page, project, size, async (step) => {
        await page.waitForTimeout(300);
        expect.soft(await seriousViolations(page), `${step}`).toEqual([]);
      });
    });
  }
}

/** WCAG relative luminance contrast of two CSS colours (rgb()/rgba() strings). */
function contrast(a: string, b: string): number {
  const lum = (c: string) => {
    const [r, g, bl] = (c.match(/[\d.]+/g) ?? ['0', '0', '0']).slice(0, 3).map((v) => {
      const x = Number(v) / 255;
      return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

test('the focus ring contrasts at least 3:1 with what is around it', async ({ page }) => {
  const s = new StudioPage(page);
  await s.open({ demo: false });
  await s.step('device');
  // A control on a white card and one in the dark header.
  for (const target of [page.getByTestId('connect-sim'), page.getByRole('button', { name: 'New project' })]) {
    await target.focus();
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Tab');
    const ring = await target.evaluate((el) => {
      const cs = getComputedStyle(el);
      let p: Element | null = el.parentElement;
      let bg = 'rgba(0, 0, 0, 0)';
      while (p) {
        bg = getComputedStyle(p).backgroundColor;
        if (!/rgba\(.*, 0\)$/.test(bg) && bg !== 'transparent') break;
        p = p.parentElement;
      }
      return { style: cs.outlineStyle, width: parseFloat(cs.outlineWidth), color: cs.outlineColor, around: bg };
    });
    expect(ring.style).not.toBe('none');
    expect(ring.width).toBeGreaterThanOrEqual(2);
    expect(contrast(ring.color, ring.around), `${ring.color} on ${ring.around}`).toBeGreaterThanOrEqual(3);
  }
});

/** Presses Tab until the focused element matches, failing after `max` presses. */
async function tabTo(page: Page, name: RegExp, max = 80): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const label = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      return el ? `${el.getAttribute('aria-label') ?? ''} ${el.textContent ?? ''} ${(el as HTMLInputElement).labels?.[0]?.textContent ?? ''}`.trim() : '';
    });
    if (name.test(label)) return;
  }
  throw new Error(`no control matching ${name} within ${max} Tab presses`);
}

test('keyboard only: record, train, test live and export', async ({ page }) => {
  test.setTimeout(180_000);
  const s = new StudioPage(page);
  await s.open();
  await expect(page.getByTestId('status-device')).toContainText('●');
  // Record: Alt+1 opens Device, Tab to the label, type, Tab to Start recording, Enter.
  await page.keyboard.press('Alt+1');
  await page.locator('body').focus();
  await tabTo(page, /^\s*Label/);
  await page.keyboard.press('Control+A');
  await page.keyboard.type('wave');
  await tabTo(page, /Start recording/);
  const count = page.getByTestId('sample-count');
  const before = Number(await count.getAttribute('data-count'));
  await page.keyboard.press('Enter');
  await expect(count).toHaveAttribute('data-count', String(before + 1), { timeout: 20_000 });
  // Train.
  await page.keyboard.press('Alt+4');
  await page.locator('body').focus();
  await tabTo(page, /^\s*Train\s*$/);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('model-row')).toHaveCount(1, { timeout: 90_000 });
  // Test live.
  await page.keyboard.press('Alt+5');
  await page.locator('body').focus();
  await tabTo(page, /Start live classification/);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('live-stop')).toBeVisible({ timeout: 20_000 });
  await expect.poll(async () => (await page.getByTestId('live-decision').textContent())?.trim(), { timeout: 20_000 }).not.toBe('');
  // Deploy: export.
  await page.keyboard.press('Alt+6');
  // the step lists the stored models before it offers the export (a person sees the button first)
  const exportButton = page.getByTestId('deploy-export');
  await expect(exportButton).toBeEnabled({ timeout: 20_000 });
  await page.locator('body').focus();
  await tabTo(page, /Quantize to int8 and export/);
  await expect(exportButton).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('export-progress').or(page.getByTestId('export-result'))).toBeVisible({ timeout: 10_000 });
  await expect(page.getByTestId('export-result')).toBeVisible({ timeout: 60_000 });
});
