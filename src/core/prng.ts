/**
 * Seeded pseudo-random numbers shared by the data split, the simulator, training and test fixtures.
 * DOM-free core module.
 *
 * mulberry32: a 32-bit state stepped by 0x6d2b79f5 and mixed into each output. Tiny, fast and the
 * same sequence on every JS engine, so one integer seed reproduces a split, a run or a fixture.
 */

/** The raw mulberry32 stream: uniform integers in [0, 2^32), starting from `seed` (taken as uint32). */
export function mulberry32U32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** Deterministic PRNG (mulberry32), uniform in [0, 1): the same seed gives the same sequence. */
export function mulberry32(seed: number): () => number {
  const u32 = mulberry32U32(seed);
  return () => u32() / 4294967296;
}

/** Integer in [0, n) from a uniform source. */
export function randomInt(rand: () => number, n: number): number {
  return Math.floor(rand() * n);
}

/** In-place Fisher–Yates shuffle driven by `rand` (last index first); returns the array. */
export function shuffleInPlace<A extends { length: number; [i: number]: unknown }>(a: A, rand: () => number): A {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}

/**
 * Normal deviates by Box–Muller from a uniform source, both values of each pair used (the sine one is
 * kept for the next call). `(mean, sd)` default to a standard normal.
 */
export function normalSource(rand: () => number): (mean?: number, sd?: number) => number {
  let spare: number | null = null;
  return (mean = 0, sd = 1) => {
    if (spare !== null) {
      const v = spare;
      spare = null;
      return mean + sd * v;
    }
    let u = 0;
    while (u <= 1e-12) u = rand();
    const v = rand();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return mean + sd * r * Math.cos(2 * Math.PI * v);
  };
}

/** One standard normal deviate per call (Box–Muller, cosine half only, no state kept). */
export function gaussian(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}
