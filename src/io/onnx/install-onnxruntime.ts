import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { ConfigurationError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { nativeFolder, verifyInstall, writeManifest } from './onnxruntime-manifest.js';
import { extractTar } from './tar-extract.js';

/** One npm package, exactly as package-lock.json pins it. */
export interface PinnedPackage {
  name: string;
  version: string;
  /** `sha512-<base64>`, the integrity of the package's tarball. */
  integrity: string;
  /**
   * SHA-256 (hex) of each file that is installed from the package, by its path inside the package, recorded by the
   * build (scripts/onnxruntime-pin.mjs): only these files are unpacked, and an install is checked against them
   * before every load.
   */
  files: Record<string, string>;
}

export interface OnnxruntimePin {
  node: PinnedPackage;
  common: PinnedPackage;
}

/** The public npm registry; `npm_config_registry` (as npm itself reads it) points at a mirror instead. */
export const DEFAULT_REGISTRY = 'https://registry.npmjs.org';

/**
 * The largest tarball downloaded. A tarball is held in memory until its sha512 is checked, so that not one byte of
 * it is unpacked before; onnxruntime-node 1.30.0's (every platform's libraries) is 113.5 MB, and the bound leaves
 * room for a later release to grow by more than half while refusing a registry that streams without end.
 */
export const MAX_TARBALL_BYTES = 192 * 1024 * 1024;

export interface InstallOptions {
  pin: OnnxruntimePin;
  /** The tool cache's root (RUNNER_TOOL_CACHE on a runner). */
  cacheRoot: string;
  registry?: string;
  platform?: NodeJS.Platform;
  arch?: string;
  logger?: Logger;
  /** @default MAX_TARBALL_BYTES */
  maxTarballBytes?: number;
}

/**
 * Where the pinned onnxruntime-node for this platform lives in the tool cache, as actions/tool-cache lays out tools.
 */
export function cachedOnnxruntimeDir(options: Pick<InstallOptions, 'pin' | 'cacheRoot' | 'arch'>): string {
  return join(options.cacheRoot, 'mlgate-onnxruntime-node', options.pin.node.version, options.arch ?? process.arch);
}

/**
 * Downloads the pinned onnxruntime-node and onnxruntime-common tarballs, checks each against its sha512 integrity
 * before unpacking anything, and unpacks only the files the build recorded, with this platform's native files
 * (about 50 of the package's 290 MB), into the tool cache as `<dir>/node_modules/<package>`; then writes the
 * manifest that every later load checks (see verifyInstall). Unpacking goes to a private folder renamed into place
 * once verified and complete, so concurrent jobs on one runner and interrupted downloads never leave a broken
 * install behind. Returns the install folder, verified.
 */
export async function installOnnxruntime(options: InstallOptions): Promise<string> {
  const platform = options.platform ?? process.platform;
  const arch = options.arch ?? process.arch;
  const registry = (options.registry ?? DEFAULT_REGISTRY).replace(/\/+$/, '');
  const maxBytes = options.maxTarballBytes ?? MAX_TARBALL_BYTES;
  const { pin } = options;
  const target = cachedOnnxruntimeDir(options);
  const staging = `${target}.partial-${randomUUID()}`;
  mkdirSync(staging, { recursive: true });
  try {
    const native = nativeFolder(platform, arch);
    const nodeFiles = await fetchPackage(
      registry,
      pin.node,
      join(staging, 'node_modules', pin.node.name),
      (path) => !path.startsWith('bin/napi-v6/') || path.startsWith(native),
      maxBytes,
      options.logger,
    );
    if (!nodeFiles.some((name) => name.startsWith(native))) {
      throw new ConfigurationError(
        `onnxruntime-node ${pin.node.version} has no build for ${platform}-${arch}; install onnxruntime-node on the runner and set onnxruntime-path`,
      );
    }
    await fetchPackage(
      registry,
      pin.common,
      join(staging, 'node_modules', pin.common.name),
      () => true,
      maxBytes,
      options.logger,
    );
    writeManifest(staging, pin);
    const problem = verifyInstall(staging, pin, platform, arch);
    if (problem)
      throw new ConfigurationError(
        `onnxruntime-node ${pin.node.version} as downloaded differs from the files this mlgate build recorded (${problem}); the build's node_modules was not what package-lock.json pins: rebuild after npm ci`,
      );
    try {
      renameSync(staging, target);
    } catch {
      // Another job on this runner finished first: use its copy if it holds, else put this one in its place.
      if (verifyInstall(target, pin, platform, arch)) {
        removeInstall(target);
        renameSync(staging, target);
      }
    }
    return target;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Moves an install folder aside, then deletes it: no job ever sees it half deleted. */
export function removeInstall(folder: string): void {
  const aside = `${folder}.stale-${randomUUID()}`;
  renameSync(folder, aside);
  rmSync(aside, { recursive: true, force: true });
}

/**
 * Downloads one package's tarball into memory (at most `maxBytes`), checks its integrity, and only then unpacks
 * into `folder` the files the pin records that `wanted` accepts (by path inside the package). Returns their paths.
 */
async function fetchPackage(
  registry: string,
  pin: PinnedPackage,
  folder: string,
  wanted: (path: string) => boolean,
  maxBytes: number,
  logger?: Logger,
): Promise<string[]> {
  const url = `${registry}/${pin.name}/-/${pin.name.split('/').pop()}-${pin.version}.tgz`;
  logger?.info(`Downloading ${pin.name}@${pin.version} from ${registry}`);
  const tarball = await download(url, registry, pin, maxBytes);
  const [algorithm, expected] = [
    pin.integrity.slice(0, pin.integrity.indexOf('-')),
    pin.integrity.slice(pin.integrity.indexOf('-') + 1),
  ];
  const actual = createHash(algorithm).update(tarball).digest('base64');
  if (actual !== expected) {
    throw new ConfigurationError(
      `${pin.name}@${pin.version} from ${registry} failed its integrity check (expected ${pin.integrity}, got ${algorithm}-${actual}); refusing to load it. Check the registry mirror, or set onnxruntime-path`,
    );
  }
  const keep = (name: string) => {
    const path = name.startsWith('package/') ? name.slice('package/'.length) : undefined;
    return path !== undefined && Object.hasOwn(pin.files, path) && wanted(path) ? path : undefined;
  };
  try {
    return await extractTar(Readable.from([tarball]).pipe(createGunzip()), folder, keep);
  } catch (error) {
    throw new ConfigurationError(
      `${pin.name}@${pin.version} from ${registry} passed its integrity check but cannot be unpacked (${(error as Error).message})`,
    );
  }
}

/** The response body, refused as soon as it would pass `maxBytes` (or says it will). */
async function download(url: string, registry: string, pin: PinnedPackage, maxBytes: number): Promise<Buffer> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new ConfigurationError(
      `cannot download ${pin.name}@${pin.version} from ${registry} (${(error as Error).cause ?? (error as Error).message}); on a runner without internet, install onnxruntime-node@${pin.version} and set onnxruntime-path`,
    );
  }
  if (!response.ok || !response.body)
    throw new ConfigurationError(
      `cannot download ${pin.name}@${pin.version}: ${url} answered ${response.status}; set npm_config_registry to a registry that has it, or set onnxruntime-path`,
    );
  const tooLarge = () =>
    new ConfigurationError(
      `${pin.name}@${pin.version} from ${registry} is larger than ${maxBytes} bytes, far more than the published tarball; refusing it. Check the registry mirror, or set onnxruntime-path`,
    );
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) {
    await response.body.cancel();
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    let next: Awaited<ReturnType<typeof reader.read>>;
    try {
      next = await reader.read();
    } catch (error) {
      throw new ConfigurationError(
        `the download of ${pin.name}@${pin.version} from ${registry} broke off (${(error as Error).cause ?? (error as Error).message}); run the job again`,
      );
    }
    if (next.done) break;
    total += next.value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(next.value);
  }
  return Buffer.concat(chunks, total);
}
