import { describe, it, expect } from 'vitest';
import { LiveClassifier } from './live-classifier.ts';

describe('LiveClassifier', () => {
  it('emits a result per stride once a window is full, in stream order, with the right window', async () => {
    let clock = 0;
    const seen: number[][] = [];
    const lc = new LiveClassifier({
      windowFrames: 4,
      strideFrames: 2,
      axes: 2,
      labels: ['lo', 'hi'],
      // feature = first axis of every frame
      features: (w) => Float32Array.from({ length: 4 }, (_, i) => w[i * 2]),
      classify: (f) => {
        seen.push(Array.from(f));
        clock += 5; // model takes 5 ms
        const m = f.reduce((a, b) => a + b, 0) / f.length;
        return Float32Array.from(m > 4 ? [0.1, 0.9] : [0.9, 0.1]);
      },
      smoothing: 2,
      threshold: 0.6,
      hysteresis: 0.1,
      now: () => clock,
    });
    const frames = (from: number, n: number) => Float32Array.from({ length: n * 2 }, (_, i) => (i % 2 === 0 ? from + i / 2 : -1));
    clock = 100;
    expect(await lc.push(frames(0, 3), 100)).toEqual([]);
    clock = 120;
    const r1 = await lc.push(frames(3, 3), 120); // frames 0..5: windows at 0..3, 2..5
    expect(r1.map((r) => r.startFrame)).toEqual([0, 2]);
    expect(seen).toEqual([
      [0, 1, 2, 3],
      [2, 3, 4, 5],
    ]);
    expect(r1[0].top).toBe('lo');
    expect(r1[0].decision).toBe('lo');
    // latency: newest frame arrived at 120, result ready after the 5 ms model
    expect(r1[0].latencyMs).toBe(5);
    expect(r1[0].modelMs).toBe(5);
    // mean(2..5) = 3.5 → lo
    clock = 200;
    const r2 = await lc.push(frames(6, 4), 200); // windows 4..7 (hi), 6..9 (hi)
    expect(r2.map((r) => r.top)).toEqual(['hi', 'hi']);
    // hysteresis: after one 'hi' the average is [0.5, 0.5]: 'lo' (0.5) is not below 0.6 − 0.1, so it stays
    expect(r2[0].decision).toBe('lo');
    expect(r2[1].decision).toBe('hi');
    expect(Array.from(r2[1].smoothed).map((v) => +v.toFixed(3))).toEqual([0.1, 0.9]);
  });

  it('handles chunks larger than the window and reset', async () => {
    let n = 0;
    const lc = new LiveClassifier({ windowFrames: 3, strideFrames: 3, axes: 1, labels: ['a', 'b'], features: (w) => w, classify: () => (n++, Float32Array.from([1, 0])), now: () => 0 });
    const r = await lc.push(new Float32Array(10), 0);
    expect(r.map((x) => x.startFrame)).toEqual([0, 3, 6]);
    lc.reset();
    expect(await lc.push(new Float32Array(2), 0)).toEqual([]);
    expect(n).toBe(3);
    // options given as undefined fall back to the defaults
    const d = new LiveClassifier({ windowFrames: 1, strideFrames: 1, axes: 1, labels: ['a', 'b'], features: (w) => w, classify: () => Float32Array.from([0.7, 0.3]), threshold: undefined, now: () => 0 });
    expect((await d.push(new Float32Array(1)))[0].decision).toBe('a');
    expect(() => new LiveClassifier({ windowFrames: 0, strideFrames: 1, axes: 1, labels: [], features: (w) => w, classify: (f) => f })).toThrow();
  });
});
