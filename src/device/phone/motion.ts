/**
 * A phone's motion readings, whatever browser API delivers them. DOM-free core module.
 *
 * Axes follow the studio's IMU naming (the simulated board's `IMU_AXES`): accelerometer including
 * gravity in m/s² and gyroscope in deg/s, in the phone's own frame as the W3C specs define it — x to
 * the right of the screen, y up along the screen, z out of the screen towards the viewer. A phone lying
 * face up on a table reads accZ ≈ +9.8 m/s².
 *
 * Rotation rate: DeviceMotionEvent names it by Euler angle (alpha about z, beta about x, gamma about
 * y) in deg/s; the Generic Sensor `Gyroscope` gives x/y/z in rad/s. Both end up as gyrX/gyrY/gyrZ in
 * deg/s here, so the two adapters produce the same numbers for the same motion.
 */
import type { SensorAxis } from '../../data/sample.ts';
import { IMU_AXES } from '../sim/motion-model.ts';

/** accX, accY, accZ (m/s2), gyrX, gyrY, gyrZ (deg/s): the same names and units as the boards. */
export const PHONE_AXES: readonly SensorAxis[] = IMU_AXES;

export const AXIS_COUNT = 6;

/** One reading: `t` is the event's own timestamp (ms, monotonic), `values` follow PHONE_AXES. */
export interface MotionReading {
  t: number;
  values: ArrayLike<number>;
}

export type MotionApi = 'devicemotion' | 'generic-sensor';

/** A source of readings (a browser adapter, or a test's synthetic stream). */
export interface MotionSource {
  readonly api: MotionApi;
  /** Starts delivering readings to `onReading`; errors after start go to `onError`. */
  start(onReading: (r: MotionReading) => void, onError: (e: Error) => void): Promise<void>;
  stop(): void;
}

export const RAD_TO_DEG = 180 / Math.PI;
