// The onnxruntime-node release the evaluate bundle fetches on first use: version and sha512 integrity of it and of
// onnxruntime-common, taken from package-lock.json at build (and test) time so that the bundle and the lock file
// cannot disagree. Served as the module `virtual:mlgate-onnxruntime-pin` by scripts/build.mjs and vitest.config.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ONNXRUNTIME_PIN_MODULE = /^virtual:mlgate-onnxruntime-pin$/;

/** ESM source exporting ONNXRUNTIME_PIN: { node: { name, version, integrity }, common: { ... } }. */
export function onnxruntimePinModule(root) {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
  const entry = (name) => {
    const found = lock.packages[`node_modules/${name}`];
    if (!found?.version || !found.integrity?.startsWith('sha512-')) throw new Error(`package-lock.json has no sha512 integrity for ${name}`);
    return { name, version: found.version, integrity: found.integrity };
  };
  return `export const ONNXRUNTIME_PIN = ${JSON.stringify({ node: entry('onnxruntime-node'), common: entry('onnxruntime-common') })};\n`;
}
