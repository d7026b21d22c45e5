/**
 * Bringing a class's phone data together without a server: two "phones" (two mobile browser contexts)
 * record with their motion sensors, one hands its project zip over with the Web Share API (stubbed:
 * headless Chromium on Linux has no share sheet), the other has no file sharing and downloads it; a
 * third context (the class laptop) imports both zips into one project, keeps each sample's device and
 * person, and the health panel shows the split by device.
 */
import { test, expect, type Browser, type Locator, type Page } from '@playwright/test';
import { StudioPage } from './pages/studio-page.ts';
import { DataPage } from './pages/data-page.ts';
import { installMotionDriver } from './phone-motion.ts';

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

/** Taps a button as a finger would: Playwright checks that nothing covers it at 390 px. */
async function press(l: Locator): Promise<void> {
  await expect(l).toBeEnabled();
  await l.tap();
}

async function phoneRecords(browser: Browser, person: string, labels: string[], share: 'stub' | 'none'): Promise<{ page: Page; zip: Buffer; name: string }> {
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  await installMotionDriver(page, { hz: 60, jitterMs: 3 });
  await page.addInitScript((mode) => {
    const nav = Navigator.prototype as unknown as Record<string, unknown>;
    if (mode === 'none') {
      delete nav.share;
      delete nav.canShare;
      return;
    }
    const w = window as unknown as { __shared: { name: string; b64: string; title?: string }[] };
    w.__shared = [];
    nav.canShare = (d: { files?: File[] }) => !!d.files?.length;
    nav.share = async (d: { files: File[]; title?: string }) => {
      const bytes = new Uint8Array(await d.files[0].arrayBuffer());
      let s = '';
      for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      w.__shared.push({ name: d.files[0].name, b64: btoa(s), title: d.title });
    };
  }, share);
  const studio = new StudioPage(page);
  await studio.open({ demo: false });
  await studio.step('device');
  await page.evaluate(() => (window as unknown as { __phone: { start(): void } }).__phone.start());
  await press(page.getByTestId('phone-connect'));
  await expect(page.getByTestId('stream-info')).toContainText('motion sensors');
  await page.getByTestId('phone-person').fill(person);
  await page.getByTestId('phone-person').dispatchEvent('change');
  await page.getByTestId('rec-length').fill('1500');
  for (const label of labels) {
    const count = page.getByTestId('sample-count');
    const before = Number(await count.getAttribute('data-count'));
    await page.getByTestId('rec-label').fill(label);
    await press(page.getByTestId('phone-record'));
    await expect(count).toHaveAttribute('data-count', String(before + 1), { timeout: 20_000 });
  }
  await studio.step('data');
  await page.getByTestId('export-kind').selectOption('project');
  if (share === 'stub') {
    await press(page.getByTestId('phone-share'));
    await expect(page.getByTestId('data-message')).toContainText('Shared');
    const shared = await page.evaluate(() => (window as unknown as { __shared: { name: string; b64: string }[] }).__shared);
    expect(shared).toHaveLength(1);
    return { page, zip: Buffer.from(shared[0].b64, 'base64'), name: shared[0].name };
  }
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), press(page.getByTestId('phone-share'))]);
  await expect(page.getByTestId('data-message')).toContainText('cannot share files');
  const path = await dl.path();
  const { readFileSync } = await import('node:fs');
  return { page, zip: readFileSync(path), name: dl.suggestedFilename() };
}

test('two phones record and hand over their zips; the class laptop imports both and shows the split by device', async ({ browser }) => {
  test.setTimeout(240_000);
  const ada = await phoneRecords(browser, 'Ada', ['wave', 'wave'], 'stub');
  const ben = await phoneRecords(browser, 'Ben', ['wave'], 'none');
  expect(ada.name).toMatch(/\.zip$/);
  expect(ben.name).toMatch(/\.zip$/);
  // Both phones name their zip after their project: the laptop picks them up as ada.zip and ben.zip.
  const laptop = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await laptop.newPage();
  const studio = new StudioPage(page);
  await studio.open({ demo: false });
  await studio.newProject('Class 3b');
  const data = new DataPage(page);
  await data.open();
  await data.chooseFiles([
    { name: 'ada.zip', mimeType: 'application/zip', buffer: ada.zip },
    { name: 'ben.zip', mimeType: 'application/zip', buffer: ben.zip },
  ]);
  await data.commit();

  const rows = page.getByTestId('device-split-row');
  await expect(rows.filter({ has: page.locator('td', { hasText: 'Ada · This phone (phone)' }) })).toHaveAttribute('data-count', '2');
  await expect(rows.filter({ has: page.locator('td', { hasText: 'Ben · This phone (phone)' }) })).toHaveAttribute('data-count', '1');

  // The stored samples keep person, device, and the capture figures measured on each phone.
  const metas = await page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((res, rej) => {
      const r = indexedDB.open('tinyml-studio');
      r.onsuccess = () => res(r.result);
      r.onerror = () => rej(r.error);
    });
    const pid = localStorage.getItem('tinyml-studio.last-project') ?? '';
    const all = await new Promise<{ person?: string; deviceName: string; deviceType?: string; intervalMs: number; capture?: { measuredHz: number; resampledToHz: number } }[]>((res, rej) => {
      const r = db.transaction('samples').objectStore('samples').index('by-project').getAll(pid);
      r.onsuccess = () => res(r.result);
      r.onerror = () => rej(r.error);
    });
    db.close();
    return all.filter((m) => m.person);
  });
  expect(metas.map((m) => m.person).sort()).toEqual(['Ada', 'Ada', 'Ben']);
  for (const m of metas) {
    expect(m.deviceName).toBe('This phone');
    expect(m.deviceType).toBe('phone');
    expect(m.intervalMs).toBe(16);
    expect(m.capture?.resampledToHz).toBe(62.5);
    expect(m.capture!.measuredHz).toBeGreaterThan(30);
  }
  await laptop.close();
  await ada.page.context().close();
  await ben.page.context().close();
});
