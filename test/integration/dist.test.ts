import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/run-action.js';

function listFiles(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(folder, join(d.parentPath, d.name)))
    .sort();
}

describe('dist/', () => {
  it('is what a fresh build of src/ produces (rebuild and commit dist/ with every change to src/)', () => {
    const fresh = mkdtempSync(join(tmpdir(), 'mlgate-dist-'));
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), '--outdir', fresh], { cwd: ROOT, stdio: 'pipe' });
    const committed = join(ROOT, 'dist');
    expect(listFiles(committed)).toEqual(listFiles(fresh));
    for (const file of listFiles(fresh)) {
      const same = readFileSync(join(committed, file)).equals(readFileSync(join(fresh, file)));
      expect(same, `dist/${file} is stale: run npm run build and commit dist/`).toBe(true);
    }
  });
});
