/**
 * Property-based ("fuzz") tests share one convention so `npm test` and `npm run fuzz` run the same code:
 * - files are named `*.fuzz.test.ts` (they run in the fast or slow unit project like any test);
 * - every property uses `fuzzParams(name)`: a fixed seed, a modest count in `npm test`, and the count
 *   given by `FUZZ_RUNS` under `npm run fuzz` (≥ 10,000);
 * - after its run each target reports `BENCH fuzz.<name>_cases <n> cases` so the fuzz run lists how many
 *   cases every target saw.
 */
import type { Parameters as FcParameters } from 'fast-check';

/** Cases per property in `npm test` (keeps the suite fast); `FUZZ_RUNS` overrides it. */
export const DEFAULT_RUNS = 200;

export function fuzzRuns(defaultRuns = DEFAULT_RUNS): number {
  const env = Number(process.env.FUZZ_RUNS);
  return Number.isInteger(env) && env > 0 ? env : defaultRuns;
}

/** Fixed seed, run count and a line for the fuzz summary once the property has run. */
export function fuzzParams<T>(name: string, defaultRuns = DEFAULT_RUNS): FcParameters<T> {
  const numRuns = fuzzRuns(defaultRuns);
  const seed = Number(process.env.FUZZ_SEED ?? 20261203);
  return {
    seed,
    numRuns,
    endOnFailure: true,
    reporter: (out) => {
      if (process.env.FUZZ_RUNS) console.log(`BENCH fuzz.${name}_cases ${out.numRuns} cases`);
      if (out.failed) throw new Error(`fuzz target ${name} failed after ${out.numRuns} cases (seed ${seed}, path ${out.counterexamplePath}): ${String(out.errorInstance)}\ncounterexample: ${JSON.stringify(out.counterexample)?.slice(0, 2000)}`);
    },
  };
}
