import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitHubEmulator } from '../support/emulator/server.js';
import { dataFolder } from '../support/datasets.js';
import { scheduleEvent } from '../support/events.js';
import { runAction } from '../support/run-action.js';
import { runCli } from '../support/run-cli.js';
import { teacherLayers, writeClassificationCsv, writeModel } from '../support/models.js';
import { ks2samp } from '../../src/core/stats/ks-2samp.js';
import { seededRandom } from '../../src/core/data/seeded-random.js';

const noise = (i: number) => Math.sin(i * 12.9898) * 43758.5453 - Math.floor(Math.sin(i * 12.9898) * 43758.5453);
const csv = (n: number, shift: number) =>
  `x,c\n${Array.from({ length: n }, (_, i) => `${(noise(i * 3 + shift * 1000) + shift).toFixed(4)},${['a', 'b', 'c'][i % 3]}`).join('\n')}\n`;

let github: GitHubEmulator;
beforeAll(async () => {
  github = await new GitHubEmulator().start();
});
afterAll(async () => {
  await github.stop();
});

describe('drift-check action (dist bundle)', () => {
  it('finds the drifted feature, writes the report, the outputs and a summary', async () => {
    const cwd = dataFolder({ 'ref.csv': csv(600, 0), 'cur.csv': csv(500, 0.4) });
    const result = await runAction({
      action: 'drift-check',
      cwd,
      inputs: { reference: 'ref.csv', current: 'cur.csv' },
    });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.outputs).toMatchObject({
      drifted: 'true',
      'drifted-columns': '["x"]',
      report: 'mlgate-reports/drift-report.json',
    });
    expect(result.summary).toContain('### ⚠️ Drift');
    const report = JSON.parse(readFileSync(join(cwd, 'mlgate-reports/drift-report.json'), 'utf8'));
    expect(
      report.features.map((f: { column: string; test: string; status: string }) => [f.column, f.test, f.status]),
    ).toEqual([
      ['x', 'ks', 'drift'],
      ['c', 'chi2', 'ok'],
    ]);
  });

  it('tests every row with sample-size all (or a number at least the rows), from data files and from a profile written so', async () => {
    const cwd = dataFolder({ 'ref.csv': csv(3000, 0), 'cur.csv': csv(2500, 0.02) });
    const values = (file: string) =>
      Float64Array.from(readFileSync(join(cwd, file), 'utf8').trim().split('\n').slice(1), (line) =>
        Number(line.split(',')[0]),
      );
    const everyRow = ks2samp(values('ref.csv'), values('cur.csv')).pValue;
    const ks = async (args: string[]) => {
      const result = await runCli(
        ['drift-check', '--current', 'cur.csv', '--tests', 'x=ks', '--report', 'r.json', ...args],
        { cwd },
      );
      expect(result.exitCode, result.stdout + result.stderr).toBe(0);
      return JSON.parse(readFileSync(join(cwd, 'r.json'), 'utf8')).features[0].p_value as number;
    };
    expect(await ks(['--reference', 'ref.csv', '--sample-size', 'all'])).toBeCloseTo(everyRow, 12);
    expect(await ks(['--reference', 'ref.csv', '--sample-size', '3000'])).toBeCloseTo(everyRow, 12);
    expect(await ks(['--reference', 'ref.csv', '--sample-size', '500'])).not.toBeCloseTo(everyRow, 6);
    // validate-data writes every row into the profile (encoded compactly), and drift-check reads it back.
    const written = await runCli(
      [
        'validate-data',
        'ref.csv',
        '--infer',
        'true',
        '--contract',
        'c.yml',
        '--profile',
        'profile.json',
        '--sample-size',
        'all',
      ],
      { cwd },
    );
    expect(written.exitCode, written.stdout + written.stderr).toBe(0);
    const profile = JSON.parse(readFileSync(join(cwd, 'profile.json'), 'utf8'));
    expect(profile.schema).toBe('mlgate/profile@2');
    expect(profile.sample).toMatchObject({ size: 'all', priorities: { encoding: 'delta-varint', count: 3000 } });
    expect(profile.columns[0].sample).toMatchObject({ encoding: 'decimal-varint', decimals: 4, count: 3000 });
    expect(await ks(['--reference', 'profile.json', '--sample-size', 'all'])).toBeCloseTo(everyRow, 12);
  });

  it('reads every row in parallel parts into the report it writes from one piece, decimals or not', async () => {
    // x: 4-decimal values and some "-0.0000" (kept as integers); y: full doubles (kept as float64); c: texts.
    const rows = (n: number, shift: number) =>
      `x,y,c\n${Array.from(
        { length: n },
        (_, i) =>
          `${i % 97 === 0 ? '-0.0000' : (noise(i + shift * 1000) + shift).toFixed(4)},${noise(i * 7 + shift) * 1e3},${['a', 'b', 'c'][i % 3]}`,
      ).join('\n')}\n`;
    const cwd = dataFolder({ 'ref.csv': rows(4000, 0), 'cur.csv': rows(3500, 0.05) });
    const report = async (threads: string) => {
      const result = await runCli(
        [
          'drift-check',
          '--reference',
          'ref.csv',
          '--current',
          'cur.csv',
          '--sample-size',
          'all',
          '--tests',
          'numeric=ks',
          '--report',
          `r${threads}.json`,
        ],
        { cwd, env: { MLGATE_THREADS: threads, MLGATE_PARALLEL_MIN_BYTES: '1000', MLGATE_DEBUG: '1' } },
      );
      expect(result.exitCode, result.stdout + result.stderr).toBe(0);
      const { created_at: _, ...rest } = JSON.parse(readFileSync(join(cwd, `r${threads}.json`), 'utf8'));
      return { rest, log: result.stdout + result.stderr };
    };
    const parallel = await report('3');
    expect(parallel.log).toContain('cur.csv: read in 3 parts on 3 threads');
    const whole = await report('1');
    expect(parallel.rest).toEqual(whole.rest);
    const value = (file: string, column: number) =>
      Float64Array.from(readFileSync(join(cwd, file), 'utf8').trim().split('\n').slice(1), (line) =>
        Number(line.split(',')[column]),
      );
    const p = (column: number) => ks2samp(value('ref.csv', column), value('cur.csv', column)).pValue;
    expect(whole.rest.features.map((f: { p_value: number }) => f.p_value).slice(0, 2)).toEqual([p(0), p(1)]);
  });

  it.each([
    ['-5', /--sample-size must be a whole number of rows, or all for every row \(got "-5"\)/],
    ['some', /--sample-size must be a whole number of rows, or all for every row \(got "some"\)/],
  ])('refuses sample-size %s with one line naming the input', async (value, message) => {
    const cwd = dataFolder({ 'ref.csv': csv(60, 0), 'cur.csv': csv(50, 0) });
    const result = await runCli(
      ['drift-check', '--reference', 'ref.csv', '--current', 'cur.csv', '--sample-size', value],
      { cwd },
    );
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('fails the step on drift only when asked', async () => {
    const cwd = dataFolder({ 'ref.csv': csv(600, 0), 'cur.csv': csv(500, 0.4) });
    const result = await runAction({
      action: 'drift-check',
      cwd,
      inputs: { reference: 'ref.csv', current: 'cur.csv', 'fail-on-drift': 'true', 'drift-share': '0.5' },
    });
    expect(result.exitCode).toBe(1);
    expect(result.annotations.at(-1)!.message).toMatch(/^The data drifted: x; see mlgate-reports\/drift-report\.json/);
  });

  it('takes the reference from the latest release (release:latest), verified against SHA256SUMS', async () => {
    const cwd = dataFolder({ 'ref.csv': csv(600, 0), 'cur.csv': csv(500, 0) });
    await runCli(['validate-data', 'ref.csv', '--infer', 'true', '--contract', 'c.yml', '--profile', 'profile.json'], {
      cwd,
    });
    const profile = readFileSync(join(cwd, 'profile.json'));
    const api = (method: string, url: string, body: string | Buffer, type = 'application/json') =>
      fetch(url, {
        method,
        headers: { authorization: `token ${GitHubEmulator.WRITE_TOKEN}`, 'content-type': type },
        body,
      }).then((r) => r.json() as Promise<any>);
    const release = await api(
      'POST',
      `${github.apiUrl}/repos/acme/models/releases`,
      JSON.stringify({ tag_name: 'model-v1.0.0' }),
    );
    const upload = String(release.upload_url).replace(/\{.*$/, '');
    await api('POST', `${upload}?name=profile.json`, profile, 'application/json');
    await api(
      'POST',
      `${upload}?name=SHA256SUMS`,
      `${createHash('sha256').update(profile).digest('hex')}  profile.json\n`,
      'text/plain',
    );
    const result = await runAction({
      action: 'drift-check',
      cwd,
      token: GitHubEmulator.WRITE_TOKEN,
      apiUrl: github.apiUrl,
      inputs: { reference: 'release:latest', current: 'cur.csv' },
    });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.stdout).toContain('Reference: profile.json of model-v1.0.0');
    expect(result.outputs.drifted).toBe('false');
  });

  it('passes with a note when no model has been released yet (the first pull request of a repository)', async () => {
    const cwd = dataFolder({ 'cur.csv': csv(500, 0) });
    const result = await runAction({
      action: 'drift-check',
      cwd,
      token: GitHubEmulator.WRITE_TOKEN,
      apiUrl: github.apiUrl,
      env: { GITHUB_REPOSITORY: 'acme/no-release-yet' },
      inputs: { reference: 'release:latest', current: 'cur.csv' },
    });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.stdout).toContain('No mlgate release yet (tags model-v*): no reference to compare with');
    expect(result.outputs.drifted).toBe('false');
  });

  it("passes the merge job too when no model has been released yet, without reading the shards' partials", async () => {
    // The matrix's shards read the reference's types, so they fail before writing a partial: the merge has none.
    const cwd = dataFolder({});
    const result = await runAction({
      action: 'drift-check',
      cwd,
      token: GitHubEmulator.WRITE_TOKEN,
      apiUrl: github.apiUrl,
      env: { GITHUB_REPOSITORY: 'acme/no-release-yet' },
      inputs: { reference: 'release:latest', merge: 'mlgate-reports/drift-check.shard-*' },
    });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.stdout).toContain('No mlgate release yet (tags model-v*): no reference to compare with');
    expect(result.outputs.drifted).toBe('false');
  });

  it.each([
    [
      'an unknown test',
      { reference: 'ref.csv', current: 'cur.csv', tests: 'x=anova' },
      /^input "tests": "anova" for x is not a test; use one of ks, chi2, ztest, psi, jensenshannon, wasserstein/,
    ],
    ['a missing current file', { reference: 'ref.csv', current: 'nope.csv' }, /^nope\.csv: file not found/],
    [
      'a JSON reference that is not a profile',
      { reference: 'report.json', current: 'cur.csv' },
      /^report\.json: not an mlgate document/,
    ],
  ])('%s gives one clear error line', async (_, inputs, message) => {
    const cwd = dataFolder({ 'ref.csv': csv(100, 0), 'cur.csv': csv(100, 0), 'report.json': '{"a": 1}' });
    const result = await runAction({ action: 'drift-check', cwd, inputs });
    expect(result.exitCode).toBe(1);
    expect(result.annotations).toHaveLength(1);
    expect(result.annotations[0]!.message).toMatch(message);
  });
});

describe('drift-check with a model: prediction drift', () => {
  it('scores both sides with the model and reports its predictions beside the features', async () => {
    const cwd = dataFolder({});
    const classes = ['a', 'b', 'c'];
    writeModel(join(cwd, 'model.onnx'), {
      features: ['f0', 'f1', 'f2'],
      classes,
      layers: teacherLayers(3, 3),
      output: 'softmax',
    });
    writeClassificationCsv(join(cwd, 'ref.csv'), 3000, 3, classes, { seed: 1 });
    // The current data leans on f0: the model predicts class a far more often.
    writeClassificationCsv(join(cwd, 'cur.csv'), 3000, 3, classes, { seed: 2 });
    const current = readFileSync(join(cwd, 'cur.csv'), 'utf8').split('\n');
    writeFileSync(
      join(cwd, 'shifted.csv'),
      `${[
        current[0],
        ...current
          .slice(1)
          .filter(Boolean)
          .map((line) => {
            const [f0, ...rest] = line.split(',');
            return [(Number(f0) + 0.8).toFixed(3), ...rest].join(',');
          }),
      ].join('\n')}\n`,
    );
    const calm = await runAction({
      action: 'drift-check',
      cwd,
      inputs: { reference: 'ref.csv', current: 'cur.csv', model: 'model.onnx' },
    });
    expect(calm.exitCode, calm.stdout).toBe(0);
    expect(calm.outputs['prediction-drifted']).toBe('false');
    const shifted = await runAction({
      action: 'drift-check',
      cwd,
      inputs: { reference: 'ref.csv', current: 'shifted.csv', model: 'model.onnx' },
    });
    expect(shifted.exitCode, shifted.stdout).toBe(0);
    expect(shifted.outputs['prediction-drifted']).toBe('true');
    const report = JSON.parse(readFileSync(join(cwd, 'mlgate-reports/drift-report.json'), 'utf8'));
    const prediction = report.features.find((f: { kind?: string }) => f.kind === 'prediction');
    expect(prediction).toMatchObject({ column: 'prediction', test: 'jensenshannon', status: 'drift' });
    expect(JSON.parse(shifted.outputs['drifted-columns']!)).not.toContain('prediction');
    expect(shifted.summary).toMatch(/predictions drifted/);
  });

  it('needs the reference as data, and says so for a profile', async () => {
    const cwd = dataFolder({ 'ref.csv': csv(600, 0), 'cur.csv': csv(500, 0) });
    writeModel(join(cwd, 'model.onnx'), {
      features: ['x'],
      layers: [
        { inputs: 1, outputs: 1, activation: 'none', weights: new Float32Array([2]), bias: new Float32Array([0]) },
      ],
      output: 'none',
    });
    await runCli(['validate-data', 'ref.csv', '--infer', 'true', '--contract', 'c.yml', '--profile', 'profile.json'], {
      cwd,
    });
    const result = await runAction({
      action: 'drift-check',
      cwd,
      inputs: { reference: 'profile.json', current: 'cur.csv', model: 'model.onnx' },
    });
    expect(result.exitCode).toBe(0);
    expect(result.annotations[0]!.message).toMatch(/^prediction drift needs the reference data, not a profile/);
    expect(result.outputs['prediction-drifted']).toBe('');
  });

  it("compares a regression model's values as a numeric column", async () => {
    const cwd = dataFolder({ 'ref.csv': csv(600, 0), 'cur.csv': csv(500, 0.4) });
    writeModel(join(cwd, 'model.onnx'), {
      features: ['x'],
      layers: [
        { inputs: 1, outputs: 1, activation: 'none', weights: new Float32Array([2]), bias: new Float32Array([0]) },
      ],
      output: 'none',
    });
    const result = await runAction({
      action: 'drift-check',
      cwd,
      inputs: { reference: 'ref.csv', current: 'cur.csv', model: 'model.onnx' },
    });
    expect(result.exitCode, result.stdout).toBe(0);
    const report = JSON.parse(readFileSync(join(cwd, 'mlgate-reports/drift-report.json'), 'utf8'));
    expect(report.features.find((f: { kind?: string }) => f.kind === 'prediction')).toMatchObject({
      test: 'ks',
      status: 'drift',
    });
  });
});

describe('drift-check in issue mode (a scheduled run)', () => {
  let repoCount = 0;
  const repo = () => `acme/drift-${++repoCount}`;
  const check = (cwd: string, repository: string, current: string) =>
    runAction({
      action: 'drift-check',
      cwd,
      token: GitHubEmulator.WRITE_TOKEN,
      apiUrl: github.apiUrl,
      event: scheduleEvent(),
      env: { GITHUB_REPOSITORY: repository },
      inputs: { reference: 'ref.csv', current, mode: 'issue' },
    });
  const files = () => dataFolder({ 'ref.csv': csv(600, 0), 'drifted.csv': csv(500, 0.4), 'calm.csv': csv(500, 0) });

  it('opens one issue on drift, updates it while drift lasts, and closes it when drift is gone', async () => {
    const cwd = files();
    const repository = repo();
    const opened = await check(cwd, repository, 'drifted.csv');
    expect(opened.exitCode, opened.stdout).toBe(0);
    const [issue] = github.issues(repository);
    expect(github.issues(repository)).toHaveLength(1);
    expect(issue).toMatchObject({
      state: 'open',
      labels: ['mlgate-drift'],
      title: 'mlgate: data drift in 1 of 2 features',
    });
    expect(opened.outputs['issue-number']).toBe(String(issue!.number));

    const again = await check(cwd, repository, 'drifted.csv');
    expect(again.exitCode).toBe(0);
    expect(github.issues(repository)).toHaveLength(1);
    expect(github.comments(repository, issue!.number).map((c) => c.body.split('\n')[0])).toEqual([
      `Drift persists ([run](https://github.com/${repository}/actions/runs/123456)).`,
    ]);

    const gone = await check(cwd, repository, 'calm.csv');
    expect(gone.exitCode).toBe(0);
    expect(github.issues(repository)).toEqual([expect.objectContaining({ number: issue!.number, state: 'closed' })]);
    expect(github.comments(repository, issue!.number).at(-1)!.body).toMatch(/^Drift is gone/);
  });

  it('no drift and no issue: nothing to do', async () => {
    const repository = repo();
    const result = await check(files(), repository, 'calm.csv');
    expect(result.exitCode).toBe(0);
    expect(github.issues(repository)).toEqual([]);
  });

  it('five concurrent scheduled runs leave exactly one open issue', async () => {
    const cwd = files();
    const repository = repo();
    const results = await Promise.all(Array.from({ length: 5 }, () => check(cwd, repository, 'drifted.csv')));
    for (const r of results) expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(github.issues(repository).filter((i) => i.state === 'open')).toHaveLength(1);
  });

  it('a create whose answer was lost (retried, so made twice) still leaves one open issue', async () => {
    const repository = repo();
    github.injectFault({ method: 'POST', path: new RegExp(`^/repos/${repository}/issues$`), kind: 'reset-after' });
    const result = await check(files(), repository, 'drifted.csv');
    expect(result.exitCode, result.stdout).toBe(0);
    expect(github.pendingFaults()).toBe(0);
    expect(github.issues(repository).filter((i) => i.state === 'open')).toHaveLength(1);
  });
});

/** A seeded uniform generator, so every table below is the same on every run. */
const seeded = seededRandom;

/** n rows of the named columns, each made by its function of (row, uniform generator). */
function rows(
  n: number,
  seed: number,
  columns: Record<string, (i: number, random: () => number) => string | number>,
): string {
  const random = seeded(seed);
  const names = Object.keys(columns);
  return `${names.join(',')}\n${Array.from({ length: n }, (_, i) => names.map((c) => columns[c]!(i, random)).join(',')).join('\n')}\n`;
}

/** A standard normal draw (Box-Muller). */
const gauss = (random: () => number) => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

type Feature = {
  column: string;
  test: string;
  status: string;
  reason?: string;
  p_value?: number | null;
  p_adjusted?: number | null;
  role?: string;
  statistic?: number | null;
  bin_edges?: number[];
  new_categories?: { value: string; count: number }[];
};
const reportOf = (cwd: string) =>
  JSON.parse(readFileSync(join(cwd, 'mlgate-reports/drift-report.json'), 'utf8')) as {
    verdict?: string;
    correction?: string;
    dataset_drift: boolean;
    features: Feature[];
  };
/** Markdown as it reads once rendered: escaped text's character references turned back into characters. */
const rendered = (markdown: string) =>
  markdown.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));
const featureOf = (cwd: string, column: string) => reportOf(cwd).features.find((f) => f.column === column)!;

describe('drift-check runs each test only where it is valid', () => {
  it('a numeric column under jensenshannon is binned on the reference quantiles, not one category per value', async () => {
    const normal = (seed: number) => rows(5000, seed, { x: (_, r) => gauss(r).toFixed(5) });
    const cwd = dataFolder({ 'ref.csv': normal(1), 'cur.csv': normal(2) });
    const result = await runAction({
      action: 'drift-check',
      cwd,
      inputs: { reference: 'ref.csv', current: 'cur.csv', tests: 'numeric=jensenshannon' },
    });
    expect(result.exitCode, result.stdout).toBe(0);
    const x = featureOf(cwd, 'x');
    expect(x).toMatchObject({ test: 'jensenshannon', status: 'ok' });
    expect(x.statistic!).toBeLessThan(0.05);
    expect(x.bin_edges!.length).toBe(9);
  });

  it('chi-square on a numeric column compares the same ten quantile bins, not a cell per value', async () => {
    const cwd = dataFolder({
      'ref.csv': rows(178, 3, { x: (_, r) => (13 + gauss(r)).toFixed(3) }),
      'cur.csv': rows(178, 4, { x: (_, r) => (13 + gauss(r)).toFixed(3) }),
    });
    const result = await runAction({
      action: 'drift-check',
      cwd,
      inputs: { reference: 'ref.csv', current: 'cur.csv', tests: 'numeric=chi2' },
    });
    expect(result.exitCode, result.stdout).toBe(0);
    const x = featureOf(cwd, 'x');
    expect(x).toMatchObject({ test: 'chi2' });
    expect(x.bin_edges).toHaveLength(9);
  });

  it.each([
    [
      'numeric=ztest',
      /^input "tests": ztest cannot test numeric columns \(numeric=ztest\); for numeric columns use ks, wasserstein, chi2, psi or jensenshannon/,
    ],
    [
      'c=ks',
      /^input "tests": ks cannot test categorical columns \(c\); for categorical columns use chi2, psi or jensenshannon/,
    ],
  ])('%s is refused, naming the tests that can serve the column', async (tests, message) => {
    const cwd = dataFolder({ 'ref.csv': csv(300, 0), 'cur.csv': csv(300, 0) });
    const result = await runAction({
      action: 'drift-check',
      cwd,
      inputs: { reference: 'ref.csv', current: 'cur.csv', tests },
    });
    expect(result.exitCode).toBe(1);
    expect(result.annotations).toHaveLength(1);
    expect(result.annotations[0]!.message).toMatch(message);
  });

  it('a binary column whose current data has a third value names it, and reports the test that ran', async () => {
    const cwd = dataFolder({
      'ref.csv': rows(400, 5, { b: (i) => (i % 2 ? 'yes' : 'no') }),
      'cur.csv': rows(400, 6, { b: (i) => (i % 10 === 0 ? 'maybe' : i % 2 ? 'yes' : 'no') }),
    });
    const result = await runAction({
      action: 'drift-check',
      cwd,
      inputs: { reference: 'ref.csv', current: 'cur.csv' },
    });
    expect(result.exitCode, result.stdout).toBe(0);
    const b = featureOf(cwd, 'b');
    expect(b.test).not.toBe('ztest');
    expect(b).toMatchObject({ status: 'drift', new_categories: [{ value: 'maybe', count: 40 }] });
    expect(b.reason).toMatch(/new value "maybe" \(40 rows\)/);
    expect(rendered(result.summary)).toContain('new value "maybe" (40 rows)');
  });

  it('psi on categories finds a category that vanished', async () => {
    const cwd = dataFolder({
      'ref.csv': rows(2000, 7, { c: (i) => (i % 25 < 13 ? 'a' : 'b'), d: (i) => 'abc'[i % 3]! }),
      'cur.csv': rows(2000, 8, { c: () => 'b', d: (i) => 'bc'[i % 2]! }),
    });
    const result = await runAction({
      action: 'drift-check',
      cwd,
      inputs: { reference: 'ref.csv', current: 'cur.csv', tests: 'categorical=psi,binary=psi' },
    });
    expect(result.exitCode, result.stdout).toBe(0);
    for (const column of ['c', 'd']) {
      const f = featureOf(cwd, column);
      expect(f, column).toMatchObject({ test: 'psi', status: 'drift' });
      expect(f.statistic!).toBeGreaterThan(1);
    }
  });
});

describe('drift-check refuses inputs that mean nothing', () => {
  it.each([
    [
      'a p-value threshold out of (0, 1)',
      { thresholds: 'ks=5' },
      /^input "thresholds": ks=5 is out of range: ks is judged by a p-value, so its threshold must lie between 0 and 1/,
    ],
    [
      'a negative distance threshold',
      { thresholds: 'wasserstein=-0.1' },
      /^input "thresholds": wasserstein=-0.1 is out of range: wasserstein is a distance, so its threshold must be 0 or more/,
    ],
    [
      'an unknown column',
      { columns: 'x,nosuchcol' },
      /^input "columns": nosuchcol is not a column of the reference \(its columns: x, c\)/,
    ],
    [
      'a threshold for an unknown name',
      { thresholds: 'nosuchcol=0.2' },
      /^input "thresholds": nosuchcol is neither a test nor a column of the reference/,
    ],
  ])('%s is refused with one line', async (_, inputs, message) => {
    const cwd = dataFolder({ 'ref.csv': csv(300, 0), 'cur.csv': csv(300, 0) });
    const result = await runAction({
      action: 'drift-check',
      cwd,
      inputs: { reference: 'ref.csv', current: 'cur.csv', ...inputs },
    });
    expect(result.exitCode).toBe(1);
    expect(result.annotations).toHaveLength(1);
    expect(result.annotations[0]!.message).toMatch(message);
  });

  it('Benjamini-Hochberg keeps the raw p-value beside the adjusted one, and says which one the comment shows', async () => {
    const columns = Object.fromEntries(
      Array.from({ length: 6 }, (_, k) => [`f${k}`, (_: number, r: () => number) => gauss(r).toFixed(4)]),
    );
    const shifted = { ...columns, f0: (_: number, r: () => number) => (gauss(r) + 0.25).toFixed(4) };
    const cwd = dataFolder({ 'ref.csv': rows(500, 9, columns), 'cur.csv': rows(500, 10, shifted) });
    const result = await runAction({
      action: 'drift-check',
      cwd,
      inputs: { reference: 'ref.csv', current: 'cur.csv', correction: 'bh' },
    });
    expect(result.exitCode, result.stdout).toBe(0);
    const report = reportOf(cwd);
    expect(report.correction).toBe('bh');
    for (const f of report.features) {
      expect(f.p_adjusted!).toBeGreaterThanOrEqual(f.p_value!);
      expect(f.p_value!).toBeLessThanOrEqual(1);
    }
    expect(report.features.some((f) => f.p_adjusted! > f.p_value!)).toBe(true);
    expect(result.summary).toContain('p-value (BH-adjusted)');
  });
});

describe('drift-check gives reasons and neutral states', () => {
  it('a jump in missing values is the reason shown in the report and the summary', async () => {
    const cwd = dataFolder({
      'ref.csv': rows(400, 11, { x: (_, r) => gauss(r).toFixed(4), c: (i) => 'abc'[i % 3]! }),
      'cur.csv': rows(400, 12, { x: (i, r) => (i % 4 === 0 ? '' : gauss(r).toFixed(4)), c: (i) => 'abc'[i % 3]! }),
    });
    const result = await runAction({
      action: 'drift-check',
      cwd,
      inputs: { reference: 'ref.csv', current: 'cur.csv' },
    });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(featureOf(cwd, 'x')).toMatchObject({ status: 'drift', reason: 'missing values went from 0.0% to 25.0%' });
    expect(rendered(result.summary)).toContain('missing values went from 0.0% to 25.0%');
  });

  it('every drifted feature carries its reason: the statistic against the threshold', async () => {
    const cwd = dataFolder({ 'ref.csv': csv(600, 0), 'cur.csv': csv(500, 0.4) });
    const result = await runAction({
      action: 'drift-check',
      cwd,
      inputs: { reference: 'ref.csv', current: 'cur.csv' },
    });
    expect(result.exitCode, result.stdout).toBe(0);
    // The correction is on by default: the reason gives the adjusted p-value and the raw one.
    expect(featureOf(cwd, 'x').reason).toMatch(/^ks BH-adjusted p-value \S+ < 0\.05 \(raw \S+\)$/);
    expect(rendered(result.summary)).toMatch(/ks BH-adjusted p-value \S+ < 0\.05 \(raw \S+\)/);
  });

  it('15 current rows: nothing could be tested, and the verdict says so (not a green pass)', async () => {
    const cwd = dataFolder({ 'ref.csv': csv(600, 0), 'cur.csv': csv(15, 0) });
    const result = await runAction({
      action: 'drift-check',
      cwd,
      inputs: { reference: 'ref.csv', current: 'cur.csv' },
    });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(reportOf(cwd).verdict).toBe('not_tested');
    expect(result.summary).not.toContain('✅');
    expect(result.summary).not.toContain('0 of 0 features drifted');
    expect(result.summary).toMatch(/nothing could be tested/i);
    expect(result.stdout).toMatch(/nothing could be tested/i);
  });

  it('a constant reference column that moves is drift, with the reason', async () => {
    const cwd = dataFolder({
      'ref.csv': rows(3000, 13, { k: () => 5, x: (_, r) => gauss(r).toFixed(4) }),
      'cur.csv': rows(2000, 14, { k: (i) => (i % 50 === 0 ? 6 : 5), x: (_, r) => gauss(r).toFixed(4) }),
    });
    const result = await runAction({
      action: 'drift-check',
      cwd,
      inputs: { reference: 'ref.csv', current: 'cur.csv' },
    });
    expect(result.exitCode, result.stdout).toBe(0);
    const k = featureOf(cwd, 'k');
    expect(k.status).toBe('drift');
    expect(k.reason).toMatch(/the reference is constant \(5\); 40 of 2000 current values differ/);
  });

  it('the label column is reported as label drift, apart from the features; an id column is skipped with a note', async () => {
    const table = (seed: number, positives: number) =>
      rows(600, seed, {
        id: (i) => seed * 10000 + i,
        name: (i) => `row-${seed}-${i}`,
        x: (_, r) => gauss(r).toFixed(4),
        y: (i) => (i % 100 < positives ? 1 : 0),
      });
    const cwd = dataFolder({ 'ref.csv': table(1, 30), 'cur.csv': table(2, 60) });
    const result = await runAction({
      action: 'drift-check',
      cwd,
      inputs: { reference: 'ref.csv', current: 'cur.csv', label: 'y' },
    });
    expect(result.exitCode, result.stdout).toBe(0);
    const report = reportOf(cwd);
    expect(featureOf(cwd, 'y')).toMatchObject({ role: 'label', status: 'drift' });
    expect(featureOf(cwd, 'id')).toMatchObject({
      status: 'skipped',
      reason: expect.stringMatching(/identifier: unique per row/),
    });
    expect(featureOf(cwd, 'name')).toMatchObject({
      status: 'skipped',
      reason: expect.stringMatching(/identifier: unique per row/),
    });
    expect(report.dataset_drift).toBe(false);
    expect(JSON.parse(result.outputs['drifted-columns']!)).toEqual([]);
    expect(result.outputs['label-drifted']).toBe('true');
    expect(result.summary).toMatch(/label drifted/);
  });

  it('columns named in ids are skipped as identifiers too', async () => {
    const table = (seed: number) => rows(300, seed, { store: (i) => `s${i % 40}`, x: (_, r) => gauss(r).toFixed(4) });
    const cwd = dataFolder({ 'ref.csv': table(3), 'cur.csv': table(4) });
    const result = await runAction({
      action: 'drift-check',
      cwd,
      inputs: { reference: 'ref.csv', current: 'cur.csv', ids: 'store' },
    });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(featureOf(cwd, 'store')).toMatchObject({
      status: 'skipped',
      role: 'id',
      reason: 'identifier (named by input "ids"): not compared',
    });
  });
});

describe('drift-check reads data as validate-data does', () => {
  const european = (text: string) => text.replace(/,/g, ';').replace(/(\d)\.(\d)/g, '$1,$2');

  it('reads ;-separated decimal-comma files with delimiter and decimal, with the report of the same rows in plain CSV', async () => {
    const cwd = dataFolder({
      'ref.csv': csv(600, 0),
      'cur.csv': csv(500, 0.4),
      'ref-eu.csv': european(csv(600, 0)),
      'cur-eu.csv': european(csv(500, 0.4)),
    });
    const plain = await runAction({
      action: 'drift-check',
      cwd,
      inputs: { reference: 'ref.csv', current: 'cur.csv', report: 'plain.json' },
    });
    const told = await runAction({
      action: 'drift-check',
      cwd,
      inputs: { reference: 'ref-eu.csv', current: 'cur-eu.csv', delimiter: ';', decimal: ',', report: 'told.json' },
    });
    expect(told.exitCode, told.stdout + told.stderr).toBe(0);
    const features = (name: string) => JSON.parse(readFileSync(join(cwd, name), 'utf8')).features;
    expect(features('told.json')).toEqual(features('plain.json'));
    expect(plain.outputs['drifted-columns']).toBe('["x"]');
    const unset = await runAction({
      action: 'drift-check',
      cwd,
      inputs: { reference: 'ref-eu.csv', current: 'cur-eu.csv' },
    });
    expect(unset.annotations[0]!.message).toMatch(
      /^ref-eu\.csv:1: the header is one column that contains semicolons; the file looks ";"-separated: set delimiter: ';'$/,
    );
  });

  it('reads inf in the current data without NaN in the report, and a stray quote fails with no stale report', async () => {
    const withInf = csv(500, 0)
      .replace(/\n0\.[0-9]+,/, '\ninf,')
      .replace(/\n0\.[0-9]+,/, '\n-Infinity,');
    const cwd = dataFolder({ 'ref.csv': csv(600, 0), 'cur.csv': withInf });
    const result = await runAction({
      action: 'drift-check',
      cwd,
      inputs: { reference: 'ref.csv', current: 'cur.csv' },
    });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(readFileSync(join(cwd, 'mlgate-reports/drift-report.json'), 'utf8')).not.toMatch(/NaN|Infinity/);
    writeFileSync(join(cwd, 'cur.csv'), 'x,c\n0.5,a\n0.7,b"\n');
    const failed = await runAction({
      action: 'drift-check',
      cwd,
      inputs: { reference: 'ref.csv', current: 'cur.csv' },
    });
    expect(failed.exitCode).toBe(1);
    expect(failed.annotations[0]).toMatchObject({
      file: 'cur.csv',
      line: 3,
      message: expect.stringMatching(/a quote inside an unquoted field/),
    });
    expect(existsSync(join(cwd, 'mlgate-reports/drift-report.json'))).toBe(false);
  });
});
