import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { SLOW_TESTS } from './vitest.config.ts';

/** The slow unit tests (see SLOW_TESTS in vitest.config.ts): `npm run test:slow`; `npm test` runs them once. */
export default defineConfig({
  test: {
    name: 'slow',
    include: SLOW_TESTS,
    exclude: ['**/node_modules/**'],
    environment: 'node',
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // One fork per core, as the fast project: vitest's default leaves one core idle (one fork on 2 cores).
    maxWorkers: Math.max(2, availableParallelism()),
  },
});
