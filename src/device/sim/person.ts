/**
 * Simulated people: how one person holds the board and performs gestures (size, tempo,
 * handedness, grip tilt, tremor). DOM-free core module.
 */
import type { Rng } from './prng.ts';

const DEG = Math.PI / 180;

export interface PersonProfile {
  /** Gesture size multiplier (1 = typical adult). */
  amplitude: number;
  /** Gesture speed multiplier (1 = typical). */
  tempo: number;
  /** +1 right-handed, -1 left-handed: mirrors lateral directions and turning senses. */
  handedness: 1 | -1;
  /** Grip: board orientation in the hand, radians (Z-Y-X). */
  holdYaw: number;
  holdPitch: number;
  holdRoll: number;
  /** Physiological tremor, m/s² amplitude of its acceleration (≈ 0.03–0.25). */
  tremor: number;
  /** Tremor centre frequency, Hz (8–12). */
  tremorHz: number;
  /** Slow hand sway while holding still, degrees amplitude. */
  swayDeg: number;
  /** Tilt of the plane a circle is drawn in, radians from vertical. */
  circlePlaneTilt: number;
  /** Direction of shaking, radians from the lateral axis toward vertical. */
  shakeElevation: number;
  /** Degrees of wrist rotation the person adds to gestures (style). */
  wristDeg: number;
}

export function randomPerson(rng: Rng): PersonProfile {
  return {
    amplitude: clamp(rng.normal(1, 0.15), 0.65, 1.4),
    tempo: clamp(rng.normal(1, 0.11), 0.78, 1.25),
    handedness: rng.sign(0.85),
    holdYaw: rng.normal(0, 18) * DEG,
    holdPitch: rng.normal(0, 22) * DEG,
    holdRoll: rng.normal(0, 18) * DEG,
    tremor: rng.uniform(0.03, 0.22),
    tremorHz: rng.uniform(8, 12),
    swayDeg: rng.uniform(0.4, 1.6),
    circlePlaneTilt: rng.normal(0, 22) * DEG,
    shakeElevation: rng.normal(0, 20) * DEG,
    wristDeg: rng.uniform(5, 20),
  };
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
