import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openStudioDb } from '../../data/store/open-db.ts';
import { StudioStore } from '../../data/store/studio-store.ts';
import { VirtualClock } from '../../core/clock.ts';
import { GeneratedAudioInput } from './fake-input.ts';
import { openMicStream, toInt16Units } from './mic-stream.ts';
import { recordAudio } from './record.ts';
import { LevelMeter } from './level.ts';
import type { ReadingBatch } from '../connection.ts';

const sine = (f: number, amp: number) => (t: number) => amp * Math.sin(2 * Math.PI * f * t);

/** Amplitude of the f Hz component (projection on sin/cos over whole periods). */
function amplitude(x: ArrayLike<number>, f: number, rate: number): number {
  let s = 0;
  let c = 0;
  for (let i = 0; i < x.length; i++) {
    s += x[i] * Math.sin((2 * Math.PI * f * i) / rate);
    c += x[i] * Math.cos((2 * Math.PI * f * i) / rate);
  }
  return (2 * Math.hypot(s, c)) / x.length;
}

describe('microphone stream', () => {
  it('resamples 48 kHz chunks to 16 kHz int16-unit batches of one audio axis', async () => {
    const mic = new GeneratedAudioInput(48000, sine(1000, 0.25));
    const stream = await openMicStream(mic);
    expect(stream.info).toMatchObject({ mode: 'microphone', rateHz: 16000, deviceRateHz: 48000, axes: [{ name: 'audio', units: 'int16' }] });
    const got: ReadingBatch[] = [];
    stream.onBatch((b) => got.push(b));
    mic.pump(1);
    const all = new Float32Array(got.reduce((n, b) => n + b.frames.length, 0));
    let o = 0;
    for (const b of got) {
      expect(b.t0).toBeCloseTo((o * 1000) / 16000, 9);
      all.set(b.frames, o);
      o += b.frames.length;
    }
    expect(all.length).toBeGreaterThan(16000 - 100); // the filter's latency is still in flight
    expect(all.every((v) => Number.isInteger(v))).toBe(true);
    expect(amplitude(all.subarray(1000, 15000), 1000, 16000) / (0.25 * 32768)).toBeCloseTo(1, 3);
    expect(stream.stats.readings).toBe(all.length);
    expect(stream.level().peakDb).toBeCloseTo(20 * Math.log10(0.25), 1);
    await stream.close();
    expect(stream.ended).toBe(true);
  });

  it('records one second from a 44.1 kHz microphone into the store in chunks, like a board stream', async () => {
    const store = new StudioStore(await openStudioDb({ name: `mic-${Math.random()}` }));
    const p = await store.createProject('Keywords');
    const mic = new GeneratedAudioInput(44100, sine(440, 0.5), { name: 'Test mic' });
    const stream = await openMicStream(mic);
    const progress: number[] = [];
    const rec = await recordAudio(store, stream, { projectId: p.id, label: 'yes', category: 'training' }, { lengthMs: 1000, chunkMs: 250, onProgress: (ms) => progress.push(ms) });
    const chunks: number[] = [];
    const orig = store.appendChunk.bind(store);
    store.appendChunk = (id, index, values) => {
      chunks.push(values.length);
      return orig(id, index, values);
    };
    mic.pump(1.2);
    const meta = await rec.done;
    expect(meta).toMatchObject({ label: 'yes', length: 16000, intervalMs: 1000 / 16000, deviceName: 'Test mic', axes: [{ name: 'audio', units: 'int16' }] });
    // written as it arrives, a quarter second (plus at most one batch) at a time
    expect(chunks.length).toBe(4);
    expect(chunks.reduce((a, b) => a + b, 0)).toBe(16000);
    for (const n of chunks.slice(0, 3)) expect(n).toBeGreaterThanOrEqual(4000);
    const s = await store.getSample(meta!.id);
    expect(amplitude(s!.values.subarray(441, 16000 - 441), 440, 16000) / (0.5 * 32768)).toBeCloseTo(1, 2);
    expect(progress.at(-1)).toBe(1000);
  });

  it('keeps what was captured when the microphone goes away mid-recording', async () => {
    const store = new StudioStore(await openStudioDb({ name: `mic-${Math.random()}` }));
    const p = await store.createProject('K');
    const mic = new GeneratedAudioInput(48000, sine(300, 0.1));
    const stream = await openMicStream(mic);
    const rec = await recordAudio(store, stream, { projectId: p.id, label: 'no', category: 'training' }, { lengthMs: 1000 });
    mic.pump(0.5);
    const before = rec.recorder.capturedFrames;
    mic.unplug();
    const meta = await rec.done;
    expect(meta?.length).toBe(before);
    expect(before).toBeGreaterThan(7800);
    expect(stream.ended).toBe(true);
    await expect(recordAudio(store, stream, { projectId: p.id, label: 'no', category: 'training' }, { lengthMs: 1000 })).rejects.toMatchObject({ code: 'mic-ended' });
  });

  it('streams in time on a clock and ends its batch iterator on close', async () => {
    const clock = new VirtualClock();
    const mic = new GeneratedAudioInput(48000, sine(2000, 0.5));
    const stream = await openMicStream(mic, { clock });
    mic.play(clock, 20);
    const seen: number[] = [];
    const reading = (async () => {
      for await (const b of stream.batches()) seen.push(b.frames.length);
    })();
    await clock.advance(200);
    await stream.close();
    await reading;
    expect(seen.reduce((a, b) => a + b, 0)).toBe(stream.stats.readings);
    expect(stream.stats.readings).toBeGreaterThan(16000 * 0.2 - 100);
  });

  it('scales to int16 units with rounding and clipping', () => {
    const out = new Float32Array(5);
    expect(toInt16Units(Float32Array.from([0.5, -1, 1, -1.5, 1 / 65536 + 1e-9]), out)).toBe(2);
    expect(Array.from(out)).toEqual([16384, -32768, 32767, -32768, 1]);
  });
});

describe('level meter', () => {
  it('jumps to a peak and falls back 20 dB per second of audio', () => {
    const m = new LevelMeter(16000);
    m.push(new Float32Array(160).fill(0.5));
    expect(m.reading.peakDb).toBeCloseTo(-6.02, 1);
    expect(m.reading.rmsDb).toBeCloseTo(-6.02, 1);
    for (let i = 0; i < 50; i++) m.push(new Float32Array(160)); // 0.5 s of silence
    expect(m.reading.peakDb).toBeCloseTo(-16.02, 1);
    expect(m.reading.value).toBeCloseTo((60 - 16.02) / 60, 2);
    for (let i = 0; i < 400; i++) m.push(new Float32Array(160));
    expect(m.reading.peakDb).toBe(-60);
    m.push(Float32Array.from([1, -1, 0.2]));
    expect(m.reading.clipped).toBe(2);
  });
});

describe('browser microphone errors', () => {
  it('says what happened and what to do for each getUserMedia failure', async () => {
    const { microphoneError } = await import('./browser-mic.ts');
    const ex = (name: string) => Object.assign(new Error(`${name} happened`), { name });
    expect(microphoneError(ex('NotAllowedError'))).toMatchObject({ code: 'mic-permission', remedy: expect.stringMatching(/Allow the microphone/) });
    expect(microphoneError(ex('NotFoundError'))).toMatchObject({ code: 'mic-missing' });
    expect(microphoneError(ex('NotReadableError'))).toMatchObject({ code: 'mic-busy' });
    expect(microphoneError(ex('TypeError'))).toMatchObject({ code: 'mic-failed', message: expect.stringContaining('TypeError happened') });
  });
});
