/** Page object for the Impulse step (windowing, DSP block form, features, explorer). */
import { expect, type Locator, type Page } from '@playwright/test';

export class ImpulsePage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.locator('nav button[data-step="impulse"]').click();
    await expect(this.page.getByRole('heading', { name: 'Impulse', level: 2 })).toBeVisible();
  }

  async chooseBlock(id: string): Promise<void> {
    await this.page.getByLabel('DSP block', { exact: true }).selectOption(id);
  }

  /** A DSP parameter field by its label. */
  param(label: string): Locator {
    return this.page.getByTestId('param-form').getByLabel(label, { exact: true });
  }

  async setParam(label: string, value: string): Promise<void> {
    const f = this.param(label);
    if ((await f.evaluate((e) => e.tagName)) === 'SELECT') await f.selectOption(value);
    else await f.fill(value);
  }

  async save(): Promise<void> {
    await this.page.getByTestId('save-impulse').click();
    await expect(this.page.getByTestId('impulse-state')).toHaveText('saved');
  }

  /** Clicks Generate and waits until the run finishes; returns the "computed N / cached M" text. */
  async generate(): Promise<string> {
    const summary = this.page.getByTestId('gen-summary');
    const before = (await summary.count()) ? await summary.getAttribute('data-job') : null;
    await this.page.getByTestId('generate').click();
    await expect(this.page.getByTestId('gen-running')).toHaveCount(0, { timeout: 60_000 });
    await expect(this.page.getByTestId('gen-error')).toHaveCount(0);
    await expect(this.page.getByTestId('gen-summary')).not.toHaveAttribute('data-job', before ?? '__none__');
    return (await this.page.getByTestId('gen-stats').textContent()) ?? '';
  }

  scatter(): Locator {
    return this.page.getByTestId('feature-scatter');
  }

  async scatterCounts(): Promise<{ points: number; windows: number; labels: number }> {
    const s = this.scatter();
    return {
      points: Number(await s.getAttribute('data-points')),
      windows: Number(await s.getAttribute('data-windows')),
      labels: Number(await s.getAttribute('data-labels')),
    };
  }
}
