import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // The default reporter for people, and the plain "N passed, N failed" line that CI reads.
    reporters: ['default', './test/support/count-reporter.ts'],
  },
});
