/**
 * Realism of the simulator against real recordings in ../shared/datasets (skipped without them):
 * resting magnitude and noise, gesture spread, peaks and tempo compared with real gestures of the same kind.
 */
import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedPath, skipReason } from '../../../tests/helpers/shared.ts';
import { MotionModel, type ActivityName } from './motion-model.ts';
import { DEFAULT_IMU, STANDARD_GRAVITY } from './imu-sensor.ts';
import { median, motionStats, type MotionStats } from './test-support/signal-stats.ts';

const xiao = sharedPath('datasets/xiao_ei_motion');
const punchFlex = sharedPath('datasets/arduino_punch_flex');

/** Reads `<label>.<id>.csv` files of one label; converts the first three axes from g to m/s². */
function loadLabel(dir: string, label: string): { values: Float64Array; axes: number }[] {
  return readdirSync(dir)
    .filter((f) => f.startsWith(label + '.') && f.endsWith('.csv'))
    .map((f) => {
      const lines = readFileSync(join(dir, f), 'utf8').trim().split(/\r?\n/);
      const axes = lines[0].split(',').length - 1;
      const values = new Float64Array((lines.length - 1) * axes);
      lines.slice(1).forEach((l, i) => {
        const parts = l.split(',');
        for (let a = 0; a < axes; a++) values[i * axes + a] = Number(parts[a + 1]) * (a < 3 ? STANDARD_GRAVITY : 1);
      });
      return { values, axes };
    });
}

function range(stats: MotionStats[], key: keyof MotionStats): { min: number; max: number; med: number } {
  const v = stats.map((s) => s[key]);
  return { min: Math.min(...v), max: Math.max(...v), med: median(v) };
}

/** 10 s of `activity` by each of `people` at the dataset's rate and range. */
function simulate(activity: ActivityName, rateHz: number, rangeG: number, people = 12, seconds = 10): MotionStats[] {
  const out: MotionStats[] = [];
  for (let p = 0; p < people; p++) {
    const m = new MotionModel({ seed: 1000 + p, rateHz, imu: { ...DEFAULT_IMU, accRangeG: rangeG }, activity: 'idle' });
    m.skip(0.5);
    m.setActivity(activity);
    m.skip(1.5);
    out.push(motionStats(m.generate(Math.round(rateHz * seconds)), 6, rateHz));
  }
  return out;
}

describe.skipIf(!xiao)(xiao ? 'realism vs xiao_ei_motion (104 Hz, ±2 g)' : skipReason('datasets/xiao_ei_motion'), () => {
  const real = (label: string) => loadLabel(xiao!, label).map((r) => motionStats(r.values, r.axes, 104));
  const RATE = 104;

  it('idle in the hand: |acc| ≈ 9.81 m/s² with hand-held spread like the real idle recordings', () => {
    const r = real('idle');
    const s = simulate('idle', RATE, 2);
    const rMag = range(r, 'magMean');
    const sMag = range(s, 'magMean');
    expect(Math.abs(sMag.med - STANDARD_GRAVITY)).toBeLessThan(0.2);
    expect(sMag.min).toBeGreaterThan(rMag.min - 0.3);
    expect(sMag.max).toBeLessThan(rMag.max + 0.3);
    const rStd = range(r, 'accStd');
    const sStd = range(s, 'accStd');
    expect(sStd.med).toBeGreaterThan(rStd.min);
    expect(sStd.med).toBeLessThan(rStd.max);
    // Lying on a table is quieter than any hand-held idle, like the calmest real recordings.
    const rest = range(simulate('rest', RATE, 2, 6), 'accStd');
    expect(rest.max).toBeLessThan(rStd.med);
    expect(rest.max).toBeLessThan(3 * rStd.min + 0.02);
  });

  for (const label of ['circle', 'updown'] as const) {
    it(`${label}: spread and tempo within the range of the real ${label} recordings`, () => {
      const r = real(label);
      const s = simulate(label, RATE, 2);
      const rStd = range(r, 'accStd');
      const sStd = range(s, 'accStd');
      expect(sStd.med).toBeGreaterThan(rStd.min);
      expect(sStd.med).toBeLessThan(rStd.max);
      const rF = range(r, 'dominantHz');
      const sF = range(s, 'dominantHz');
      expect(sF.med).toBeGreaterThanOrEqual(rF.min - 0.15);
      expect(sF.med).toBeLessThanOrEqual(rF.max + 0.15);
      expect(sF.min).toBeGreaterThan(0.5);
      expect(sF.max).toBeLessThan(2);
    });
  }

  it('shake has the tempo of the real (more violent) flick, far above circle/updown', () => {
    const rF = range(real('flick'), 'dominantHz');
    const sF = range(simulate('shake', RATE, 2), 'dominantHz');
    expect(sF.med).toBeGreaterThan(rF.min - 0.5);
    expect(sF.med).toBeLessThan(rF.max + 0.5);
    expect(sF.min).toBeGreaterThan(2);
  });
});

describe.skipIf(!punchFlex)(punchFlex ? 'realism vs arduino_punch_flex (119 Hz, ±4 g, triggered 1 s captures)' : skipReason('datasets/arduino_punch_flex'), () => {
  const RATE = 119;
  /** Like the capture sketch: wait for |ax|+|ay|+|az| ≥ 2.5 g, then keep 119 samples. */
  function captures(activity: ActivityName, people = 8, perPerson = 3): MotionStats[] {
    const out: MotionStats[] = [];
    for (let p = 0; p < people; p++) {
      const m = new MotionModel({ seed: 2000 + p, rateHz: RATE, activity: 'idle' });
      m.skip(0.5);
      m.setActivity(activity);
      const v = m.generate(RATE * 12);
      let i = 0;
      let got = 0;
      while (got < perPerson && i + RATE < v.length / 6) {
        const sum = (Math.abs(v[i * 6]) + Math.abs(v[i * 6 + 1]) + Math.abs(v[i * 6 + 2])) / STANDARD_GRAVITY;
        if (sum >= 2.5) {
          out.push(motionStats(v.subarray(i * 6, (i + RATE) * 6), 6, RATE));
          got++;
          i += RATE;
        } else i++;
      }
      expect(got).toBe(perPerson); // every simulated punch/flex is strong enough to trigger the capture
    }
    return out;
  }

  for (const label of ['punch', 'flex'] as const) {
    it(`${label}: acceleration and rotation peaks within the range of the real ${label} captures`, () => {
      const r = loadLabel(punchFlex!, label).map((x) => motionStats(x.values, x.axes, RATE));
      const s = captures(label);
      const keys = ['accStd', 'accPeak', 'gyroPeak', 'gyroStd'] as const;
      if (process.env.SIM_DEBUG) for (const key of keys) console.log(label, key, JSON.stringify([range(r, key), range(s, key)]));
      for (const key of keys) {
        const rr = range(r, key);
        const ss = range(s, key);
        expect(ss.med, key).toBeGreaterThan(rr.min);
        expect(ss.med, key).toBeLessThan(rr.max);
      }
    });
  }
});
