import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, sep } from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * Slow unit tests: the emulated RP2040 running the real firmware, g++ host builds (under sanitizers),
 * cases that train or import the shared recordings (`*.shared.test.ts`), the tuner's searches and the
 * property-based tests (`*.fuzz.test.ts`, 200 cases each here; `npm run fuzz` runs 10,000). They run in the `slow`
 * project (vitest.slow.config.ts, `npm run test:slow`); `npm test` and CI run both projects once.
 * Everything else is the fast project: `npx vitest run` stays under 30 s on 2 cores (bench/dev.bench.ts).
 */
export const SLOW_TESTS = [
  'tests/unit/emulated-board.test.ts',
  'tests/unit/firmware-hardening.test.ts',
  'tests/unit/firmware-fuzz.test.ts',
  'src/device/protocol/host-interop.test.ts',
  'src/device/protocol/host-interop.fuzz.test.ts',
  'src/ml/export/arduino-sketch-host.test.ts',
  'src/cli/commands/train.int8.test.ts',
  'src/cli/cli-contract.test.ts',
  'src/data/io/import-memory.test.ts',
  'src/cli/commands/tune.test.ts',
  'src/ml/tune/tuner.test.ts',
  'src/ml/train/int8-activity14.test.ts',
  '**/*.fuzz.test.ts',
  'src/workers/tune-protocol.test.ts',
  '**/*.shared.test.ts',
  'src/workers/kws-jobs.slow.test.ts',
  'src/ml/kws-accuracy.slow.test.ts',
];

export const UNIT_TESTS = ['src/**/*.test.ts', 'tests/unit/**/*.test.ts'];

/**
 * Fast test files that mock modules (`vi.mock`), stub globals (`vi.stubGlobal`, `workerInProcess`) or keep global state between files (fake-indexeddb's
 * databases) run isolated, found by reading the files. All other fast files share one module cache
 * per worker (`isolate: false`), which halves the CPU time of a run (TF.js and the interpreter are
 * loaded once per worker, not once per file).
 */
function needsIsolation(): string[] {
  const out: string[] = [];
  for (const root of ['src', 'tests/unit']) {
    for (const f of readdirSync(root, { recursive: true, encoding: 'utf8' })) {
      if (!f.endsWith('.test.ts')) continue;
      const path = join(root, f).split(sep).join('/');
      if (/\bvi\.(mock|doMock|stubGlobal|useFakeTimers)\(|\bworkerInProcess[<(]|fake-indexeddb|globalThis\.\w+ =/.test(readFileSync(path, 'utf8'))) out.push(path);
    }
  }
  return out;
}
export const ISOLATED_TESTS = needsIsolation();

const shared = { environment: 'node', testTimeout: 60_000, hookTimeout: 60_000, pool: 'forks' } as const;

export default defineConfig({
  test: {
    // One fork per core (vitest's default leaves one core free, which on 2 cores means one fork).
    maxWorkers: Math.max(2, availableParallelism()),
    projects: [
      { test: { ...shared, name: 'fast', include: UNIT_TESTS, exclude: ['**/node_modules/**', ...SLOW_TESTS, ...ISOLATED_TESTS], isolate: false } },
      { test: { ...shared, name: 'fast-isolated', include: ISOLATED_TESTS, exclude: ['**/node_modules/**', ...SLOW_TESTS] } },
    ],
  },
});
