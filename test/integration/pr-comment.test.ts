import { zipSync } from 'fflate';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GitHubEmulator } from '../support/emulator/server.js';
import { pullRequestEvent, pushEvent, REPOSITORY, workflowRunEvent } from '../support/events.js';
import { driftReport, evalReport, trainReport, validationReport, writeReports } from '../support/reports.js';
import { runAction } from '../support/run-action.js';

const MARKER = '<!-- mlgate:mlgate -->';
let github: GitHubEmulator;
let pr = 0;

beforeAll(async () => {
  github = await new GitHubEmulator().start();
});
afterAll(async () => {
  await github.stop();
});
beforeEach(() => {
  // Each test gets a pull request of its own.
  pr = github.addPullRequest(REPOSITORY, { headSha: `${String(Date.now()).padStart(40, 'f')}`.slice(-40) }).number;
});

function comment(
  inputs: Record<string, string>,
  options: { token?: string; event?: { name: string; payload: object } } = {},
) {
  return runAction({
    action: 'pr-comment',
    inputs,
    token: options.token ?? GitHubEmulator.WRITE_TOKEN,
    apiUrl: github.apiUrl,
    event: options.event ?? pullRequestEvent({ number: pr }),
  });
}

const allReports = () =>
  writeReports({
    'eval-report.json': evalReport(),
    'validation-report.json': validationReport(),
    'drift-report.json': driftReport(),
    'train-report.json': trainReport(),
  });

describe('pr-comment action (dist bundle against the GitHub emulator)', () => {
  it('creates the comment on the first run and updates it in place on the second', async () => {
    const folder = allReports();
    const first = await comment({ reports: `${folder}/*-report.json` });
    expect(first.exitCode, first.stdout).toBe(0);
    expect(first.outputs.status).toBe('fail');
    const [created] = github.comments(REPOSITORY, pr);
    expect(github.comments(REPOSITORY, pr)).toHaveLength(1);
    expect(created!.body.startsWith(`${MARKER}\n`)).toBe(true);
    expect(created!.body).toContain('## ❌ mlgate: 1 of 4 checks failed');
    expect(first.outputs['comment-id']).toBe(String(created!.id));

    const second = await comment({ reports: `${folder}/eval-report.json` });
    expect(second.exitCode).toBe(0);
    const after = github.comments(REPOSITORY, pr);
    expect(after).toHaveLength(1);
    expect(after[0]!.id).toBe(created!.id);
    expect(after[0]!.body).toContain('## ✅ mlgate: all checks passed');
    expect(second.stdout).toContain(`Comment updated on pull request #${pr}`);
  });

  it('writes the same report to the job summary, without the hidden marker', async () => {
    const result = await comment({ reports: `${allReports()}/*-report.json` });
    const body = github.comments(REPOSITORY, pr)[0]!.body;
    expect(result.summary.trim()).toBe(body.slice(MARKER.length + 1).trim());
  });

  it('leaves exactly one comment after 10 concurrent runs on one pull request', async () => {
    const folder = allReports();
    const results = await Promise.all(
      Array.from({ length: 10 }, () => comment({ reports: `${folder}/*-report.json` })),
    );
    for (const r of results) expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    const comments = github.comments(REPOSITORY, pr);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain('### ❌ Data validation');
  });

  it.each([
    ['a 429 rate limit on create', { method: 'POST', path: /\/issues\/\d+\/comments$/, kind: 'rate-limit' as const }],
    [
      'a secondary rate limit on create',
      { method: 'POST', path: /\/issues\/\d+\/comments$/, kind: 'secondary-rate-limit' as const },
    ],
    ['a 502 on the list', { method: 'GET', path: /\/issues\/\d+\/comments$/, kind: '502' as const }],
    ['a 500 on create', { method: 'POST', path: /\/issues\/\d+\/comments$/, kind: '500' as const }],
    ['a reset before the create is made', { method: 'POST', path: /\/issues\/\d+\/comments$/, kind: 'reset' as const }],
    [
      'a reset after the create was made (the retry creates a second copy)',
      { method: 'POST', path: /\/issues\/\d+\/comments$/, kind: 'reset-after' as const },
    ],
    ['a slow answer', { method: 'GET', path: /\/issues\/\d+\/comments$/, kind: 'slow' as const, amount: 1500 }],
  ])('ends with exactly one correct comment after %s', async (_, fault) => {
    github.injectFault(fault);
    const result = await comment({ reports: `${allReports()}/eval-report.json` });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(github.pendingFaults()).toBe(0);
    const comments = github.comments(REPOSITORY, pr);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain('### ✅ Evaluation');
  });

  it('updates after a 502 on the update', async () => {
    const folder = allReports();
    await comment({ reports: `${folder}/eval-report.json` });
    github.injectFault({ method: 'PATCH', path: /\/issues\/comments\/\d+$/, kind: '502' });
    const result = await comment({ reports: `${folder}/validation-report.json` });
    expect(result.exitCode).toBe(0);
    expect(github.pendingFaults()).toBe(0);
    const comments = github.comments(REPOSITORY, pr);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain('Data validation');
  });

  it('never touches comments by other people, even ones that quote the marker', async () => {
    const theirs = github.addComment(REPOSITORY, pr, `${MARKER}\nI copied this`);
    github.addComment(REPOSITORY, pr, `> ${MARKER}\n> quoted`);
    const result = await comment({ reports: `${allReports()}/eval-report.json` });
    expect(result.exitCode, result.stdout).toBe(0);
    const comments = github.comments(REPOSITORY, pr);
    expect(comments.find((c) => c.id === theirs)!.body).toBe(`${MARKER}\nI copied this`);
  });

  it('trims a 200,000-character report under 65,536 characters and says what was trimmed', async () => {
    const violations = Array.from({ length: 1200 }, (_, i) => ({
      column: `feature_${i}_${'x'.repeat(120)}`,
      rule: 'range',
      severity: 'error' as const,
      count: i + 1,
      message: 'm'.repeat(150),
      examples: Array.from({ length: 5 }, (_, k) => ({
        file: 'data/big.csv',
        line: i * 10 + k + 2,
        value: 'v'.repeat(40),
      })),
    }));
    const big = validationReport({ violations, summary: { errors: 1200, warnings: 0 } });
    const folder = writeReports({
      'validation-report.json': big,
      'eval-report.json': evalReport(),
      'drift-report.json': driftReport(),
    });
    const result = await comment({ reports: `${folder}/*-report.json` });
    expect(result.exitCode).toBe(0);
    const body = github.comments(REPOSITORY, pr)[0]!.body;
    expect(result.summary.length).toBeGreaterThan(200_000);
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body).toMatch(/✂️ Trimmed to fit GitHub's 65,536-character comment limit: less detail for .*Data validation/);
    expect(body).toContain('https://github.com/acme/models/actions/runs/123456');
    expect(body).toContain('### ✅ Evaluation');
    expect(count(body, '<details>')).toBe(count(body, '</details>'));
  });

  it('renders user-controlled names inert', async () => {
    const evil = '</details>@everyone<img src=x onerror=alert(1)>';
    const folder = writeReports({
      'validation-report.json': validationReport({
        violations: [
          {
            column: evil,
            rule: 'not_null',
            severity: 'error',
            count: 1,
            message: evil,
            examples: [{ file: `${evil}.csv`, line: 3, value: evil }],
          },
        ],
      }),
      'drift-report.json': driftReport({
        features: [{ column: evil, test: 'ks', statistic: 0.5, p_value: 0.001, threshold: 0.05, status: 'drift' }],
      }),
      'eval-report.json': evalReport({
        comparisons: [{ metric: evil, higher_is_better: true, baseline: 1, candidate: 1, difference: 0 }],
      }),
    });
    const result = await comment({ reports: `${folder}/*-report.json` });
    expect(result.exitCode).toBe(0);
    for (const text of [github.comments(REPOSITORY, pr)[0]!.body, result.summary]) {
      expect(text).not.toContain('@everyone');
      expect(text).not.toContain('<img');
      expect(text).not.toContain('</details>@');
      expect(text).toContain('&#60;/details&#62;&#64;everyone&#60;img src&#61;x onerror&#61;alert&#40;1&#41;&#62;');
      expect(count(text, '<details>')).toBe(count(text, '</details>'));
    }
  });

  it('on a pull request from a fork with a read-only token: writes the summary, warns once, exits 0', async () => {
    const result = await comment(
      { reports: `${allReports()}/eval-report.json` },
      { token: GitHubEmulator.READ_TOKEN, event: pullRequestEvent({ number: pr, headRepo: 'someone/models' }) },
    );
    expect(result.exitCode).toBe(0);
    expect(result.annotations).toEqual([expect.objectContaining({ level: 'warning' })]);
    expect(result.annotations[0]!.message).toContain('workflow-templates/mlgate-pr-comment.yml');
    expect(result.summary).toContain('### ✅ Evaluation');
    expect(github.comments(REPOSITORY, pr)).toHaveLength(0);
  });

  it('with a read-only token on its own repository: warns once and exits 0', async () => {
    const result = await comment({ reports: `${allReports()}/eval-report.json` }, { token: GitHubEmulator.READ_TOKEN });
    expect(result.exitCode).toBe(0);
    expect(result.annotations).toHaveLength(1);
    expect(result.annotations[0]!.message).toContain('pull-requests: write');
    expect(github.comments(REPOSITORY, pr)).toHaveLength(0);
  });

  it('outside a pull request writes only the summary', async () => {
    const result = await comment({ reports: `${allReports()}/eval-report.json` }, { event: pushEvent() });
    expect(result.exitCode).toBe(0);
    expect(result.annotations).toHaveLength(0);
    expect(result.summary).toContain('Evaluation');
    expect(result.stdout).toContain('Not a pull request');
  });

  it("in workflow_run mode comments from the triggering run's artifact on the pull request with that head SHA", async () => {
    const sha = 'd'.repeat(39) + String(pr % 10);
    // A fork's pull request: GitHub does not link its head commit, so the action must search open pull requests.
    const fork = github.addPullRequest(REPOSITORY, { headSha: sha, headRepo: 'someone/models', linked: false }).number;
    const zip = zipSync({
      'reports/eval-report.json': new TextEncoder().encode(JSON.stringify(evalReport())),
      'reports/notes.txt': new TextEncoder().encode('ignored'),
    });
    github.addArtifact(REPOSITORY, 9000 + pr, 'mlgate-reports', zip);
    const result = await comment(
      { reports: '**/*-report.json' },
      { event: workflowRunEvent({ id: 9000 + pr, headSha: sha, headRepo: 'someone/models' }) },
    );
    expect(result.exitCode, result.stdout).toBe(0);
    const comments = github.comments(REPOSITORY, fork);
    expect(comments).toHaveLength(1);
    // Paths from the artifact are named by where they came from (and escaped, as everything from outside is).
    expect(comments[0]!.body).toContain('artifact mlgate&#45;reports/reports/eval&#45;report&#46;json');
  });

  it('keeps one comment when the pull-request workflow and the workflow_run workflow both comment', async () => {
    const sha = 'c'.repeat(38) + String(pr % 100).padStart(2, '0');
    const same = github.addPullRequest(REPOSITORY, { headSha: sha }).number;
    const folder = allReports();
    const direct = await runAction({
      action: 'pr-comment',
      inputs: { reports: `${folder}/*-report.json` },
      token: GitHubEmulator.WRITE_TOKEN,
      apiUrl: github.apiUrl,
      event: pullRequestEvent({ number: same }),
      env: { GITHUB_WORKFLOW: 'mlgate' },
    });
    expect(direct.exitCode, direct.stdout).toBe(0);
    github.addArtifact(
      REPOSITORY,
      6000 + pr,
      'mlgate-reports',
      zipSync({ 'eval-report.json': new TextEncoder().encode(JSON.stringify(evalReport())) }),
    );
    const relayed = await runAction({
      action: 'pr-comment',
      inputs: { reports: '**/*-report.json' },
      token: GitHubEmulator.WRITE_TOKEN,
      apiUrl: github.apiUrl,
      event: workflowRunEvent({ id: 6000 + pr, headSha: sha }),
      env: { GITHUB_WORKFLOW: 'mlgate comment' },
    });
    expect(relayed.exitCode, relayed.stdout).toBe(0);
    const comments = github.comments(REPOSITORY, same);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body.startsWith(`${MARKER}\n`)).toBe(true);
  });

  it('in workflow_run mode refuses an artifact that would unpack outside its folder', async () => {
    const zip = zipSync({ '../../escape-report.json': new TextEncoder().encode(JSON.stringify(evalReport())) });
    github.addArtifact(REPOSITORY, 8000 + pr, 'mlgate-reports', zip);
    const result = await comment({}, { event: workflowRunEvent({ id: 8000 + pr }) });
    expect(result.exitCode).toBe(1);
    expect(result.annotations).toHaveLength(1);
    expect(result.annotations[0]!.message).toContain('unsafe path');
  });

  it.each<[string, () => string, RegExp, Record<string, string>?]>([
    ['a missing report file', () => 'missing/eval-report.json', /missing\/eval-report\.json: file not found/],
    [
      'invalid JSON',
      () =>
        `${writeReports({ 'eval-report.json': '{"schema": "mlgate/eval-report@1",\n  "task": }' })}/eval-report.json`,
      /eval-report\.json: invalid JSON \(unexpected token '}'\)/,
    ],
    [
      'a document of another schema version',
      () =>
        `${writeReports({ 'eval-report.json': { ...evalReport(), schema: 'mlgate/eval-report@2' } })}/eval-report.json`,
      /eval-report\.json: eval-report version 2 is not supported/,
    ],
    [
      'a document of an unknown kind',
      () => `${writeReports({ 'x.json': { schema: 'mlgate/nonsense@1' } })}/x.json`,
      /x\.json: unknown document schema "mlgate\/nonsense@1"/,
    ],
    [
      'a document that breaks its schema',
      () =>
        `${writeReports({ 'eval-report.json': { ...evalReport(), gate: { passed: 'yes' as never, checks: [] } } })}/eval-report.json`,
      /eval-report\.json: invalid eval-report: \/gate\/passed: must be boolean/,
    ],
    [
      'a JSON file that is not an mlgate document',
      () => `${writeReports({ 'package.json': { name: 'x' } })}/package.json`,
      /package\.json: not an mlgate document/,
    ],
    [
      'a wrong mode',
      () => 'x.json',
      /input "mode" must be one of auto, pull_request, workflow_run \(got "sideways"\)/,
      { mode: 'sideways' },
    ],
  ])('%s gives one error line naming the file, exit 1, no stack trace', async (_, reports, message, extra = {}) => {
    const result = await comment({ reports: reports(), ...extra });
    expect(result.exitCode).toBe(1);
    expect(result.annotations).toHaveLength(1);
    expect(result.annotations[0]).toMatchObject({ level: 'error' });
    expect(result.annotations[0]!.message).toMatch(message);
    expect(result.annotations[0]!.message).not.toContain('\n');
    expect(result.stdout + result.stderr).not.toMatch(/\n\s+at /);
    expect(github.comments(REPOSITORY, pr)).toHaveLength(0);
  });

  it('never logs the token', async () => {
    const result = await comment({ reports: `${allReports()}/eval-report.json` });
    // The only mention is the command that tells the runner to mask it.
    const lines = (result.stdout + result.stderr).split('\n').filter((l) => l.includes(GitHubEmulator.WRITE_TOKEN));
    expect(lines).toEqual([`::add-mask::${GitHubEmulator.WRITE_TOKEN}`]);
  });
});

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}
