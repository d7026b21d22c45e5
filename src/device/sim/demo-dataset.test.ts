import { describe, it, expect } from 'vitest';
import { isStudioError } from '../../core/errors.ts';
import { frameCount } from '../../data/sample.ts';
import { makeDemoDataset } from './demo-dataset.ts';
import type { ActivityName } from './activities.ts';

describe('makeDemoDataset', () => {
  it('makes 10 × 4 labelled 2 s recordings, 80/20 per label, quickly', () => {
    const t0 = performance.now();
    const recs = makeDemoDataset({ seed: 1, startTime: 1_700_000_000_000 });
    const ms = performance.now() - t0;
    expect(ms).toBeLessThan(3000);
    expect(recs.length).toBe(40);
    for (const label of ['idle', 'wave', 'circle', 'shake']) {
      const of = recs.filter((r) => r.label === label);
      expect(of.length).toBe(10);
      expect(of.filter((r) => r.category === 'testing').length).toBe(2);
    }
    for (const r of recs) {
      expect(r.axes.map((a) => a.name)).toEqual(['accX', 'accY', 'accZ', 'gyrX', 'gyrY', 'gyrZ']);
      expect(r.axes[0].units).toBe('m/s2');
      expect(r.axes[3].units).toBe('deg/s');
      expect(r.intervalMs).toBe(16);
      expect(frameCount(r.values, 6)).toBe(125);
      expect(r.name.startsWith(r.label + '.')).toBe(true);
      expect(r.deviceName).toBe('Simulated board');
      for (const v of r.values) expect(Number.isFinite(v)).toBe(true);
    }
    expect(new Set(recs.map((r) => r.name)).size).toBe(40);
    expect(recs[1].createdAt! - recs[0].createdAt!).toBeGreaterThan(0);
  });

  it('is reproducible for a seed, different for another, and no two recordings are equal', () => {
    const a = makeDemoDataset({ seed: 5, perLabel: 3, labels: ['wave', 'idle'] });
    const b = makeDemoDataset({ seed: 5, perLabel: 3, labels: ['wave', 'idle'] });
    const c = makeDemoDataset({ seed: 6, perLabel: 3, labels: ['wave', 'idle'] });
    expect(a.map((r) => r.name)).toEqual(b.map((r) => r.name));
    a.forEach((r, i) => expect(Array.from(r.values)).toEqual(Array.from(b[i].values)));
    expect(Array.from(a[0].values)).not.toEqual(Array.from(c[0].values));
    expect(Array.from(a[0].values)).not.toEqual(Array.from(a[1].values));
  });

  it('honours rate, duration and labels', () => {
    const recs = makeDemoDataset({ perLabel: 2, durationMs: 1000, rateHz: 100, labels: ['punch', 'flex', 'updown'], testFraction: 0.5 });
    expect(recs.length).toBe(6);
    expect(recs.every((r) => r.intervalMs === 10 && r.values.length === 600)).toBe(true);
    expect(recs.filter((r) => r.category === 'testing').length).toBe(3);
  });

  it('the training part predicts the testing part (nearest centroid on per-axis spread)', () => {
    const recs = makeDemoDataset({ seed: 2 });
    const feat = (v: Float32Array) => {
      const f: number[] = [];
      for (let a = 0; a < 6; a++) {
        let s = 0;
        let s2 = 0;
        const n = v.length / 6;
        for (let i = 0; i < n; i++) {
          s += v[i * 6 + a];
          s2 += v[i * 6 + a] ** 2;
        }
        f.push(Math.log(Math.sqrt(Math.max(0, s2 / n - (s / n) ** 2)) + 1e-3));
      }
      return f;
    };
    const labels = [...new Set(recs.map((r) => r.label))];
    const cent = labels.map((l) => {
      const rs = recs.filter((r) => r.label === l && r.category === 'training').map((r) => feat(r.values));
      return rs[0].map((_, i) => rs.reduce((s, x) => s + x[i], 0) / rs.length);
    });
    const test = recs.filter((r) => r.category === 'testing');
    let ok = 0;
    for (const r of test) {
      const f = feat(r.values);
      const d = cent.map((c) => c.reduce((s, x, i) => s + (x - f[i]) ** 2, 0));
      if (labels[d.indexOf(Math.min(...d))] === r.label) ok++;
    }
    expect(ok / test.length).toBeGreaterThanOrEqual(0.75);
  });

  it('rejects unknown labels and bad options with a StudioError', () => {
    expect(() => makeDemoDataset({ labels: ['juggle' as ActivityName] })).toThrow(expect.objectContaining({ code: 'unknown-activity' }));
    try {
      makeDemoDataset({ perLabel: 0 });
      expect.unreachable();
    } catch (e) {
      expect(isStudioError(e, 'bad-demo-options')).toBe(true);
    }
  });
});
