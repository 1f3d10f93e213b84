import { defineConfig } from 'vitest/config';
import { ONNXRUNTIME_PIN_MODULE, onnxruntimePinModule } from './scripts/onnxruntime-pin.mjs';
import { VALIDATORS_MODULE, validatorModule } from './scripts/schema-validators.mjs';

export default defineConfig({
  plugins: [
    {
      // The same compiled document validators the bundles get from scripts/build.mjs.
      name: 'mlgate-validators',
      resolveId: (id) => (VALIDATORS_MODULE.test(id) ? `\0${id}` : undefined),
      load: (id) => {
        const match = id.startsWith('\0') ? VALIDATORS_MODULE.exec(id.slice(1)) : null;
        return match ? validatorModule(import.meta.dirname, match[1]!) : undefined;
      },
    },
    {
      // The onnxruntime-node release pinned in package-lock.json, as the evaluate bundle gets it.
      name: 'mlgate-onnxruntime-pin',
      resolveId: (id) => (ONNXRUNTIME_PIN_MODULE.test(id) ? `\0${id}` : undefined),
      load: (id) =>
        id.startsWith('\0') && ONNXRUNTIME_PIN_MODULE.test(id.slice(1))
          ? onnxruntimePinModule(import.meta.dirname)
          : undefined,
    },
  ],
  test: {
    // GitHub's workflow parser imports its JSON schemas without import attributes; inlined, Vite loads them.
    server: { deps: { inline: ['@actions/workflow-parser'] } },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      // Modules of src/ tested in-process: no bundles to build (npm run test:unit).
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/security/**/*.test.ts'],
          // These tests run the bundles as the runner does: built from src/ for each run, never the committed dist/.
          globalSetup: ['./test/support/build-bundles.ts'],
        },
      },
    ],
    // The default reporter for people, and the plain "N passed, N failed" line that CI reads.
    reporters: ['default', './test/support/count-reporter.ts'],
  },
});
