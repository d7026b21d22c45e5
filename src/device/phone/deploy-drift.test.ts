import { describe, expect, it } from 'vitest';
import { phoneToBoardDrift } from './deploy-drift.ts';
import type { SampleMeta } from '../../data/sample.ts';
import type { InfoMsg } from '../protocol/messages.ts';
import { IMU_AXES } from '../sim/motion-model.ts';

let n = 0;
function phoneSample(p: Partial<SampleMeta> = {}): SampleMeta {
  return {
    id: `s${++n}`, projectId: 'p', label: 'wave', category: 'training', axes: IMU_AXES.map((a) => ({ ...a })), intervalMs: 16, length: 100,
    deviceName: 'This phone', deviceType: 'phone', createdAt: 0, version: 1, complete: true,
    capture: { source: 'devicemotion', measuredHz: 60, jitterMs: 3, resampledToHz: 62.5, method: 'linear' }, ...p,
  };
}
function board(rateHz: number, axes = IMU_AXES.map((a) => ({ ...a })), rates = [50000, 62500, 100000]): InfoMsg {
  return {
    protocolVersion: 1, firmwareVersion: '1', board: 'Pico', modelCapacity: 1, arenaCapacity: 1, maxPayload: 1,
    model: { state: 0, sequence: 0, crc32: 0, length: 0, arenaSize: 0 } as InfoMsg['model'],
    sensors: [{ name: 'MPU6050', axes, ratesMilliHz: rates, currentRateMilliHz: rateHz * 1000 }],
  };
}
const kinds = (x: { kind: string }[]) => x.map((d) => d.kind);

describe('phoneToBoardDrift', () => {
  it('says nothing without phone training data or without a board', () => {
    expect(phoneToBoardDrift([phoneSample({ deviceType: 'csv', capture: undefined })], board(100))).toEqual([]);
    expect(phoneToBoardDrift([phoneSample()], null)).toEqual([]);
  });

  it('matching rate, axes and units: only the frame and range reminders', () => {
    expect(kinds(phoneToBoardDrift([phoneSample()], board(62.5)))).toEqual(['frame', 'range']);
  });

  it('warns about a different rate with what it does to the windows', () => {
    const d = phoneToBoardDrift([phoneSample()], board(100));
    expect(d[0].kind).toBe('rate');
    expect(d[0].message).toMatch(/62.5 Hz \(resampled from phones delivering ≈ 60 Hz\); the board samples at 100 Hz.*1.60× as many frames.*slower/);
  });

  it('warns when the board cannot sample at the phone rate', () => {
    const d = phoneToBoardDrift([phoneSample()], board(50, undefined, [50000, 100000]));
    expect(d.find((x) => x.kind === 'rate-unsupported')?.message).toMatch(/nearest: 50 Hz/);
  });

  it('warns about units (g vs m/s²) with the factor, and about axes the board lacks', () => {
    const accOnlyInG = [{ name: 'accX', units: 'g' }, { name: 'accY', units: 'g' }, { name: 'accZ', units: 'g' }];
    const d = phoneToBoardDrift([phoneSample()], board(62.5, accOnlyInG));
    expect(d.find((x) => x.kind === 'axes')?.message).toMatch(/gyrX, gyrY, gyrZ/);
    const u = d.filter((x) => x.kind === 'units');
    expect(u).toHaveLength(3);
    expect(u[0].message).toMatch(/9.81× smaller/);
  });

  it('treats dps and deg/s as the same unit and mentions samples with gaps', () => {
    const dps = IMU_AXES.map((a) => ({ name: a.name, units: a.units === 'deg/s' ? 'dps' : a.units }));
    const d = phoneToBoardDrift([phoneSample({ gaps: [{ atFrame: 4, missingMs: 300 }] })], board(62.5, dps));
    expect(kinds(d)).toEqual(['frame', 'range', 'gaps']);
  });
});
