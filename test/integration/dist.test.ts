import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtDist } from '../support/bundles.js';
import { ROOT } from '../support/run-action.js';

function listFiles(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(folder, join(d.parentPath, d.name)))
    .sort();
}

describe('dist/', () => {
  // The other tests run the bundles this run built from src/ (test/support/build-bundles.ts); this one holds the
  // committed dist/, which the runner and the npm package use, to that same build.
  it('is what a fresh build of src/ produces (rebuild and commit dist/ with every change to src/)', () => {
    const fresh = builtDist();
    const committed = join(ROOT, 'dist');
    expect(listFiles(committed)).toEqual(listFiles(fresh));
    for (const file of listFiles(fresh)) {
      const same = readFileSync(join(committed, file)).equals(readFileSync(join(fresh, file)));
      expect(same, `dist/${file} is stale: run npm run build and commit dist/`).toBe(true);
    }
  });
});
