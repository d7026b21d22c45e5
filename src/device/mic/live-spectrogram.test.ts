import { describe, expect, it } from 'vitest';
import { LiveSpectrogram } from './live-spectrogram.ts';
import { mfeBlock } from '../../dsp/blocks/mfe.ts';

function chirp(n: number): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const t = i / 16000;
    x[i] = Math.round(9000 * Math.sin(2 * Math.PI * (200 * t + 1500 * t * t)) + 500 * Math.sin(i * 1.3));
  }
  return x;
}

describe('LiveSpectrogram', () => {
  it('streams the MFE block’s columns, whatever the chunk sizes', () => {
    const x = chirp(16000);
    const mfe = mfeBlock.run(x, { axesCount: 1, axisNames: ['audio'], frequencyHz: 16000, windowFrames: 16000, params: { 'loudest-cells': 'saturate' } });
    const live = new LiveSpectrogram({ columns: 99 });
    let i = 0;
    let k = 1;
    while (i < x.length) {
      const n = Math.min(x.length - i, (k * 97) % 700);
      live.push(x.subarray(i, i + n));
      i += n;
      k++;
    }
    expect(live.total).toBe(99);
    // column 0 differs only through MFE's circular pre-emphasis at the window start
    let bad = 0;
    for (let j = 40; j < 99 * 40; j++) if (live.image[j] !== mfe[j]) bad++;
    expect(bad).toBe(0);
  });

  it('keeps the last columns, the newest at the end', () => {
    const live = new LiveSpectrogram({ columns: 10 });
    const tone = (hz: number, n: number) => Float32Array.from({ length: n }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * hz * i) / 16000)));
    live.push(tone(300, 8000));
    live.push(tone(4000, 1600));
    const argmax = (c: number) => {
      let best = 0;
      for (let f = 1; f < 40; f++) if (live.image[c * 40 + f] > live.image[c * 40 + best]) best = f;
      return best;
    };
    expect(live.total).toBeGreaterThan(10);
    expect(argmax(9)).toBeGreaterThan(25); // 4 kHz sits high on the mel scale
    expect(argmax(0)).toBeGreaterThan(25);
    const early = new LiveSpectrogram({ columns: 10 });
    early.push(tone(300, 3000));
    let low = 0;
    for (let f = 1; f < 40; f++) if (early.image[9 * 40 + f] > early.image[9 * 40 + low]) low = f;
    expect(low).toBeLessThan(10);
  });
});
