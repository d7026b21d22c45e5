/**
 * Synthetic phone event streams for tests and the e2e harness: uneven timestamps (a nominal rate with
 * jitter, optional gaps) and a known smooth signal, so a resampled stream can be compared with the
 * truth at any time. DOM-free core module (test support, also used to build browser fixtures).
 */
import { mulberry32U32 } from '../../core/prng.ts';
import type { MotionReading } from './motion.ts';

export interface SyntheticStreamOptions {
  /** Nominal event rate, Hz. */
  hz: number;
  /** Uniform jitter on each timestamp, ± ms (kept below half an interval so times stay ordered). */
  jitterMs?: number;
  durationMs: number;
  /** Stretches with no events: [startMs, lengthMs] relative to the first event. */
  gaps?: [number, number][];
  /** Time of the first event (event clock), ms. */
  t0?: number;
  seed?: number;
  /** Signal of axis `a` at time `tMs` (relative to t0). Default: slow sines per axis. */
  signal?: (a: number, tMs: number) => number;
}

/** A smooth 6-axis signal: gravity on z plus slow motion (≤ 2 Hz), gyro in deg/s. */
export function defaultSignal(a: number, tMs: number): number {
  const s = tMs / 1000;
  switch (a) {
    case 0: return 2 * Math.sin(2 * Math.PI * 1.5 * s);
    case 1: return 1.5 * Math.cos(2 * Math.PI * 0.8 * s + 0.3);
    case 2: return 9.81 + 0.8 * Math.sin(2 * Math.PI * 2 * s + 1);
    case 3: return 90 * Math.sin(2 * Math.PI * 1.2 * s);
    case 4: return 45 * Math.cos(2 * Math.PI * 0.5 * s);
    default: return 30 * Math.sin(2 * Math.PI * 1.8 * s + 2);
  }
}

export function syntheticStream(o: SyntheticStreamOptions): MotionReading[] {
  const rnd = mulberry32U32((o.seed ?? 1) >>> 0);
  const uni = () => rnd() / 4294967296;
  const T = 1000 / o.hz;
  const jitter = Math.min(o.jitterMs ?? 0, T * 0.45);
  const t0 = o.t0 ?? 1000;
  const signal = o.signal ?? defaultSignal;
  const out: MotionReading[] = [];
  for (let i = 0; i * T <= o.durationMs; i++) {
    const rel = i * T + (i === 0 ? 0 : (uni() * 2 - 1) * jitter);
    if (o.gaps?.some(([s, l]) => rel >= s && rel < s + l)) continue;
    const values = Array.from({ length: 6 }, (_, a) => signal(a, rel));
    out.push({ t: t0 + rel, values });
  }
  return out;
}
