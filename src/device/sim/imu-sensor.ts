/**
 * The simulated IMU chip: turns true specific force and angular rate into what a real
 * accelerometer/gyroscope reports (bias, scale error, axis misalignment, white noise,
 * range clipping and LSB quantisation). DOM-free core module.
 */
import type { Rng } from './prng.ts';
import type { Vec3 } from './quat.ts';

export const STANDARD_GRAVITY = 9.80665;

/** Datasheet-level description of an IMU part. */
export interface ImuSpec {
  /** Accelerometer full scale in g (±). */
  accRangeG: number;
  /** Gyroscope full scale in deg/s (±). */
  gyroRangeDps: number;
  /** ADC bits (signed), e.g. 16. */
  bits: number;
  /** Accelerometer noise density in µg/√Hz. */
  accNoiseUgPerSqrtHz: number;
  /** Gyroscope noise density in mdps/√Hz. */
  gyroNoiseMdpsPerSqrtHz: number;
  /** Typical zero-g offset (1 σ) in mg. */
  accBiasMg: number;
  /** Typical zero-rate offset (1 σ) in deg/s. */
  gyroBiasDps: number;
  /** Typical sensitivity error (1 σ), fraction. */
  scaleError: number;
  /** Typical cross-axis misalignment (1 σ), radians. */
  misalignment: number;
}

/** Figures in the range of common 6-axis parts (LSM6DSOX/LSM9DS1/BMI270 class) at ±4 g / ±2000 dps. */
export const DEFAULT_IMU: ImuSpec = {
  accRangeG: 4,
  gyroRangeDps: 2000,
  bits: 16,
  accNoiseUgPerSqrtHz: 90,
  gyroNoiseMdpsPerSqrtHz: 5,
  accBiasMg: 12,
  gyroBiasDps: 0.8,
  scaleError: 0.008,
  misalignment: 0.004,
};

/** One particular chip: the spec plus this unit's own offsets and gains (drawn once per board). */
export interface SensorUnit {
  spec: ImuSpec;
  /** m/s² */
  accBias: Vec3;
  accScale: Vec3;
  /** deg/s */
  gyroBias: Vec3;
  gyroScale: Vec3;
  /** Small cross-axis coupling terms (xy, xz, yz), applied symmetrically. */
  accCross: Vec3;
  gyroCross: Vec3;
}

export function randomSensorUnit(rng: Rng, spec: ImuSpec = DEFAULT_IMU): SensorUnit {
  const v = (sd: number): Vec3 => [rng.normal(0, sd), rng.normal(0, sd), rng.normal(0, sd)];
  const s = (sd: number): Vec3 => [1 + rng.normal(0, sd), 1 + rng.normal(0, sd), 1 + rng.normal(0, sd)];
  return {
    spec,
    accBias: v((spec.accBiasMg / 1000) * STANDARD_GRAVITY),
    accScale: s(spec.scaleError),
    gyroBias: v(spec.gyroBiasDps),
    gyroScale: s(spec.scaleError),
    accCross: v(spec.misalignment),
    gyroCross: v(spec.misalignment),
  };
}

/** An ideal sensor (no offsets, no gain errors); noise and quantisation still apply unless disabled. */
export function idealSensorUnit(spec: ImuSpec = DEFAULT_IMU): SensorUnit {
  return {
    spec,
    accBias: [0, 0, 0],
    accScale: [1, 1, 1],
    gyroBias: [0, 0, 0],
    gyroScale: [1, 1, 1],
    accCross: [0, 0, 0],
    gyroCross: [0, 0, 0],
  };
}

/** Least significant bit of the accelerometer in m/s². */
export function accLsb(spec: ImuSpec): number {
  return (2 * spec.accRangeG * STANDARD_GRAVITY) / 2 ** spec.bits;
}

/** Least significant bit of the gyroscope in deg/s. */
export function gyroLsb(spec: ImuSpec): number {
  return (2 * spec.gyroRangeDps) / 2 ** spec.bits;
}

export interface MeasureOptions {
  rateHz: number;
  /** Skip white noise (for consistency checks). Default false. */
  noNoise?: boolean;
  /** Skip quantisation and clipping. Default false. */
  noQuantize?: boolean;
}

/**
 * Writes [ax, ay, az, gx, gy, gz] (m/s², deg/s) into out[offset..offset+6).
 * `force` is the true specific force in the sensor frame (m/s²), `rate` the true body rate (deg/s).
 */
export function measure(
  unit: SensorUnit,
  force: Readonly<Vec3>,
  rate: Readonly<Vec3>,
  rng: Rng,
  opts: MeasureOptions,
  out: Float32Array,
  offset: number,
): void {
  const spec = unit.spec;
  // Noise bandwidth ≈ ODR / 2 (the chip's digital low-pass sits near Nyquist).
  const bw = Math.sqrt(opts.rateHz / 2);
  const accSd = opts.noNoise ? 0 : spec.accNoiseUgPerSqrtHz * 1e-6 * STANDARD_GRAVITY * bw;
  const gyroSd = opts.noNoise ? 0 : spec.gyroNoiseMdpsPerSqrtHz * 1e-3 * bw;
  const aL = accLsb(spec);
  const gL = gyroLsb(spec);
  const maxCode = 2 ** (spec.bits - 1) - 1;
  const minCode = -(2 ** (spec.bits - 1));
  const ac = unit.accCross;
  const gc = unit.gyroCross;
  const a: Vec3 = [
    force[0] + ac[0] * force[1] + ac[1] * force[2],
    force[1] + ac[0] * force[0] + ac[2] * force[2],
    force[2] + ac[1] * force[0] + ac[2] * force[1],
  ];
  const g: Vec3 = [
    rate[0] + gc[0] * rate[1] + gc[1] * rate[2],
    rate[1] + gc[0] * rate[0] + gc[2] * rate[2],
    rate[2] + gc[1] * rate[0] + gc[2] * rate[1],
  ];
  for (let i = 0; i < 3; i++) {
    let va = a[i] * unit.accScale[i] + unit.accBias[i] + (accSd > 0 ? rng.normal(0, accSd) : 0);
    let vg = g[i] * unit.gyroScale[i] + unit.gyroBias[i] + (gyroSd > 0 ? rng.normal(0, gyroSd) : 0);
    if (!opts.noQuantize) {
      va = Math.min(maxCode, Math.max(minCode, Math.round(va / aL))) * aL;
      vg = Math.min(maxCode, Math.max(minCode, Math.round(vg / gL))) * gL;
    }
    out[offset + i] = va;
    out[offset + 3 + i] = vg;
  }
}
