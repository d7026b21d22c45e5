/**
 * "This phone" as the sensor, at phone size (390×844, touch): synthetic devicemotion events at an
 * uneven ≈ 60 Hz with a gap are recorded with the count-down, and the stored sample is checked in
 * IndexedDB (fixed rate, measured rate, method, the gap, the signal itself); the iOS permission path
 * (granted, denied) and a browser without motion sensors (this desktop Chromium) each get their message
 * and a way on.
 */
import { test, expect, type Locator, type Page } from '@playwright/test';
import { StudioPage } from './pages/studio-page.ts';
import { installMotionDriver, phoneSignal } from './phone-motion.ts';

test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

/** Taps a button as a finger would: Playwright checks that nothing covers it at 390 px. */
async function press(l: Locator): Promise<void> {
  await expect(l).toBeEnabled();
  await l.tap();
}

interface StoredMeta {
  id: string;
  label: string;
  intervalMs: number;
  length: number;
  deviceName: string;
  deviceType?: string;
  person?: string;
  axes: { name: string; units: string }[];
  capture?: { source: string; measuredHz: number; jitterMs: number; resampledToHz: number; method: string };
  gaps?: { atFrame: number; missingMs: number }[];
}

async function storedSamples(page: Page): Promise<{ meta: StoredMeta; values: number[] }[]> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((res, rej) => {
      const r = indexedDB.open('tinyml-studio');
      r.onsuccess = () => res(r.result);
      r.onerror = () => rej(r.error);
    });
    const req = <T,>(r: IDBRequest<T>) => new Promise<T>((res, rej) => ((r.onsuccess = () => res(r.result)), (r.onerror = () => rej(r.error))));
    const pid = localStorage.getItem('tinyml-studio.last-project') ?? '';
    const tx = db.transaction(['samples', 'sampleData', 'sampleChunks']);
    const metas = (await req(tx.objectStore('samples').index('by-project').getAll(pid))) as (StoredMeta & { complete: boolean })[];
    const out = [];
    for (const m of metas.filter((x) => x.complete)) {
      // values as chunks (schema 3) or, for samples stored before, one value
      const parts = (await req(tx.objectStore('sampleChunks').getAll(IDBKeyRange.bound([m.id, -Infinity], [m.id, Infinity])))) as { values: Float32Array }[];
      const d = parts.length ? undefined : ((await req(tx.objectStore('sampleData').get(m.id))) as { values: Float32Array });
      out.push({ meta: m, values: parts.length ? parts.flatMap((c) => Array.from(c.values)) : Array.from(d!.values) });
    }
    db.close();
    return out;
  });
}

async function openOnPhone(page: Page): Promise<StudioPage> {
  const studio = new StudioPage(page);
  // The first-run project.
  await studio.open({ demo: false });
  await studio.step('device');
  return studio;
}

/** Median of the event intervals the driver produced (what the app should have measured). */
function medianHz(times: number[]): number {
  const iv = times.slice(1).map((t, i) => t - times[i]).filter((d) => d < 100).sort((a, b) => a - b);
  return 1000 / iv[iv.length >> 1];
}

// The signal check compares stored values with the driver's signal at each event's time; on a
// loaded 2-core machine (CI with two e2e workers beside training) one run in two was seen off by ≈ 5 %
// of amplitude while idle runs stay under the bound (cause not found yet): one retry.
test.describe('phone timing', () => {
  test.describe.configure({ retries: 1 });
  test('records a labelled sample from uneven 60 Hz motion events with a gap: fixed rate, capture figures and the gap stored', async ({ page }) => {
    await installMotionDriver(page, { hz: 60, jitterMs: 4 });
    await openOnPhone(page);
    await page.evaluate(() => (window as unknown as { __phone: { start(): void } }).__phone.start());
    await page.getByTestId('phone-rate').selectOption('62.5');
    await press(page.getByTestId('phone-connect'));
    await expect(page.getByTestId('stream-info')).toContainText('motion sensors');
    await expect(page.getByTestId('stream-info')).toContainText('accX, accY, accZ, gyrX, gyrY, gyrZ · 62.5 Hz');
    await expect(page.getByTestId('phone-rate-info')).toContainText(/Events at \d+\.\d Hz .* resampled to 62.5 Hz \(linear\)/);
    // The signal holds y ≈ +9 m/s²: the phone reads as upright.
    await expect(page.getByTestId('phone-hold')).toContainText('upright (portrait)');

    await page.getByTestId('rec-label').fill('wave');
    await page.getByTestId('rec-length').fill('4000');
    await page.getByTestId('phone-person').fill('Ada');
    await page.getByTestId('phone-person').blur();
    const before = Number(await page.getByTestId('sample-count').getAttribute('data-count'));
    await press(page.getByTestId('phone-record'));
    await expect(page.getByTestId('phone-countdown')).toHaveText('3');
    await expect(page.getByTestId('phone-record')).toContainText('Recording…', { timeout: 6000 });
    // A backgrounded tab: no events for 1.2 s in the middle of the recording.
    await page.waitForTimeout(1200);
    await page.evaluate(() => (window as unknown as { __phone: { gap(ms: number): void } }).__phone.gap(1200));
    await expect(page.getByTestId('sample-count')).toHaveAttribute('data-count', String(before + 1), { timeout: 20_000 });

    const phoneSamples = (await storedSamples(page)).filter((x) => x.meta.deviceType === 'phone');
    expect(phoneSamples).toHaveLength(1);
    const [s] = phoneSamples;
    const times = await page.evaluate(() => (window as unknown as { __phone: { times: number[] } }).__phone.times.slice());
    const m = s.meta;
    expect(m.label).toBe('wave');
    expect(m.intervalMs).toBe(16);
    expect(m.length).toBe(250);
    expect(m.deviceType).toBe('phone');
    expect(m.person).toBe('Ada');
    expect(m.axes.map((a) => `${a.name}:${a.units}`)).toEqual(['accX:m/s2', 'accY:m/s2', 'accZ:m/s2', 'gyrX:deg/s', 'gyrY:deg/s', 'gyrZ:deg/s']);
    expect(m.capture?.source).toBe('devicemotion');
    expect(m.capture?.resampledToHz).toBe(62.5);
    expect(m.capture?.method).toBe('linear');
    // The 1.2 s pause is flagged (a busy main thread can delay the driver's timers past the gap rule too:
    // those stretches really have no events and must be flagged as well — checked below).
    const gaps = m.gaps ?? [];
    const long = gaps.filter((g) => g.missingMs > 1100 && g.missingMs < 1400);
    expect(long).toHaveLength(1);

    // Same signal within tolerance: find the event time of frame 0 (the grid's anchor is not exposed),
    // then every frame must match the driver's signal at its time, the gaps' time skipped.
    const frameTime = (start: number, j: number) => start + j * 16 + gaps.reduce((acc, g) => acc + (j >= g.atFrame ? g.missingMs : 0), 0);
    // Tolerance per frame: linear interpolation between events h ms apart is off by at most
    // A·ω²·h²/8 for a sine of amplitude A and angular frequency ω, plus 0.5 % of A (float32, fit step).
    const amp = [2, 1.5, 1.2, 90, 45, 30];
    const hz = [1.3, 0.7, 1.9, 1.1, 0.45, 1.7];
    const bracket = (t: number) => {
      let lo = 0;
      let hi = times.length - 1;
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        if (times[mid] <= t) lo = mid;
        else hi = mid;
      }
      return times[hi] - times[lo];
    };
    let worstRel = 0;
    const err = (start: number, track = false) => {
      let worst = 0;
      for (let j = 0; j < m.length; j++) {
        const t = frameTime(start, j);
        const h = bracket(t) / 1000;
        for (let a = 0; a < 6; a++) {
          const rel = Math.abs(s.values[j * 6 + a] - phoneSignal(a, t)) / amp[a];
          // linear interpolation's error bound, plus 1 % of amplitude for the skew between the driver's
          // clock and the events' timeStamp on a busy machine
          const bound = (2 * Math.PI * hz[a] * h) ** 2 / 8 + 0.01;
          worst = Math.max(worst, rel / bound);
          if (track) worstRel = Math.max(worstRel, rel);
        }
      }
      return worst;
    };
    let best = { start: 0, e: Infinity };
    for (let t = times[0]; t < times[times.length - 1]; t += 2) {
      const e = err(t);
      if (e < best.e) best = { start: t, e };
    }
    for (let t = best.start - 2; t < best.start + 2; t += 0.1) {
      const e = err(t);
      if (e < best.e) best = { start: t, e };
    }
    // Every interval between the driver's events inside the recording that meets the gap rule
    // (≥ 100 ms and ≥ 4× the median interval) is one stored gap, and no others.
    const end = frameTime(best.start, m.length - 1);
    const rule = Math.max(100, 4 * (1000 / medianHz(times)));
    const expectedGaps = times.slice(1).filter((t, i) => t - times[i] >= rule && times[i] >= best.start && t <= end + 16).length;
    expect(gaps.length).toBe(expectedGaps);
    // The measured rate (the app's rolling median over its last 256 intervals, taken when the
    // recording ended) agrees with the median of the intervals the driver produced during it, within 5 %.
    const during = times.filter((t) => t >= best.start - 1000 && t <= end + 50);
    expect(Math.abs(m.capture!.measuredHz - medianHz(during)) / medianHz(during)).toBeLessThan(0.05);
    expect(m.capture!.jitterMs).toBeGreaterThan(0.5);
    expect(best.e).toBeLessThanOrEqual(1);
    err(best.start, true);
    console.log(`phone e2e: ${m.length} frames, worst error ${(worstRel * 100).toFixed(2)} % of amplitude, measured ${m.capture!.measuredHz} Hz ± ${m.capture!.jitterMs} ms, gaps ${gaps.map((g) => g.missingMs).join('/')} ms`);
  });
});

test('iOS: motion access is asked from the tap; granted streams, denied explains and offers the simulated board', async ({ browser }) => {
  for (const answer of ['granted', 'denied'] as const) {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await installMotionDriver(page, { requestPermission: answer });
    await openOnPhone(page);
    await page.evaluate(() => (window as unknown as { __phone: { start(): void } }).__phone.start());
    await press(page.getByTestId('phone-connect'));
    await expect.poll(() => page.evaluate(() => (window as unknown as { __permAsked: { n: number } }).__permAsked.n)).toBe(1);
    if (answer === 'granted') {
      await expect(page.getByTestId('stream-info')).toContainText('motion sensors');
    } else {
      await expect(page.getByTestId('phone-problem')).toContainText('Motion access was not allowed');
      await expect(page.getByTestId('status-device')).not.toContainText('●');
      await press(page.getByTestId('phone-use-sim'));
      await expect(page.getByTestId('stream-info')).toContainText('CSV lines');
    }
    await context.close();
  }
});

test('a browser without motion sensors (this desktop Chromium) says so and offers the simulated board', async ({ page }) => {
  await openOnPhone(page);
  await press(page.getByTestId('phone-connect'));
  await expect(page.getByTestId('phone-problem')).toContainText(/no motion readings|could not be read/, { timeout: 10_000 });
  await expect(page.getByTestId('phone-problem')).toContainText('simulated board');
  await press(page.getByTestId('phone-use-sim'));
  await expect(page.getByTestId('stream-info')).toContainText('Simulated');
});

test('phone data end to end: record two motions, train in the worker, classify the phone live', async ({ page }) => {
  test.setTimeout(240_000);
  await installMotionDriver(page, { hz: 60, jitterMs: 4 });
  const studio = new StudioPage(page);
  await studio.open({ demo: false });
  // A project of its own (buttons pressed directly: see `press`).
  await press(page.getByRole('button', { name: 'New project' }));
  await page.getByLabel('New project name').fill('Phone gestures');
  await press(page.getByRole('button', { name: 'Create' }));
  await expect(page.getByLabel('Project', { exact: true }).locator('option:checked')).toHaveText('Phone gestures');
  await studio.step('device');
  const driver = (m: 'signal' | 'still') => page.evaluate((mode) => (window as unknown as { __phone: { mode(x: string): void } }).__phone.mode(mode), m);
  await page.evaluate(() => (window as unknown as { __phone: { start(): void } }).__phone.start());
  await press(page.getByTestId('phone-connect'));
  await expect(page.getByTestId('stream-info')).toContainText('motion sensors');
  await page.getByTestId('rec-length').fill('2000');
  for (const [label, mode] of [['move', 'signal'], ['still', 'still']] as const) {
    await driver(mode);
    await page.getByTestId('rec-label').fill(label);
    for (let i = 0; i < 5; i++) {
      const count = page.getByTestId('sample-count');
      const before = Number(await count.getAttribute('data-count'));
      await press(page.getByTestId('rec-start'));
      await expect(count).toHaveAttribute('data-count', String(before + 1), { timeout: 20_000 });
      await expect(page.getByTestId('rec-start')).toHaveText('Start recording');
    }
  }
  // Train with the default impulse, in the worker.
  await press(page.locator('nav button[data-step="train"]'));
  await press(page.getByTestId('train-start'));
  await expect(page.getByTestId('model-row')).toHaveCount(1, { timeout: 120_000 });
  await expect(page.getByTestId('train-error')).toHaveCount(0);
  // Live classification of the phone's motion.
  await press(page.locator('nav button[data-step="test"]'));
  await press(page.getByTestId('live-start'));
  await expect(page.getByTestId('live-stop')).toBeVisible({ timeout: 20_000 });
  for (const [label, mode] of [['still', 'still'], ['move', 'signal'], ['still', 'still']] as const) {
    await driver(mode);
    await expect.poll(async () => (await page.getByTestId('live-decision').getAttribute('data-decision')) ?? '', { timeout: 15_000, intervals: [250] }).toBe(label);
  }
  await press(page.getByTestId('live-stop'));
});

test('Generic Sensor API path: Chromium sensor emulation (CDP) feeds Accelerometer and Gyroscope', async ({ page }) => {
  const cdp = await page.context().newCDPSession(page);
  const ok = await cdp
    .send('Emulation.setSensorOverrideEnabled', { enabled: true, type: 'accelerometer' })
    .then(() => cdp.send('Emulation.setSensorOverrideEnabled', { enabled: true, type: 'gyroscope' }))
    .then(() => true)
    .catch((e: unknown) => String(e));
  test.skip(ok !== true, `this Chromium has no sensor emulation over CDP (${String(ok)})`);
  // Phone lying face up, turning slowly about z (0.5 rad/s ≈ 28.6 deg/s). Chromium delivers a reading
  // when the emulated value changes, so the readings are fed as a stream with a little noise.
  let feeding = true;
  let i = 0;
  const feed = (async () => {
    while (feeding) {
      const e = (i++ % 7) * 0.001;
      await cdp.send('Emulation.setSensorOverrideReadings', { type: 'accelerometer', reading: { xyz: { x: 0.2 + e, y: 0.3, z: 9.8 } } });
      await cdp.send('Emulation.setSensorOverrideReadings', { type: 'gyroscope', reading: { xyz: { x: 0, y: 0, z: 0.5 + e / 100 } } });
      await new Promise((r) => setTimeout(r, 15));
    }
  })();
  await openOnPhone(page);
  await page.getByLabel('Phone sensor API').selectOption('generic-sensor');
  await press(page.getByTestId('phone-connect'));
  await expect(page.getByTestId('stream-info')).toContainText('accX, accY, accZ, gyrX, gyrY, gyrZ · 62.5 Hz');
  await expect(page.getByTestId('phone-hold')).toContainText('flat, screen up');
  await expect(page.getByTestId('phone-rate-info')).toContainText(/Events at \d+\.\d Hz .* resampled to 62.5 Hz/);
  // The ring holds the converted values: accZ in m/s², gyrZ in deg/s.
  const last = await page.evaluate(() => {
    const d = (window as unknown as { __tinyml: { device: { ring: { latest(n: number): Float32Array } } } }).__tinyml.device;
    return Array.from(d.ring.latest(1));
  });
  feeding = false;
  await feed;
  expect(last[2]).toBeCloseTo(9.8, 2);
  // Chromium rounds sensor readings (privacy) to about 0.1 m/s² and 0.1 deg/s: 28.65 deg/s reads 28.6–28.7.
  expect(last[5]).toBeGreaterThan(28.55);
  expect(last[5]).toBeLessThan(28.75);
});
