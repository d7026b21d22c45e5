/**
 * Keyword-spotting data without the internet: "yes", "no", other short words ("unknown") and noise,
 * synthesized with espeak-ng (Debian package `espeak-ng`) across voices, speeds and pitches, resampled
 * to 16 kHz int16 units, placed in one-second clips at a random offset and mixed with generated noise
 * at chosen SNRs. Node-only test support (child_process, fs); DOM-free.
 *
 * Everything random comes from the seeded PRNG (src/core/prng.ts), so a seed reproduces a dataset.
 * espeak's output is cached under `os.tmpdir()/tinyml-kws-cache/` keyed by (espeak version, voice,
 * word, speed, pitch), so tests do not re-run espeak each time. `espeakAvailable()` tells tests to skip
 * (with `ESPEAK_MISSING`) when espeak-ng is not installed.
 *
 * A "voice" is an espeak voice spec (`en-us`, `en+f3`, `en-gb-x-rp+m7`…); speed (words per minute) and
 * pitch (0–99) vary per clip within a voice. Held-out evaluation splits by voice, never by clip.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mulberry32, normalSource, randomInt } from '../../../src/core/prng.ts';
import { resampleAll } from '../../../src/device/mic/resampler.ts';
import type { RawRecording } from '../../../src/data/sample.ts';
import { AUDIO_UNITS, writeWav } from '../../../src/data/io/wav.ts';
import { writeDatasetFolder } from '../../../src/data/io/dataset-folder.ts';

export const KWS_RATE_HZ = 16_000;
export const CLIP_SAMPLES = KWS_RATE_HZ;
export const ESPEAK = process.env.ESPEAK_NG ?? 'espeak-ng';
export const ESPEAK_MISSING = 'espeak-ng is not installed (apt-get install espeak-ng); keyword synthesis skipped';

/** The keywords. */
export const KEYWORDS = ['yes', 'no'] as const;
/** Other short words, the "unknown" label (none rhymes closely with yes/no). */
export const UNKNOWN_WORDS = ['up', 'down', 'left', 'right', 'stop', 'on', 'off', 'one', 'two', 'three', 'four', 'cat', 'dog', 'bird', 'tree', 'house', 'wow', 'happy', 'seven'];
export type KwsLabel = 'yes' | 'no' | 'unknown' | 'noise';
export const KWS_LABELS: KwsLabel[] = ['yes', 'no', 'unknown', 'noise'];


/**
 * A standard split by voice: the test voices' variants (speaker models) never occur in training,
 * so held-out accuracy is accuracy on new speakers (accents may repeat).
 */
const ACCENTS = ['en', 'en-us', 'en-gb-x-rp', 'en-gb-scotland', 'en-029', 'en-gb-x-gbcwmd'];
/** espeak variants (speaker models) used for training; lower-case file names only (capitalised ones fall back to the default voice). */
const TRAIN_VARIANTS = [
  '', 'f1', 'f2', 'f4', 'f5', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm8', 'klatt', 'klatt2', 'klatt3', 'david', 'adam', 'benjamin', 'edward', 'max',
  'paul', 'rob', 'steph', 'travis', 'victor', 'zac', 'aunty', 'grandma', 'grandpa', 'quincy', 'robert', 'shelby', 'norbert', 'gustave', 'linda', 'ed', 'caleb', 'boris', 'iven', 'antonio',
];
export const KWS_TRAIN_VOICES: readonly string[] = TRAIN_VARIANTS.map((v, i) => `${ACCENTS[i % ACCENTS.length]}${v ? `+${v}` : ''}`);
export const KWS_TEST_VOICES: readonly string[] = ['en+f3', 'en-us+m7', 'en-gb-x-gbclan+belinda', 'en-029+john'];
/** Every voice of the split. */
export const ALL_VOICES: readonly string[] = [...KWS_TRAIN_VOICES, ...KWS_TEST_VOICES];

/** The accuracy test's and the benchmark's set: clips per (voice, label) and SNRs, with the voices above. */
export const KWS_BENCH_SET = { clipsPerVoice: 6, testClipsPerVoice: 10, snrsDb: [5, 10, 20], testSnrsDb: [10, 20] } as const;

export const SPEEDS_WPM = [120, 145, 170, 195] as const;
export const PITCHES = [20, 35, 50, 65, 80] as const;

export type NoiseKind = 'white' | 'pink' | 'brown' | 'hum' | 'babble';
export const NOISE_KINDS: NoiseKind[] = ['white', 'pink', 'brown', 'hum', 'babble'];

export interface KwsClip {
  label: KwsLabel;
  /** The espeak voice spec ('' for noise clips). */
  voice: string;
  /** The word spoken ('' for noise clips). */
  word: string;
  noise: NoiseKind;
  /** SNR of the word over the noise, dB (NaN for noise clips). */
  snrDb: number;
  /** Where the word starts, samples. */
  onset: number;
  samples: Int16Array;
}

let espeakState: { ok: boolean; version: string } | undefined;

/** True when espeak-ng runs here. */
export function espeakAvailable(): boolean {
  return espeakInfo().ok;
}

function espeakInfo(): { ok: boolean; version: string } {
  if (!espeakState) {
    const r = spawnSync(ESPEAK, ['--version'], { encoding: 'utf8' });
    espeakState = r.status === 0 ? { ok: true, version: r.stdout.trim() } : { ok: false, version: '' };
  }
  return espeakState;
}

export const CACHE_DIR = join(tmpdir(), 'tinyml-kws-cache');

/** Reads espeak's streamed WAV (its RIFF sizes are placeholders): 16-bit mono PCM after the 44-byte header. */
function parseEspeakWav(b: Buffer): { rate: number; pcm: Int16Array } {
  if (b.length < 44 || b.toString('ascii', 0, 4) !== 'RIFF' || b.toString('ascii', 8, 12) !== 'WAVE') throw new Error('espeak-ng did not write a WAV file');
  const rate = b.readUInt32LE(24);
  const bits = b.readUInt16LE(34);
  if (bits !== 16 || b.readUInt16LE(22) !== 1) throw new Error(`espeak-ng wrote ${bits}-bit ${b.readUInt16LE(22)}-channel audio; 16-bit mono expected`);
  // Find the data chunk (espeak writes it at 36, but walk the chunks to be safe).
  let o = 12;
  while (o + 8 <= b.length && b.toString('ascii', o, o + 4) !== 'data') o += 8 + b.readUInt32LE(o + 4);
  const start = o + 8;
  const n = Math.floor((b.length - start) / 2);
  const pcm = new Int16Array(n);
  for (let i = 0; i < n; i++) pcm[i] = b.readInt16LE(start + 2 * i);
  return { rate, pcm };
}

/**
 * One word spoken by espeak-ng, at 16 kHz in int16 units with leading/trailing silence trimmed
 * (cached on disk). Throws when espeak-ng is missing.
 */
export function speak(word: string, voice: string, speedWpm: number, pitch: number): Int16Array {
  const info = espeakInfo();
  if (!info.ok) throw new Error(ESPEAK_MISSING);
  const key = createHash('sha256').update(JSON.stringify([info.version, voice, word, speedWpm, pitch, KWS_RATE_HZ, 1])).digest('hex').slice(0, 24);
  const file = join(CACHE_DIR, `${key}.i16`);
  if (existsSync(file)) {
    const b = readFileSync(file);
    return new Int16Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  }
  const r = spawnSync(ESPEAK, ['-v', voice, '-s', String(speedWpm), '-p', String(pitch), '--stdout', word], { maxBuffer: 16 << 20 });
  if (r.status !== 0) throw new Error(`espeak-ng -v ${voice} failed: ${r.stderr?.toString().trim()}`);
  const { rate, pcm } = parseEspeakWav(r.stdout);
  const y = resampleAll(pcm, rate, KWS_RATE_HZ);
  const out = trimSilence(y);
  mkdirSync(CACHE_DIR, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, Buffer.from(out.buffer, out.byteOffset, out.byteLength));
  renameSync(tmp, file);
  return out;
}

/** Drops leading and trailing samples quieter than 1 % of the peak (keeping 10 ms either side). */
function trimSilence(y: Float32Array): Int16Array {
  let peak = 0;
  for (const v of y) peak = Math.max(peak, Math.abs(v));
  const th = peak * 0.01;
  let a = 0;
  let b = y.length - 1;
  while (a < b && Math.abs(y[a]) <= th) a++;
  while (b > a && Math.abs(y[b]) <= th) b--;
  const pad = KWS_RATE_HZ / 100;
  a = Math.max(0, a - pad);
  b = Math.min(y.length - 1, b + pad);
  const out = new Int16Array(b - a + 1);
  for (let i = 0; i < out.length; i++) out[i] = Math.max(-32768, Math.min(32767, Math.round(y[a + i])));
  return out;
}

function rms(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return Math.sqrt(s / Math.max(1, x.length));
}

/**
 * `n` samples of unit-RMS noise of a kind. White: Gaussian. Pink: Paul Kellet's economy filter over
 * white. Brown: leaky integral of white. Hum: mains at 50 or 60 Hz with odd/even harmonics plus a
 * little white. Babble: several espeak words from `babbleVoices` overlapped at random offsets (falls
 * back to amplitude-modulated pink noise when espeak is missing).
 */
export function makeNoise(kind: NoiseKind, n: number, rand: () => number, babbleVoices: readonly string[] = ALL_VOICES): Float32Array {
  const g = normalSource(rand);
  const x = new Float32Array(n);
  if (kind === 'white') for (let i = 0; i < n; i++) x[i] = g();
  else if (kind === 'pink' || (kind === 'babble' && !espeakAvailable())) {
    let b0 = 0, b1 = 0, b2 = 0;
    for (let i = 0; i < n; i++) {
      const w = g();
      b0 = 0.99765 * b0 + w * 0.099046;
      b1 = 0.963 * b1 + w * 0.2965164;
      b2 = 0.57 * b2 + w * 1.0526913;
      x[i] = b0 + b1 + b2 + w * 0.1848;
    }
    if (kind === 'babble') {
      const f = 2 + 4 * rand();
      for (let i = 0; i < n; i++) x[i] *= 0.6 + 0.4 * Math.sin((2 * Math.PI * f * i) / KWS_RATE_HZ);
    }
  } else if (kind === 'brown') {
    let v = 0;
    for (let i = 0; i < n; i++) {
      v = 0.998 * v + g();
      x[i] = v;
    }
  } else if (kind === 'hum') {
    const f0 = rand() < 0.5 ? 50 : 60;
    const ph = [rand(), rand(), rand(), rand()].map((p) => p * 2 * Math.PI);
    const amps = [1, 0.5 * rand(), 0.6 * rand(), 0.3 * rand()];
    for (let i = 0; i < n; i++) {
      const t = i / KWS_RATE_HZ;
      let v = 0.05 * g();
      for (let h = 0; h < 4; h++) v += amps[h] * Math.sin(2 * Math.PI * f0 * (h + 1) * t + ph[h]);
      x[i] = v;
    }
  } else {
    // Babble: excerpts of a 10 s bank of 10 overlapping talkers (unknown words only, so no keyword
    // hides in the noise), read from a random offset, wrapping around.
    const bank = babbleBank(babbleVoices);
    let at = randomInt(rand, bank.length);
    for (let i = 0; i < n; i++, at++) x[i] = bank[at % bank.length] + 0.02 * g();
  }
  const r = rms(x) || 1;
  for (let i = 0; i < n; i++) x[i] /= r;
  return x;
}

const babbleBanks = new Map<string, Float32Array>();

/** 10 s of ten talkers saying unknown words, one after another each, at normal speed and pitch: a murmur, no single word stands out. */
function babbleBank(voices: readonly string[]): Float32Array {
  const key = voices.join(',');
  let bank = babbleBanks.get(key);
  if (bank) return bank;
  const n = 10 * KWS_RATE_HZ;
  bank = new Float32Array(n);
  const rand = mulberry32(hashString(key));
  for (let k = 0; k < 10; k++) {
    let at = randomInt(rand, KWS_RATE_HZ / 2);
    const voice = voices[(k * 7) % voices.length];
    while (at < n) {
      const w = speak(UNKNOWN_WORDS[randomInt(rand, UNKNOWN_WORDS.length)], voice, 160, 50);
      const gain = (0.5 + rand()) / 32768;
      for (let i = 0; i < w.length; i++) bank[(at + i) % n] += gain * w[i];
      at += w.length + randomInt(rand, KWS_RATE_HZ / 8);
    }
  }
  babbleBanks.set(key, bank);
  return bank;
}

function toInt16(x: Float32Array): Int16Array {
  const out = new Int16Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = Math.max(-32768, Math.min(32767, Math.round(x[i])));
  return out;
}

/** Speech RMS over the word's loud part (frames above 10 % of the loudest 20 ms frame's RMS). */
function activeRms(w: Int16Array): number {
  const f = KWS_RATE_HZ / 50;
  const frames: number[] = [];
  for (let i = 0; i + f <= w.length; i += f) frames.push(rms(w.subarray(i, i + f)));
  if (!frames.length) return rms(w);
  const top = Math.max(...frames);
  const act = frames.filter((v) => v >= 0.1 * top);
  return Math.sqrt(act.reduce((s, v) => s + v * v, 0) / act.length);
}

export interface ClipOptions {
  label: KwsLabel;
  voice: string;
  word?: string;
  snrDb: number;
  noise: NoiseKind;
  rand: () => number;
  babbleVoices?: readonly string[];
  /**
   * How far the word's centre may move from the clip's centre, seconds (uniform, ± this; clamped so
   * the word fits). Default 0.2: like a person prompted by a count-down, not anywhere in the second.
   */
  jitterS?: number;
}

/**
 * One 1 s clip: the word at a random level (speech RMS 500–4000 int16 units, −36 to −18 dBFS, a
 * microphone's range for speech at arm's length) and a random offset
 * around the centre, plus noise at `snrDb` (noise clips: noise only, RMS 30–3000).
 */
export function makeClip(o: ClipOptions): KwsClip {
  const { rand } = o;
  const n = CLIP_SAMPLES;
  const noise = makeNoise(o.noise, n, rand, o.babbleVoices);
  if (o.label === 'noise') {
    const level = 30 * Math.pow(100, rand());
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = level * noise[i];
    return { label: 'noise', voice: '', word: '', noise: o.noise, snrDb: NaN, onset: 0, samples: toInt16(x) };
  }
  const word = o.word ?? (o.label === 'unknown' ? UNKNOWN_WORDS[randomInt(rand, UNKNOWN_WORDS.length)] : o.label);
  const w = speak(word, o.voice, SPEEDS_WPM[randomInt(rand, SPEEDS_WPM.length)], PITCHES[randomInt(rand, PITCHES.length)]);
  const level = 500 * Math.pow(8, rand());
  const gain = level / (activeRms(w) || 1);
  const len = Math.min(w.length, n);
  const slack = (n - len) / 2;
  const jitter = Math.min(slack, (o.jitterS ?? 0.2) * KWS_RATE_HZ);
  const onset = Math.round(slack + (2 * rand() - 1) * jitter);
  const noiseRms = level / Math.pow(10, o.snrDb / 20);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = noiseRms * noise[i];
  for (let i = 0; i < len; i++) x[onset + i] += gain * w[i];
  return { label: o.label, voice: o.voice, word, noise: o.noise, snrDb: o.snrDb, onset, samples: toInt16(x) };
}

export interface KwsDatasetOptions {
  voices: readonly string[];
  seed: number;
  /** Clips per (voice, label); noise clips: this many per voice too. */
  clipsPerVoice: number;
  snrsDb: readonly number[];
  labels?: readonly KwsLabel[];
  noiseKinds?: readonly NoiseKind[];
  /** Voices for babble noise (default: the same voices, so held-out voices stay unheard). */
  babbleVoices?: readonly string[];
  /** Word placement jitter around the clip centre, seconds (see ClipOptions.jitterS). */
  jitterS?: number;
}

/** yes / no / unknown / noise clips for every voice, `clipsPerVoice` of each label. */
export function synthKeywordDataset(o: KwsDatasetOptions): { clips: KwsClip[] } {
  const labels = o.labels ?? KWS_LABELS;
  const kinds = o.noiseKinds ?? NOISE_KINDS;
  const clips: KwsClip[] = [];
  o.voices.forEach((voice, vi) => {
    // One stream per voice: adding a voice does not change the others' clips.
    const rand = mulberry32((o.seed * 7919 + vi * 104729 + hashString(voice)) >>> 0);
    for (const label of labels) {
      for (let k = 0; k < o.clipsPerVoice; k++) {
        clips.push(makeClip({ label, voice, snrDb: o.snrsDb[(k + vi) % o.snrsDb.length], noise: kinds[randomInt(rand, kinds.length)], rand, babbleVoices: o.babbleVoices ?? o.voices, jitterS: o.jitterS }));
        if (label === 'noise') clips[clips.length - 1].voice = voice;
      }
    }
  });
  return { clips };
}

function hashString(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** A voice spec as a file-name-safe id part. */
export function voiceId(v: string): string {
  return v.replace(/[^A-Za-z0-9]+/g, '_');
}

/** The clips as recordings (axis `audio`, int16 units, 16 kHz), named `<label>.<voice>_<n>`. */
export function clipsToRecordings(clips: readonly KwsClip[], testVoices: readonly string[] = []): RawRecording[] {
  const count = new Map<string, number>();
  return clips.map((c) => {
    const stem = `${c.label}.${voiceId(c.voice || 'noise')}_`;
    const n = (count.get(stem) ?? 0) + 1;
    count.set(stem, n);
    return {
      name: `${stem}${n}`,
      label: c.label,
      category: testVoices.includes(c.voice) ? 'testing' : 'training',
      axes: [{ name: 'audio', units: AUDIO_UNITS }],
      intervalMs: 1000 / KWS_RATE_HZ,
      values: Float32Array.from(c.samples),
    };
  });
}

/**
 * Writes the clips to `outDir` in the common dataset layout: `<label>.<id>.csv` + dataset.json (what
 * `tinyml train --data` reads; clips of `testVoices` listed as test_ids), or `<label>.<id>.wav` files
 * (what the app's importer reads; smaller). Returns the file names written.
 */
export function writeKwsDataset(outDir: string, clips: readonly KwsClip[], opts: { format?: 'csv' | 'wav'; testVoices?: readonly string[]; name?: string } = {}): string[] {
  const recs = clipsToRecordings(clips, opts.testVoices);
  mkdirSync(outDir, { recursive: true });
  const names: string[] = [];
  if (opts.format === 'wav') {
    for (const r of recs) {
      const sub = r.category === 'testing' ? 'testing' : 'training';
      mkdirSync(join(outDir, sub), { recursive: true });
      writeFileSync(join(outDir, sub, `${r.name}.wav`), writeWav(r));
      names.push(`${sub}/${r.name}.wav`);
    }
    return names;
  }
  for (const f of writeDatasetFolder(recs, { name: opts.name ?? 'kws-synth' })) {
    writeFileSync(join(outDir, f.name), f.data);
    names.push(f.name);
  }
  return names;
}

/**
 * A dataset folder for `tinyml train`, cached under the tmp dir by its parameters: written once,
 * re-used by later calls. Returns its path.
 */
export function cachedKwsDatasetDir(o: KwsDatasetOptions & { testVoices?: readonly string[]; format?: 'csv' | 'wav' }): string {
  const key = createHash('sha256').update(JSON.stringify([espeakInfo().version, o, 2])).digest('hex').slice(0, 20);
  const dir = join(CACHE_DIR, `dataset-${key}`);
  if (existsSync(join(dir, '.done'))) return dir;
  const tmp = `${dir}.${process.pid}.tmp`;
  writeKwsDataset(tmp, synthKeywordDataset(o).clips, { format: o.format, testVoices: o.testVoices });
  writeFileSync(join(tmp, '.done'), '');
  try {
    renameSync(tmp, dir);
  } catch {
    // Another process made it first.
  }
  return dir;
}

export interface KwsEvent {
  label: 'yes' | 'no' | 'unknown';
  word: string;
  voice: string;
  /** First sample of the word in the track. */
  onset: number;
  /** One past its last sample. */
  end: number;
  snrDb: number;
}

export interface LongTrackOptions {
  minutes: number;
  /** Keywords (yes/no) per minute; as many unknown words are placed as distractors. */
  keywordsPerMinute: number;
  seed: number;
  voices: readonly string[];
  snrsDb?: readonly number[];
  noiseKinds?: readonly NoiseKind[];
  /** Distractor words per minute (default: keywordsPerMinute). */
  unknownPerMinute?: number;
}

/**
 * A long 16 kHz track of background noise (the kind changes every 5–20 s, its level drifts) with
 * keywords and distractor words at random non-overlapping times (≥ 1 s apart), for false activations
 * per hour and missed keywords. `events` is the ground truth, in time order.
 */
export function synthLongTrack(o: LongTrackOptions): { samples: Int16Array; rateHz: number; events: KwsEvent[] } {
  const rand = mulberry32((o.seed * 2654435761) >>> 0);
  const n = Math.round(o.minutes * 60 * KWS_RATE_HZ);
  const snrs = o.snrsDb ?? [5, 10, 20];
  const kinds = o.noiseKinds ?? NOISE_KINDS;
  const x = new Float32Array(n);
  // Background in segments with 50 ms cross-fades.
  const fade = KWS_RATE_HZ / 20;
  let pos = 0;
  while (pos < n) {
    const len = Math.min(n - pos, Math.round((5 + 15 * rand()) * KWS_RATE_HZ));
    const level = 20 * Math.pow(10, rand());
    const seg = makeNoise(kinds[randomInt(rand, kinds.length)], len + fade, rand, o.voices);
    for (let i = 0; i < seg.length && pos + i < n; i++) {
      const wIn = pos > 0 && i < fade ? i / fade : 1;
      const wOut = i >= len ? 1 - (i - len) / fade : 1;
      x[pos + i] += level * seg[i] * wIn * wOut;
    }
    pos += len;
  }
  const nKw = Math.round(o.minutes * o.keywordsPerMinute);
  const nUnk = Math.round(o.minutes * (o.unknownPerMinute ?? o.keywordsPerMinute));
  const kinds3: KwsEvent['label'][] = [...Array(nKw).fill('kw'), ...Array(nUnk).fill('unknown')].map((k) => (k === 'kw' ? (rand() < 0.5 ? 'yes' : 'no') : 'unknown'));
  const events: KwsEvent[] = [];
  const gap = KWS_RATE_HZ; // at least 1 s of background between words
  for (const label of kinds3) {
    const voice = o.voices[randomInt(rand, o.voices.length)];
    const word = label === 'unknown' ? UNKNOWN_WORDS[randomInt(rand, UNKNOWN_WORDS.length)] : label;
    const w = speak(word, voice, SPEEDS_WPM[randomInt(rand, SPEEDS_WPM.length)], PITCHES[randomInt(rand, PITCHES.length)]);
    for (let attempt = 0; attempt < 200; attempt++) {
      const onset = gap + randomInt(rand, Math.max(1, n - w.length - 2 * gap));
      const end = onset + w.length;
      if (events.some((e) => onset < e.end + gap && end + gap > e.onset)) continue;
      const snrDb = snrs[randomInt(rand, snrs.length)];
      // The background's RMS around the word sets the word's level for the SNR.
      const bg = rms(x.subarray(Math.max(0, onset - gap), Math.min(n, end + gap)));
      const gain = (bg * Math.pow(10, snrDb / 20)) / (activeRms(w) || 1);
      for (let i = 0; i < w.length; i++) x[onset + i] += gain * w[i];
      events.push({ label, word, voice, onset, end, snrDb });
      break;
    }
  }
  events.sort((a, b) => a.onset - b.onset);
  return { samples: toInt16(x), rateHz: KWS_RATE_HZ, events };
}

/**
 * The accuracy test's and the benchmark's recordings: KWS_BENCH_SET.clipsPerVoice clips per label for
 * every training voice at snrsDb (category training), testClipsPerVoice per label for every held-out
 * voice at `testSnrsDb` (category testing); babble only from training voices.
 */
export function kwsBenchRecordings(seed = 0, testSnrsDb: readonly number[] = KWS_BENCH_SET.testSnrsDb): RawRecording[] {
  const b = KWS_BENCH_SET;
  const train = synthKeywordDataset({ voices: KWS_TRAIN_VOICES, seed, clipsPerVoice: b.clipsPerVoice, snrsDb: b.snrsDb, babbleVoices: KWS_TRAIN_VOICES }).clips;
  const test = synthKeywordDataset({ voices: KWS_TEST_VOICES, seed: seed + 1000, clipsPerVoice: b.testClipsPerVoice, snrsDb: testSnrsDb, babbleVoices: KWS_TRAIN_VOICES }).clips;
  return clipsToRecordings([...train, ...test], KWS_TEST_VOICES);
}
