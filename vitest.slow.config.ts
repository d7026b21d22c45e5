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
  },
});
