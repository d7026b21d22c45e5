/**
 * A project archive's impulse in the Data step: an archive whose impulse does not fit the impulse
 * schema is refused with a message naming the field (no page error), and a valid one is only taken
 * after the person agrees, with an Undo.
 */
import { test, expect, type Page } from '@playwright/test';
import { StudioPage } from './pages/studio-page.ts';
import { DataPage } from './pages/data-page.ts';
import { writeProjectArchive, type ArchiveRecording } from '../../src/data/io/project-archive.ts';
import type { ImpulseConfig } from '../../src/core/impulse.ts';

const impulse: ImpulseConfig = {
  version: 1,
  windowing: { windowMs: 1500, strideMs: 250, zeroPad: true, frequencyHz: 50, axes: ['accX', 'accY'] },
  dsp: { block: 'flatten', params: {} },
  learn: { block: 'dense', params: { layers: [12] } },
  training: { epochs: 7, learningRate: 0.005, batchSize: 16, validationSplit: 0.2, seed: 4, earlyStoppingPatience: 0, classWeighting: false, augmentation: { noise: 0, timeShift: 0, amplitudeScale: 0 } },
  labels: ['idle', 'wave'],
};

function recordings(): ArchiveRecording[] {
  return ['idle', 'wave'].map((label, k) => ({
    name: `${label}.1`,
    label,
    category: 'training',
    axes: [{ name: 'accX', units: 'g' }, { name: 'accY', units: 'g' }],
    intervalMs: 20,
    values: Float32Array.from({ length: 200 }, (_, i) => Math.sin(i / (3 + k))),
  }));
}

const archive = (imp: unknown) => Buffer.from(writeProjectArchive({ name: 'Arch', labels: ['idle', 'wave'], recordings: recordings(), models: [], impulse: imp as ImpulseConfig }));

async function storedImpulse(page: Page): Promise<unknown> {
  return page.evaluate(async () => {
    const pid = localStorage.getItem('tinyml-studio.last-project') ?? '';
    const db = await new Promise<IDBDatabase>((res, rej) => {
      const r = indexedDB.open('tinyml-studio');
      r.onsuccess = () => res(r.result);
      r.onerror = () => rej(r.error);
    });
    const p = await new Promise<{ impulse?: unknown } | undefined>((res, rej) => {
      const r = db.transaction('projects').objectStore('projects').get(pid);
      r.onsuccess = () => res(r.result as { impulse?: unknown } | undefined);
      r.onerror = () => rej(r.error);
    });
    db.close();
    return p?.impulse ?? null;
  });
}

test('an archive impulse is validated, taken only after asking, and can be undone', async ({ page }) => {
  test.setTimeout(120_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const dialogs: string[] = [];
  let answer = true;
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void (answer ? d.accept() : d.dismiss());
  });
  const studio = new StudioPage(page);
  await studio.open({ demo: false });
  await studio.newProject('Archive impulse');
  const data = new DataPage(page);
  await data.open();

  // The archive from the report: refused with a message naming the field; nothing stored, no page error.
  await data.chooseFiles([{ name: 'evil.zip', mimeType: 'application/zip', buffer: archive({ ...impulse, windowing: { ...impulse.windowing, windowMs: -1, strideMs: 'x' }, dsp: 5 }) }]);
  await expect(page.getByTestId('preview-count')).toHaveText('0');
  await expect(page.getByTestId('preview-error')).toContainText(/project\.impulse\.windowing\.windowMs must be a number above 0.*found -1/);
  expect(await data.stored()).toHaveLength(0);
  expect(await storedImpulse(page)).toBeNull();

  // A valid archive: declining keeps the project's impulse as it was.
  answer = false;
  await data.chooseFiles([{ name: 'good.zip', mimeType: 'application/zip', buffer: archive(impulse) }]);
  await expect(page.getByTestId('preview-count')).toHaveText('2');
  await data.commit();
  expect(dialogs).toHaveLength(1);
  expect(dialogs[0]).toMatch(/^This archive carries an impulse: 1500 ms windows every 250 ms at 50 Hz, flatten → dense, labels idle, wave\. Use it as the project's impulse\?$/);
  expect(await storedImpulse(page)).toBeNull();

  // Accepting takes it; Undo gives the project its previous (no) impulse back.
  answer = true;
  await data.chooseFiles([{ name: 'good.zip', mimeType: 'application/zip', buffer: archive(impulse) }]);
  await data.commit();
  expect(dialogs).toHaveLength(2);
  await expect.poll(() => storedImpulse(page)).toEqual(impulse);
  await page.locator('.notice', { hasText: 'Impulse taken from the archive' }).getByRole('button', { name: 'Undo' }).click();
  await expect.poll(() => storedImpulse(page)).toBeNull();
  expect(pageErrors).toEqual([]);
});
