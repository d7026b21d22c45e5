import { test, expect, type Page } from '@playwright/test';
import { StudioPage } from './pages/studio-page.ts';
import { ImpulsePage } from './pages/impulse-page.ts';

interface Handle {
  studio: {
    project: { id: string; impulse?: { dsp: { block: string; params: Record<string, unknown> }; learn: { block: string; params: Record<string, unknown> }; windowing: { axes: string[]; frequencyHz: number } } };
    samples: { id: string }[];
    updateProject(patch: unknown): Promise<void>;
    s: { getSample(id: string): Promise<{ values: Float32Array; meta: { axes: unknown[] } }>; replaceValues(id: string, v: Float32Array): Promise<unknown> };
    samplesChanged(): Promise<void>;
  };
}

/** Uncaught page errors and console errors (e.g. Svelte effect loops) fail a test. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  return errors;
}

async function storedImpulse(page: Page) {
  return page.evaluate(() => (globalThis as unknown as { __tinyml: Handle }).__tinyml.studio.project.impulse);
}

test('spectral impulse on the demo project: save, generate, explore, reuse the cache, reject a masking cut-off', async ({ page }) => {
  const errors = watchErrors(page);
  const studio = new StudioPage(page);
  await studio.open({ demo: false });
  await expect(page.getByLabel('Project', { exact: true }).locator('option:checked')).toContainText('Demo');
  const imp = new ImpulsePage(page);
  await imp.open();

  // defaults come from the samples: 62.5 Hz and their accelerometer axes
  await expect(page.getByLabel('Frequency (Hz)')).toHaveValue('62.5');
  await expect(page.getByTestId('window-preview')).toHaveAttribute('data-windows', /^[1-9]/);

  await imp.chooseBlock('spectral');
  await imp.setParam('FFT length', '32');
  await expect(page.getByTestId('dsp-output')).toContainText('features per window');
  await imp.save();
  const saved = await storedImpulse(page);
  expect(saved?.dsp.block).toBe('spectral');
  expect(saved?.dsp.params['fft-length']).toBe(32);
  expect(saved?.learn.block).toBeTruthy();
  expect(saved?.windowing.frequencyHz).toBe(62.5);

  // first generation computes every sample
  expect(await imp.generate()).toBe('computed 40 / cached 0 samples');
  await expect.poll(() => page.getByTestId('gen-summary').getAttribute('data-progress')).toBe('1');
  const c = await imp.scatterCounts();
  expect(c.windows).toBeGreaterThanOrEqual(40);
  expect(c.points).toBe(c.windows);
  await expect(page.getByTestId('legend-item')).toHaveCount(4);
  const dim = Number(await page.getByTestId('gen-summary').getAttribute('data-dim'));
  // per axis: 5 statistics + 16 FFT bins of a 32-point FFT
  const axes = saved!.windowing.axes.length;
  expect(axes).toBeGreaterThanOrEqual(3);
  expect(dim).toBe(axes * (5 + 16));

  // changing only the learn settings reuses every cached sample
  await page.evaluate(async () => {
    const s = (globalThis as unknown as { __tinyml: Handle }).__tinyml.studio;
    const i = s.project.impulse!;
    await s.updateProject({ impulse: { ...i, learn: { block: 'dense', params: { layers: [8], dropout: 0 } } } });
  });
  expect(await imp.generate()).toBe('computed 0 / cached 40 samples');

  // editing one sample's values (version bump) recomputes only that sample
  await page.evaluate(async () => {
    const s = (globalThis as unknown as { __tinyml: Handle }).__tinyml.studio;
    const id = s.samples[3].id;
    const smp = await s.s.getSample(id);
    const v = smp.values.slice();
    for (let i = 0; i < v.length; i++) v[i] *= 1.5;
    await s.s.replaceValues(id, v);
    await s.samplesChanged();
  });
  expect(await imp.generate()).toBe('computed 1 / cached 39 samples');

  // a new FFT length recomputes everything
  await imp.setParam('FFT length', '64');
  await expect(page.getByTestId('gen-stale')).toBeVisible();
  expect(await imp.generate()).toBe('computed 40 / cached 0 samples');
  await expect(page.getByTestId('gen-stale')).toHaveCount(0);
  expect(Number(await page.getByTestId('gen-summary').getAttribute('data-dim'))).toBe(axes * (5 + 32));

  // a low-pass cut-off below the first FFT bin is rejected with a clear message and remedy
  await imp.setParam('Filter type', 'low');
  await imp.setParam('Cut-off frequency (Hz)', '0.1');
  await imp.setParam('FFT length', '16');
  const err = page.getByTestId('dsp-error');
  await expect(err).toContainText('masked all FFT bins');
  await expect(err).toContainText('Increase the FFT length or the cut-off frequency');
  await expect(page.getByTestId('generate')).toBeDisabled();
  await expect(page.getByTestId('save-impulse')).toBeDisabled();
  // fixing it clears the error
  await imp.setParam('Cut-off frequency (Hz)', '8');
  await expect(err).toHaveCount(0);
  await expect(page.getByTestId('dsp-output')).toBeVisible();
  expect(errors).toEqual([]);
});

test('feature explorer: keyboard and hover show the window, Enter and click open its sample; autotune proposes and applies', async ({ page }) => {
  const errors = watchErrors(page);
  const studio = new StudioPage(page);
  await studio.open({ demo: false });
  const imp = new ImpulsePage(page);
  await imp.open();
  await imp.generate();
  const scatter = imp.scatter();
  await expect(page.getByTestId('legend-item')).toHaveCount(4);

  // keyboard: focus the plot, move to the first window, see its tooltip
  await scatter.focus();
  await page.keyboard.press('ArrowRight');
  const tip = page.getByTestId('explorer-tip');
  await expect(tip).toBeVisible();
  await expect(tip).toContainText(/label (idle|wave|circle|shake)/);
  await expect(tip).toContainText(/window 0\.00–2\.00 s/);

  // hiding a label removes its points
  const before = Number(await scatter.getAttribute('data-points'));
  await page.getByTestId('legend-item').first().click();
  await expect.poll(async () => Number(await scatter.getAttribute('data-points'))).toBeLessThan(before);
  await page.getByTestId('legend-item').first().click();
  await expect.poll(async () => Number(await scatter.getAttribute('data-points'))).toBe(before);

  // Enter opens the sample on the Data step and notes which one
  await scatter.focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Enter');
  await expect(page.locator('nav button[data-step="data"]')).toHaveAttribute('aria-current', 'step');

  // back on the Impulse step the explorer is still there; hover a point with the mouse, click opens its sample
  await imp.open();
  await scatter.focus();
  await page.keyboard.press('ArrowRight');
  const xy = (await scatter.getAttribute('data-focus-xy'))!.split(',').map(Number);
  await page.keyboard.press('Escape');
  await expect(tip).toHaveCount(0);
  const box = (await scatter.locator('.u-over').boundingBox())!;
  await page.mouse.move(box.x + xy[0] + 1, box.y + xy[1] + 1);
  await expect(tip).toContainText('click or Enter: open sample');
  await page.mouse.click(box.x + xy[0] + 1, box.y + xy[1] + 1);
  await expect(page.locator('nav button[data-step="data"]')).toHaveAttribute('aria-current', 'step');

  // autotune from the data, then apply: the form switches to the spectral block with the proposals
  await imp.open();
  await page.getByTestId('autotune').click();
  const proposals = page.getByTestId('autotune-proposals');
  await expect(proposals).toBeVisible({ timeout: 30_000 });
  await expect(proposals.locator('li')).not.toHaveCount(0);
  await expect(proposals).toContainText('FFT length');
  await page.getByTestId('autotune-apply').click();
  await expect(page.getByLabel('DSP block', { exact: true })).toHaveValue('spectral');
  await expect(page.getByTestId('dsp-output')).toBeVisible();
  expect(errors).toEqual([]);
});

test('a long generation shows progress and can be cancelled; samples finished before stay cached', async ({ page }) => {
  const errors = watchErrors(page);
  const studio = new StudioPage(page);
  await studio.open({ demo: false });
  // four 4-minute recordings, added after the 40 demo samples
  const longIds = await page.evaluate(async () => {
    const s = (globalThis as unknown as { __tinyml: Handle }).__tinyml.studio;
    const first = await s.s.getSample(s.samples[0].id);
    const axes = first.meta.axes;
    const ids: string[] = [];
    for (let k = 0; k < 4; k++) {
      const frames = 62.5 * 240;
      const values = new Float32Array(frames * axes.length);
      for (let i = 0; i < values.length; i++) values[i] = Math.sin(i * 0.013 * (k + 1)) + ((i * 7919) % 13) / 13;
      const meta = await (s.s as unknown as { addSample(p: string, r: unknown): Promise<{ id: string }> }).addSample(s.project.id, {
        name: `long.${k}`,
        label: 'wave',
        category: 'training',
        axes,
        intervalMs: 16,
        values,
        deviceName: 'e2e',
        // after the demo samples (whose times run a few minutes ahead), so they are generated last
        createdAt: Date.now() + 86_400_000 + k,
      });
      ids.push(meta.id);
    }
    await s.samplesChanged();
    return ids;
  });
  const imp = new ImpulsePage(page);
  await imp.open();
  await page.getByLabel('Window stride (ms)').fill('20');
  await imp.chooseBlock('spectral');
  await imp.setParam('FFT length', '128');
  await page.getByTestId('generate').click();
  const bar = page.getByTestId('gen-progress');
  await expect(bar).toBeVisible();
  // past the 40 short samples (about 7 % of the windows at this stride), into the long ones
  await expect.poll(async () => Number(await bar.getAttribute('value')), { timeout: 30_000 }).toBeGreaterThan(9);
  await page.getByTestId('generate-cancel').click();
  await expect(page.getByTestId('gen-running')).toHaveCount(0, { timeout: 15_000 });
  await expect(page.getByTestId('gen-error')).toHaveCount(0);
  await expect(page.getByTestId('gen-summary')).toHaveCount(0);

  // without the long recordings, everything computed before the cancel comes from the cache
  await page.evaluate(async (ids) => {
    const s = (globalThis as unknown as { __tinyml: Handle }).__tinyml.studio;
    await (s.s as unknown as { deleteSamples(ids: string[]): Promise<unknown> }).deleteSamples(ids);
    await s.samplesChanged();
  }, longIds);
  expect(await imp.generate()).toBe('computed 0 / cached 40 samples');
  expect(errors).toEqual([]);
});
