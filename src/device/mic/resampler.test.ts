import { describe, expect, it } from 'vitest';
import { Resampler, resampleAll } from './resampler.ts';

/** Amplitude of the f Hz component of x (least squares on sin and cos over whole samples). */
function toneAmplitude(x: Float32Array, f: number, rate: number): number {
  let ss = 0;
  let cc = 0;
  let sc = 0;
  let xs = 0;
  let xc = 0;
  for (let i = 0; i < x.length; i++) {
    const s = Math.sin((2 * Math.PI * f * i) / rate);
    const c = Math.cos((2 * Math.PI * f * i) / rate);
    ss += s * s;
    cc += c * c;
    sc += s * c;
    xs += x[i] * s;
    xc += x[i] * c;
  }
  const det = ss * cc - sc * sc;
  const a = (xs * cc - xc * sc) / det;
  const b = (xc * ss - xs * sc) / det;
  return Math.hypot(a, b);
}

function rms(x: Float32Array): number {
  let s = 0;
  for (const v of x) s += v * v;
  return Math.sqrt(s / x.length);
}

function tone(f: number, rate: number, seconds: number, amp = 0.5): Float32Array {
  const n = Math.round(rate * seconds);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = amp * Math.sin((2 * Math.PI * f * i) / rate + 0.3);
  return x;
}

/** Output of a steady tone, with the filter's start-up and the flushed tail cut off. */
function steady(f: number, inRate: number, outRate = 16000): Float32Array {
  const y = resampleAll(tone(f, inRate, 0.5), inRate, outRate);
  return y.subarray(400, y.length - 400);
}

const db = (r: number): number => 20 * Math.log10(r);

describe('Resampler (polyphase windowed sinc)', () => {
  for (const inRate of [48000, 44100]) {
    it(`${inRate} → 16000 Hz: passband tones keep their level within 0.02 dB`, () => {
      for (const f of [100, 440, 1000, 3170, 5000, 7000, 7190]) {
        const y = steady(f, inRate);
        expect(Math.abs(db(toneAmplitude(y, f, 16000) / 0.5)), `${f} Hz`).toBeLessThan(0.02);
      }
    });

    it(`${inRate} → 16000 Hz: tones at or above 8 kHz are ≥ 80 dB down (no aliasing)`, () => {
      for (const f of [8000, 8100, 9000, 12000, 15000, 20000, Math.floor(inRate / 2) - 50]) {
        const y = steady(f, inRate);
        // whatever is left, at any (folded) frequency, relative to the input tone's RMS
        expect(db(rms(y) / (0.5 / Math.SQRT2)), `${f} Hz`).toBeLessThan(-80);
      }
    });
  }

  it('reports its factors and the taps it needs', () => {
    const a = new Resampler(48000, 16000);
    expect([a.up, a.down]).toEqual([1, 3]);
    const b = new Resampler(44100, 16000);
    expect([b.up, b.down]).toEqual([160, 441]);
    expect(b.tapsPerPhase).toBeLessThan(400);
    expect(b.latencyOut).toBeGreaterThan(10);
  });

  it('gives the same output whatever the chunk sizes, and the right count', () => {
    const x = tone(1234, 44100, 0.3);
    const b0 = new Resampler(44100, 16000);
    const whole = b0.process(x);
    const r = new Resampler(44100, 16000);
    const parts: number[] = [];
    let i = 0;
    let k = 1;
    while (i < x.length) {
      const n = Math.min(x.length - i, (k * 37) % 300); // 37, 74, … includes 0-length chunks
      for (const v of r.process(x.subarray(i, i + n))) parts.push(v);
      i += n;
      k++;
    }
    expect(parts.length).toBe(whole.length);
    expect(parts).toEqual(Array.from(whole));
    // output j needs inputs up to floor(j·441/160): every output the inputs allow is produced
    const off = Math.floor((b0.tapsPerPhase * 160 - 1) / 2);
    expect(whole.length).toBe(Math.ceil((x.length * 160 - off) / 441));
  });

  it('keeps a constant a constant at every phase and lines a whole recording up in time', () => {
    const dc = resampleAll(new Float32Array(44100).fill(0.25), 44100, 16000);
    expect(dc.length).toBe(16000);
    for (let i = 200; i < 15800; i++) expect(Math.abs(dc[i] - 0.25)).toBeLessThan(1e-6);
    // a 500 Hz tone stays in phase after delay compensation
    for (const rate of [48000, 44100]) {
      const y = resampleAll(tone(500, rate, 0.2), rate, 16000);
      const ref = tone(500, 16000, 0.2);
      expect(y.length).toBe(3200);
      // 44.1 kHz: the filter has an even length, so the alignment is off by half a sample at 7.056 MHz
      for (let i = 200; i < 3000; i++) expect(Math.abs(y[i] - ref[i])).toBeLessThan(2e-4);
    }
  });

  it('upsamples too (8 kHz → 16 kHz), leaving nothing above 4 kHz', () => {
    const y = resampleAll(tone(1000, 8000, 0.5), 8000, 16000).subarray(400, 7600);
    expect(Math.abs(db(toneAmplitude(y, 1000, 16000) / 0.5))).toBeLessThan(0.02);
    expect(toneAmplitude(y, 7000, 16000)).toBeLessThan(1e-4); // the 1 kHz image
  });

  it('refuses rates it cannot handle', () => {
    expect(() => new Resampler(44100.5, 16000)).toThrow(/whole positive/);
    expect(() => new Resampler(44101, 16000)).toThrow(/phases/);
  });
});
