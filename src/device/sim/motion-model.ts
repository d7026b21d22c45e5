/**
 * The simulated board's physics: a hand (or table) moving the board along activity pose paths,
 * and an IMU reading that motion. DOM-free core module.
 *
 * Accelerometer = specific force in the sensor frame, f = Rᵀ·(p̈ + g·ẑ) in m/s² (gravity included,
 * rotated by the board's orientation R). Gyroscope = body angular rate in deg/s from the orientation
 * path. Both are derived numerically from the same pose path, so they are physically consistent;
 * then the sensor unit adds its offsets, gain errors, noise, clipping and quantisation.
 */
import { StudioError } from '../../core/errors.ts';
import type { SensorAxis } from '../../data/sample.ts';
import { isActivityName, makeActivityPose, type ActivityName, type Pose, type PoseFn } from './activities.ts';
import { DEFAULT_IMU, idealSensorUnit, measure, randomSensorUnit, STANDARD_GRAVITY, type ImuSpec, type SensorUnit } from './imu-sensor.ts';
import { randomPerson, type PersonProfile } from './person.ts';
import { Rng } from './prng.ts';
import { qconj, qlog, qmul, qrotateInv, qslerp, type Vec3 } from './quat.ts';

export { ACTIVITIES, GESTURES, isActivityName, type ActivityName } from './activities.ts';

export const IMU_AXES: readonly SensorAxis[] = [
  { name: 'accX', units: 'm/s2' },
  { name: 'accY', units: 'm/s2' },
  { name: 'accZ', units: 'm/s2' },
  { name: 'gyrX', units: 'deg/s' },
  { name: 'gyrY', units: 'deg/s' },
  { name: 'gyrZ', units: 'deg/s' },
];

export interface MotionModelOptions {
  /** Seed for everything random (person, sensor unit, episodes, noise). Default 1. */
  seed?: number;
  /** Seed for the session only (gesture repetitions, noise), keeping the person and board of `seed`. */
  sessionSeed?: number;
  /** Output data rate, Hz. Default 100. */
  rateHz?: number;
  /** The person moving the board. Default: drawn from the seed. */
  person?: PersonProfile;
  /** IMU part figures (range, noise...). Default ±4 g, ±2000 dps, 16-bit. */
  imu?: ImuSpec;
  /** This chip's offsets and gains. Default: drawn from the seed ("every board is a bit different"). */
  sensor?: SensorUnit;
  /** Use an ideal chip (no offsets/gain errors). Default false. */
  idealSensor?: boolean;
  /** Leave out white noise (consistency tests). Default false. */
  noNoise?: boolean;
  /** Leave out quantisation and clipping. Default false. */
  noQuantize?: boolean;
  /** Activity at start. Default 'idle'. */
  activity?: ActivityName;
}

/** Something that picks the activity as time passes (see `Performer`). Called before each frame. */
export interface ActivityDriver {
  update(model: MotionModel, t: number): void;
}

export interface SetActivityOptions {
  /** Seconds to morph from the previous motion into the new one. Default 0.5 (0.9 from/to 'rest'). */
  blendS?: number;
}

/** Half-step for numerical derivatives, seconds. */
const H = 0.001;

export class MotionModel {
  readonly axes: readonly SensorAxis[] = IMU_AXES;
  readonly person: PersonProfile;
  readonly sensor: SensorUnit;
  private readonly rng: Rng;
  private readonly noiseRng: Rng;
  private readonly noNoise: boolean;
  private readonly noQuantize: boolean;
  private rate: number;
  private t = 0;
  private frames = 0;
  /** Time and frame count when the rate last changed: t = epochT + (frames − epochFrames) / rate. */
  private epochT = 0;
  private epochFrames = 0;
  private current: PoseFn;
  private currentName: ActivityName;
  private previous: PoseFn | null = null;
  private blendStart = 0;
  private blendDur = 0;
  private driver: ActivityDriver | null = null;

  constructor(opts: MotionModelOptions = {}) {
    const root = new Rng(opts.seed ?? 1);
    const personRng = root.fork();
    const sensorRng = root.fork();
    const session = opts.sessionSeed === undefined ? root : new Rng(opts.sessionSeed);
    this.rng = session.fork();
    this.noiseRng = session.fork();
    this.person = opts.person ?? randomPerson(personRng);
    const imu = opts.imu ?? DEFAULT_IMU;
    this.sensor = opts.sensor ?? (opts.idealSensor ? idealSensorUnit(imu) : randomSensorUnit(sensorRng, imu));
    this.noNoise = opts.noNoise ?? false;
    this.noQuantize = opts.noQuantize ?? false;
    this.rate = checkRate(opts.rateHz ?? 100);
    this.currentName = opts.activity ?? 'idle';
    this.current = makeActivityPose(this.currentName, this.person, this.rng.fork(), 0);
  }

  get rateHz(): number {
    return this.rate;
  }

  get intervalMs(): number {
    return 1000 / this.rate;
  }

  /** Model time of the next frame, seconds. */
  get time(): number {
    return this.t;
  }

  /** Frames produced so far. */
  get frameCount(): number {
    return this.frames;
  }

  get activity(): ActivityName {
    return this.currentName;
  }

  setRate(hz: number): void {
    const r = checkRate(hz);
    this.epochT = this.t;
    this.epochFrames = this.frames;
    this.rate = r;
  }

  /** Switches to another activity; the motion morphs smoothly from what the hand was doing. */
  setActivity(name: ActivityName, opts: SetActivityOptions = {}): void {
    if (!isActivityName(name)) {
      throw new StudioError({
        family: 'device',
        code: 'unknown-activity',
        message: `The simulated board has no activity "${String(name)}".`,
        remedy: 'Pick one of: idle, rest, wave, circle, shake, updown, punch, flex, walk.',
      });
    }
    const fromRest = this.currentName === 'rest' || name === 'rest';
    const prevFn = this.poseFnSnapshot();
    this.previous = prevFn;
    this.blendStart = this.t;
    this.blendDur = opts.blendS ?? (fromRest ? 0.9 : 0.5);
    this.currentName = name;
    this.current = makeActivityPose(name, this.person, this.rng.fork(), this.t);
  }

  setDriver(driver: ActivityDriver | null): void {
    this.driver = driver;
  }

  /** The true pose at model time t (s). */
  poseAt(t: number): Pose {
    const cur = this.current(t);
    if (!this.previous || this.blendDur <= 0) return cur;
    const u = (t - this.blendStart) / this.blendDur;
    if (u >= 1) return cur;
    const prev = this.previous(t);
    if (u <= 0) return prev;
    const w = u * u * u * (10 - 15 * u + 6 * u * u);
    return {
      p: [prev.p[0] + w * (cur.p[0] - prev.p[0]), prev.p[1] + w * (cur.p[1] - prev.p[1]), prev.p[2] + w * (cur.p[2] - prev.p[2])],
      q: qslerp(prev.q, cur.q, w),
    };
  }

  /** True specific force (sensor frame, m/s²) and body rate (deg/s) at time t, before the chip. */
  truthAt(t: number): { force: Vec3; rateDps: Vec3 } {
    const a = this.poseAt(t - H);
    const b = this.poseAt(t);
    const c = this.poseAt(t + H);
    const h2 = H * H;
    const acc: Vec3 = [
      (a.p[0] - 2 * b.p[0] + c.p[0]) / h2,
      (a.p[1] - 2 * b.p[1] + c.p[1]) / h2,
      (a.p[2] - 2 * b.p[2] + c.p[2]) / h2 + STANDARD_GRAVITY,
    ];
    const force = qrotateInv(b.q, acc);
    const rv = qlog(qmul(qconj(a.q), c.q));
    const k = 180 / Math.PI / (2 * H);
    return { force, rateDps: [rv[0] * k, rv[1] * k, rv[2] * k] };
  }

  /** Produces the next frame [accX, accY, accZ, gyrX, gyrY, gyrZ] into out at offset. */
  nextFrame(out: Float32Array = new Float32Array(6), offset = 0): Float32Array {
    this.driver?.update(this, this.t);
    const { force, rateDps } = this.truthAt(this.t);
    measure(this.sensor, force, rateDps, this.noiseRng, { rateHz: this.rate, noNoise: this.noNoise, noQuantize: this.noQuantize }, out, offset);
    this.advanceOne();
    if (this.previous && this.t - this.blendStart > this.blendDur + 2 * H) this.previous = null;
    return out;
  }

  /** `frames` frames as one interleaved buffer (frame-major, 6 axes). */
  generate(frames: number): Float32Array {
    const out = new Float32Array(frames * 6);
    for (let i = 0; i < frames; i++) this.nextFrame(out, i * 6);
    return out;
  }

  /** Skips ahead `seconds` of motion without producing readings (cheap warm-up). */
  skip(seconds: number): void {
    const n = Math.round(seconds * this.rate);
    for (let i = 0; i < n; i++) {
      this.driver?.update(this, this.t);
      this.advanceOne();
    }
    if (this.previous && this.t - this.blendStart > this.blendDur + 2 * H) this.previous = null;
  }

  private advanceOne(): void {
    this.frames++;
    this.t = this.epochT + (this.frames - this.epochFrames) / this.rate;
  }

  /** The motion as it is now, frozen, so a new activity can blend out of it. */
  private poseFnSnapshot(): PoseFn {
    if (!this.previous) return this.current;
    const prev = this.previous;
    const cur = this.current;
    const start = this.blendStart;
    const dur = this.blendDur;
    return (t) => {
      const u = (t - start) / dur;
      if (u >= 1) return cur(t);
      const a = prev(t);
      if (u <= 0) return a;
      const b = cur(t);
      const w = u * u * u * (10 - 15 * u + 6 * u * u);
      return {
        p: [a.p[0] + w * (b.p[0] - a.p[0]), a.p[1] + w * (b.p[1] - a.p[1]), a.p[2] + w * (b.p[2] - a.p[2])],
        q: qslerp(a.q, b.q, w),
      };
    };
  }
}

function checkRate(hz: number): number {
  if (!Number.isFinite(hz) || hz < 1 || hz > 1000) {
    throw new StudioError({
      family: 'device',
      code: 'bad-rate',
      message: `The simulated board cannot sample at ${hz} Hz.`,
      remedy: 'Choose a rate between 1 and 1000 Hz, e.g. 50, 62.5 or 100 Hz.',
    });
  }
  return hz;
}
