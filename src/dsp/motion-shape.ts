/**
 * Motion shape: how far a window's movement reaches along each of its principal directions.
 * DOM-free core module.
 *
 * For each group of axes (one sensor's x, y and z), the population covariance matrix of the window
 * is decomposed into its eigenvalues λ1 ≥ λ2 ≥ … ≥ 0, and the features are their square roots: the
 * standard deviation of the movement along its main direction, along the direction across it, and
 * so on. A back-and-forth line has one large value, a circle two, shaking in every direction three.
 * Unlike the per-axis statistics they do not change when the board is held turned, and they carry
 * what the per-axis standard deviations cannot: whether two axes move together (a line on a
 * diagonal) or a quarter turn apart (a circle).
 *
 * Groups: consecutive triples when the axis count is a multiple of 3 (accelerometer, gyroscope,
 * magnetometer in the order they are recorded), else all axes together; one axis has no shape.
 * The eigenvalues come from cyclic Jacobi rotations in float64 (the board's C++ does the same steps).
 */

/** Largest group of axes the shape is computed over (the board keeps a g × g matrix on its stack). */
export const SHAPE_MAX_GROUP = 8;

/** Axis groups as [first axis, size] pairs. */
export function shapeGroups(axes: number): [number, number][] {
  if (axes < 2) return [];
  if (axes % 3 === 0) return Array.from({ length: axes / 3 }, (_, i): [number, number] => [i * 3, 3]);
  return [[0, axes]];
}

/** Number of shape features for this many axes (one per axis in a group). */
export function shapeFeatureCount(axes: number): number {
  return axes < 2 ? 0 : axes;
}

/** Jacobi sweeps at most; a 3×3 matrix converges in 4–5. */
export const JACOBI_MAX_SWEEPS = 50;

/**
 * Eigenvalues of the symmetric g×g matrix `m` (row-major, overwritten) by cyclic Jacobi rotations,
 * written to `out` in descending order.
 */
export function symmetricEigenvalues(m: Float64Array, g: number, out: Float64Array): void {
  for (let sweep = 0; sweep < JACOBI_MAX_SWEEPS; sweep++) {
    let off = 0;
    let diag = 0;
    for (let p = 0; p < g; p++) {
      diag += Math.abs(m[p * g + p]);
      for (let q = p + 1; q < g; q++) off += Math.abs(m[p * g + q]);
    }
    if (!(off > 1e-15 * diag)) break;
    for (let p = 0; p < g; p++) {
      for (let q = p + 1; q < g; q++) {
        const apq = m[p * g + q];
        if (apq === 0) continue;
        const theta = (m[q * g + q] - m[p * g + p]) / (2 * apq);
        // The smaller rotation angle: tan = sign(θ) / (|θ| + √(θ² + 1)).
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < g; k++) {
          const akp = m[k * g + p];
          const akq = m[k * g + q];
          m[k * g + p] = c * akp - s * akq;
          m[k * g + q] = s * akp + c * akq;
        }
        for (let k = 0; k < g; k++) {
          const apk = m[p * g + k];
          const aqk = m[q * g + k];
          m[p * g + k] = c * apk - s * aqk;
          m[q * g + k] = s * apk + c * aqk;
        }
      }
    }
  }
  for (let i = 0; i < g; i++) out[i] = m[i * g + i];
  for (let i = 1; i < g; i++) {
    const v = out[i];
    let j = i - 1;
    for (; j >= 0 && out[j] < v; j--) out[j + 1] = out[j];
    out[j + 1] = v;
  }
}

/**
 * The shape of one group (axes first … first + g − 1): the population covariance over `frames`
 * interleaved frames (values × `scale`, float64), then √ of its eigenvalues, largest first, written
 * to `out` from `k`. `mean`, `cov` (≥ g², overwritten) and `ev` are scratch. Returns the next index.
 */
export function groupShape(window: ArrayLike<number>, axes: number, first: number, g: number, frames: number, scale: number, mean: Float64Array, cov: Float64Array, ev: Float64Array, out: Float32Array, k: number): number {
  mean.fill(0, 0, g);
  for (let i = 0; i < frames; i++) for (let a = 0; a < g; a++) mean[a] += window[i * axes + first + a] * scale;
  for (let a = 0; a < g; a++) mean[a] /= frames;
  const m = cov.subarray(0, g * g);
  m.fill(0);
  for (let i = 0; i < frames; i++) {
    const o = i * axes + first;
    for (let a = 0; a < g; a++) {
      const da = window[o + a] * scale - mean[a];
      for (let b = a; b < g; b++) m[a * g + b] += da * (window[o + b] * scale - mean[b]);
    }
  }
  for (let a = 0; a < g; a++) {
    for (let b = a; b < g; b++) m[a * g + b] /= frames;
    for (let b = a + 1; b < g; b++) m[b * g + a] = m[a * g + b];
  }
  symmetricEigenvalues(m, g, ev);
  for (let a = 0; a < g; a++) out[k++] = Math.sqrt(ev[a] > 0 ? ev[a] : 0);
  return k;
}

/** Writes the shape features of interleaved windows (`frames` × `axes`, values × `scale`). */
export interface ShapeRunner {
  readonly dim: number;
  /** Writes `dim` features into `out` from index `at`. */
  run(window: ArrayLike<number>, scale: number, out: Float32Array, at: number): void;
}

export function createShapeRunner(frames: number, axes: number): ShapeRunner {
  const groups = shapeGroups(axes);
  const gMax = groups.reduce((m, [, g]) => Math.max(m, g), 0);
  const mean = new Float64Array(gMax);
  const cov = new Float64Array(gMax * gMax);
  const ev = new Float64Array(gMax);
  return {
    dim: shapeFeatureCount(axes),
    run(window, scale, out, at) {
      let k = at;
      for (const [first, g] of groups) k = groupShape(window, axes, first, g, frames, scale, mean, cov, ev, out, k);
    },
  };
}
