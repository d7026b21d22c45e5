import { describe, expect, it } from 'vitest';
import type { CsvReading } from './csv-line-parser.ts';
import { RateMonitor, detectStream, snapRate } from './stream-detector.ts';
import { defaultAxes, parseAxisNames } from './axis-presets.ts';

/**
 * Simulates a USB CDC link: readings produced at `hz`, delivered in chunks whenever the host polls
 * (every `pollMs` ± jitter), so arrival times are bursty like a real port.
 */
function simulate(hz: number, seconds: number, opts: { pollMs?: number; jitterMs?: number; values?: (i: number) => number[]; seed?: number; start?: number } = {}): CsvReading[] {
  const pollMs = opts.pollMs ?? 16;
  const jitter = opts.jitterMs ?? 6;
  let seed = opts.seed ?? 3;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const out: CsvReading[] = [];
  const start = opts.start ?? 0;
  let i = 0;
  for (let t = start + pollMs; t <= start + seconds * 1000 + pollMs; t += pollMs) {
    const arrive = t + (rnd() - 0.5) * jitter;
    while ((i + 1) * (1000 / hz) + start <= t && (i * 1000) / hz < seconds * 1000) {
      out.push({ values: opts.values ? opts.values(i) : [i % 7, 1, 2], t: arrive });
      i++;
    }
  }
  return out;
}

describe('detectStream', () => {
  it('measures common rates from bursty arrival times', () => {
    for (const hz of [25, 50, 62.5, 100, 119, 200, 476]) {
      const r = detectStream(simulate(hz, 1.5));
      expect(r.ok, String(hz)).toBe(true);
      if (r.ok) {
        expect(r.shape.rateHz).toBe(hz);
        expect(r.shape.axisCount).toBe(3);
        expect(r.shape.rateSource).toBe('arrival');
      }
    }
  });

  it('uses a leading millisecond timestamp column', () => {
    const r = detectStream(simulate(100, 1.5, { values: (i) => [5000 + i * 10, 0.1, 0.2, 0.3] }));
    expect(r).toMatchObject({ ok: true, shape: { valueCount: 4, axisCount: 3, timestampColumn: 0, rateHz: 100, rateSource: 'timestamp' } });
  });

  it('rejects what it cannot measure with a reason', () => {
    expect(detectStream(simulate(100, 0.1))).toMatchObject({ ok: false, reason: 'too-few-lines' });
    const once = simulate(100, 1).map((r) => ({ ...r, t: 5 }));
    expect(detectStream(once)).toMatchObject({ ok: false, reason: 'no-timing', valueCount: 3 });
    expect(detectStream(simulate(100, 0.4))).toMatchObject({ ok: false, reason: 'too-short' });
    const mixed = simulate(50, 1.5, { values: (i) => (i % 3 === 0 ? [1, 2] : [1, 2, 3]) });
    expect(detectStream(mixed)).toMatchObject({ ok: false, reason: 'inconsistent-values' });
    // a sketch that prints in bursts with long pauses
    const bursty = simulate(100, 2).map((r, i) => ({ ...r, t: i < 120 ? i * 2 : 1500 + (i - 120) * 2 }));
    expect(detectStream(bursty)).toMatchObject({ ok: false, reason: 'irregular-timing' });
  });

  it('snaps rates', () => {
    expect(snapRate(99.2)).toBe(100);
    expect(snapRate(61.9)).toBe(62.5);
    expect(snapRate(333.4)).toBe(333);
    expect(snapRate(0.73)).toBe(0.7);
  });
});

describe('RateMonitor', () => {
  it('reports a rate change mid-stream once, not on jitter', () => {
    const a = simulate(100, 3, { seed: 5 });
    const b = simulate(50, 3, { seed: 9, start: 3000 });
    const m = new RateMonitor(100);
    const changes = [];
    for (let i = 0; i < a.length; i += 5) {
      const c = m.push(a.slice(i, i + 5));
      if (c) changes.push(c);
    }
    expect(changes).toEqual([]);
    for (let i = 0; i < b.length; i += 5) {
      const c = m.push(b.slice(i, i + 5));
      if (c) changes.push(c);
    }
    expect(changes.length).toBe(1);
    expect(changes[0]).toMatchObject({ fromHz: 100, toHz: 50 });
    expect(changes[0].atMs).toBeGreaterThan(3000);
    expect(changes[0].atMs).toBeLessThan(6000);
  });
});

describe('axis presets', () => {
  it('names 3, 6 and 9 axes and parses user lists', () => {
    expect(defaultAxes(3).map((a) => a.name)).toEqual(['accX', 'accY', 'accZ']);
    expect(defaultAxes(6).map((a) => a.name).join(',')).toBe('accX,accY,accZ,gyrX,gyrY,gyrZ');
    expect(defaultAxes(2)).toEqual([{ name: 'v0', units: '' }, { name: 'v1', units: '' }]);
    expect(parseAxisNames('ax, ay az', 3, 'g')).toEqual([{ name: 'ax', units: 'g' }, { name: 'ay', units: 'g' }, { name: 'az', units: 'g' }]);
    expect(parseAxisNames('a,a,b', 3)).toBeNull();
    expect(parseAxisNames('a,b', 3)).toBeNull();
  });
});
