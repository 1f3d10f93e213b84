import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { InferenceSession, Tensor } from 'onnxruntime-common';
import { ONNXRUNTIME_PIN } from 'virtual:mlgate-onnxruntime-pin';
import { ConfigurationError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { cachedOnnxruntimeDir, installOnnxruntime, removeInstall, type OnnxruntimePin } from './install-onnxruntime.js';
import { verifyInstall, verifyPackageCopy, versionAt } from './onnxruntime-manifest.js';

/** The parts of onnxruntime-node that mlgate uses. */
export interface Onnxruntime {
  InferenceSession: {
    create(model: Uint8Array | string, options?: InferenceSession.SessionOptions): Promise<InferenceSession>;
  };
  Tensor: typeof Tensor;
  /** Where it was loaded from, for the log. */
  source: string;
  version: string;
  /** The package folder it was loaded from: another thread loads the same copy from here. */
  folder: string;
}

export interface LoadOnnxruntimeOptions {
  /** A preinstalled copy: the onnxruntime-node package folder, or a folder holding node_modules/onnxruntime-node. */
  path?: string;
  /** The tool cache (RUNNER_TOOL_CACHE); default ~/.cache/mlgate. */
  cacheRoot?: string;
  registry?: string;
  logger?: Logger;
  /** Where ordinary resolution starts (the bundle's own URL); tests point it away from node_modules. */
  resolveFrom?: string | URL;
  pin?: OnnxruntimePin;
}

let loaded: Promise<Onnxruntime> | undefined;

/** onnxruntime-node, found once per process (see findOnnxruntime). */
export function loadOnnxruntime(options: LoadOnnxruntimeOptions = {}): Promise<Onnxruntime> {
  loaded ??= findOnnxruntime(options).catch((error: unknown) => {
    loaded = undefined;
    throw error;
  });
  return loaded;
}

/**
 * Finds onnxruntime-node, in this order: the folder the user named; the ordinary dependency (the CLI installed with
 * npm, or this repository); the pinned copy in the runner's tool cache; else it downloads the pinned copy into the
 * tool cache (verified against package-lock.json's integrity), so only the first job on a runner pays for it.
 *
 * Nothing is loaded before it is checked against the SHA-256 of each file that the build recorded from the pinned
 * release, since a job on a shared runner can write to the tool cache and to the folders above the action:
 * - the tool cache's copy must hold exactly the files its manifest lists, unchanged; one that does not is removed
 *   (with a warning) and downloaded again;
 * - the ordinary dependency must be the pinned version, unchanged, or it is passed over (with a warning) for the
 *   tool cache;
 * - a copy named by `path` of the pinned version must be unchanged, or the run fails (mlgate does not replace what
 *   the workflow put there); one of another version is the workflow's choice and is loaded as it is, unverified,
 *   which the log says.
 */
export async function findOnnxruntime(options: LoadOnnxruntimeOptions): Promise<Onnxruntime> {
  const pin = options.pin ?? ONNXRUNTIME_PIN;
  const { platform, arch } = process;
  if (options.path) {
    const folder = resolve(options.path);
    const candidates = [folder, join(folder, 'node_modules', 'onnxruntime-node')];
    const found = candidates.find(
      (c) => existsSync(join(c, 'package.json')) && existsSync(join(c, 'dist', 'index.js')),
    );
    if (!found)
      throw new ConfigurationError(
        `onnxruntime-path ${options.path}: no onnxruntime-node package there (expected package.json and dist/index.js, or node_modules/onnxruntime-node); install it with npm install onnxruntime-node@${pin.node.version}`,
      );
    const version = versionAt(found);
    if (version !== pin.node.version) {
      options.logger?.info(
        `onnxruntime-path ${options.path} holds onnxruntime-node ${version}, not the pinned ${pin.node.version}: loaded as it is, without checking its files`,
      );
      return requireOnnxruntime(found, `${options.path}`);
    }
    const problem = verifyPackageCopy(found, commonFolderOf(found), pin, platform, arch);
    if (problem)
      throw new ConfigurationError(
        `onnxruntime-path ${options.path} is not onnxruntime-node ${pin.node.version} as published (${problem}); refusing to load it. Reinstall it with npm install onnxruntime-node@${pin.node.version}`,
      );
    return requireOnnxruntime(found, `${options.path}`);
  }
  const ordinary = tryResolve(options.resolveFrom ?? import.meta.url);
  if (ordinary) {
    const problem = verifyPackageCopy(ordinary, commonFolderOf(ordinary), pin, platform, arch);
    if (!problem) return requireOnnxruntime(ordinary, 'node_modules');
    options.logger?.warning(
      `Not loading onnxruntime-node from ${ordinary}: ${problem}. Using the pinned copy in the tool cache instead`,
    );
  }
  const cacheRoot = options.cacheRoot ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'mlgate');
  const cached = cachedOnnxruntimeDir({ pin, cacheRoot });
  if (existsSync(cached)) {
    const problem = verifyInstall(cached, pin, platform, arch);
    if (!problem) return requireOnnxruntime(join(cached, 'node_modules', 'onnxruntime-node'), `tool cache ${cached}`);
    options.logger?.warning(
      `onnxruntime-node in the tool cache at ${cached} fails verification (${problem}); not loading it: removing it and downloading the pinned copy again`,
    );
    try {
      removeInstall(cached);
    } catch (error) {
      throw new ConfigurationError(
        `onnxruntime-node in the tool cache at ${cached} fails verification (${problem}) and cannot be removed (${(error as Error).message}); delete it, or set onnxruntime-path`,
      );
    }
  }
  const installed = await installOnnxruntime({ pin, cacheRoot, registry: options.registry, logger: options.logger });
  return requireOnnxruntime(
    join(installed, 'node_modules', 'onnxruntime-node'),
    `tool cache ${installed} (downloaded)`,
  );
}

function tryResolve(from: string | URL): string | undefined {
  try {
    const entry = createRequire(from).resolve('onnxruntime-node');
    return resolve(entry, '..', '..');
  } catch {
    return undefined;
  }
}

/** The folder of the onnxruntime-common package that onnxruntime-node in `nodeFolder` loads. */
function commonFolderOf(nodeFolder: string): string {
  let folder: string;
  try {
    folder = dirname(createRequire(join(nodeFolder, 'package.json')).resolve('onnxruntime-common'));
  } catch {
    return join(nodeFolder, 'node_modules', 'onnxruntime-common');
  }
  // Up from its entry file to the folder of its package.json.
  while (!existsSync(join(folder, 'package.json')) || versionAt(folder) === undefined) {
    const parent = dirname(folder);
    if (parent === folder) break;
    folder = parent;
  }
  return folder;
}

/** onnxruntime-node loaded from its package folder (`source` says where that is, for the log). */
export function requireOnnxruntime(packageFolder: string, source: string): Onnxruntime {
  const require = createRequire(join(packageFolder, 'package.json'));
  let ort: Omit<Onnxruntime, 'source' | 'version'>;
  try {
    ort = require(packageFolder) as Omit<Onnxruntime, 'source' | 'version'>;
  } catch (error) {
    throw new ConfigurationError(
      `onnxruntime-node at ${packageFolder} does not load on this runner (${(error as Error).message.split('\n')[0]}); reinstall it, or remove it from the tool cache to fetch it again`,
    );
  }
  const version = (require(join(packageFolder, 'package.json')) as { version: string }).version;
  return { InferenceSession: ort.InferenceSession, Tensor: ort.Tensor, source, version, folder: packageFolder };
}
