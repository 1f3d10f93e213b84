// Compiles the document JSON Schemas (src/schemas/*.schema.json) into standalone validator code with Ajv, at build
// and test time, so that the bundles neither ship Ajv nor spend start-up compiling schemas. Served as the module
// `virtual:mlgate-validators` by the esbuild plugin in scripts/build.mjs and the Vite plugin in vitest.config.ts.
import { Ajv2020 } from 'ajv/dist/2020.js';
import standalone from 'ajv/dist/standalone/index.js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const VALIDATORS_MODULE = 'virtual:mlgate-validators';

/** Ajv runtime helpers, as expressions: the length of a string in code points (what maxLength counts). */
const INLINE_HELPERS = {
  ucs2length: '((text) => { let n = 0; for (const _ of text) n++; return n; })',
};

/** ESM source exporting `validators`: one validate function per document kind, named by the schema file. */
export function validatorsModule(root) {
  const folder = join(root, 'src', 'schemas');
  const schemas = readdirSync(folder)
    .filter((f) => f.endsWith('.schema.json'))
    .sort()
    .map((f) => ({ kind: f.replace(/\.schema\.json$/, ''), schema: JSON.parse(readFileSync(join(folder, f), 'utf8')) }));
  const documents = schemas.filter((s) => s.kind !== 'common');
  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: false, code: { source: true, esm: true }, schemas: schemas.map((s) => s.schema) });
  const exportName = (kind) => `validate_${kind.replace(/-/g, '_')}`;
  let code = (standalone.default ?? standalone)(ajv, Object.fromEntries(documents.map((d) => [exportName(d.kind), d.schema.$id])));
  // Ajv's generated code require()s its runtime helpers, which ESM cannot do: inline the ones the schemas need.
  for (const [helper, source] of Object.entries(INLINE_HELPERS)) code = code.split(`require("ajv/dist/runtime/${helper}").default`).join(source);
  if (code.includes('require(')) throw new Error(`the document schemas need an Ajv runtime helper that is not inlined: ${code.match(/require\([^)]*\)/)[0]}`);
  const table = documents.map((d) => `  ${JSON.stringify(d.kind)}: ${exportName(d.kind)},`).join('\n');
  return `${code}\nexport const validators = {\n${table}\n};\n`;
}
