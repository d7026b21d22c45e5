/**
 * Seeded pseudo-random numbers for training (shuffling, augmentation, k-means++). DOM-free core module.
 *
 * The shared mulberry32 generator (src/core/prng.ts): tiny, fast and the same sequence on every JS
 * engine, so a seed reproduces a run.
 */
import { mulberry32, normalSource, randomInt, shuffleInPlace } from '../../core/prng.ts';

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
  /** In-place Fisher–Yates shuffle; returns the array. */
  shuffle<T>(a: T[] | Int32Array | Uint32Array): typeof a;
}

export function createRng(seed: number): Rng {
  const next = mulberry32((Math.floor(seed) ^ 0x9e3779b9) >>> 0);
  const gauss = normalSource(next);
  return {
    next,
    int: (n) => randomInt(next, n),
    normal: () => gauss(),
    shuffle: (a) => shuffleInPlace(a, next),
  };
}
