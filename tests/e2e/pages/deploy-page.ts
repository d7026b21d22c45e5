/** Page object for the Deploy step: export, downloads, flashing over (fake) WebUSB, the board panel. */
import { expect, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { StudioPage } from './studio-page.ts';

export class DeployPage {
  readonly studio: StudioPage;
  constructor(readonly page: Page) {
    this.studio = new StudioPage(page);
  }

  async open(): Promise<void> {
    await this.studio.step('deploy');
    await expect(this.page.getByRole('heading', { name: 'Deploy', exact: true })).toBeVisible();
  }

  /** Quantizes and exports the selected model; waits for the result panel. */
  async exportModel(): Promise<void> {
    await this.page.getByTestId('deploy-export').click();
    await expect(this.page.getByTestId('export-result')).toBeVisible({ timeout: 60_000 });
    await expect(this.page.getByTestId('export-error')).toHaveCount(0);
  }

  async accuracies(): Promise<{ float: number; int8: number; diffPp: number }> {
    const float = Number(await this.page.getByTestId('float-accuracy').getAttribute('data-value'));
    const int8 = Number(await this.page.getByTestId('int8-accuracy').getAttribute('data-value'));
    const diffPp = Number(await this.page.getByTestId('acc-diff').getAttribute('data-pp'));
    return { float, int8, diffPp };
  }

  /** Clicks a download button and returns the file name and bytes. */
  async download(testId: string): Promise<{ name: string; bytes: Buffer }> {
    const [dl] = await Promise.all([this.page.waitForEvent('download'), this.page.getByTestId(testId).click()]);
    const path = await dl.path();
    return { name: dl.suggestedFilename(), bytes: await readFile(path) };
  }

  async flashUsb(): Promise<void> {
    await this.page.getByTestId('flash-usb').click();
  }

  /** "Install the runtime firmware": over WebUSB (PICOBOOT) or as a .uf2 download. */
  async installRuntime(route: 'usb' | 'download'): Promise<void> {
    await this.page.getByTestId(route === 'usb' ? 'install-usb' : 'install-download').click();
  }

  done() {
    return this.page.getByTestId('deploy-done');
  }

  usbError() {
    return this.page.getByTestId('error-usb');
  }

  confirmed() {
    return this.page.getByTestId('board-confirmed');
  }

  /** Number of on-device classifications shown so far. */
  async liveCount(): Promise<number> {
    const el = this.page.getByTestId('live-inference');
    if ((await el.count()) === 0) return 0;
    return Number(await el.getAttribute('data-count'));
  }
}
