import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtDist } from '../support/bundles.js';
import { fillToolCache } from '../support/onnxruntime-cache.js';
import { ROOT } from '../support/run-action.js';

/**
 * mlgate as a team installs it in its own repository: the package packed with `npm pack`, installed from the tarball
 * into an empty project, its `mlgate` command run from node_modules/.bin with no clone of mlgate anywhere near.
 */
let project: string;
let tarball: string;

/**
 * The package as `npm pack` in this repository makes it, but with this run's build of src/ as its dist/: the files
 * package.json lists, copied beside that build into a staging folder. (test/integration/dist.test.ts holds the
 * committed dist/ to the same build.)
 */
function stagePackage(): string {
  const staging = mkdtempSync(join(tmpdir(), 'mlgate-package-'));
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { files: string[] };
  cpSync(join(ROOT, 'package.json'), join(staging, 'package.json'));
  for (const entry of manifest.files) {
    const from = entry.startsWith('dist/') ? join(builtDist(), entry.slice('dist/'.length)) : join(ROOT, entry);
    cpSync(from, join(staging, entry), { recursive: true });
  }
  return staging;
}

beforeAll(() => {
  const packs = mkdtempSync(join(tmpdir(), 'mlgate-pack-'));
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', packs], {
      cwd: stagePackage(),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }),
  ) as { filename: string }[];
  tarball = join(packs, packed[0]!.filename);
  project = mkdtempSync(join(tmpdir(), 'mlgate-user-project-'));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'team-models', private: true }));
  const installed = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', tarball], {
    cwd: project,
    encoding: 'utf8',
  });
  expect(installed.status, installed.stderr).toBe(0);
}, 120_000);

/** A laptop's cache holding onnxruntime as mlgate leaves it after its first download (files and manifest). */
function seededCache(): string {
  const cache = mkdtempSync(join(tmpdir(), 'mlgate-xdg-cache-'));
  fillToolCache(join(cache, 'mlgate'));
  return cache;
}

describe('the npm package, installed in another project', () => {
  it("is small: the bundles and the demo's data, no dependencies to install", () => {
    const manifest = JSON.parse(readFileSync(join(project, 'node_modules', 'mlgate', 'package.json'), 'utf8'));
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(statSync(tarball).size).toBeLessThan(3 * 1024 * 1024);
    expect(existsSync(join(project, 'node_modules', 'mlgate', 'src'))).toBe(false);
    expect(existsSync(join(project, 'node_modules', 'onnxruntime-node'))).toBe(false);
  });

  it('runs mlgate --help from node_modules/.bin', () => {
    const help = spawnSync(join(project, 'node_modules', '.bin', 'mlgate'), ['--help'], {
      cwd: project,
      encoding: 'utf8',
    });
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/^Usage: mlgate <command>/);
    expect(help.stdout).toContain('demo');
  });

  it('runs the whole demo, onnxruntime taken from the cache where mlgate puts it on first use', () => {
    const demo = spawnSync(join(project, 'node_modules', '.bin', 'mlgate'), ['demo'], {
      cwd: project,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', HOME: project, XDG_CACHE_HOME: seededCache() },
    });
    expect(demo.status, demo.stdout + demo.stderr).toBe(0);
    for (const file of ['validation-report.json', 'eval-report.json', 'drift-report.json', 'train-report.json'])
      expect(existsSync(join(project, 'out', 'demo', 'mlgate-reports', file)), file).toBe(true);
    expect(existsSync(join(project, 'out', 'demo', 'release', 'SHA256SUMS'))).toBe(true);
  }, 120_000);
});
