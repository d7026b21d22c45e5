/** The espeak-ng keyword synthesizer (tests/support/kws/synth.ts): clips, noise, SNR, dataset layout, long track. */
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listInputFiles } from '../../src/cli/dataset-dir.ts';
import { readDatasetFolder } from '../../src/data/io/dataset-folder.ts';
import { parseWav } from '../../src/data/io/wav.ts';
import { mulberry32 } from '../../src/core/prng.ts';
import { CLIP_SAMPLES, ESPEAK_MISSING, espeakAvailable, makeClip, makeNoise, speak, synthKeywordDataset, synthLongTrack, writeKwsDataset } from '../support/kws/synth.ts';

const has = espeakAvailable();
if (!has) console.log(ESPEAK_MISSING);

function rms(x: ArrayLike<number>, a = 0, b = x.length): number {
  let s = 0;
  for (let i = a; i < b; i++) s += x[i] * x[i];
  return Math.sqrt(s / (b - a));
}

describe('noise generators', () => {
  it('give unit RMS, with the spectral tilt of their colour', () => {
    const slope = (x: Float32Array): number => {
      // Energy of the first difference over energy: high for white, low for brown.
      let d = 0;
      for (let i = 1; i < x.length; i++) d += (x[i] - x[i - 1]) ** 2;
      return d / x.length;
    };
    const w = makeNoise('white', 16000, mulberry32(1));
    const p = makeNoise('pink', 16000, mulberry32(1));
    const b = makeNoise('brown', 16000, mulberry32(1));
    for (const x of [w, p, b]) expect(rms(x)).toBeCloseTo(1, 5);
    expect(slope(w)).toBeGreaterThan(1.5);
    expect(slope(p)).toBeLessThan(slope(w));
    expect(slope(b)).toBeLessThan(slope(p));
    expect(Array.from(makeNoise('hum', 100, mulberry32(3)))).toEqual(Array.from(makeNoise('hum', 100, mulberry32(3))));
  });
});

describe.skipIf(!has)('espeak-ng keyword clips', () => {
  it('speaks a word at 16 kHz, trimmed, shorter than a second', () => {
    const w = speak('yes', 'en-us', 160, 50);
    expect(w.length).toBeGreaterThan(2000);
    expect(w.length).toBeLessThan(CLIP_SAMPLES);
    expect(Math.abs(w[0])).toBeLessThan(2000);
    expect(rms(w)).toBeGreaterThan(500);
    // Cached: the same samples again.
    expect(Array.from(speak('yes', 'en-us', 160, 50))).toEqual(Array.from(w));
    // Another voice sounds different.
    expect(Array.from(speak('yes', 'en+f3', 160, 50)).slice(0, 2000)).not.toEqual(Array.from(w).slice(0, 2000));
  });

  it('places the word at its onset with the asked SNR', () => {
    for (const snrDb of [0, 10, 20]) {
      const c = makeClip({ label: 'yes', voice: 'en', snrDb, noise: 'white', rand: mulberry32(snrDb + 5) });
      expect(c.samples.length).toBe(CLIP_SAMPLES);
      const before = c.onset > 1600 ? rms(c.samples, 0, c.onset - 200) : NaN;
      const word = rms(c.samples, c.onset, Math.min(CLIP_SAMPLES, c.onset + 3000));
      if (!Number.isNaN(before)) expect(20 * Math.log10(word / before)).toBeGreaterThan(snrDb - 6);
    }
  });

  it('makes a seeded dataset; written as CSV it reads back with the test voices as test ids, as WAV it imports', () => {
    const opts = { voices: ['en', 'en+f3'], seed: 4, clipsPerVoice: 2, snrsDb: [5, 20], noiseKinds: ['white', 'pink', 'hum'] as const };
    const a = synthKeywordDataset(opts).clips;
    const b = synthKeywordDataset(opts).clips;
    expect(a.length).toBe(2 * 4 * 2);
    expect(a.map((c) => Array.from(c.samples.subarray(0, 50)))).toEqual(b.map((c) => Array.from(c.samples.subarray(0, 50))));
    expect(new Set(a.map((c) => c.label))).toEqual(new Set(['yes', 'no', 'unknown', 'noise']));
    const dir = mkdtempSync(join(tmpdir(), 'kws-synth-'));
    writeKwsDataset(dir, a, { testVoices: ['en+f3'] });
    return readDatasetFolder(listInputFiles(dir)).then((res) => {
      expect(res.errors).toEqual([]);
      expect(res.recordings.length).toBe(a.length);
      expect(res.info.sampleRateHz).toBe(16000);
      const test = res.recordings.filter((r) => r.category === 'testing');
      expect(test.length).toBe(8);
      expect(test.every((r) => r.name.includes('en_f3'))).toBe(true);
      const wavDir = mkdtempSync(join(tmpdir(), 'kws-synth-wav-'));
      writeKwsDataset(wavDir, a.slice(0, 2), { format: 'wav' });
      const f = readdirSync(join(wavDir, 'training'))[0];
      const rec = parseWav(f, new Uint8Array(readFileSync(join(wavDir, 'training', f))));
      expect(rec.axes[0].units).toBe('int16');
      expect(Array.from(rec.values.subarray(0, 100))).toEqual(Array.from(a.find((c) => rec.name.startsWith(c.label))!.samples.subarray(0, 100)));
    });
  });

  it('builds a long track with its ground-truth onsets, words apart', () => {
    const t = synthLongTrack({ minutes: 0.25, keywordsPerMinute: 8, seed: 1, voices: ['en', 'en-us'], noiseKinds: ['pink', 'hum'] });
    expect(t.samples.length).toBe(0.25 * 60 * 16000);
    const kw = t.events.filter((e) => e.label !== 'unknown');
    expect(kw.length).toBe(2);
    expect(t.events.length).toBe(4);
    for (let i = 1; i < t.events.length; i++) expect(t.events[i].onset).toBeGreaterThanOrEqual(t.events[i - 1].end + 16000);
    for (const e of t.events) expect(rms(t.samples, e.onset, e.end)).toBeGreaterThan(rms(t.samples, Math.max(0, e.onset - 8000), e.onset - 1000));
  });
});
