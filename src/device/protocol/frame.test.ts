import { describe, expect, it } from 'vitest';
import { cobsDecode, cobsEncode } from './cobs.ts';
import { crc32, crc32Update } from '../../core/crc.ts';
import { FrameDecoder, MAX_ENCODED_FRAME, decodeFrames, encodeFrame } from './frame.ts';
import { MAX_PAYLOAD, MsgType, SampleFormat } from './ids.ts';
import { decodeSamples, encodeSamples } from './messages.ts';
import { concat, prng, randomBytes } from './test-support/prng.ts';

describe('crc32', () => {
  it('matches the CRC-32/IEEE check value and continues across pieces', () => {
    const b = new TextEncoder().encode('123456789');
    expect(crc32(b)).toBe(0xcbf43926);
    expect(crc32Update(crc32(b.subarray(0, 4)), b.subarray(4))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });
});

describe('cobs', () => {
  it('encodes known vectors and round-trips random blocks', () => {
    // vectors worked out by hand from the COBS definition
    expect([...cobsEncode(new Uint8Array([0]))]).toEqual([1, 1]);
    expect([...cobsEncode(new Uint8Array([0x11, 0x22, 0, 0x33]))]).toEqual([3, 0x11, 0x22, 2, 0x33]);
    expect([...cobsEncode(new Uint8Array(0))]).toEqual([1]);
    const ff = new Uint8Array(254).fill(7);
    expect([...cobsEncode(ff)]).toEqual([0xff, ...ff, 1]);
    const rand = prng(1);
    for (let i = 0; i < 300; i++) {
      const d = randomBytes(rand, Math.floor(rand() * 700));
      if (i % 2) for (let k = 0; k < d.length; k += 3) d[k] = 0;
      const e = cobsEncode(d);
      expect(e.includes(0)).toBe(false);
      expect(cobsDecode(e)).toEqual(d);
    }
    expect(cobsDecode(new Uint8Array([5, 1, 2]))).toBeNull();
    expect(cobsDecode(new Uint8Array([2, 0]))).toBeNull();
  });
});

describe('frames', () => {
  it('round-trips through the decoder at every split point', () => {
    const frames = [encodeFrame(1, 0), encodeFrame(0x82, 200, randomBytes(prng(2), 600)), encodeFrame(5, 255, new Uint8Array(MAX_PAYLOAD))];
    const all = concat(frames);
    for (let k = 0; k <= all.length; k += 7) {
      const d = new FrameDecoder();
      const got = [...d.push(all.subarray(0, k)).frames, ...d.push(all.subarray(k)).frames];
      expect(got.map((f) => [f.type, f.seq, f.payload.length])).toEqual([[1, 0, 0], [0x82, 200, 600], [5, 255, MAX_PAYLOAD]]);
      expect(d.pending).toBe(0);
    }
    expect(() => encodeFrame(1, 1, new Uint8Array(MAX_PAYLOAD + 1))).toThrow(RangeError);
  });

  it('resynchronises after garbage and bounds memory on endless bytes', () => {
    const good = encodeFrame(3, 9, new Uint8Array([1, 2, 3]));
    const r = decodeFrames(concat([new Uint8Array([1, 2, 3, 0]), new Uint8Array(5000).fill(0x55), new Uint8Array([0]), good, new Uint8Array([9, 9])]));
    expect(r.frames).toHaveLength(1);
    expect(r.errors.map((e) => e.kind)).toEqual(['short', 'overflow']);
    expect([...r.leftover]).toEqual([9, 9]);
    const d = new FrameDecoder();
    d.push(new Uint8Array(100_000).fill(1));
    expect(d.pending).toBe(0);
    expect(MAX_ENCODED_FRAME).toBeLessThan(1100);
  });

  it('fuzz: corruption, truncation, duplication and garbage never yield a wrong sample', () => {
    const rand = prng(42);
    const value = (k: number, a: number) => Math.fround(Math.sin(k * 0.37 + a) * 4);
    let accepted = 0, dupes = 0, corruptedSent = 0;
    const seen = new Set<number>();
    const d = new FrameDecoder();
    const t0 = Date.now();
    for (let batch = 0; batch < 4000; batch++) {
      const counter = batch * 4;
      const vals: number[] = [];
      for (let i = 0; i < 4; i++) for (let a = 0; a < 3; a++) vals.push(value(counter + i, a));
      let f = encodeFrame(MsgType.SAMPLES, batch & 0xff, encodeSamples({ counter, axes: 3, format: SampleFormat.FLOAT32, values: vals }));
      const r = rand();
      if (r < 0.25) {
        f = f.slice();
        const flips = 1 + Math.floor(rand() * 4);
        for (let j = 0; j < flips; j++) f[Math.floor(rand() * f.length)] ^= 1 + Math.floor(rand() * 255);
        corruptedSent++;
      } else if (r < 0.3) {
        f = f.subarray(0, Math.floor(rand() * f.length));
      } else if (r < 0.35) {
        f = concat([f, f]);
      } else if (r < 0.4) {
        f = concat([randomBytes(rand, Math.floor(rand() * 80)), f]);
      } else if (r < 0.42) {
        const cut = Math.floor(rand() * f.length);
        f = concat([f.subarray(0, cut), f.subarray(cut + 1)]);
      }
      // deliver in random pieces
      for (let i = 0; i < f.length; ) {
        const n = 1 + Math.floor(rand() * 40);
        for (const fr of d.push(f.subarray(i, i + n)).frames) {
          expect(fr.type).toBe(MsgType.SAMPLES);
          const s = decodeSamples(fr.payload);
          for (let k = 0; k < s.frames; k++) for (let a = 0; a < 3; a++) expect(s.values[k * 3 + a]).toBe(value(s.counter + k, a));
          if (seen.has(s.counter)) dupes++;
          seen.add(s.counter);
          accepted++;
        }
        i += n;
      }
    }
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect(corruptedSent).toBeGreaterThan(800);
    expect(accepted).toBeGreaterThan(2400);
    expect(dupes).toBeGreaterThan(50);
  });
});
