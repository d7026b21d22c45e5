import { test, expect } from '@playwright/test';
import { StudioPage } from './pages/studio-page.ts';
import { installFakeSerial } from './fakes/fake-serial.ts';

test.describe('a real board over Web Serial (injected fake port running a plain-CSV sketch)', () => {
  test.beforeEach(async ({ page }) => {
    await page.addInitScript(installFakeSerial, { rateHz: 50, badEvery: 40, usbVendorId: 0x2341, usbProductId: 0x805a, axes: 3 });
  });

  test('connects through the UI, detects 3 axes at 50 Hz, rejects bad lines, records exact values', async ({ page }) => {
    const studio = new StudioPage(page);
    await studio.open({ demo: false });
    await studio.newProject('Serial board');
    await studio.step('device');
    await page.getByTestId('connect-serial').click();
    await expect(page.getByTestId('stream-info')).toContainText('50.0 Hz', { timeout: 15_000 });
    await expect(page.getByTestId('stream-info')).toContainText('accX, accY, accZ');
    await expect(page.getByTestId('stream-info')).toContainText('Nano 33 BLE');
    await studio.waitForPlot(40);
    await expect(page.getByTestId('stream-stats')).toContainText(/[1-9]\d* rejected lines/, { timeout: 15_000 });

    await studio.record('circle', 2000);
    const rows = await studio.sampleRows();
    expect(rows).toEqual([{ label: 'circle', length: '2.00 s' }]);

    // The stored values are exactly what the sketch printed (3 decimals), with no garbage line in them.
    const check = await page.evaluate(async () => {
      type T = { studio: { samples: { id: string }[]; s: { getSample(id: string): Promise<{ values: Float32Array; meta: { axes: { name: string }[]; intervalMs: number } }> } } };
      const { studio } = (globalThis as unknown as { __tinyml: T }).__tinyml;
      const s = await studio.s.getSample(studio.samples[0].id);
      const v = Array.from(s.values);
      const onGrid = v.every((x) => Math.abs(Math.round(x * 1000) - x * 1000) < 0.02);
      // accZ hovers around 9.81; a "1.0,2.0" line would have shifted axes.
      const z = v.filter((_, i) => i % 3 === 2);
      return { n: v.length, onGrid, zMin: Math.min(...z), zMax: Math.max(...z), interval: s.meta.intervalMs, axes: s.meta.axes.map((a) => a.name) };
    });
    expect(check.n).toBe(100 * 3);
    expect(check.onGrid).toBe(true);
    expect(check.zMin).toBeGreaterThan(9.5);
    expect(check.zMax).toBeLessThan(10.1);
    expect(check.interval).toBe(20);
    expect(check.axes).toEqual(['accX', 'accY', 'accZ']);
  });

  test('unplugging mid-recording keeps the captured part and asks keep / trim / discard', async ({ page }) => {
    const studio = new StudioPage(page);
    await studio.open({ demo: false });
    await studio.newProject('Unplug');
    await studio.step('device');
    await page.getByTestId('connect-serial').click();
    await expect(page.getByTestId('stream-info')).toContainText('50.0 Hz', { timeout: 15_000 });
    await page.getByTestId('rec-label').fill('walk');
    await page.getByTestId('rec-length').fill('30000');
    await page.getByTestId('rec-start').click();
    await page.waitForTimeout(2500);
    await page.evaluate(() => (globalThis as unknown as { __fakeSerial: { unplug(): void } }).__fakeSerial.unplug());
    await expect(page.getByRole('alertdialog')).toContainText('disconnected during the recording');
    await expect(page.getByTestId('status-device')).toContainText('No device');
    await page.getByRole('button', { name: 'Keep it' }).click();
    const rows = await studio.sampleRows();
    expect(rows).toHaveLength(1);
    const secs = parseFloat(rows[0].length);
    expect(secs).toBeGreaterThan(1.5);
    expect(secs).toBeLessThan(4);
  });
});

test('the simulated runtime firmware streams over the framed protocol; its rate changes only through the protocol', async ({ page }) => {
  const studio = new StudioPage(page);
  await studio.open({ demo: false });
  await studio.newProject('Runtime firmware');
  await studio.connectSimulated();
  await page.getByLabel('Simulated firmware').selectOption('framed');
  // The board boots at the firmware's 50 Hz; the chosen 62.5 Hz is set with SET_RATE.
  await expect(page.getByTestId('stream-info')).toContainText('runtime firmware · accX, accY, accZ, gyrX, gyrY, gyrZ · 62.5 Hz');
  await expect(page.getByTestId('board-info')).toContainText(/Firmware [\d.]+-sim · model slot: empty · tensor arena 96 KB/);
  await studio.waitForPlot(40);
  await page.getByLabel('Simulated sample rate').selectOption('100');
  await expect(page.getByTestId('stream-info')).toContainText('100.0 Hz');
  await studio.waitForPlot(60);
  await studio.record('tap', 1000);
  const meta = await page.evaluate(async () => {
    type T = { studio: { samples: { id: string }[]; s: { getSample(id: string): Promise<{ values: Float32Array; meta: { intervalMs: number; deviceType?: string } }> } } };
    const { studio } = (globalThis as unknown as { __tinyml: T }).__tinyml;
    const s = await studio.s.getSample(studio.samples[0].id);
    return { n: s.values.length, interval: s.meta.intervalMs, type: s.meta.deviceType };
  });
  expect(meta).toEqual({ n: 100 * 6, interval: 10, type: 'framed' });
});
