// The onnxruntime-node release the evaluate bundle fetches on first use: version and sha512 integrity of it and of
// onnxruntime-common, taken from package-lock.json at build (and test) time so that the bundle and the lock file
// cannot disagree, and the SHA-256 of every file the bundle installs from them. Served as the module
// `virtual:mlgate-onnxruntime-pin` by scripts/build.mjs and vitest.config.ts.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export const ONNXRUNTIME_PIN_MODULE = /^virtual:mlgate-onnxruntime-pin$/;

/**
 * The files of each package that the bundle installs and loads, by their path inside the package: what `require`
 * reads (package.json, the CommonJS dist) and the native libraries of every platform. The rest of the package
 * (TypeScript sources, the ESM build, the install script) is never loaded, so never installed.
 */
const INSTALLED = {
  'onnxruntime-node': (path) =>
    path === 'package.json' ||
    (path.startsWith('dist/') && path.endsWith('.js')) ||
    (path.startsWith('bin/napi-v6/') && !ADDED_BY_INSTALL_SCRIPT.test(path)),
  'onnxruntime-common': (path) =>
    path === 'package.json' ||
    path === 'dist/cjs/package.json' ||
    (path.startsWith('dist/cjs/') && path.endsWith('.js')),
};

/**
 * onnxruntime-node's install script adds the CUDA execution providers to a developer's node_modules when asked to
 * (`onnxruntime-node-install=cuda12`); they are not in the published tarball, so not in the table.
 */
const ADDED_BY_INSTALL_SCRIPT = /\/libonnxruntime_providers_[^/]*$/;

const modules = new Map();

/**
 * ESM source exporting ONNXRUNTIME_PIN: { node: { name, version, integrity, files }, common: { ... } }, where
 * `files` maps each installed file's path inside the package to its SHA-256 (hex). The hashes come from
 * node_modules, which `npm ci` unpacked from the tarballs whose integrity package-lock.json pins: the same trust the
 * build already gives every dependency it bundles.
 */
export function onnxruntimePinModule(root) {
  if (modules.has(root)) return modules.get(root);
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
  const entry = (name) => {
    const found = lock.packages[`node_modules/${name}`];
    if (!found?.version || !found.integrity?.startsWith('sha512-'))
      throw new Error(`package-lock.json has no sha512 integrity for ${name}`);
    const folder = join(root, 'node_modules', name);
    const installed = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')).version;
    if (installed !== found.version)
      throw new Error(`node_modules/${name} is ${installed}, package-lock.json pins ${found.version}: run npm ci`);
    return { name, version: found.version, integrity: found.integrity, files: fileDigests(folder, INSTALLED[name]) };
  };
  const source = `export const ONNXRUNTIME_PIN = ${JSON.stringify({ node: entry('onnxruntime-node'), common: entry('onnxruntime-common') })};\n`;
  modules.set(root, source);
  return source;
}

/** SHA-256 (hex) of each file under `folder` that `keep` accepts, by its `/`-separated path, sorted. */
function fileDigests(folder, keep) {
  const paths = readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(folder, join(d.parentPath, d.name)).split(sep).join('/'))
    .filter(keep)
    .sort();
  return Object.fromEntries(paths.map((path) => [path, sha256File(join(folder, path))]));
}

function sha256File(path) {
  // Build time: reading the 46 MB library whole is fine here (the bundles hash it in pieces, at load).
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}
