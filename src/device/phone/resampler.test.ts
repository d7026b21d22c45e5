import { describe, expect, it } from 'vitest';
import { Resampler, type GapMark } from './resampler.ts';
import { RateMeter, estimateFromIntervals } from './rate.ts';
import { syntheticStream, defaultSignal } from './synthetic.ts';
import type { MotionReading } from './motion.ts';

function run(events: MotionReading[], outHz: number) {
  const r = new Resampler({ outHz, axes: 6 });
  const frames = new Map<number, Float32Array>();
  const gaps: GapMark[] = [];
  for (const e of events) {
    const o = r.push(e);
    for (const c of o.chunks) {
      const n = c.frames.length / 6;
      for (let i = 0; i < n; i++) {
        const k = c.k0 + i;
        expect(frames.has(k)).toBe(false);
        expect(c.t0 + i * r.T).toBeCloseTo(k * r.T, 6);
        frames.set(k, c.frames.slice(i * 6, i * 6 + 6));
      }
    }
    gaps.push(...o.gaps);
  }
  return { r, frames, gaps };
}

/** Largest error over all frames and axes, each axis relative to its amplitude. */
function maxRelError(frames: Map<number, Float32Array>, T: number, signal = defaultSignal): number {
  const amp = [2, 1.5, 0.8, 90, 45, 30];
  let worst = 0;
  for (const [k, f] of frames) for (let a = 0; a < 6; a++) worst = Math.max(worst, Math.abs(f[a] - signal(a, k * T)) / amp[a]);
  return worst;
}

describe('rate estimate from event timestamps', () => {
  it('takes the median interval, so late/early pairs and pauses do not move it', () => {
    const iv: number[] = [];
    for (let i = 0; i < 300; i++) iv.push(i % 20 === 0 ? 46 : i % 20 === 1 ? 4 : 16.667);
    iv.push(900, 1200);
    const e = estimateFromIntervals(iv)!;
    expect(e.hz).toBeCloseTo(60, 1);
    expect(e.jitterMs).toBeLessThan(0.5);
  });

  it('reports jitter as a robust standard deviation', () => {
    const events = syntheticStream({ hz: 60, jitterMs: 5, durationMs: 20_000, seed: 3 });
    const m = new RateMeter(2048);
    for (const e of events) m.push(e.t);
    const est = m.estimate!;
    expect(Math.abs(est.hz - 60) / 60).toBeLessThan(0.01);
    // Each interval is the difference of two uniform ±5 ms offsets: sd = 5·sqrt(2/3) ≈ 4.1 ms.
    expect(est.jitterMs).toBeGreaterThan(3);
    expect(est.jitterMs).toBeLessThan(5.5);
  });

  it('does not count gaps as intervals', () => {
    const m = new RateMeter();
    const events = syntheticStream({ hz: 100, durationMs: 5000, gaps: [[2000, 1500]], seed: 4 });
    for (const e of events) m.push(e.t);
    expect(m.gaps).toBe(1);
    expect(m.estimate!.hz).toBeCloseTo(100, 3);
  });
});

describe('Resampler', () => {
  it('60 Hz ± 4 ms jitter → 62.5 Hz: measured rate, fixed grid, signal within 2 % of its amplitude', () => {
    const events = syntheticStream({ hz: 60, jitterMs: 4, durationMs: 10_000, seed: 1 });
    const { r, frames, gaps } = run(events, 62.5);
    expect(gaps).toEqual([]);
    expect(Math.abs(r.estimate!.hz - 60) / 60).toBeLessThan(0.01);
    expect(r.estimate!.jitterMs).toBeGreaterThan(1);
    expect(r.method).toBe('linear');
    // Every grid slot from 0 to the last one covered by events, none skipped.
    const last = Math.floor((events[events.length - 1].t - events[0].t) / 16);
    expect(frames.size).toBe(last + 1);
    // Linear interpolation between events up to ~25 ms apart: error ≤ (ω·h)²/8 ≈ 1.2 % for the 2 Hz axis.
    expect(maxRelError(frames, r.T)).toBeLessThan(0.02);
  });

  it('100 Hz and 200 Hz → 50 Hz: window mean, slow motion kept', () => {
    for (const hz of [100, 200]) {
      const events = syntheticStream({ hz, jitterMs: 1, durationMs: 8000, seed: hz });
      const { r, frames, gaps } = run(events, 50);
      expect(gaps).toEqual([]);
      expect(Math.abs(r.estimate!.hz - hz) / hz).toBeLessThan(0.01);
      expect(r.method).toBe('window-mean');
      expect(frames.size).toBeGreaterThanOrEqual(399);
      expect(maxRelError(frames, r.T)).toBeLessThan(0.02);
    }
  });

  it('damps motion above the output Nyquist rate instead of folding it back at full strength', () => {
    const tone = (a: number, t: number) => (a === 0 ? Math.sin(2 * Math.PI * 45 * (t / 1000)) : 0);
    const events = syntheticStream({ hz: 200, durationMs: 4000, seed: 9, signal: tone });
    const { frames } = run(events, 50);
    let ss = 0;
    let n = 0;
    for (const [k, f] of frames) if (k > 20) { ss += f[0] ** 2; n++; }
    const rms = Math.sqrt(ss / n);
    // Sampling a 45 Hz sine at 50 Hz point by point aliases it to 5 Hz at rms ≈ 0.7; the boxcar leaves ≈ 0.08.
    expect(rms).toBeLessThan(0.12);
  });

  it('flags a gap (backgrounded tab), skips its grid slots and does not interpolate across it', () => {
    const events = syntheticStream({ hz: 60, jitterMs: 3, durationMs: 8000, gaps: [[3000, 2000]], seed: 5 });
    const { r, frames, gaps } = run(events, 62.5);
    expect(gaps).toHaveLength(1);
    const g = gaps[0];
    expect(g.eventGapMs).toBeGreaterThan(2000);
    expect(g.eventGapMs).toBeLessThan(2040);
    expect(Math.abs(g.missingFrames * r.T - 2000)).toBeLessThan(40);
    // No frame inside the gap: every frame's time lies within ~1 interval of an event on both sides.
    const ts = events.map((e) => e.t - events[0].t);
    for (const k of frames.keys()) {
      const t = k * r.T;
      expect(t < 3000 || t > 4990).toBe(true);
      const nearest = ts.reduce((m, x) => Math.min(m, Math.abs(x - t)), Infinity);
      expect(nearest).toBeLessThan(20);
    }
    expect(r.stats.gaps).toBe(1);
    expect(maxRelError(frames, r.T)).toBeLessThan(0.02);
    // Stream time keeps counting through the gap.
    const lastK = Math.max(...frames.keys());
    expect(Math.abs(lastK * r.T - 8000)).toBeLessThan(40);
  });

  it('treats a long pause before any rate is known as a gap, and drops repeated timestamps', () => {
    const r = new Resampler({ outHz: 50, axes: 6 });
    const v = [0, 0, 9.81, 0, 0, 0];
    r.push({ t: 0, values: v });
    r.push({ t: 20, values: v });
    r.push({ t: 20, values: v });
    const o = r.push({ t: 600, values: v });
    expect(o.gaps).toHaveLength(1);
    expect(o.gaps[0]).toEqual({ atFrame: 2, missingFrames: 28, eventGapMs: 580 });
    expect(r.stats.duplicates).toBe(1);
    expect(o.chunks[0].k0).toBe(30);
  });

  it('ignores readings with the wrong number of values', () => {
    const r = new Resampler({ outHz: 50, axes: 6 });
    expect(r.push({ t: 0, values: [1, 2, 3] })).toEqual({ chunks: [], gaps: [] });
    expect(r.stats.events).toBe(0);
  });
});
