import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

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
