/**
 * A mono 16-bit PCM WAV file (test-only): what Chromium's fake microphone
 * (--use-file-for-fake-audio-capture) plays and what the studio imports. The app's own WAV
 * export writes 32-bit float (src/data/io/wav.ts); these fixtures need integer PCM.
 */

/** `frames` samples at `rate` Hz; `sample(i)` in int16 units, rounded and clamped to −32768…32767. */
export function pcm16Wav(rate: number, frames: number, sample: (i: number) => number): Buffer {
  const buf = Buffer.alloc(44 + 2 * frames);
  buf.write('RIFF', 0, 'latin1');
  buf.writeUInt32LE(36 + 2 * frames, 4);
  buf.write('WAVEfmt ', 8, 'latin1');
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20); // PCM
  buf.writeUInt16LE(1, 22); // mono
  buf.writeUInt32LE(rate, 24);
  buf.writeUInt32LE(rate * 2, 28);
  buf.writeUInt16LE(2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36, 'latin1');
  buf.writeUInt32LE(2 * frames, 40);
  for (let i = 0; i < frames; i++) buf.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(sample(i)))), 44 + 2 * i);
  return buf;
}
