/**
 * Small 3-D rotation helpers (unit quaternions, w-first) for the motion model. DOM-free core module.
 *
 * A quaternion `q` maps sensor-frame vectors into the world frame: v_world = q ⊗ v_sensor ⊗ q*.
 */
export type Vec3 = [number, number, number];
export type Quat = [number, number, number, number];

export function qmul(a: Readonly<Quat>, b: Readonly<Quat>): Quat {
  return [
    a[0] * b[0] - a[1] * b[1] - a[2] * b[2] - a[3] * b[3],
    a[0] * b[1] + a[1] * b[0] + a[2] * b[3] - a[3] * b[2],
    a[0] * b[2] - a[1] * b[3] + a[2] * b[0] + a[3] * b[1],
    a[0] * b[3] + a[1] * b[2] - a[2] * b[1] + a[3] * b[0],
  ];
}

export function qconj(q: Readonly<Quat>): Quat {
  return [q[0], -q[1], -q[2], -q[3]];
}

export function qnormalize(q: Readonly<Quat>): Quat {
  const n = Math.hypot(q[0], q[1], q[2], q[3]) || 1;
  return [q[0] / n, q[1] / n, q[2] / n, q[3] / n];
}

/** Rotation by the rotation vector `r` (axis × angle in radians). */
export function qexp(r: Readonly<Vec3>): Quat {
  const a = Math.hypot(r[0], r[1], r[2]);
  if (a < 1e-12) return [1, r[0] / 2, r[1] / 2, r[2] / 2];
  const s = Math.sin(a / 2) / a;
  return [Math.cos(a / 2), r[0] * s, r[1] * s, r[2] * s];
}

/** Rotation vector of a unit quaternion (shortest way). */
export function qlog(q: Readonly<Quat>): Vec3 {
  let [w, x, y, z] = q;
  if (w < 0) {
    w = -w;
    x = -x;
    y = -y;
    z = -z;
  }
  const n = Math.hypot(x, y, z);
  if (n < 1e-12) return [2 * x, 2 * y, 2 * z];
  const angle = 2 * Math.atan2(n, w);
  return [(x / n) * angle, (y / n) * angle, (z / n) * angle];
}

export function qFromAxisAngle(axis: Readonly<Vec3>, angle: number): Quat {
  const n = Math.hypot(axis[0], axis[1], axis[2]) || 1;
  return qexp([(axis[0] / n) * angle, (axis[1] / n) * angle, (axis[2] / n) * angle]);
}

/** Z-Y-X (yaw, pitch, roll) angles in radians to a quaternion. */
export function qFromEuler(yaw: number, pitch: number, roll: number): Quat {
  return qmul(qmul(qFromAxisAngle([0, 0, 1], yaw), qFromAxisAngle([0, 1, 0], pitch)), qFromAxisAngle([1, 0, 0], roll));
}

/** v rotated by q (sensor → world). */
export function qrotate(q: Readonly<Quat>, v: Readonly<Vec3>): Vec3 {
  const [w, x, y, z] = q;
  // t = 2 * (q.xyz × v)
  const tx = 2 * (y * v[2] - z * v[1]);
  const ty = 2 * (z * v[0] - x * v[2]);
  const tz = 2 * (x * v[1] - y * v[0]);
  return [v[0] + w * tx + (y * tz - z * ty), v[1] + w * ty + (z * tx - x * tz), v[2] + w * tz + (x * ty - y * tx)];
}

/** v rotated by q⁻¹ (world → sensor). */
export function qrotateInv(q: Readonly<Quat>, v: Readonly<Vec3>): Vec3 {
  return qrotate(qconj(q), v);
}

/** Spherical interpolation from a (t = 0) to b (t = 1). */
export function qslerp(a: Readonly<Quat>, b: Readonly<Quat>, t: number): Quat {
  let dot = a[0] * b[0] + a[1] * b[1] + a[2] * b[2] + a[3] * b[3];
  let bb: Quat = [b[0], b[1], b[2], b[3]];
  if (dot < 0) {
    dot = -dot;
    bb = [-b[0], -b[1], -b[2], -b[3]];
  }
  if (dot > 0.9995) {
    return qnormalize([a[0] + t * (bb[0] - a[0]), a[1] + t * (bb[1] - a[1]), a[2] + t * (bb[2] - a[2]), a[3] + t * (bb[3] - a[3])]);
  }
  const th = Math.acos(Math.min(1, dot));
  const s = Math.sin(th);
  const wa = Math.sin((1 - t) * th) / s;
  const wb = Math.sin(t * th) / s;
  return [wa * a[0] + wb * bb[0], wa * a[1] + wb * bb[1], wa * a[2] + wb * bb[2], wa * a[3] + wb * bb[3]];
}

/** Angle in radians between two orientations. */
export function qangle(a: Readonly<Quat>, b: Readonly<Quat>): number {
  const r = qlog(qmul(qconj(a), b));
  return Math.hypot(r[0], r[1], r[2]);
}
