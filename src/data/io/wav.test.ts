import { describe, it, expect } from 'vitest';
import { parseWav, writeWav } from './wav.ts';
import { makeRecording, mulberry32, sameBits } from './test-fixtures.ts';

/** A PCM WAV written by hand (format tag, channel count, bits) for the reader tests. */
function pcmWav(format: number, bits: number, channels: number, rate: number, samples: number[], extensible = false): Uint8Array {
  const bytes = bits / 8;
  const fmtSize = extensible ? 40 : 16;
  const dataBytes = samples.length * bytes;
  const out = new Uint8Array(12 + 8 + fmtSize + 8 + dataBytes + 10);
  const dv = new DataView(out.buffer);
  const put = (o: number, s: string): void => s.split('').forEach((c, i) => (out[o + i] = c.charCodeAt(0)));
  put(0, 'RIFF');
  put(8, 'WAVE');
  put(12, 'fmt ');
  dv.setUint32(16, fmtSize, true);
  dv.setUint16(20, extensible ? 0xfffe : format, true);
  dv.setUint16(22, channels, true);
  dv.setUint32(24, rate, true);
  dv.setUint16(32, channels * bytes, true);
  dv.setUint16(34, bits, true);
  if (extensible) dv.setUint16(20 + 24, format, true); // sub-format GUID starts 24 bytes into fmt
  let p = 20 + fmtSize;
  put(p, 'data');
  dv.setUint32(p + 4, dataBytes, true);
  p += 8;
  for (const s of samples) {
    if (format === 3) dv.setFloat32(p, s, true);
    else if (bits === 8) dv.setUint8(p, s + 128);
    else if (bits === 16) dv.setInt16(p, s, true);
    else if (bits === 24) {
      dv.setUint8(p, s & 0xff);
      dv.setUint8(p + 1, (s >> 8) & 0xff);
      dv.setUint8(p + 2, (s >> 16) & 0xff);
    } else dv.setInt32(p, s, true);
    p += bytes;
  }
  return out.subarray(0, p);
}

describe('WAV', () => {
  it('reads 8/16/24/32-bit PCM and float into int16 units, as the microphone records and the audio blocks expect', () => {
    expect(Array.from(parseWav('yes.1.wav', pcmWav(1, 8, 1, 8000, [-128, 0, 64])).values)).toEqual([-32768, 0, 16384]);
    const r16 = parseWav('yes.1.wav', pcmWav(1, 16, 2, 16000, [-32768, 16384, 0, 32767]));
    expect(r16.axes).toEqual([{ name: 'audio0', units: 'int16' }, { name: 'audio1', units: 'int16' }]);
    expect(Array.from(r16.values)).toEqual([-32768, 16384, 0, 32767]);
    expect(r16.intervalMs).toBe(1000 / 16000);
    expect(r16.label).toBe('yes');
    expect(Array.from(parseWav('a.wav', pcmWav(1, 24, 1, 16000, [-8388608, 4194304, -1])).values)).toEqual([-32768, 16384, -1 / 256]);
    expect(Array.from(parseWav('a.wav', pcmWav(1, 32, 1, 16000, [-2147483648, 1073741824])).values)).toEqual([-32768, 16384]);
    expect(Array.from(parseWav('a.wav', pcmWav(1, 16, 1, 16000, [16384], true)).values)).toEqual([16384]);
    expect(Array.from(parseWav('f.wav', pcmWav(3, 32, 1, 16000, [-1, 0.5])).values)).toEqual([-32768, 16384]);
  });

  it('round-trips int16-unit audio through a float32 WAV bit-exact (full scale in the file)', () => {
    const made = makeRecording('noise', 'w1', { axes: ['audio'], rateHz: 16000, frames: 4000, units: 'int16' });
    // Audio in int16 units, fractions included (a resampled microphone stream has them).
    const rec = { ...made, values: Float32Array.from(made.values, (_, i) => ((i * 7919) % 65536) - 32768 + (i % 4) / 8) };
    const file = writeWav(rec);
    const back = parseWav('noise.w1.wav', file);
    expect(sameBits(back.values, rec.values)).toBe(true);
    expect(back.intervalMs).toBe(rec.intervalMs);
    expect(back.axes).toEqual([{ name: 'audio', units: 'int16' }]);
    // In the file the values are full scale: int16 units divided by 32768.
    expect(new DataView(file.buffer, file.byteOffset).getFloat32(44, true)).toBe(Math.fround(rec.values[0] / 32768));
  });

  it('rejects garbage, truncation, unsupported formats and NaN with clear import errors', () => {
    const good = pcmWav(3, 32, 1, 16000, [0.1, 0.2, Number.NaN]);
    expect(() => parseWav('n.wav', good)).toThrow(/is NaN/);
    expect(() => parseWav('a.wav', pcmWav(2, 4, 1, 8000, [1]))).toThrow(expect.objectContaining({ code: 'bad-wav' }));
    const ok = pcmWav(1, 16, 1, 8000, [1, 2, 3, 4]);
    const rnd = mulberry32(5);
    for (let cut = 0; cut < ok.length; cut++) {
      try {
        const r = parseWav('t.wav', ok.slice(0, cut));
        expect(r.values.length).toBeGreaterThan(0);
      } catch (e) {
        expect(e).toMatchObject({ family: 'import', code: 'bad-wav' });
      }
    }
    for (let i = 0; i < 300; i++) {
      const junk = ok.slice();
      for (let k = 0; k < 4; k++) junk[Math.floor(rnd() * junk.length)] = Math.floor(rnd() * 256);
      try {
        parseWav('f.wav', junk);
      } catch (e) {
        expect(e).toMatchObject({ family: 'import' });
      }
    }
  });
});
