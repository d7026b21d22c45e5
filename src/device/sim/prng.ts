/**
 * Seeded pseudo-random numbers for the simulated board. DOM-free core module.
 *
 * The shared mulberry32 generator (src/core/prng.ts) behind a splitmix-style seed mix, so every
 * simulated person, board and recording is reproducible from one integer seed and nearby seeds give
 * unrelated streams.
 */
import { mulberry32U32, normalSource } from '../../core/prng.ts';

export class Rng {
  private readonly u32: () => number;
  private readonly gauss: (mean?: number, sd?: number) => number;

  constructor(seed: number) {
    // Mix the seed so nearby seeds give unrelated streams.
    let s = (Math.floor(seed) ^ 0x9e3779b9) >>> 0;
    s = Math.imul(s ^ (s >>> 16), 0x85ebca6b) >>> 0;
    s = Math.imul(s ^ (s >>> 13), 0xc2b2ae35) >>> 0;
    this.u32 = mulberry32U32((s ^ (s >>> 16)) >>> 0);
    this.gauss = normalSource(() => this.next());
  }

  /** Uniform integer in [0, 2^32). */
  nextU32(): number {
    return this.u32();
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Integer in [lo, hi] inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** Normal deviate (Box–Muller, one value cached). */
  normal(mean = 0, sd = 1): number {
    return this.gauss(mean, sd);
  }

  /** +1 or -1 with equal odds (or `pPlus` for +1). */
  sign(pPlus = 0.5): 1 | -1 {
    return this.next() < pPlus ? 1 : -1;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** A derived generator, so sub-streams do not shift when another part draws more numbers. */
  fork(): Rng {
    return new Rng(this.nextU32());
  }
}
