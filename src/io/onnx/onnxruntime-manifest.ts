import { existsSync, lstatSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256FileSync } from '../sha256.js';
import type { OnnxruntimePin, PinnedPackage } from './install-onnxruntime.js';

/**
 * The file an install writes last into its folder. It says what was installed, and every load checks the folder
 * against it and it against the build's pin, because the tool cache outlives the job that filled it: on a shared
 * runner any later job can write there.
 */
export const MANIFEST_FILE = '.mlgate-manifest.json';

const MANIFEST_SCHEMA = 'mlgate/onnxruntime-install@1';

/** What an install folder holds, as the installer wrote it. */
export interface InstallManifest {
  schema: typeof MANIFEST_SCHEMA;
  /** Each package installed, with the version and tarball integrity it was unpacked from. */
  packages: Record<string, { version: string; integrity: string }>;
  /** SHA-256 (hex) of every installed file, by its `/`-separated path inside the install folder. */
  files: Record<string, string>;
}

/**
 * The files an install for this platform holds, by path inside the install folder
 * (`node_modules/<package>/<path>`), each with the SHA-256 the build recorded: the pinned files of both packages,
 * with only this platform's native folder.
 */
export function expectedFiles(pin: OnnxruntimePin, platform: string, arch: string): Map<string, string> {
  const expected = new Map<string, string>();
  for (const pkg of [pin.node, pin.common]) {
    for (const [path, digest] of Object.entries(pkg.files)) {
      if (pkg === pin.node && path.startsWith('bin/napi-v6/') && !path.startsWith(nativeFolder(platform, arch)))
        continue;
      expected.set(`node_modules/${pkg.name}/${path}`, digest);
    }
  }
  return expected;
}

/** Where onnxruntime-node keeps one platform's native files, inside the package. */
export function nativeFolder(platform: string, arch: string): string {
  return `bin/napi-v6/${platform}/${arch}/`;
}

/** Writes the manifest of a finished install (the files are hashed as they are now on disk). */
export function writeManifest(folder: string, pin: OnnxruntimePin): void {
  const files = Object.fromEntries(listFiles(folder).map((path) => [path, sha256FileSync(join(folder, path))]));
  const manifest: InstallManifest = { schema: MANIFEST_SCHEMA, packages: packagesOf(pin), files };
  writeFileSync(join(folder, MANIFEST_FILE), `${JSON.stringify(manifest, null, 1)}\n`);
}

/**
 * Checks an install folder before anything in it is loaded: its manifest names the pinned versions and
 * integrities and exactly the files the build recorded for this platform, with their hashes, and the folder holds
 * exactly those files, each with that SHA-256. Returns what is wrong, or undefined when all holds.
 *
 * Hashing the 47 MB of the linux-x64 files takes 45 to 65 ms (measured on a 2-core x64 machine with SHA extensions,
 * files in the page cache).
 */
export function verifyInstall(folder: string, pin: OnnxruntimePin, platform: string, arch: string): string | undefined {
  let manifest: InstallManifest;
  try {
    manifest = JSON.parse(readFileSync(join(folder, MANIFEST_FILE), 'utf8')) as InstallManifest;
  } catch {
    return `it has no readable ${MANIFEST_FILE}`;
  }
  if (manifest?.schema !== MANIFEST_SCHEMA || typeof manifest.files !== 'object' || manifest.files === null)
    return `${MANIFEST_FILE} is not an mlgate install manifest`;
  for (const [name, wanted] of Object.entries(packagesOf(pin))) {
    const got = manifest.packages?.[name];
    if (got?.version !== wanted.version || got.integrity !== wanted.integrity)
      return `${MANIFEST_FILE} names ${name}@${got?.version} ${got?.integrity}, not the pinned ${wanted.version} ${wanted.integrity}`;
  }
  const expected = expectedFiles(pin, platform, arch);
  const listed = Object.entries(manifest.files);
  if (listed.length !== expected.size || listed.some(([path, digest]) => expected.get(path) !== digest)) {
    const odd =
      listed.find(([path, digest]) => expected.get(path) !== digest)?.[0] ??
      [...expected.keys()].find((path) => !(path in manifest.files));
    return `${MANIFEST_FILE} does not list the files of the pinned release (first difference: ${odd})`;
  }
  return checkFiles(folder, expected, true);
}

/**
 * Checks a copy of onnxruntime-node that mlgate did not install (the ordinary dependency, or onnxruntime-path):
 * it and the onnxruntime-common it loads are the pinned versions, and every file the pinned release installs for
 * this platform is there with the recorded SHA-256. Files the release does not have (the CUDA providers that
 * onnxruntime-node's install script adds on request) are not checked: mlgate never asks for them.
 */
export function verifyPackageCopy(
  nodeFolder: string,
  commonFolder: string,
  pin: OnnxruntimePin,
  platform: string,
  arch: string,
): string | undefined {
  for (const [pkg, folder] of [
    [pin.node, nodeFolder],
    [pin.common, commonFolder],
  ] as const) {
    const version = versionAt(folder);
    if (version !== pkg.version)
      return `${folder} holds ${pkg.name} ${version ?? '(unreadable)'}, not the pinned ${pkg.version}`;
    const prefix = `node_modules/${pkg.name}/`;
    const files = new Map(
      [...expectedFiles(pin, platform, arch)]
        .filter(([path]) => path.startsWith(prefix))
        .map(([path, digest]) => [path.slice(prefix.length), digest]),
    );
    const problem =
      checkFiles(folder, files, false) ??
      (pkg === pin.node ? checkNativeFolder(folder, files, platform, arch) : undefined);
    if (problem) return problem;
  }
  return undefined;
}

/**
 * The folder of the native libraries must hold exactly the pinned release's files: libonnxruntime.so.1 looks for the
 * libraries it needs beside itself first (its RUNPATH is $ORIGIN), so any extra file there (a planted librt.so.1)
 * would be loaded with it and run its code in the step.
 */
function checkNativeFolder(
  folder: string,
  files: ReadonlyMap<string, string>,
  platform: string,
  arch: string,
): string | undefined {
  const native = `bin/napi-v6/${platform}/${arch}`;
  if (!existsSync(join(folder, native))) return undefined;
  const extra = listFiles(join(folder, native)).find((path) => !files.has(`${native}/${path}`));
  return extra
    ? `${native} holds ${extra}, which the pinned release does not, and which would be loaded with it`
    : undefined;
}

/** The version in a package folder's package.json, or undefined when there is none. */
export function versionAt(folder: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/** Every file and link under `folder` (the manifest aside), by `/`-separated path; links are listed, not followed. */
function listFiles(folder: string, prefix = ''): string[] {
  const paths: string[] = [];
  for (const entry of readdirSync(join(folder, prefix), { withFileTypes: true })) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) paths.push(...listFiles(folder, path));
    else if (path !== MANIFEST_FILE) paths.push(path);
  }
  return paths.sort();
}

/** Each expected file is a regular file with its SHA-256; with `exact`, nothing else is there. */
function checkFiles(folder: string, expected: Map<string, string>, exact: boolean): string | undefined {
  if (exact) {
    const extra = listFiles(folder).find((path) => !expected.has(path));
    if (extra) return `it holds ${extra}, which the install did not write`;
  }
  for (const [path, digest] of expected) {
    const full = join(folder, path);
    let regular: boolean;
    try {
      regular = lstatSync(full).isFile();
    } catch {
      return `${path} is missing`;
    }
    if (!regular) return `${path} is not a regular file`;
    const actual = sha256FileSync(full);
    if (actual !== digest) return `${path} has SHA-256 ${actual}, not the pinned release's ${digest}`;
  }
  return undefined;
}

function packagesOf(pin: OnnxruntimePin): InstallManifest['packages'] {
  return Object.fromEntries(
    [pin.node, pin.common].map((p: PinnedPackage) => [p.name, { version: p.version, integrity: p.integrity }]),
  );
}
