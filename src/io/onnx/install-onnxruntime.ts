import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { ConfigurationError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { extractTar } from './tar-extract.js';

/** One npm package, exactly as package-lock.json pins it. */
export interface PinnedPackage {
  name: string;
  version: string;
  /** `sha512-<base64>`, the integrity of the package's tarball. */
  integrity: string;
}

export interface OnnxruntimePin {
  node: PinnedPackage;
  common: PinnedPackage;
}

/** The public npm registry; `npm_config_registry` (as npm itself reads it) points at a mirror instead. */
export const DEFAULT_REGISTRY = 'https://registry.npmjs.org';

/** The marker written last into an installed folder: a folder without it is a half-finished install. */
const COMPLETE = '.mlgate-complete';

export interface InstallOptions {
  pin: OnnxruntimePin;
  /** The tool cache's root (RUNNER_TOOL_CACHE on a runner). */
  cacheRoot: string;
  registry?: string;
  platform?: NodeJS.Platform;
  arch?: string;
  logger?: Logger;
}

/** Where the pinned onnxruntime-node for this platform lives in the tool cache, as actions/tool-cache lays out tools. */
export function cachedOnnxruntimeDir(options: Pick<InstallOptions, 'pin' | 'cacheRoot' | 'arch'>): string {
  return join(options.cacheRoot, 'mlgate-onnxruntime-node', options.pin.node.version, options.arch ?? process.arch);
}

/** The installed folder when a complete install is in the tool cache. */
export function findCachedOnnxruntime(options: Pick<InstallOptions, 'pin' | 'cacheRoot' | 'arch'>): string | undefined {
  const dir = cachedOnnxruntimeDir(options);
  return existsSync(join(dir, COMPLETE)) ? dir : undefined;
}

/**
 * Downloads the pinned onnxruntime-node and onnxruntime-common tarballs, checks each against its sha512 integrity,
 * and unpacks only this platform's native files (about 50 of the package's 290 MB) into the tool cache as
 * `<dir>/node_modules/<package>`. Unpacking goes to a private folder renamed into place once verified and
 * complete, so concurrent jobs on one runner and interrupted downloads never leave a broken install behind.
 */
export async function installOnnxruntime(options: InstallOptions): Promise<string> {
  const platform = options.platform ?? process.platform;
  const arch = options.arch ?? process.arch;
  const registry = (options.registry ?? DEFAULT_REGISTRY).replace(/\/+$/, '');
  const target = cachedOnnxruntimeDir(options);
  const staging = `${target}.partial-${randomUUID()}`;
  mkdirSync(staging, { recursive: true });
  try {
    const nativeFolder = `package/bin/napi-v6/${platform}/${arch}/`;
    const nodeFiles = await fetchPackage(registry, options.pin.node, join(staging, 'node_modules', 'onnxruntime-node'), (name) =>
      name === 'package/package.json' || (name.startsWith('package/dist/') && name.endsWith('.js')) || name.startsWith(nativeFolder) ? name.slice('package/'.length) : undefined,
      options.logger,
    );
    if (!nodeFiles.some((name) => name.startsWith(nativeFolder.slice('package/'.length)))) {
      throw new ConfigurationError(`onnxruntime-node ${options.pin.node.version} has no build for ${platform}-${arch}; install onnxruntime-node on the runner and set onnxruntime-path`);
    }
    await fetchPackage(registry, options.pin.common, join(staging, 'node_modules', 'onnxruntime-common'), (name) => (name.startsWith('package/') ? name.slice('package/'.length) : undefined), options.logger);
    writeFileSync(join(staging, COMPLETE), `${options.pin.node.name}@${options.pin.node.version} ${options.pin.node.integrity}\n`);
    try {
      renameSync(staging, target);
    } catch {
      // Another job on this runner finished first: use its copy.
      if (!findCachedOnnxruntime(options)) {
        rmSync(target, { recursive: true, force: true });
        renameSync(staging, target);
      }
    }
    return target;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Streams one package's tarball through its integrity check into `folder`; refuses it when the hash differs. */
async function fetchPackage(registry: string, pin: PinnedPackage, folder: string, keep: (name: string) => string | undefined, logger?: Logger): Promise<string[]> {
  const url = `${registry}/${pin.name}/-/${pin.name.split('/').pop()}-${pin.version}.tgz`;
  logger?.info(`Downloading ${pin.name}@${pin.version} from ${registry}`);
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new ConfigurationError(`cannot download ${pin.name}@${pin.version} from ${registry} (${(error as Error).cause ?? (error as Error).message}); on a runner without internet, install onnxruntime-node@${pin.version} and set onnxruntime-path`);
  }
  if (!response.ok || !response.body) throw new ConfigurationError(`cannot download ${pin.name}@${pin.version}: ${url} answered ${response.status}; set npm_config_registry to a registry that has it, or set onnxruntime-path`);
  const [algorithm, expected] = [pin.integrity.slice(0, pin.integrity.indexOf('-')), pin.integrity.slice(pin.integrity.indexOf('-') + 1)];
  const hash = createHash(algorithm);
  const body = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
  body.on('data', (chunk: Buffer) => hash.update(chunk));
  const gunzip = createGunzip();
  body.on('error', (error) => gunzip.destroy(error));
  let files: string[];
  try {
    files = await extractTar(body.pipe(gunzip), folder, keep);
  } catch (error) {
    throw new ConfigurationError(`${pin.name}@${pin.version} from ${registry} is not a readable package (${(error as Error).message}); it may be cut short or tampered with`);
  }
  const actual = hash.digest('base64');
  if (actual !== expected) {
    throw new ConfigurationError(`${pin.name}@${pin.version} from ${registry} failed its integrity check (expected ${pin.integrity}, got ${algorithm}-${actual}); refusing to load it. Check the registry mirror, or set onnxruntime-path`);
  }
  return files;
}
