import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { InferenceSession, Tensor } from 'onnxruntime-common';
import { ONNXRUNTIME_PIN } from 'virtual:mlgate-onnxruntime-pin';
import { ConfigurationError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { findCachedOnnxruntime, installOnnxruntime, type OnnxruntimePin } from './install-onnxruntime.js';

/** The parts of onnxruntime-node that mlgate uses. */
export interface Onnxruntime {
  InferenceSession: { create(model: Uint8Array | string, options?: InferenceSession.SessionOptions): Promise<InferenceSession> };
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
 */
export async function findOnnxruntime(options: LoadOnnxruntimeOptions): Promise<Onnxruntime> {
  const pin = options.pin ?? ONNXRUNTIME_PIN;
  if (options.path) {
    const folder = resolve(options.path);
    const candidates = [folder, join(folder, 'node_modules', 'onnxruntime-node')];
    const found = candidates.find((c) => existsSync(join(c, 'package.json')) && existsSync(join(c, 'dist', 'index.js')));
    if (!found) throw new ConfigurationError(`onnxruntime-path ${options.path}: no onnxruntime-node package there (expected package.json and dist/index.js, or node_modules/onnxruntime-node); install it with npm install onnxruntime-node@${pin.node.version}`);
    return requireOnnxruntime(found, `${options.path}`);
  }
  const ordinary = tryResolve(options.resolveFrom ?? import.meta.url);
  if (ordinary) return requireOnnxruntime(ordinary, 'node_modules');
  const cacheRoot = options.cacheRoot ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'mlgate');
  const cached = findCachedOnnxruntime({ pin, cacheRoot });
  if (cached) return requireOnnxruntime(join(cached, 'node_modules', 'onnxruntime-node'), `tool cache ${cached}`);
  const installed = await installOnnxruntime({ pin, cacheRoot, registry: options.registry, logger: options.logger });
  return requireOnnxruntime(join(installed, 'node_modules', 'onnxruntime-node'), `tool cache ${installed} (downloaded)`);
}

function tryResolve(from: string | URL): string | undefined {
  try {
    const entry = createRequire(from).resolve('onnxruntime-node');
    return resolve(entry, '..', '..');
  } catch {
    return undefined;
  }
}

/** onnxruntime-node loaded from its package folder (`source` says where that is, for the log). */
export function requireOnnxruntime(packageFolder: string, source: string): Onnxruntime {
  const require = createRequire(join(packageFolder, 'package.json'));
  let ort: Omit<Onnxruntime, 'source' | 'version'>;
  try {
    ort = require(packageFolder) as Omit<Onnxruntime, 'source' | 'version'>;
  } catch (error) {
    throw new ConfigurationError(`onnxruntime-node at ${packageFolder} does not load on this runner (${(error as Error).message.split('\n')[0]}); reinstall it, or remove it from the tool cache to fetch it again`);
  }
  const version = (require(join(packageFolder, 'package.json')) as { version: string }).version;
  return { InferenceSession: ort.InferenceSession, Tensor: ort.Tensor, source, version, folder: packageFolder };
}
