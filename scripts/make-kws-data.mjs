#!/usr/bin/env node
// Synthesized keyword-spotting data (espeak-ng, no internet), written in the common dataset layout.
//   node --import tsx scripts/make-kws-data.mjs --out DIR [--format csv|wav] [--seed N] [--clips N]
//        [--voices en,en-us,...] [--test-voices en+f3,...] [--snr 0,5,10,20]
//        [--long-minutes M [--keywords-per-minute K]]   (also writes long.wav + long-events.json)
// CSV (default) is what `tinyml train --data DIR` reads; WAV files (training/ and testing/ folders)
// are what the app's importer reads. See tests/support/kws/synth.ts.
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ALL_VOICES, ESPEAK_MISSING, espeakAvailable, synthKeywordDataset, synthLongTrack, writeKwsDataset, KWS_RATE_HZ } from '../tests/support/kws/synth.ts';
import { writeWav } from '../src/data/io/wav.ts';

const { values: v } = parseArgs({
  options: {
    out: { type: 'string' },
    format: { type: 'string', default: 'csv' },
    seed: { type: 'string', default: '0' },
    clips: { type: 'string', default: '10' },
    voices: { type: 'string' },
    'test-voices': { type: 'string', default: '' },
    snr: { type: 'string', default: '0,5,10,20' },
    'long-minutes': { type: 'string' },
    'keywords-per-minute': { type: 'string', default: '6' },
  },
});
if (!v.out || (v.format !== 'csv' && v.format !== 'wav')) {
  console.error('usage: node --import tsx scripts/make-kws-data.mjs --out DIR [--format csv|wav] [--seed N] [--clips N] [--voices a,b] [--test-voices c] [--snr 0,5,10,20] [--long-minutes M]');
  process.exit(2);
}
if (!espeakAvailable()) {
  console.error(ESPEAK_MISSING);
  process.exit(1);
}
const list = (s) => s.split(',').map((x) => x.trim()).filter(Boolean);
const testVoices = list(v['test-voices']);
const voices = [...new Set([...(v.voices ? list(v.voices) : ALL_VOICES), ...testVoices])];
const seed = Number(v.seed);
const { clips } = synthKeywordDataset({ voices, seed, clipsPerVoice: Number(v.clips), snrsDb: list(v.snr).map(Number) });
const files = writeKwsDataset(v.out, clips, { format: v.format, testVoices });
console.log(`wrote ${files.length} files to ${v.out} (${clips.length} clips, ${voices.length} voices${testVoices.length ? `, test voices ${testVoices.join(' ')}` : ''})`);
if (v['long-minutes']) {
  const t = synthLongTrack({ minutes: Number(v['long-minutes']), keywordsPerMinute: Number(v['keywords-per-minute']), seed, voices });
  mkdirSync(v.out, { recursive: true });
  writeFileSync(join(v.out, 'long.wav'), writeWav({ name: 'long', label: 'long', category: 'testing', axes: [{ name: 'audio', units: 'int16' }], intervalMs: 1000 / KWS_RATE_HZ, values: Float32Array.from(t.samples) }));
  writeFileSync(join(v.out, 'long-events.json'), JSON.stringify({ rate_hz: t.rateHz, events: t.events }, null, 1) + '\n');
  console.log(`wrote long.wav (${v['long-minutes']} min, ${t.events.length} words) and long-events.json`);
}
