import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigurationError, DataError } from '../../core/errors.js';

/**
 * The script of worker `name` beside the bundle (dist/<bundle>/<name>.js), or undefined when running from sources
 * (tests of src/ then do the work on the calling thread). The calling code may sit in the bundle's chunks/ folder.
 */
export function workerScript(name: string): string | undefined {
  for (const relative of [`./${name}.js`, `../${name}.js`]) {
    const path = fileURLToPath(new URL(relative, import.meta.url));
    if (existsSync(path)) return path;
  }
  return undefined;
}

/** An error as a worker posts it: plain data. */
export interface WorkerError {
  name: string;
  message: string;
  location?: { file: string; line?: number };
}

export function toWorkerError(error: unknown): WorkerError {
  const e = error as { name?: string; message?: string; location?: { file: string; line?: number } };
  return { name: e.name ?? 'Error', message: e.message ?? String(error), location: e.location };
}

/**
 * The error again on this side: user errors keep their kind across the thread boundary (and so their one-line report).
 */
export function fromWorkerError({ name, message, location }: WorkerError): Error {
  return name === 'DataError'
    ? new DataError(message, location)
    : name === 'ConfigurationError'
      ? new ConfigurationError(message, location)
      : new Error(message);
}
