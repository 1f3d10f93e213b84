// Compiles the document JSON Schemas (src/schemas/*.schema.json) into standalone validator code with Ajv, at build
// and test time, so that the bundles neither ship Ajv nor spend start-up compiling schemas. Each kind is served as
// the module `virtual:mlgate-validators/<kind>` (loaded on first use) by the esbuild plugin in scripts/build.mjs and
// the Vite plugin in vitest.config.ts.
import { Ajv2020 } from 'ajv/dist/2020.js';
import standalone from 'ajv/dist/standalone/index.js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** `virtual:mlgate-validators/<kind>`: the module of one kind's validator. */
export const VALIDATORS_MODULE = /^virtual:mlgate-validators\/([a-z-]+)$/;

/** Ajv runtime helpers, as expressions: the length of a string in code points (what maxLength counts). */
const INLINE_HELPERS = {
  ucs2length: '((text) => { let n = 0; for (const _ of text) n++; return n; })',
};

/** ESM source exporting `validate`, the validator of one document kind (the name of its schema file). */
export function validatorModule(root, kind) {
  const folder = join(root, 'src', 'schemas');
  const schemas = readdirSync(folder)
    .filter((f) => f.endsWith('.schema.json'))
    .sort()
    .map((f) => ({
      kind: f.replace(/\.schema\.json$/, ''),
      schema: JSON.parse(readFileSync(join(folder, f), 'utf8')),
    }));
  const wanted = schemas.find((s) => s.kind === kind);
  if (!wanted || kind === 'common') throw new Error(`no document schema src/schemas/${kind}.schema.json`);
  const ajv = new Ajv2020({
    strict: true,
    allowUnionTypes: true,
    allErrors: false,
    code: { source: true, esm: true },
    schemas: schemas.map((s) => s.schema),
  });
  let code = (standalone.default ?? standalone)(ajv, { validate: wanted.schema.$id });
  // Ajv's generated code require()s its runtime helpers, which ESM cannot do: inline the ones the schemas need.
  for (const [helper, source] of Object.entries(INLINE_HELPERS))
    code = code.split(`require("ajv/dist/runtime/${helper}").default`).join(source);
  if (code.includes('require('))
    throw new Error(
      `the ${kind} schema needs an Ajv runtime helper that is not inlined: ${code.match(/require\([^)]*\)/)[0]}`,
    );
  return code;
}
