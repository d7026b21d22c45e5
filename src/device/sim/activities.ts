/**
 * Gesture and activity trajectories for the motion model: each activity is a pose path
 * (hand position in metres + board orientation) over time, with per-person and per-repetition
 * variation. Sensor readings are derived from these paths elsewhere. DOM-free core module.
 *
 * World frame: x forward (away from the person), y to the person's left, z up; gravity is −z.
 */
import { Rng } from './prng.ts';
import { qexp, qFromEuler, qmul, type Quat, type Vec3 } from './quat.ts';
import type { PersonProfile } from './person.ts';

export const ACTIVITIES = ['idle', 'rest', 'wave', 'circle', 'shake', 'updown', 'punch', 'flex', 'walk'] as const;
export type ActivityName = (typeof ACTIVITIES)[number];

/** Activities that are distinct gestures (not just holding/resting). */
export const GESTURES: readonly ActivityName[] = ['wave', 'circle', 'shake', 'updown', 'punch', 'flex', 'walk'];

export function isActivityName(s: string): s is ActivityName {
  return (ACTIVITIES as readonly string[]).includes(s);
}

export interface Pose {
  /** Hand position, m (world). */
  p: Vec3;
  /** Board orientation, sensor → world. */
  q: Quat;
}

/** Pose as a function of absolute model time in seconds. */
export type PoseFn = (t: number) => Pose;

const DEG = Math.PI / 180;
const TAU = 2 * Math.PI;

/** Minimum-jerk 0→1 profile on u ∈ [0,1] (smooth start and stop). */
function mj(u: number): number {
  if (u <= 0) return 0;
  if (u >= 1) return 1;
  return u * u * u * (10 - 15 * u + 6 * u * u);
}

/** A phase that wanders a little around 2π·f·τ (tempo is never metronomic). */
function wanderingPhase(rng: Rng, f: number, jitter: number): (tau: number) => number {
  const fm = rng.uniform(0.15, 0.4);
  const beta = (jitter * f) / fm;
  const psi = rng.uniform(0, TAU);
  const phi0 = rng.uniform(0, TAU);
  return (tau) => phi0 + TAU * f * tau + beta * (Math.sin(TAU * fm * tau + psi) - Math.sin(psi));
}

/** Slowly varying gain around 1. */
function wanderingGain(rng: Rng, depth: number): (tau: number) => number {
  const fa = rng.uniform(0.1, 0.35);
  const psi = rng.uniform(0, TAU);
  return (tau) => 1 + depth * Math.sin(TAU * fa * tau + psi);
}

interface Sines {
  amp: Float64Array;
  freq: Float64Array;
  phase: Float64Array;
}

function sines(rng: Rng, n: number, ampEach: number, fLo: number, fHi: number): Sines {
  const s: Sines = { amp: new Float64Array(n), freq: new Float64Array(n), phase: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    s.amp[i] = ampEach * rng.uniform(0.5, 1.5);
    s.freq[i] = rng.uniform(fLo, fHi);
    s.phase[i] = rng.uniform(0, TAU);
  }
  return s;
}

function evalSines(s: Sines, tau: number): number {
  let v = 0;
  for (let i = 0; i < s.amp.length; i++) v += s.amp[i] * Math.sin(TAU * s.freq[i] * tau + s.phase[i]);
  return v;
}

/** Hand sway and physiological tremor of a hand holding the board, as position + rotation offsets. */
function handNoise(rng: Rng, person: PersonProfile): (tau: number, p: Vec3, r: Vec3) => void {
  const swayRot = [0, 1, 2].map(() => sines(rng, 3, (person.swayDeg * DEG) / 2, 0.08, 0.5));
  const swayPos = [0, 1, 2].map(() => sines(rng, 2, 0.002, 0.15, 0.7));
  // Tremor given as an acceleration amplitude; position amplitude = a / (2πf)².
  const tf = person.tremorHz;
  const tremorPos = [0, 1, 2].map(() => sines(rng, 2, person.tremor / 2 / (TAU * tf) ** 2, tf - 1.5, tf + 1.5));
  const tremorRot = [0, 1, 2].map(() => sines(rng, 2, 0.015 * DEG * (person.tremor / 0.1), tf - 1.5, tf + 1.5));
  return (tau, p, r) => {
    for (let i = 0; i < 3; i++) {
      p[i] += evalSines(swayPos[i], tau) + evalSines(tremorPos[i], tau);
      r[i] += evalSines(swayRot[i], tau) + evalSines(tremorRot[i], tau);
    }
  };
}

/** Per-episode variation of a person's own figures. */
interface Episode {
  rng: Rng;
  amp: number;
  tempo: number;
  hand: 1 | -1;
  base: Quat;
  person: PersonProfile;
}

function episode(person: PersonProfile, rng: Rng): Episode {
  return {
    rng,
    amp: person.amplitude * (1 + rng.normal(0, 0.08)),
    tempo: person.tempo * (1 + rng.normal(0, 0.06)),
    hand: person.handedness,
    base: qFromEuler(
      person.holdYaw + rng.normal(0, 5) * DEG,
      person.holdPitch + rng.normal(0, 6) * DEG,
      person.holdRoll + rng.normal(0, 6) * DEG,
    ),
    person,
  };
}

type Shape = (tau: number, p: Vec3, r: Vec3) => void;

/** Hand-held pose path: a shape (position offset + world-frame rotation vector) plus sway/tremor. */
function handHeld(ep: Episode, t0: number, shape: Shape): PoseFn {
  const noise = handNoise(ep.rng, ep.person);
  return (t) => {
    const tau = t - t0;
    const p: Vec3 = [0, 0, 0];
    const r: Vec3 = [0, 0, 0];
    shape(tau, p, r);
    noise(tau, p, r);
    return { p, q: qmul(qexp(r), ep.base) };
  };
}

function idle(_ep: Episode): Shape {
  return () => {};
}

/** Hand raised, forearm pivoting about the elbow in the frontal plane. */
function wave(ep: Episode): Shape {
  const { rng } = ep;
  const f = 2.0 * ep.tempo * rng.uniform(0.85, 1.15);
  const phase = wanderingPhase(rng, f, 0.07);
  const gain = wanderingGain(rng, 0.12);
  const theta = rng.uniform(22, 40) * DEG * ep.amp;
  const radius = rng.uniform(0.22, 0.32);
  const twist = ep.person.wristDeg * DEG;
  const lag = rng.uniform(0.2, 0.8);
  return (tau, p, r) => {
    const ph = phase(tau);
    const th = ep.hand * theta * gain(tau) * Math.sin(ph);
    p[1] -= radius * Math.sin(th);
    p[2] += radius * (Math.cos(th) - 1);
    r[0] += th;
    r[2] += twist * Math.sin(ph - lag);
  };
}

/** Hand drawing circles in a (tilted) frontal plane. */
function circle(ep: Episode): Shape {
  const { rng, person } = ep;
  const f = 1.05 * ep.tempo * rng.uniform(0.88, 1.12);
  const phase = wanderingPhase(rng, f, 0.06);
  const gain = wanderingGain(rng, 0.1);
  const radius = rng.uniform(0.19, 0.27) * ep.amp;
  const tilt = person.circlePlaneTilt + rng.normal(0, 6) * DEG;
  const u: Vec3 = [0, 1, 0];
  const v: Vec3 = [Math.sin(tilt), 0, Math.cos(tilt)];
  const ecc = rng.uniform(0.8, 1.15);
  const wob = rng.uniform(10, 20) * DEG;
  const dir = ep.hand;
  return (tau, p, r) => {
    const ph = phase(tau);
    const R = radius * gain(tau);
    const c = Math.cos(ph) - 1;
    const s = dir * Math.sin(ph) * ecc;
    for (let i = 0; i < 3; i++) p[i] += R * (c * u[i] + s * v[i]);
    r[0] += wob * Math.sin(ph);
    r[1] += wob * 0.6 * Math.cos(ph);
  };
}

/** Fast back-and-forth along a mostly lateral line, with wrist rotation. */
function shake(ep: Episode): Shape {
  const { rng, person } = ep;
  const f = 4.0 * ep.tempo * rng.uniform(0.88, 1.12);
  const phase = wanderingPhase(rng, f, 0.08);
  const gain = wanderingGain(rng, 0.15);
  const amp = rng.uniform(0.025, 0.045) * ep.amp;
  const el = person.shakeElevation + rng.normal(0, 8) * DEG;
  const d: Vec3 = [rng.normal(0, 0.15), Math.cos(el), Math.sin(el)];
  const h2 = rng.uniform(0, 0.15);
  const rot = person.wristDeg * DEG * rng.uniform(0.3, 0.7);
  return (tau, p, r) => {
    const ph = phase(tau);
    const g = gain(tau);
    const x = amp * g * (Math.sin(ph) + h2 * Math.sin(2 * ph));
    for (let i = 0; i < 3; i++) p[i] += x * d[i];
    r[0] += ep.hand * rot * g * Math.sin(ph + 0.4);
  };
}

/** Hand moving up and down, not quite sinusoidally, with a little pitching. */
function updown(ep: Episode): Shape {
  const { rng } = ep;
  const f = 1.1 * ep.tempo * rng.uniform(0.88, 1.12);
  const phase = wanderingPhase(rng, f, 0.06);
  const gain = wanderingGain(rng, 0.1);
  const amp = rng.uniform(0.16, 0.23) * ep.amp;
  const h2 = rng.uniform(0.05, 0.2);
  const psi = rng.uniform(0, TAU);
  const pitch = rng.uniform(4, 12) * DEG;
  const drift = rng.normal(0, 0.1);
  return (tau, p, r) => {
    const ph = phase(tau);
    const z = amp * gain(tau) * (Math.sin(ph) + h2 * Math.sin(2 * ph + psi));
    p[2] += z;
    p[0] += drift * z;
    r[1] += pitch * Math.sin(ph - 0.5);
  };
}

/** Repeating quick punches forward with forearm pronation, then retract and rest. */
function punch(ep: Episode): Shape {
  const { rng } = ep;
  const period = rng.uniform(1.1, 1.6) / ep.tempo;
  const seed = rng.nextU32();
  const start = rng.uniform(0.05, 0.3);
  const elev = rng.normal(0.15, 0.1);
  return (tau, p, r) => {
    const u0 = tau - start;
    if (u0 < 0) return;
    const k = Math.floor(u0 / period);
    const u = u0 - k * period;
    const cr = new Rng(seed + k * 7919);
    const dist = cr.uniform(0.22, 0.36) * ep.amp;
    const tOut = cr.uniform(0.24, 0.34) / ep.tempo;
    const hold = cr.uniform(0.05, 0.15);
    const tBack = cr.uniform(0.3, 0.45) / ep.tempo;
    const pron = cr.uniform(40, 85) * DEG * ep.hand;
    const lift = cr.uniform(10, 25) * DEG;
    const hook = cr.uniform(0, 20) * DEG * ep.hand;
    const s = u < tOut ? mj(u / tOut) : u < tOut + hold ? 1 : 1 - mj((u - tOut - hold) / tBack);
    p[0] += dist * s;
    p[2] += dist * elev * s;
    r[0] += pron * s;
    r[1] -= lift * s;
    r[2] += hook * s;
  };
}

/** Repeating biceps curls: forearm rotates up about the elbow and back down. */
function flex(ep: Episode): Shape {
  const { rng } = ep;
  const period = rng.uniform(1.2, 1.7) / ep.tempo;
  const seed = rng.nextU32();
  const start = rng.uniform(0.05, 0.3);
  const forearm = rng.uniform(0.25, 0.32);
  return (tau, p, r) => {
    const u0 = tau - start;
    if (u0 < 0) return;
    const k = Math.floor(u0 / period);
    const u = u0 - k * period;
    const cr = new Rng(seed + k * 104729);
    const angle = cr.uniform(85, 120) * DEG * Math.min(1.15, ep.amp);
    const tUp = cr.uniform(0.3, 0.42) / ep.tempo;
    const hold = cr.uniform(0.15, 0.35);
    const tDown = cr.uniform(0.55, 0.8) / ep.tempo;
    const twist = cr.uniform(20, 45) * DEG * ep.hand;
    const s = u < tUp ? mj(u / tUp) : u < tUp + hold ? 1 : 1 - mj((u - tUp - hold) / tDown);
    const th = angle * s;
    p[0] += forearm * (Math.cos(th) - 1);
    p[2] += forearm * Math.sin(th);
    r[1] -= th;
    r[0] += twist * s;
  };
}

/** Walking with the board in the hand: arm swing at half the step rate, bounce and heel strikes. */
function walk(ep: Episode): Shape {
  const { rng } = ep;
  const fs = 1.85 * ep.tempo * rng.uniform(0.92, 1.08);
  const phase = wanderingPhase(rng, fs / 2, 0.04);
  const swing = rng.uniform(12, 25) * DEG * ep.amp;
  const arm = rng.uniform(0.55, 0.7);
  const bounce = rng.uniform(0.02, 0.04);
  const strike = rng.uniform(0.0006, 0.0012);
  const sigma = 0.035;
  return (tau, p, r) => {
    const ph = phase(tau);
    const psi = swing * Math.sin(ph);
    p[0] += arm * Math.sin(psi);
    p[2] += arm * (1 - Math.cos(psi));
    r[1] -= psi;
    // Two steps per swing cycle: bounce at 2× the swing phase, heel strike as a short dip.
    const stepPh = 2 * ph;
    p[2] += bounce * Math.cos(stepPh);
    const frac = ((stepPh / TAU) % 1 + 1) % 1;
    const dtStep = (frac > 0.5 ? frac - 1 : frac) / fs;
    p[2] -= strike * Math.exp(-0.5 * (dtStep / sigma) ** 2);
  };
}

const SHAPES: Record<Exclude<ActivityName, 'rest'>, (ep: Episode) => Shape> = {
  idle,
  wave,
  circle,
  shake,
  updown,
  punch,
  flex,
  walk,
};

/**
 * The pose path of one episode of `activity` by `person`, starting at model time `t0` (s).
 * `rng` supplies this episode's variation.
 */
export function makeActivityPose(activity: ActivityName, person: PersonProfile, rng: Rng, t0: number): PoseFn {
  if (activity === 'rest') {
    // Lying on a table: flat (sometimes upside down), fixed, a little below and in front of the hand.
    const flip = rng.next() < 0.15 ? Math.PI : 0;
    const q = qFromEuler(rng.uniform(-Math.PI, Math.PI), rng.normal(0, 1.5) * DEG, flip + rng.normal(0, 1.5) * DEG);
    const p: Vec3 = [0.1, 0.15, -0.25];
    return () => ({ p: [p[0], p[1], p[2]], q });
  }
  const ep = episode(person, rng);
  return handHeld(ep, t0, SHAPES[activity](ep));
}
