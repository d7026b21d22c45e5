/**
 * The microphone end to end in Chromium's fake audio capture, fed from a WAV generated here:
 * start the microphone (AudioWorklet from the app's origin), see the level, record 3 one-second
 * clips with a count-down, check the stored clips (16 kHz, int16 units, the WAV's tone resampled
 * from the capture rate), and play one back in the Data step.
 */
import { test, expect } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StudioPage } from './pages/studio-page.ts';
import { DataPage, valuesOf } from './pages/data-page.ts';
import { chromiumPath } from '../helpers/chromium.ts';
import { pcm16Wav } from '../helpers/pcm16-wav.ts';

const TONE_HZ = 440;
const AMP = 0.5;

/** A mono 16-bit PCM WAV of `sample(i)` (full scale −1 … 1). */
const wavOf = (rate: number, seconds: number, sample: (i: number) => number): Buffer => pcm16Wav(rate, Math.round(rate * seconds), (i) => 32767 * sample(i));

const tmp = mkdtempSync(join(tmpdir(), 'tinyml-mic-'));
const wav = join(tmp, 'tone.wav');
writeFileSync(wav, wavOf(48000, 2, (i) => AMP * Math.sin((2 * Math.PI * TONE_HZ * i) / 48000)));

/** 6 s at 16 kHz: faint noise with three 0.3 s tone bursts (keywords) at 1.0, 2.9 and 4.6 s. */
const BURSTS = [1.0, 2.9, 4.6];
const longWav = join(tmp, 'keywords.long.wav');
let seed = 12345;
writeFileSync(
  longWav,
  wavOf(16000, 6, (i) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const t = i / 16000;
    const on = BURSTS.some((b) => t >= b && t < b + 0.3);
    return (seed / 4294967296 - 0.5) * 0.004 + (on ? 0.4 * Math.sin(2 * Math.PI * 800 * t) : 0);
  }),
);

test.use({
  launchOptions: {
    ...(chromiumPath() ? { executablePath: chromiumPath() } : {}),
    args: ['--disable-quic', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-audio-capture=${wav}`, '--autoplay-policy=no-user-gesture-required'],
  },
  permissions: ['microphone'],
});

test('records one-second clips from the (fake) microphone and plays one back', async ({ page }) => {
  const studio = new StudioPage(page);
  await studio.open({ demo: false });
  await studio.newProject('Keywords');
  await studio.step('device');
  const panel = page.getByTestId('mic-panel');
  await panel.getByTestId('mic-start').click();
  await expect(panel.getByTestId('mic-info')).toContainText('→ 16000 Hz');
  // the tone is at −6 dBFS in the file
  await expect.poll(async () => Number(await panel.getByTestId('mic-level').getAttribute('data-db')), { timeout: 10_000 }).toBeGreaterThan(-12);
  // the live spectrogram scrolls (100 columns a second)
  await expect.poll(async () => Number(await panel.getByTestId('mic-spectrogram').getAttribute('data-columns')), { timeout: 10_000 }).toBeGreaterThan(100);
  // … and its brightest row is the 440 Hz tone's mel band, near the bottom (low frequencies)
  const rowFromBottom = await panel.getByTestId('mic-spectrogram').evaluate((c: HTMLCanvasElement) => {
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let best = 0;
    let bestSum = -1;
    for (let y = 0; y < c.height; y++) {
      let sum = 0;
      for (let x = 0; x < c.width; x++) sum += d[(y * c.width + x) * 4 + 1];
      if (sum > bestSum) [best, bestSum] = [y, sum];
    }
    return c.height - 1 - best;
  });
  expect(rowFromBottom).toBeGreaterThanOrEqual(4); // 440 Hz: mel filter 6 or 7 of 40 at 16 kHz
  expect(rowFromBottom).toBeLessThanOrEqual(9);

  await panel.getByTestId('mic-label').fill('yes');
  await panel.getByTestId('mic-count').fill('3');
  await panel.getByTestId('mic-countdown').fill('1');
  await panel.getByTestId('mic-record').click();
  await expect(panel.getByTestId('mic-status')).toHaveAttribute('data-phase', /countdown|recording/);
  await expect(page.getByTestId('sample-count')).toHaveAttribute('data-count', '3', { timeout: 30_000 });
  await expect(panel.getByTestId('mic-record')).toBeVisible();

  // the peak the meter measured at the capture rate (Chromium's fake capture may play the WAV lower)
  const inputPeak = 10 ** (Number(await panel.getByTestId('mic-level').getAttribute('data-db')) / 20);
  expect(inputPeak).toBeGreaterThan(0.3);
  const data = new DataPage(page);
  const stored = await data.stored();
  expect(stored).toHaveLength(3);
  for (const s of stored) {
    expect(s).toMatchObject({ label: 'yes', length: 16000, intervalMs: 1000 / 16000, axes: ['audio'], units: ['int16'] });
    const v = valuesOf(s);
    expect(v.every((x) => Number.isInteger(x) && x >= -32768 && x <= 32767)).toBe(true);
    // resampled to 16 kHz and scaled to int16 units without changing the level: RMS·√2 = the tone's peak
    let sq = 0;
    for (const x of v) sq += x * x;
    const peak = (Math.sqrt(sq / v.length) * Math.SQRT2) / 32768;
    expect(peak / inputPeak).toBeGreaterThan(0.95);
    expect(peak / inputPeak).toBeLessThan(1.05);
    // and it is the WAV's 440 Hz tone (the fake capture's clock wobbles it by a fraction of a hertz)
    let best = 0;
    let bestHz = 0;
    for (let f = 400; f <= 480; f += 0.5) {
      let a = 0;
      let b = 0;
      for (let i = 0; i < v.length; i++) {
        a += v[i] * Math.sin((2 * Math.PI * f * i) / 16000);
        b += v[i] * Math.cos((2 * Math.PI * f * i) / 16000);
      }
      const amp = (2 * Math.hypot(a, b)) / v.length / 32768;
      if (amp > best) [best, bestHz] = [amp, f];
    }
    expect(Math.abs(bestHz - TONE_HZ)).toBeLessThanOrEqual(2);
    expect(best).toBeGreaterThan(0.6 * peak);
  }

  await panel.getByTestId('mic-stop').click();
  await expect(panel.getByTestId('mic-start')).toBeVisible();

  await data.open();
  await data.openSample('yes');
  const play = page.getByTestId('sample-play');
  await play.click();
  await expect(play).toHaveAttribute('data-playing', 'true');
  await expect(play).toHaveAttribute('data-playing', 'false', { timeout: 5_000 }); // one second of sound
});

test('splits a long audio recording into one-second clips around its loud parts', async ({ page }) => {
  const studio = new StudioPage(page);
  await studio.open({ demo: false });
  await studio.newProject('Long audio');
  const data = new DataPage(page);
  await data.open();
  await data.importFiles([longWav]);
  await data.openSample('keywords');
  await page.getByTestId('split-mode').selectOption('audio');
  await expect(page.getByTestId('cut-count')).toHaveAttribute('data-count', '3');
  await page.getByTestId('split-apply').click();
  await expect(page.getByTestId('sample-view')).toHaveCount(0);
  const pieces = (await data.stored()).filter((s) => s.label === 'keywords');
  expect(pieces.map((s) => s.length)).toEqual([16000, 16000, 16000]);
  for (const [i, p] of pieces.entries()) {
    // each clip holds its whole burst, near the middle
    const v = valuesOf(p);
    const loud = [...v.keys()].filter((k) => Math.abs(v[k]) > 0.2 * 32768); // int16 units, as WAV import gives
    expect(loud.length).toBeGreaterThan(2000);
    const mid = (loud[0] + loud[loud.length - 1]) / 2;
    expect(Math.abs(mid - 8000), `clip ${i + 1}`).toBeLessThan(800);
    expect(loud[0]).toBeGreaterThan(1000);
    expect(loud[loud.length - 1]).toBeLessThan(15000);
  }
});
