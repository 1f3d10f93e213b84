import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitHubEmulator } from '../support/emulator/server.js';
import { dataFolder } from '../support/datasets.js';
import { scheduleEvent } from '../support/events.js';
import { runAction } from '../support/run-action.js';
import { runCli } from '../support/run-cli.js';
import { teacherLayers, writeClassificationCsv, writeModel } from '../support/models.js';
import { ks2samp } from '../../src/core/stats/ks-2samp.js';

const noise = (i: number) => Math.sin(i * 12.9898) * 43758.5453 - Math.floor(Math.sin(i * 12.9898) * 43758.5453);
const csv = (n: number, shift: number) => `x,c\n${Array.from({ length: n }, (_, i) => `${(noise(i * 3 + shift * 1000) + shift).toFixed(4)},${['a', 'b', 'c'][i % 3]}`).join('\n')}\n`;

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
    const result = await runAction({ action: 'drift-check', cwd, inputs: { reference: 'ref.csv', current: 'cur.csv' } });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.outputs).toMatchObject({ drifted: 'true', 'drifted-columns': '["x"]', report: 'mlgate-reports/drift-report.json' });
    expect(result.summary).toContain('### ⚠️ Drift');
    const report = JSON.parse(readFileSync(join(cwd, 'mlgate-reports/drift-report.json'), 'utf8'));
    expect(report.features.map((f: { column: string; test: string; status: string }) => [f.column, f.test, f.status])).toEqual([
      ['x', 'ks', 'drift'],
      ['c', 'chi2', 'ok'],
    ]);
  });

  it('tests every row with sample-size all (or a number at least the rows), from data files and from a profile written so', async () => {
    const cwd = dataFolder({ 'ref.csv': csv(3000, 0), 'cur.csv': csv(2500, 0.02) });
    const values = (file: string) => Float64Array.from(readFileSync(join(cwd, file), 'utf8').trim().split('\n').slice(1), (line) => Number(line.split(',')[0]));
    const everyRow = ks2samp(values('ref.csv'), values('cur.csv')).pValue;
    const ks = async (args: string[]) => {
      const result = await runCli(['drift-check', '--current', 'cur.csv', '--tests', 'x=ks', '--report', 'r.json', ...args], { cwd });
      expect(result.exitCode, result.stdout + result.stderr).toBe(0);
      return JSON.parse(readFileSync(join(cwd, 'r.json'), 'utf8')).features[0].p_value as number;
    };
    expect(await ks(['--reference', 'ref.csv', '--sample-size', 'all'])).toBeCloseTo(everyRow, 12);
    expect(await ks(['--reference', 'ref.csv', '--sample-size', '3000'])).toBeCloseTo(everyRow, 12);
    expect(await ks(['--reference', 'ref.csv', '--sample-size', '500'])).not.toBeCloseTo(everyRow, 6);
    // validate-data writes every row into the profile (encoded compactly), and drift-check reads it back.
    const written = await runCli(['validate-data', 'ref.csv', '--infer', 'true', '--contract', 'c.yml', '--profile', 'profile.json', '--sample-size', 'all'], { cwd });
    expect(written.exitCode, written.stdout + written.stderr).toBe(0);
    const profile = JSON.parse(readFileSync(join(cwd, 'profile.json'), 'utf8'));
    expect(profile.schema).toBe('mlgate/profile@2');
    expect(profile.sample).toMatchObject({ size: 'all', priorities: { encoding: 'delta-varint', count: 3000 } });
    expect(profile.columns[0].sample).toMatchObject({ encoding: 'decimal-varint', decimals: 4, count: 3000 });
    expect(await ks(['--reference', 'profile.json', '--sample-size', 'all'])).toBeCloseTo(everyRow, 12);
  });

  it.each([
    ['-5', /--sample-size must be a whole number of rows, or all for every row \(got "-5"\)/],
    ['some', /--sample-size must be a whole number of rows, or all for every row \(got "some"\)/],
  ])('refuses sample-size %s with one line naming the input', async (value, message) => {
    const cwd = dataFolder({ 'ref.csv': csv(60, 0), 'cur.csv': csv(50, 0) });
    const result = await runCli(['drift-check', '--reference', 'ref.csv', '--current', 'cur.csv', '--sample-size', value], { cwd });
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('fails the step on drift only when asked', async () => {
    const cwd = dataFolder({ 'ref.csv': csv(600, 0), 'cur.csv': csv(500, 0.4) });
    const result = await runAction({ action: 'drift-check', cwd, inputs: { reference: 'ref.csv', current: 'cur.csv', 'fail-on-drift': 'true', 'drift-share': '0.5' } });
    expect(result.exitCode).toBe(1);
    expect(result.annotations.at(-1)!.message).toMatch(/^The data drifted: x; see mlgate-reports\/drift-report\.json/);
  });

  it('takes the reference from the latest release (release:latest), verified against SHA256SUMS', async () => {
    const cwd = dataFolder({ 'ref.csv': csv(600, 0), 'cur.csv': csv(500, 0) });
    await runCli(['validate-data', 'ref.csv', '--infer', 'true', '--contract', 'c.yml', '--profile', 'profile.json'], { cwd });
    const profile = readFileSync(join(cwd, 'profile.json'));
    const api = (method: string, url: string, body: string | Buffer, type = 'application/json') =>
      fetch(url, { method, headers: { authorization: `token ${GitHubEmulator.WRITE_TOKEN}`, 'content-type': type }, body }).then((r) => r.json() as Promise<any>);
    const release = await api('POST', `${github.apiUrl}/repos/acme/models/releases`, JSON.stringify({ tag_name: 'model-v1.0.0' }));
    const upload = String(release.upload_url).replace(/\{.*$/, '');
    await api('POST', `${upload}?name=profile.json`, profile, 'application/json');
    await api('POST', `${upload}?name=SHA256SUMS`, `${createHash('sha256').update(profile).digest('hex')}  profile.json\n`, 'text/plain');
    const result = await runAction({ action: 'drift-check', cwd, token: GitHubEmulator.WRITE_TOKEN, apiUrl: github.apiUrl, inputs: { reference: 'release:latest', current: 'cur.csv' } });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.stdout).toContain('Reference: profile.json of model-v1.0.0');
    expect(result.outputs.drifted).toBe('false');
  });

  it('passes with a note when no model has been released yet (the first pull request of a repository)', async () => {
    const cwd = dataFolder({ 'cur.csv': csv(500, 0) });
    const result = await runAction({ action: 'drift-check', cwd, token: GitHubEmulator.WRITE_TOKEN, apiUrl: github.apiUrl, env: { GITHUB_REPOSITORY: 'acme/no-release-yet' }, inputs: { reference: 'release:latest', current: 'cur.csv' } });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.stdout).toContain('No mlgate release yet (tags model-v*): no reference to compare with');
    expect(result.outputs.drifted).toBe('false');
  });

  it.each([
    ['an unknown test', { reference: 'ref.csv', current: 'cur.csv', tests: 'x=anova' }, /^input "tests": "anova" for x is not a test; use one of ks, chi2, ztest, psi, jensenshannon, wasserstein/],
    ['a missing current file', { reference: 'ref.csv', current: 'nope.csv' }, /^nope\.csv: file not found/],
    ['a JSON reference that is not a profile', { reference: 'report.json', current: 'cur.csv' }, /^report\.json: not an mlgate document/],
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
    writeModel(join(cwd, 'model.onnx'), { features: ['f0', 'f1', 'f2'], classes, layers: teacherLayers(3, 3), output: 'softmax' });
    writeClassificationCsv(join(cwd, 'ref.csv'), 3000, 3, classes, { seed: 1 });
    // The current data leans on f0: the model predicts class a far more often.
    writeClassificationCsv(join(cwd, 'cur.csv'), 3000, 3, classes, { seed: 2 });
    const current = readFileSync(join(cwd, 'cur.csv'), 'utf8').split('\n');
    writeFileSync(join(cwd, 'shifted.csv'), [current[0], ...current.slice(1).filter(Boolean).map((line) => { const [f0, ...rest] = line.split(','); return [(Number(f0) + 0.8).toFixed(3), ...rest].join(','); })].join('\n') + '\n');
    const calm = await runAction({ action: 'drift-check', cwd, inputs: { reference: 'ref.csv', current: 'cur.csv', model: 'model.onnx' } });
    expect(calm.exitCode, calm.stdout).toBe(0);
    expect(calm.outputs['prediction-drifted']).toBe('false');
    const shifted = await runAction({ action: 'drift-check', cwd, inputs: { reference: 'ref.csv', current: 'shifted.csv', model: 'model.onnx' } });
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
    writeModel(join(cwd, 'model.onnx'), { features: ['x'], layers: [{ inputs: 1, outputs: 1, activation: 'none', weights: new Float32Array([2]), bias: new Float32Array([0]) }], output: 'none' });
    await runCli(['validate-data', 'ref.csv', '--infer', 'true', '--contract', 'c.yml', '--profile', 'profile.json'], { cwd });
    const result = await runAction({ action: 'drift-check', cwd, inputs: { reference: 'profile.json', current: 'cur.csv', model: 'model.onnx' } });
    expect(result.exitCode).toBe(0);
    expect(result.annotations[0]!.message).toMatch(/^prediction drift needs the reference data, not a profile/);
    expect(result.outputs['prediction-drifted']).toBe('');
  });

  it('compares a regression model\'s values as a numeric column', async () => {
    const cwd = dataFolder({ 'ref.csv': csv(600, 0), 'cur.csv': csv(500, 0.4) });
    writeModel(join(cwd, 'model.onnx'), { features: ['x'], layers: [{ inputs: 1, outputs: 1, activation: 'none', weights: new Float32Array([2]), bias: new Float32Array([0]) }], output: 'none' });
    const result = await runAction({ action: 'drift-check', cwd, inputs: { reference: 'ref.csv', current: 'cur.csv', model: 'model.onnx' } });
    expect(result.exitCode, result.stdout).toBe(0);
    const report = JSON.parse(readFileSync(join(cwd, 'mlgate-reports/drift-report.json'), 'utf8'));
    expect(report.features.find((f: { kind?: string }) => f.kind === 'prediction')).toMatchObject({ test: 'ks', status: 'drift' });
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
    expect(issue).toMatchObject({ state: 'open', labels: ['mlgate-drift'], title: 'mlgate: data drift in 1 of 2 features' });
    expect(opened.outputs['issue-number']).toBe(String(issue!.number));

    const again = await check(cwd, repository, 'drifted.csv');
    expect(again.exitCode).toBe(0);
    expect(github.issues(repository)).toHaveLength(1);
    expect(github.comments(repository, issue!.number).map((c) => c.body.split('\n')[0])).toEqual([`Drift persists ([run](https://github.com/${repository}/actions/runs/123456)).`]);

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
