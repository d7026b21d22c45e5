/**
 * Data step end to end: import (self-made folder, the shared datasets), crop, auto-split, rebalance,
 * export → re-import bit-exact, and hostile imports that must store nothing.
 */
import { test, expect, type Page } from '@playwright/test';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StudioPage } from './pages/studio-page.ts';
import { DataPage, valuesOf, type StoredSample } from './pages/data-page.ts';
import { sharedPath, skipReason } from '../helpers/shared.ts';
import { rawZip, zeroBombDeflate } from '../../src/data/io/test-fixtures.ts';
import { stratifiedSplit } from '../../src/data/split.ts';

const AXES = ['accX', 'accY', 'accZ'];
const tmp = mkdtempSync(join(tmpdir(), 'tinyml-data-e2e-'));

/** Deterministic LCG in [0, 1). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296;
}

/** A small dataset in the common layout: 3 labels × 4 recordings of 2 s at 50 Hz, one test id per label. */
function makeSmallDataset(): { dir: string; testIds: string[] } {
  const dir = join(tmp, 'small');
  mkdirSync(dir, { recursive: true });
  const rnd = lcg(7);
  const testIds: string[] = [];
  for (const label of ['idle', 'shake', 'wave']) {
    for (let r = 0; r < 4; r++) {
      const rows = [`timestamp_ms,${AXES.join(',')}`];
      for (let i = 0; i < 100; i++) {
        // Mixed precision, signs and magnitudes; many are not exactly representable in float32.
        const cells = AXES.map((_, a) => ((rnd() - 0.5) * (a + 1) * 3).toFixed(2 + ((i + a) % 5)));
        if (i === 7) cells[0] = '1e-7';
        rows.push(`${i * 20},${cells.join(',')}`);
      }
      writeFileSync(join(dir, `${label}.r${r}.csv`), rows.join('\n') + '\n');
    }
    testIds.push(`${label}.r3`);
  }
  writeFileSync(
    join(dir, 'dataset.json'),
    JSON.stringify({ name: 'small', sample_rate_hz: 50, axes: AXES, units: { accX: 'g', accY: 'g', accZ: 'g' }, labels: ['idle', 'shake', 'wave'], test_ids: testIds }),
  );
  return { dir, testIds };
}

/** 30 s at 50 Hz of near-still data with three 2 s bursts of motion (at 5, 14 and 23 s). */
function makeLongRecording(): string {
  const dir = join(tmp, 'long');
  mkdirSync(dir, { recursive: true });
  const rnd = lcg(12345);
  const rows = [`timestamp_ms,${AXES.join(',')}`];
  for (let i = 0; i < 1500; i++) {
    const t = i * 0.02;
    let x = (rnd() - 0.5) * 0.02;
    let y = (rnd() - 0.5) * 0.02;
    const z = 1 + (rnd() - 0.5) * 0.02;
    for (const b of [5, 14, 23]) {
      if (t >= b && t < b + 2) {
        x += 0.8 * Math.sin(2 * Math.PI * 3 * t);
        y += 0.8 * Math.cos(2 * Math.PI * 3 * t);
      }
    }
    rows.push(`${i * 20},${x.toFixed(4)},${y.toFixed(4)},${z.toFixed(4)}`);
  }
  const p = join(dir, 'gesture.burst.csv');
  writeFileSync(p, rows.join('\n') + '\n');
  return p;
}

/** The float32 values of a common-layout CSV, parsed independently of the app. */
function csvValues(path: string): Float32Array {
  const lines = readFileSync(path, 'utf8').trim().split(/\r?\n/).slice(1);
  const out: number[] = [];
  for (const l of lines) out.push(...l.split(',').slice(1).map(Number));
  return Float32Array.from(out);
}

function sameBits(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < ua.length; i++) if (ua[i] !== ub[i]) return false;
  return true;
}

async function freshProject(page: Page, name: string): Promise<{ studio: StudioPage; data: DataPage }> {
  const studio = new StudioPage(page);
  await studio.open({ demo: false });
  await studio.newProject(name);
  const data = new DataPage(page);
  await data.open();
  return { studio, data };
}

test('a self-made dataset: import keeps its test split, then crop, auto-split, rebalance, export and re-import bit-exact', async ({ page }) => {
  test.setTimeout(180_000);
  const { dir, testIds } = makeSmallDataset();
  const longCsv = makeLongRecording();
  const { studio, data } = await freshProject(page, 'Data e2e');

  // Import: preview first, nothing stored until committed.
  await data.chooseFiles(DataPage.folderFiles(dir));
  expect(await data.previewLabels()).toEqual({ idle: 4, shake: 4, wave: 4 });
  expect(await data.previewSplit()).toEqual({ training: 9, testing: 3 });
  await expect(page.getByTestId('preview-rate')).toHaveText('50.00 Hz');
  expect(await data.stored()).toHaveLength(0);
  await data.commit();
  let stored = await data.stored();
  expect(stored).toHaveLength(12);
  expect(stored.filter((s) => s.category === 'testing').map((s) => s.name).sort()).toEqual([...testIds].sort());
  for (const s of stored) {
    expect(sameBits(valuesOf(s), csvValues(join(dir, `${s.name}.csv`))), s.name).toBe(true);
    expect(s.intervalMs).toBe(20);
    expect(s.units).toEqual(['g', 'g', 'g']);
  }
  expect(await data.shownCount()).toBe(12);
  await expect(page.getByTestId('totals')).toContainText('shake');

  // Crop: drag across the middle of a sample's plot.
  await data.openSample('wave', 0);
  const cropId = (await page.getByTestId('sample-view').getAttribute('data-sample-id'))!;
  const original = stored.find((s) => s.id === cropId)!;
  await data.dragSelect(0.25, 0.75);
  await expect(page.getByTestId('crop-apply')).toBeEnabled();
  const from = Math.round((Number(await page.getByTestId('crop-from').inputValue()) * 1000) / 20);
  const to = Math.round((Number(await page.getByTestId('crop-to').inputValue()) * 1000) / 20);
  expect(from).toBeGreaterThan(10);
  expect(to).toBeLessThan(90);
  await page.getByTestId('crop-apply').click();
  await expect.poll(async () => (await data.stored()).find((s) => s.id === cropId)?.length).toBe(to - from);
  const cropped = (await data.stored()).find((s) => s.id === cropId)!;
  expect(sameBits(valuesOf(cropped), valuesOf(original).slice(from * 3, to * 3))).toBe(true);
  await expect(page.getByTestId('sample-plot')).toHaveAttribute('data-frames', String(to - from));
  await page.getByTestId('sample-close').click();

  // Auto-split a long recording with three bursts of motion.
  await data.importFiles([longCsv]);
  await data.openSample('gesture');
  await page.getByTestId('split-mode').selectOption('motion');
  await expect(page.getByTestId('cut-count')).toHaveAttribute('data-count', '3');
  await expect(page.getByTestId('sample-plot')).toHaveAttribute('data-cuts', '3');
  // The proposal is adjustable: a huge threshold finds nothing, removing a cut drops it.
  await page.getByTestId('motion-k').fill('1000');
  await expect(page.getByTestId('cut-count')).toHaveAttribute('data-count', '0');
  await page.getByTestId('motion-k').fill('3');
  await expect(page.getByTestId('cut-count')).toHaveAttribute('data-count', '3');
  await page.getByTestId('cut-remove').first().click();
  await expect(page.getByTestId('cut-count')).toHaveAttribute('data-count', '2');
  await page.getByTestId('motion-min-gap').fill('250');
  await expect(page.getByTestId('cut-count')).toHaveAttribute('data-count', '3');
  const longBefore = (await data.stored()).find((s) => s.name === 'gesture.burst')!;
  await page.getByTestId('split-apply').click();
  await expect(page.getByTestId('sample-view')).toHaveCount(0);
  // Undo brings the original back whole and removes the pieces; then split again.
  await page.locator('.notice', { hasText: 'became 3 sample(s)' }).getByRole('button', { name: 'Undo' }).click();
  await expect.poll(async () => (await data.stored()).filter((s) => s.label === 'gesture').map((s) => s.name)).toEqual(['gesture.burst']);
  expect((await data.stored()).find((s) => s.name === 'gesture.burst')!.bits === longBefore.bits).toBe(true);
  await data.openSample('gesture');
  await page.getByTestId('split-mode').selectOption('motion');
  await expect(page.getByTestId('cut-count')).toHaveAttribute('data-count', '3');
  await page.getByTestId('split-apply').click();
  await expect(page.getByTestId('sample-view')).toHaveCount(0);
  stored = await data.stored();
  expect(stored.find((s) => s.name === 'gesture.burst')).toBeUndefined();
  const pieces = stored.filter((s) => s.label === 'gesture');
  expect(pieces.map((s) => s.name)).toEqual(['gesture.burst.1', 'gesture.burst.2', 'gesture.burst.3']);
  // Each piece is a bit-exact slice of the original around one burst (5, 14, 23 s → frames 250, 700, 1150).
  const whole = valuesOf(longBefore);
  for (const [i, p] of pieces.entries()) {
    const v = valuesOf(p);
    const startBurst = [250, 700, 1150][i];
    let found = -1;
    for (let f = startBurst - 60; f <= startBurst; f++) if (sameBits(v.subarray(0, 3), whole.subarray(f * 3, f * 3 + 3)) && sameBits(v, whole.slice(f * 3, f * 3 + v.length))) found = f;
    expect(found, p.name).toBeGreaterThanOrEqual(startBurst - 60);
    expect(p.length * 20).toBeGreaterThan(1800);
    expect(p.length * 20).toBeLessThan(2800);
  }

  // Rebalance: stratified by recording with seed 1; pieces of one recording stay together.
  await page.getByTestId('rebalance-open').click();
  await expect(page.getByTestId('rebalance-dialog')).toBeVisible();
  for (const label of ['idle', 'shake', 'wave']) {
    await expect(page.locator(`[data-testid="rebalance-row"][data-label="${label}"]`)).toHaveAttribute('data-test', '1');
  }
  await page.getByTestId('rebalance-apply').click();
  await expect(page.getByTestId('rebalance-dialog')).toHaveCount(0);
  const groupOf = (s: StoredSample) => (s.label === 'gesture' ? 'src:gesture.burst' : `src:${s.name}`);
  const expected = stratifiedSplit(stored.map((s) => ({ id: s.id, label: s.label, category: s.category as 'training' | 'testing', group: groupOf(s) })), { testFraction: 0.2, seed: 1 });
  await expect.poll(async () => (await data.stored()).map((s) => `${s.id}:${s.category}`).sort()).toEqual(stored.map((s) => `${s.id}:${expected.categories.get(s.id)}`).sort());
  // One recording of "gesture" cannot be split: a persistent warning says it has no test data.
  await expect(page.locator('[data-testid="split-warning"][data-kind="no-test-data"]')).toContainText('gesture');

  // Export the project and re-import it into a fresh project: every value bit-exact.
  const before = await data.stored();
  const dl = await data.exportDownload('project');
  expect(dl.suggestedFilename()).toMatch(/\.zip$/);
  const zipPath = join(tmp, 'export.zip');
  await dl.saveAs(zipPath);
  await studio.newProject('Re-import');
  await data.open();
  await data.chooseFiles([zipPath]);
  await expect(page.getByTestId('preview-count')).toHaveText(String(before.length));
  await data.commit();
  const after = await data.stored();
  expect(after.map((s) => s.name)).toEqual(before.map((s) => s.name));
  for (const [i, a] of after.entries()) {
    const b = before[i];
    expect({ label: a.label, category: a.category, intervalMs: a.intervalMs, axes: a.axes, units: a.units, length: a.length }, a.name).toEqual({
      label: b.label,
      category: b.category,
      intervalMs: b.intervalMs,
      axes: b.axes,
      units: b.units,
      length: b.length,
    });
    expect(a.bits === b.bits, `${a.name} values bit-exact`).toBe(true);
  }
});

test('exports in the Edge Impulse JSON and CSV layouts re-import bit-exact (selection)', async ({ page }) => {
  const { dir } = makeSmallDataset();
  const { studio, data } = await freshProject(page, 'Formats');
  await data.importFiles(DataPage.folderFiles(dir));
  const before = await data.stored();
  // Dataset health: 4 recordings per label is too few; each finding links to its samples.
  const needMore = page.locator('[data-testid="health-finding"][data-kind="need-more"]');
  await expect(needMore).toHaveCount(3, { timeout: 30_000 });
  await expect(needMore.first()).toContainText('more training recording');
  const link = needMore.filter({ hasText: '"wave"' }).getByTestId('health-open').first();
  const linkText = (await link.textContent())!.trim();
  await link.click();
  await expect(page.getByTestId('sample-view')).toContainText(linkText);
  const openedId = await page.getByTestId('sample-view').getAttribute('data-sample-id');
  expect(before.find((s) => s.id === openedId)?.label).toBe('wave');
  await page.getByTestId('sample-close').click();
  // Select the "shake" samples and export just those.
  await page.getByTestId('filter-label').selectOption('shake');
  await page.getByRole('button', { name: 'Select all shown' }).click();
  await expect(page.getByTestId('selected-count')).toHaveText('4 selected');
  for (const kind of ['ei-json', 'csv'] as const) {
    const dl = await data.exportDownload(kind, 'selection');
    const p = join(tmp, `sel-${kind}.zip`);
    await dl.saveAs(p);
    await studio.newProject(`From ${kind}`);
    await data.open();
    await data.importFiles([p]);
    const after = await data.stored();
    const want = before.filter((s) => s.label === 'shake');
    expect(after.map((s) => s.name)).toEqual(want.map((s) => s.name));
    for (const [i, a] of after.entries()) {
      expect(a.bits === want[i].bits, `${kind} ${a.name}`).toBe(true);
      expect(a.category).toBe(want[i].category);
    }
    await page.getByLabel('Project', { exact: true }).selectOption({ label: 'Formats' });
    await page.getByTestId('filter-label').selectOption('shake');
    await page.getByRole('button', { name: 'Select all shown' }).click();
  }
});

test('hostile imports (zip bomb, NaN, text cells, HTML in names) show clear errors and store nothing', async ({ page }) => {
  let dialogs = 0;
  page.on('dialog', (d) => {
    dialogs++;
    void d.dismiss();
  });
  const { data } = await freshProject(page, 'Hostile');
  const csv = (rows: string[]) => Buffer.from(['timestamp_ms,accX,accY', ...rows].join('\n'));
  // Declares 1 kB but inflates to 200 MB.
  const bomb = rawZip([{ name: 'bomb.1.csv', data: zeroBombDeflate(200 * 1024 * 1024), size: 1000 }]);
  await data.chooseFiles([
    { name: 'bomb.zip', mimeType: 'application/zip', buffer: Buffer.from(bomb) },
    { name: 'nan.1.csv', mimeType: 'text/csv', buffer: csv(['0,1,2', '10,NaN,2', '20,1,2']) },
    { name: 'words.1.csv', mimeType: 'text/csv', buffer: csv(['0,1,2', '10,1,2', '20,abc,2']) },
  ]);
  await expect(page.getByTestId('preview-count')).toHaveText('0');
  const errors = page.getByTestId('preview-error');
  await expect(errors).toHaveCount(3);
  await expect(errors.filter({ hasText: 'bomb.zip' })).toContainText(/zip bomb|refused/i);
  await expect(errors.filter({ hasText: 'nan.1.csv' })).toContainText('line 3');
  await expect(errors.filter({ hasText: 'nan.1.csv' })).toContainText('NaN');
  await expect(errors.filter({ hasText: 'words.1.csv' })).toContainText('line 4');
  await expect(page.getByTestId('data-message')).toHaveAttribute('data-kind', 'error');
  await expect(page.getByTestId('import-commit')).toBeDisabled();
  expect(await data.stored()).toHaveLength(0);

  // A good file next to a bad one: only the good one is stored; names are shown as text, never as HTML.
  await data.chooseFiles([
    { name: '<img src=x onerror=alert(1)>.1.csv', mimeType: 'text/csv', buffer: csv(['0,1,2', '10,3,4']) },
    { name: 'bad.2.csv', mimeType: 'text/csv', buffer: csv(['0,1,2', '10,Infinity,4']) },
  ]);
  await expect(page.getByTestId('preview-count')).toHaveText('1');
  await expect(page.getByTestId('preview-error')).toHaveCount(1);
  await expect(page.getByTestId('import-preview')).toContainText('<img src=x onerror=alert(1)>');
  await data.commit();
  const stored = await data.stored();
  expect(stored.map((s) => s.label)).toEqual(['<img src=x onerror=alert(1)>']);
  expect(Array.from(valuesOf(stored[0]))).toEqual([1, 2, 3, 4]);
  await expect(page.locator('img[src="x"]')).toHaveCount(0);
  expect(dialogs).toBe(0);
});

test('files dropped on the drop zone are previewed like chosen ones', async ({ page }) => {
  const { data } = await freshProject(page, 'Drop');
  const dropZone = page.getByTestId('drop-zone');
  const dt = await page.evaluateHandle(() => {
    const d = new DataTransfer();
    const csv = (rows: string[]) => ['timestamp_ms,accX', ...rows].join('\n');
    d.items.add(new File([csv(['0,1', '10,2', '20,3'])], 'tap.a.csv', { type: 'text/csv' }));
    d.items.add(new File([csv(['0,4', '10,5'])], 'rest.b.csv', { type: 'text/csv' }));
    return d;
  });
  await dropZone.dispatchEvent('dragenter', { dataTransfer: dt });
  await dropZone.dispatchEvent('drop', { dataTransfer: dt });
  await expect(page.getByTestId('preview-count')).toHaveText('2');
  expect(await data.previewLabels()).toEqual({ rest: 1, tap: 1 });
  await data.commit();
  expect((await data.stored()).map((s) => [s.name, Array.from(valuesOf(s))])).toEqual([
    ['rest.b', [4, 5]],
    ['tap.a', [1, 2, 3]],
  ]);
});

test('a full disk during import stops with a clear message and keeps every sample written so far', async ({ page }) => {
  const { dir } = makeSmallDataset();
  const { data } = await freshProject(page, 'Quota');
  await data.chooseFiles(DataPage.folderFiles(dir));
  // Make the data worker's storage report "quota exceeded" from the 6th sample on.
  const worker = page.workers().find((w) => w.url().includes('data-worker'));
  expect(worker, 'data worker running').toBeTruthy();
  await worker!.evaluate(() => {
    let n = 0;
    const add = IDBObjectStore.prototype.add;
    (globalThis as { restoreAdd?: () => void }).restoreAdd = () => (IDBObjectStore.prototype.add = add);
    IDBObjectStore.prototype.add = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['add']>) {
      if (this.name === 'samples' && ++n > 5) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return add.apply(this, args);
    };
  });
  await page.getByTestId('import-commit').click();
  const msg = page.getByTestId('data-message');
  await expect(msg).toHaveAttribute('data-kind', 'error');
  await expect(msg).toContainText('Storage is full');
  await expect(msg).toContainText('5 sample(s) were saved');
  const stored = await data.stored();
  expect(stored).toHaveLength(5);
  for (const s of stored) expect(sameBits(valuesOf(s), csvValues(join(dir, `${s.name}.csv`))), s.name).toBe(true);
  // The preview stays, so the rest can be imported once there is space (already stored ones are skipped).
  await worker!.evaluate(() => (globalThis as { restoreAdd?: () => void }).restoreAdd?.());
  await data.commit();
  await expect(page.getByTestId('data-message')).toContainText('5 already there skipped');
  const all = await data.stored();
  expect(all).toHaveLength(12);
  expect(new Set(all.map((s) => s.name)).size).toBe(12);
});

const xiao = sharedPath('datasets/xiao_ei_motion');
const punch = sharedPath('datasets/arduino_punch_flex');

test.describe('shared datasets', () => {
  test.skip(!xiao || !punch, skipReason('datasets/xiao_ei_motion and datasets/arduino_punch_flex'));

  test('xiao_ei_motion keeps its test split and values; arduino_punch_flex imports into its own project', async ({ page }) => {
    test.setTimeout(180_000);
    const { studio, data } = await freshProject(page, 'XIAO motion');
    const info = JSON.parse(readFileSync(join(xiao!, 'dataset.json'), 'utf8')) as { test_ids: string[]; num_recordings: Record<string, number> };
    await data.chooseFiles(DataPage.folderFiles(xiao!));
    expect(await data.previewLabels()).toEqual(info.num_recordings);
    expect((await data.previewSplit()).testing).toBe(info.test_ids.length);
    await expect(page.getByTestId('preview-rate')).toHaveText('104.0 Hz');
    await data.commit();
    const stored = await data.stored();
    expect(stored).toHaveLength(96);
    expect(stored.filter((s) => s.category === 'testing').map((s) => s.name).sort()).toEqual([...info.test_ids].sort());
    for (const s of stored) {
      expect(sameBits(valuesOf(s), csvValues(join(xiao!, `${s.name}.csv`))), s.name).toBe(true);
      expect(s.units).toEqual(['g', 'g', 'g']);
    }

    await studio.newProject('Punch flex');
    await data.open();
    const pinfo = JSON.parse(readFileSync(join(punch!, 'dataset.json'), 'utf8')) as { test_ids: string[] };
    await data.importFiles(DataPage.folderFiles(punch!));
    const p = await data.stored();
    expect(p).toHaveLength(35);
    expect(p.filter((s) => s.category === 'testing').map((s) => s.name).sort()).toEqual([...pinfo.test_ids].sort());
    expect(p[0].axes).toEqual(['accX', 'accY', 'accZ', 'gyrX', 'gyrY', 'gyrZ']);
    expect(p[0].units.slice(3)).toEqual(['deg/s', 'deg/s', 'deg/s']);
    for (const s of p) expect(sameBits(valuesOf(s), csvValues(join(punch!, `${s.name}.csv`))), s.name).toBe(true);
  });
});
