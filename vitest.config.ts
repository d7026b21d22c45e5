import { defineConfig } from 'vitest/config';

/**
 * Slow unit tests: the emulated RP2040 running the real firmware, g++ host builds (under sanitizers),
 * and cases that train or import the shared recordings (`*.shared.test.ts`). They run in the `slow`
 * project (vitest.slow.config.ts, `npm run test:slow`); `npm test` and CI run both projects once.
 * Everything else is the fast project: `npx vitest run` stays under 30 s on 2 cores (bench/dev.bench.ts).
 */
export const SLOW_TESTS = [
  'tests/unit/emulated-board.test.ts',
  'tests/unit/firmware-hardening.test.ts',
  'src/device/protocol/host-interop.test.ts',
  'src/ml/export/arduino-sketch-host.test.ts',
  'src/cli/commands/train.int8.test.ts',
  '**/*.shared.test.ts',
];

export const UNIT_TESTS = ['src/**/*.test.ts', 'tests/unit/**/*.test.ts'];

export default defineConfig({
  test: {
    name: 'fast',
    include: UNIT_TESTS,
    exclude: ['**/node_modules/**', ...SLOW_TESTS],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
