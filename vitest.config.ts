import { defineConfig } from 'vitest/config';
import { VALIDATORS_MODULE, validatorsModule } from './scripts/schema-validators.mjs';

export default defineConfig({
  plugins: [
    {
      // The same compiled document validators the bundles get from scripts/build.mjs.
      name: 'mlgate-validators',
      resolveId: (id) => (id === VALIDATORS_MODULE ? `\0${VALIDATORS_MODULE}` : undefined),
      load: (id) => (id === `\0${VALIDATORS_MODULE}` ? validatorsModule(import.meta.dirname) : undefined),
    },
  ],
  test: {
    include: ['test/**/*.test.ts'],
    // GitHub's workflow parser imports its JSON schemas without import attributes; inlined, Vite loads them.
    server: { deps: { inline: ['@actions/workflow-parser'] } },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // The default reporter for people, and the plain "N passed, N failed" line that CI reads.
    reporters: ['default', './test/support/count-reporter.ts'],
  },
});
