import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import base from '../../vitest.config.js';

/**
 * `npm run chaos`: every fault-injection scenario, including those that need the build (`*.chaos.ts`,
 * never picked up by `npm test`). One file at a time: they measure latency under load.
 */
export default defineConfig({
  ...base,
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    ...base.test,
    include: ['test/chaos/**/*.spec.ts', 'test/chaos/**/*.chaos.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
