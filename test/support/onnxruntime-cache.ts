import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ONNXRUNTIME_PIN } from 'virtual:mlgate-onnxruntime-pin';
import { cachedOnnxruntimeDir, type OnnxruntimePin } from '../../src/io/onnx/install-onnxruntime.js';
import { expectedFiles, writeManifest } from '../../src/io/onnx/onnxruntime-manifest.js';
import { ROOT } from './run-action.js';

/** The build's pin, as the bundles hold it. */
export const BUILD_PIN: OnnxruntimePin = ONNXRUNTIME_PIN;

/**
 * The install that installOnnxruntime leaves in a tool cache for this platform, made from this repository's
 * node_modules (whose files are the published tarballs', as the pin records them) without a download: the files the
 * pin lists and the manifest. Returns the install folder.
 */
export function fillToolCache(cacheRoot: string, pin: OnnxruntimePin = BUILD_PIN): string {
  const installed = cachedOnnxruntimeDir({ pin, cacheRoot });
  copyPinnedFiles(installed, pin);
  writeManifest(installed, pin);
  return installed;
}

/** This platform's pinned files of both packages, copied from node_modules into `folder`/node_modules. */
export function copyPinnedFiles(folder: string, pin: OnnxruntimePin = BUILD_PIN): void {
  for (const path of expectedFiles(pin, process.platform, process.arch).keys()) {
    mkdirSync(dirname(join(folder, path)), { recursive: true });
    cpSync(join(ROOT, path), join(folder, path));
  }
}

/** The SHA-256 (hex) of a file. */
export function sha256Of(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}
