import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitHubEmulator } from '../support/emulator/server.js';
import { dataFolder } from '../support/datasets.js';
import { scheduleEvent } from '../support/events.js';
import { runAction } from '../support/run-action.js';
import { runCli } from '../support/run-cli.js';

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
