/** Page object for the studio shell and its steps, shared by the e2e tests. */
import { expect, type Page } from '@playwright/test';

export class StudioPage {
  constructor(readonly page: Page) {}

  /** Opens the app; `demo: false` skips auto-connecting the simulated board. */
  async open(opts: { demo?: boolean } = {}): Promise<void> {
    await this.page.goto(opts.demo === false ? '/?demo=off' : '/');
    await expect(this.page.getByRole('navigation', { name: 'Pipeline steps' })).toBeVisible();
    await expect(this.page.getByLabel('Project', { exact: true })).toBeVisible();
    await this.page.waitForFunction(() => (globalThis as unknown as { __tinyml?: { studio: { ready: boolean } } }).__tinyml?.studio.ready === true);
  }

  async step(id: 'device' | 'data' | 'impulse' | 'train' | 'test' | 'deploy'): Promise<void> {
    await this.page.locator(`nav button[data-step="${id}"]`).click();
  }

  async newProject(name: string): Promise<void> {
    await this.page.getByRole('button', { name: 'New project' }).click();
    await this.page.getByLabel('New project name').fill(name);
    await this.page.getByRole('button', { name: 'Create' }).click();
    await expect(this.page.getByLabel('Project', { exact: true }).locator('option:checked')).toHaveText(name);
  }

  async connectSimulated(): Promise<void> {
    await this.step('device');
    await this.page.getByTestId('connect-sim').click();
    await expect(this.page.getByTestId('status-device')).toContainText('●');
  }

  /** Waits until the live plot has drawn at least `frames` frames. */
  async waitForPlot(frames = 50): Promise<void> {
    await expect
      .poll(async () => Number(await this.page.getByTestId('live-plot').getAttribute('data-frames')), { timeout: 15_000 })
      .toBeGreaterThanOrEqual(frames);
  }

  /** Records one sample and waits until it is stored (the project's sample count goes up by one). */
  async record(label: string, lengthMs: number): Promise<void> {
    const count = this.page.getByTestId('sample-count');
    const before = Number(await count.getAttribute('data-count'));
    await this.page.getByTestId('rec-label').fill(label);
    await this.page.getByTestId('rec-length').fill(String(lengthMs));
    await this.page.getByTestId('rec-start').click();
    await expect(count).toHaveAttribute('data-count', String(before + 1), { timeout: lengthMs + 15_000 });
    await expect(this.page.getByTestId('rec-start')).toHaveText('Start recording');
  }

  async sampleRows(): Promise<{ label: string; length: string }[]> {
    await this.step('data');
    const rows = this.page.getByTestId('sample-row');
    const n = await rows.count();
    const out = [];
    for (let i = 0; i < n; i++) {
      out.push({ label: (await rows.nth(i).getAttribute('data-label')) ?? '', length: (await rows.nth(i).getByTestId('sample-length').textContent()) ?? '' });
    }
    return out;
  }
}
