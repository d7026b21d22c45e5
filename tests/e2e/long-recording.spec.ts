/**
 * An hour of 16 kHz audio recorded into Chromium's IndexedDB the way the Recorder does it (0.5 s
 * chunks through the store's appendChunk, then finishRecording), finished, read back at its end,
 * previewed and played in the sample view, exported as a WAV file piece by piece, and cropped
 * there, without ever being read whole.
 */
import { closeSync, mkdtempSync, openSync, readSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect } from '@playwright/test';
import { StudioPage } from './pages/studio-page.ts';
import { DataPage } from './pages/data-page.ts';
import { pcm16Wav } from '../helpers/pcm16-wav.ts';

const RATE = 16000;
const HOUR = 3600 * RATE;

test('an hour of 16 kHz audio records into IndexedDB, finishes, and its end is read, previewed, played, exported as WAV and cropped', async ({ page }) => {
  test.setTimeout(120_000); // about 50–60 s on a busy 2-core machine
  const studio = new StudioPage(page);
  await studio.open({ demo: false });
  await studio.newProject('Long recording');

  const r = await page.evaluate(
    async ({ HOUR, RATE }) => {
      type Meta = { id: string; length: number; complete: boolean };
      type S = {
        beginRecording(x: unknown): Promise<Meta>;
        appendChunk(id: string, i: number, v: Float32Array): Promise<void>;
        finishRecording(id: string): Promise<Meta | undefined>;
        readFrames(id: string, from: number, to: number): Promise<Float32Array | undefined>;
      };
      const g = globalThis as unknown as { __tinyml: { studio: { s: S; project: { id: string }; samplesChanged(): Promise<void> } } };
      const st = g.__tinyml.studio;
      // quiet hum everywhere, a loud 1 kHz tone in the last two seconds (int16 units, as the microphone)
      const value = (i: number): number => Math.round(300 * Math.sin(i * 0.013)) + (i >= HOUR - 2 * RATE ? Math.round(9000 * Math.sin((2 * Math.PI * 1000 * i) / RATE)) : 0);
      const meta = await st.s.beginRecording({ projectId: st.project.id, label: 'hour', category: 'training', axes: [{ name: 'audio', units: 'int16' }], intervalMs: 1000 / RATE, deviceName: 'e2e' });
      const CH = RATE / 2;
      const t0 = performance.now();
      for (let c = 0; c < HOUR / CH; c++) {
        const v = new Float32Array(CH);
        for (let k = 0; k < CH; k++) v[k] = value(c * CH + k);
        await st.s.appendChunk(meta.id, c, v);
      }
      const t1 = performance.now();
      const done = await st.s.finishRecording(meta.id);
      const t2 = performance.now();
      // a window from its end, read alone
      const tail = (await st.s.readFrames(meta.id, HOUR - 3 * RATE, HOUR + 100))!;
      let wrong = 0;
      for (let k = 0; k < tail.length; k++) if (tail[k] !== value(HOUR - 3 * RATE + k)) wrong++;
      await st.samplesChanged();
      return { id: meta.id, length: done?.length, complete: done?.complete, writeS: (t1 - t0) / 1000, finishS: (t2 - t1) / 1000, tail: tail.length, wrong };
    },
    { HOUR, RATE },
  );
  console.log(`hour of 16 kHz audio: chunk writes ${r.writeS.toFixed(1)} s, finish ${r.finishS.toFixed(2)} s`);
  expect(r.length).toBe(HOUR);
  expect(r.complete).toBe(true);
  expect(r.tail).toBe(3 * RATE);
  expect(r.wrong).toBe(0);
  expect(r.finishS).toBeLessThan(2);

  // The sample view shows the hour as a min/max envelope and reads the selected end to show and play it.
  const data = new DataPage(page);
  await data.open();
  await data.openSample('hour');
  const overview = page.getByTestId('sample-overview');
  await expect(overview).toBeVisible();
  expect(Number(await overview.getAttribute('data-buckets'))).toBeGreaterThan(1000);
  await page.getByTestId('crop-from').fill('3598');
  await page.getByTestId('crop-from').press('Enter');
  await page.getByTestId('crop-to').fill('3600');
  await page.getByTestId('crop-to').press('Enter');
  const detail = page.getByTestId('sample-detail');
  await expect(detail).toHaveAttribute('data-frames', String(2 * RATE));
  await expect(detail).toHaveAttribute('data-start', String(HOUR - 2 * RATE));
  const play = page.getByTestId('sample-play');
  await play.click();
  await expect(play).toHaveAttribute('data-playing', 'true');
  await expect(play).toHaveAttribute('data-playing', 'false', { timeout: 8_000 }); // two seconds of sound

  // WAV export streams the hour from the store piece by piece into one file: its size and last sample
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 45_000 }), page.getByTestId('sample-wav').click()]);
  const file = await dl.path();
  expect(statSync(file).size).toBe(44 + HOUR * 4);
  const fd = openSync(file, 'r');
  const head = Buffer.alloc(44);
  readSync(fd, head, 0, 44, 0);
  const last = Buffer.alloc(4);
  readSync(fd, last, 0, 4, 44 + (HOUR - 1) * 4);
  closeSync(fd);
  expect(head.toString('latin1', 0, 4) + head.toString('latin1', 8, 12)).toBe('RIFFWAVE');
  expect(head.readUInt32LE(24)).toBe(RATE);
  const i = HOUR - 1;
  expect(last.readFloatLE(0)).toBe(Math.fround((Math.round(300 * Math.sin(i * 0.013)) + Math.round(9000 * Math.sin((2 * Math.PI * 1000 * i) / RATE))) / 32768));

  // Crop to those two seconds: only the edge chunks are touched; the sample is then short and read whole.
  await page.getByTestId('crop-apply').click();
  await expect(page.getByTestId('sample-overview')).toHaveCount(0);
  const after = await page.evaluate(
    async ({ id, HOUR, RATE }) => {
      type S = { getSample(id: string): Promise<{ meta: { length: number; version: number }; values: Float32Array } | undefined> };
      const s = (globalThis as unknown as { __tinyml: { studio: { s: S } } }).__tinyml.studio.s;
      const got = (await s.getSample(id))!;
      let wrong = 0;
      for (let k = 0; k < got.values.length; k++) {
        const i = HOUR - 2 * RATE + k;
        if (got.values[k] !== Math.round(300 * Math.sin(i * 0.013)) + Math.round(9000 * Math.sin((2 * Math.PI * 1000 * i) / RATE))) wrong++;
      }
      return { length: got.meta.length, version: got.meta.version, wrong };
    },
    { id: r.id, HOUR, RATE },
  );
  expect(after).toEqual({ length: 2 * RATE, version: 2, wrong: 0 });
});

test('an hour-long WAV imports into bounded chunks, opens as a long sample, and its loud part is found', async ({ page }) => {
  test.setTimeout(120_000); // about 50–60 s on a busy 2-core machine
  const frames = HOUR;
  // a quiet pattern, and one loud half-second burst in the middle of the hour
  const value = (i: number): number => ((i * 7919) % 200) - 100 + (i >= HOUR / 2 && i < HOUR / 2 + RATE / 2 ? Math.round(12000 * Math.sin(i * 0.3)) : 0);
  const wav = pcm16Wav(RATE, frames, value);
  const dir = mkdtempSync(join(tmpdir(), 'long-wav-'));
  const file = join(dir, 'drone.wav');
  writeFileSync(file, wav);

  const studio = new StudioPage(page);
  await studio.open({ demo: false });
  await studio.newProject('Long WAV');
  const data = new DataPage(page);
  await data.open();
  await data.importFiles([file]);
  const r = await page.evaluate(async (frames) => {
    type Meta = { id: string; label: string; length: number };
    type S = {
      listSamples(p: string): Promise<Meta[]>;
      readFrames(id: string, a: number, b: number): Promise<Float32Array | undefined>;
      db: { getAll(store: string, range: IDBKeyRange): Promise<{ values: Float32Array }[]> };
    };
    const st = (globalThis as unknown as { __tinyml: { studio: { s: S; project: { id: string } } } }).__tinyml.studio;
    const [m] = await st.s.listSamples(st.project.id);
    const chunks = await st.s.db.getAll('sampleChunks', IDBKeyRange.bound([m.id, -Infinity], [m.id, Infinity]));
    const end = await st.s.readFrames(m.id, frames - 3, frames);
    return { label: m.label, length: m.length, chunks: chunks.length, largest: Math.max(...chunks.map((c) => c.values.byteLength)), end: Array.from(end!) };
  }, frames);
  expect(r).toMatchObject({ label: 'drone', length: frames });
  expect(r.chunks).toBeGreaterThanOrEqual(Math.ceil((frames * 4) / (1 << 20)));
  expect(r.largest).toBeLessThanOrEqual(1 << 20);
  expect(r.end).toEqual([frames - 3, frames - 2, frames - 1].map(value));
  await data.openSample('drone');
  await expect(page.getByTestId('sample-overview')).toBeVisible();
  // the loud-part split reads the hour batch by batch in the data worker and finds the one burst
  await page.getByTestId('split-mode').selectOption('audio');
  await expect(page.getByTestId('cut-count')).toHaveAttribute('data-count', '1', { timeout: 45_000 });
  await expect(page.getByTestId('cut')).toContainText(/1799\.\d\d–1800\.\d\d s/);
});
