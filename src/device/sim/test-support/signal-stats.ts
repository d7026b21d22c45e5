/**
 * Summary statistics of IMU recordings (magnitude, spread, peaks, dominant frequency), used to check the
 * simulator against real recordings and to build simple features. DOM-free core module.
 */

export interface MotionStats {
  /** Mean of |acc|. */
  magMean: number;
  /** Standard deviation of |acc|. */
  magStd: number;
  /** Euclidean norm of the per-axis standard deviations of acc. */
  accStd: number;
  /** Largest deviation of any acc axis from its mean. */
  accPeak: number;
  /** Frequency (Hz) with the most acc power, 0.3–20 Hz. */
  dominantHz: number;
  /** Norm of per-axis gyro standard deviations (NaN without gyro). */
  gyroStd: number;
  /** Largest |gyro| value (NaN without gyro). */
  gyroPeak: number;
}

/**
 * Stats of an interleaved buffer whose first three axes are acceleration and, when `axes >= 6`,
 * axes 3..5 angular rate. Units as given (pass m/s² for comparable numbers).
 */
export function motionStats(values: ArrayLike<number>, axes: number, rateHz: number): MotionStats {
  const n = Math.floor(values.length / axes);
  const mean = new Float64Array(axes);
  for (let i = 0; i < n; i++) for (let a = 0; a < axes; a++) mean[a] += values[i * axes + a];
  for (let a = 0; a < axes; a++) mean[a] /= n;
  const varr = new Float64Array(axes);
  let peak = 0;
  let gPeak = 0;
  let magSum = 0;
  let magSq = 0;
  for (let i = 0; i < n; i++) {
    const o = i * axes;
    for (let a = 0; a < axes; a++) {
      const d = values[o + a] - mean[a];
      varr[a] += d * d;
      if (a < 3) peak = Math.max(peak, Math.abs(d));
      else if (a < 6) gPeak = Math.max(gPeak, Math.abs(values[o + a]));
    }
    const m = Math.hypot(values[o], values[o + 1], values[o + 2]);
    magSum += m;
    magSq += m * m;
  }
  const magMean = magSum / n;
  const sd = (a: number) => Math.sqrt(varr[a] / n);
  const hasGyro = axes >= 6;
  return {
    magMean,
    magStd: Math.sqrt(Math.max(0, magSq / n - magMean * magMean)),
    accStd: Math.hypot(sd(0), sd(1), sd(2)),
    accPeak: peak,
    dominantHz: dominantFrequency(values, axes, rateHz, [0, 1, 2]),
    gyroStd: hasGyro ? Math.hypot(sd(3), sd(4), sd(5)) : NaN,
    gyroPeak: hasGyro ? gPeak : NaN,
  };
}

/** Frequency with the largest summed power over `useAxes` (means removed), scanning lo..hi Hz. */
export function dominantFrequency(values: ArrayLike<number>, axes: number, rateHz: number, useAxes: number[], lo = 0.3, hi = 20, step = 0.05): number {
  const n = Math.floor(values.length / axes);
  const series = useAxes.map((a) => {
    let m = 0;
    for (let i = 0; i < n; i++) m += values[i * axes + a];
    m /= n;
    const s = new Float64Array(n);
    for (let i = 0; i < n; i++) s[i] = values[i * axes + a] - m;
    return s;
  });
  let best = -1;
  let bestF = lo;
  const top = Math.min(hi, rateHz / 2);
  for (let f = lo; f <= top + 1e-9; f += step) {
    const w = (2 * Math.PI * f) / rateHz;
    // Goertzel-free direct sum with a rotating phasor.
    const c = Math.cos(w);
    const s = Math.sin(w);
    let p = 0;
    for (const x of series) {
      let re = 0;
      let im = 0;
      let cr = 1;
      let ci = 0;
      for (let i = 0; i < n; i++) {
        re += x[i] * cr;
        im += x[i] * ci;
        const t = cr * c - ci * s;
        ci = cr * s + ci * c;
        cr = t;
      }
      p += re * re + im * im;
    }
    if (p > best) {
      best = p;
      bestF = f;
    }
  }
  return bestF;
}

export function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
