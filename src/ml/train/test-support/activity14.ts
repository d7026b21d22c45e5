/**
 * A self-made stand-in for a 14-class daily-living activity set (wrist accelerometer, 3 axes, 32 Hz,
 * raw sensor counts): classes that differ subtly (near gravity orientations, close motion frequencies
 * and amplitudes), a person/recording effect larger than some class differences, recordings of
 * different lengths, slow posture changes for the get-up / lie-down kind of classes and rare impacts
 * (spikes) that give some features heavy tails. Used to check that int8 keeps the float model's
 * accuracy per class where classes sit close together. Seeded; DOM-free core module.
 */
import type { RawRecording } from '../../../data/sample.ts';
import { createRng } from '../rng.ts';

export const ACTIVITY14_LABELS = [
  'brush', 'climb', 'comb', 'descend', 'drink', 'eat_meat', 'eat_soup',
  'getup', 'liedown', 'pour', 'sitdown', 'standup', 'phone', 'walk',
] as const;

interface ClassModel {
  /** Gravity direction (unit-ish vector) at the start and end of the recording. */
  g0: [number, number, number];
  g1: [number, number, number];
  /** Motion frequency, Hz, and amplitude per axis (in g). */
  f: number;
  amp: [number, number, number];
  /** Impacts per second (spikes of a few g). */
  spikes: number;
}

const C: Record<(typeof ACTIVITY14_LABELS)[number], ClassModel> = {
  brush: { g0: [0.2, -0.9, 0.3], g1: [0.2, -0.9, 0.3], f: 3.0, amp: [0.35, 0.15, 0.2], spikes: 0 },
  climb: { g0: [-0.9, 0.1, 0.3], g1: [-0.9, 0.1, 0.3], f: 1.6, amp: [0.35, 0.25, 0.2], spikes: 0.3 },
  comb: { g0: [0.3, -0.85, 0.35], g1: [0.3, -0.85, 0.35], f: 2.2, amp: [0.3, 0.2, 0.25], spikes: 0 },
  descend: { g0: [-0.9, 0.15, 0.25], g1: [-0.9, 0.15, 0.25], f: 1.8, amp: [0.45, 0.25, 0.2], spikes: 0.6 },
  drink: { g0: [-0.3, -0.6, 0.7], g1: [0.1, -0.9, 0.3], f: 0.5, amp: [0.1, 0.1, 0.1], spikes: 0 },
  eat_meat: { g0: [-0.2, -0.4, 0.85], g1: [-0.2, -0.4, 0.85], f: 1.2, amp: [0.15, 0.12, 0.1], spikes: 0.05 },
  eat_soup: { g0: [-0.25, -0.45, 0.8], g1: [-0.25, -0.45, 0.8], f: 1.0, amp: [0.12, 0.15, 0.1], spikes: 0 },
  getup: { g0: [0.1, 0.2, 0.95], g1: [-0.9, 0.2, 0.3], f: 0.3, amp: [0.1, 0.05, 0.1], spikes: 0.2 },
  liedown: { g0: [-0.9, 0.2, 0.3], g1: [0.1, 0.2, 0.95], f: 0.3, amp: [0.1, 0.05, 0.1], spikes: 0.2 },
  pour: { g0: [-0.5, -0.3, 0.8], g1: [-0.1, -0.7, 0.7], f: 0.4, amp: [0.05, 0.1, 0.05], spikes: 0 },
  sitdown: { g0: [-0.9, 0.1, 0.3], g1: [-0.6, 0.1, 0.75], f: 0.5, amp: [0.15, 0.1, 0.15], spikes: 0.5 },
  standup: { g0: [-0.6, 0.1, 0.75], g1: [-0.9, 0.1, 0.3], f: 0.5, amp: [0.15, 0.1, 0.15], spikes: 0.4 },
  phone: { g0: [0.3, -0.5, 0.8], g1: [0.3, -0.5, 0.8], f: 0.2, amp: [0.03, 0.03, 0.03], spikes: 0 },
  walk: { g0: [-0.95, 0.05, 0.25], g1: [-0.95, 0.05, 0.25], f: 1.9, amp: [0.35, 0.2, 0.15], spikes: 0.4 },
};

export interface Activity14Options {
  seed: number;
  /** Recordings per class (training + test). */
  perClass?: number;
  /** Fraction of each class's recordings in the test split (by recording). */
  testFraction?: number;
  /** Sensor noise, g (default 0.015: still windows are near-constant in 6-bit counts, with rare one-count blips). */
  noiseG?: number;
}

/** Recordings of the 14 classes at 32 Hz, values in raw counts (1 g = 21 counts around 32, like a 6-bit sensor). */
export function makeActivity14(opts: Activity14Options): RawRecording[] {
  const rng = createRng(opts.seed * 7717 + 3);
  const perClass = opts.perClass ?? 14;
  const testFraction = opts.testFraction ?? 0.3;
  const hz = 32;
  const noiseG = opts.noiseG ?? 0.015;
  const axes = ['accX', 'accY', 'accZ'].map((name) => ({ name, units: 'counts' }));
  const out: RawRecording[] = [];
  ACTIVITY14_LABELS.forEach((label) => {
    const m = C[label];
    const nTest = Math.max(1, Math.round(perClass * testFraction));
    for (let r = 0; r < perClass; r++) {
      // The person / recording effect: tilt, amplitude, tempo.
      const tilt = [0, 1, 2].map(() => 0.12 * rng.normal());
      const ampScale = Math.exp(0.3 * rng.normal());
      const f = m.f * (1 + 0.15 * rng.normal());
      const seconds = 4 + rng.next() * 10;
      const n = Math.round(seconds * hz);
      const v = new Float32Array(n * 3);
      const ph = [0, 1, 2].map(() => rng.next() * 2 * Math.PI);
      for (let i = 0; i < n; i++) {
        const u = i / Math.max(1, n - 1);
        const spike = m.spikes > 0 && rng.next() < m.spikes / hz ? 2 + 2 * rng.next() : 0;
        for (let a = 0; a < 3; a++) {
          const g = m.g0[a] + (m.g1[a] - m.g0[a]) * u + tilt[a];
          const motion = ampScale * m.amp[a] * Math.sin((2 * Math.PI * f * i) / hz + ph[a]) + 0.5 * ampScale * m.amp[a] * Math.sin((4 * Math.PI * f * i) / hz + 2 * ph[a]);
          const g1 = g + motion + noiseG * rng.normal() + (a === 0 ? spike : spike * 0.3);
          // 6-bit sensor counts: 1 g = 21 counts around 32, clipped to [0, 63].
          v[i * 3 + a] = Math.max(0, Math.min(63, Math.round(32 + 21 * g1)));
        }
      }
      out.push({ name: `${label}.r${r}`, label, category: r < nTest ? 'testing' : 'training', axes: axes.map((x) => ({ ...x })), intervalMs: 1000 / hz, values: v });
    }
  });
  return out;
}
