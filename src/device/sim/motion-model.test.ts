import { describe, it, expect } from 'vitest';
import { isStudioError } from '../../core/errors.ts';
import { MotionModel, type ActivityName } from './motion-model.ts';
import { accLsb, gyroLsb, DEFAULT_IMU, STANDARD_GRAVITY } from './imu-sensor.ts';
import { qangle, qexp, qmul, qrotate, type Quat } from './quat.ts';
import { motionStats } from './test-support/signal-stats.ts';

const DEG = Math.PI / 180;

describe('MotionModel basics', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = new MotionModel({ seed: 42, activity: 'wave' }).generate(300);
    const b = new MotionModel({ seed: 42, activity: 'wave' }).generate(300);
    const c = new MotionModel({ seed: 43, activity: 'wave' }).generate(300);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  it('lying at rest reads gravity (~9.81 m/s²) with small noise, and near-zero rate', () => {
    const m = new MotionModel({ seed: 5, activity: 'rest', rateHz: 100 });
    const v = m.generate(500);
    const s = motionStats(v, 6, 100);
    expect(Math.abs(s.magMean - STANDARD_GRAVITY)).toBeLessThan(0.4); // bias + scale error of one unit
    expect(s.magStd).toBeGreaterThan(0.001); // there is noise…
    expect(s.magStd).toBeLessThan(0.03); // …of a few mg
    for (let a = 3; a < 6; a++) {
      let mean = 0;
      for (let i = 0; i < 500; i++) mean += v[i * 6 + a];
      expect(Math.abs(mean / 500)).toBeLessThan(4); // zero-rate offset only
    }
  });

  it('an ideal sensor lying flat reads exactly +g on the up axis', () => {
    const m = new MotionModel({ seed: 9, activity: 'rest', idealSensor: true, noNoise: true, noQuantize: true });
    const f = m.nextFrame();
    const q = m.poseAt(0).q;
    // Sensor reading rotated to the world must point straight up with magnitude g.
    const w = qrotate(q, [f[0], f[1], f[2]]);
    expect(w[0]).toBeCloseTo(0, 3);
    expect(w[1]).toBeCloseTo(0, 3);
    expect(w[2]).toBeCloseTo(STANDARD_GRAVITY, 3);
    expect(Math.hypot(f[3], f[4], f[5])).toBeLessThan(1e-3);
  });

  it('quantises to the LSB of a ±4 g / ±2000 dps 16-bit part and clips at full scale', () => {
    const m = new MotionModel({ seed: 3, activity: 'shake' });
    const v = m.generate(400);
    const al = accLsb(DEFAULT_IMU);
    const gl = gyroLsb(DEFAULT_IMU);
    expect(al).toBeCloseTo((8 * 9.80665) / 65536, 9);
    for (let i = 0; i < v.length; i++) {
      const lsb = i % 6 < 3 ? al : gl;
      const k = v[i] / lsb;
      expect(Math.abs(k - Math.round(k))).toBeLessThan(1e-2);
    }
    const clip = new MotionModel({ seed: 3, activity: 'shake', imu: { ...DEFAULT_IMU, accRangeG: 2 } }).generate(400);
    let max = 0;
    for (let i = 0; i < clip.length; i += 6) max = Math.max(max, Math.abs(clip[i]), Math.abs(clip[i + 1]), Math.abs(clip[i + 2]));
    expect(max).toBeLessThanOrEqual(2 * 9.80665 + 1e-3);
  });

  it('accepts 50 / 62.5 / 100 Hz, changes rate mid-stream, rejects nonsense', () => {
    for (const hz of [50, 62.5, 100]) {
      const m = new MotionModel({ rateHz: hz });
      m.generate(10);
      expect(m.time).toBeCloseTo(10 / hz, 9);
    }
    const m = new MotionModel({ rateHz: 50 });
    m.generate(50);
    m.setRate(100);
    m.generate(100);
    expect(m.time).toBeCloseTo(2, 9);
    expect(() => m.setRate(0)).toThrow();
    expect(() => new MotionModel({ rateHz: Number.NaN })).toThrow();
    try {
      m.setActivity('juggle' as ActivityName);
      expect.unreachable();
    } catch (e) {
      expect(isStudioError(e, 'unknown-activity')).toBe(true);
    }
  });
});

describe('MotionModel physics consistency', () => {
  /** Integrates body-rate samples (deg/s) from q0; returns the final orientation. */
  function integrate(q0: Quat, v: Float32Array, rateHz: number, sign = 1): Quat {
    let q = q0;
    const dt = 1 / rateHz;
    const n = v.length / 6;
    for (let i = 0; i < n; i++) {
      // Midpoint rate between consecutive samples.
      const j = Math.min(n - 1, i + 1);
      const w = [0, 1, 2].map((k) => (sign * (v[i * 6 + 3 + k] + v[j * 6 + 3 + k]) * 0.5 * DEG * dt)) as [number, number, number];
      q = qmul(q, qexp(w));
    }
    return q;
  }

  for (const act of ['wave', 'circle', 'flex', 'punch', 'walk'] as ActivityName[]) {
    it(`integrated gyro follows the orientation path (${act})`, () => {
      const rate = 500;
      const m = new MotionModel({ seed: 11, activity: act, idealSensor: true, noNoise: true, noQuantize: true, rateHz: rate });
      m.skip(0.5);
      const t0 = m.time;
      const q0 = m.poseAt(t0).q;
      const v = m.generate(rate * 2);
      const q1true = m.poseAt(t0 + 2 - 1 / rate);
      // total rotation travelled, to show the test is not trivial
      let travelled = 0;
      for (let i = 0; i < v.length; i += 6) travelled += (Math.hypot(v[i + 3], v[i + 4], v[i + 5]) / rate);
      expect(travelled).toBeGreaterThan(60);
      const q1 = integrate(q0, v.subarray(0, v.length - 6), rate);
      expect(qangle(q1, q1true.q) / DEG).toBeLessThan(1.5);
      // Negative control: the wrong sign convention drifts far away.
      const bad = integrate(q0, v.subarray(0, v.length - 6), rate, -1);
      expect(qangle(bad, q1true.q) / DEG).toBeGreaterThan(10);
    });
  }

  it('accelerometer minus gravity equals the second derivative of the hand path', () => {
    const rate = 100;
    const m = new MotionModel({ seed: 4, activity: 'circle', idealSensor: true, noNoise: true, noQuantize: true, rateHz: rate });
    m.skip(1);
    const d = 0.004; // independent finite-difference step
    let errSq = 0;
    let sigSq = 0;
    for (let i = 0; i < 200; i++) {
      const t = m.time;
      const f = m.nextFrame();
      const w = qrotate(m.poseAt(t).q, [f[0], f[1], f[2]]);
      w[2] -= STANDARD_GRAVITY;
      const a = m.poseAt(t - d).p;
      const b = m.poseAt(t).p;
      const c = m.poseAt(t + d).p;
      for (let k = 0; k < 3; k++) {
        const ref = (a[k] - 2 * b[k] + c[k]) / (d * d);
        errSq += (w[k] - ref) ** 2;
        sigSq += ref ** 2;
      }
    }
    expect(sigSq / 600).toBeGreaterThan(4); // a real motion (rms > 2 m/s²)
    expect(Math.sqrt(errSq / sigSq)).toBeLessThan(0.01);
  });

  it('switching activity morphs smoothly (no jump in the path)', () => {
    const m = new MotionModel({ seed: 2, activity: 'idle', idealSensor: true, noNoise: true, noQuantize: true });
    m.skip(1);
    const before = m.poseAt(m.time);
    m.setActivity('circle');
    const after = m.poseAt(m.time);
    expect(Math.hypot(before.p[0] - after.p[0], before.p[1] - after.p[1], before.p[2] - after.p[2])).toBeLessThan(1e-9);
    expect(qangle(before.q, after.q)).toBeLessThan(1e-9);
    const v = m.generate(200);
    for (let i = 0; i < v.length; i++) expect(Number.isFinite(v[i])).toBe(true);
  });
});
