/** Page object for the Train and Test steps (training curves, model versions, test metrics, live classification). */
import { expect, type Page } from '@playwright/test';
import { StudioPage } from './studio-page.ts';

export class TrainPage {
  readonly studio: StudioPage;
  constructor(readonly page: Page) {
    this.studio = new StudioPage(page);
  }

  async openTrain(): Promise<void> {
    await this.studio.step('train');
    await expect(this.page.getByRole('heading', { name: 'Train', exact: true })).toBeVisible();
  }

  async epochsDrawn(): Promise<number> {
    return Number((await this.page.getByTestId('train-curves').getAttribute('data-epochs')) ?? 0);
  }

  /** Clicks Train and waits until the new model is listed as current. */
  async train(timeoutMs = 90_000): Promise<void> {
    const before = await this.page.getByTestId('model-row').count();
    await this.page.getByTestId('train-start').click();
    await expect(this.page.getByTestId('train-start')).toBeVisible({ timeout: timeoutMs });
    await expect(this.page.getByTestId('train-error')).toHaveCount(0);
    await expect(this.page.getByTestId('model-row')).toHaveCount(before + 1);
  }

  async openTest(): Promise<void> {
    await this.studio.step('test');
    await expect(this.page.getByRole('heading', { name: 'Test', exact: true })).toBeVisible();
  }

  async testAccuracy(): Promise<number> {
    const el = this.page.getByTestId('test-accuracy');
    await expect(el).toBeVisible({ timeout: 30_000 });
    return Number(await el.getAttribute('data-accuracy'));
  }

  async startLive(): Promise<void> {
    await this.page.getByTestId('live-start').click();
    await expect(this.page.getByTestId('live-stop')).toBeVisible({ timeout: 20_000 });
  }

  /** Acts out a gesture on the simulated board (Device step), then returns to the Test step. */
  async act(gesture: string): Promise<void> {
    await this.studio.step('device');
    await this.page.getByTestId(`sim-${gesture}`).click();
    await this.openTest();
  }

  decision() {
    return this.page.getByTestId('live-decision');
  }
}
