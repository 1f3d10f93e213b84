import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { EvalReport, ValidationReport } from '../../src/core/documents.js';
import { GitHubEmulator } from '../support/emulator/server.js';
import { pushEvent } from '../support/events.js';
import { seededRandom, tinyModel } from '../support/models.js';
import { evalReport, validationReport } from '../support/reports.js';
import { ROOT, runAction } from '../support/run-action.js';

/**
 * Promotion: on the push of a merge to the default branch, release (source check-run) finds the merged pull
 * request, the last successful run of mlgate.yml on its head, downloads that run's artifact, verifies it, and
 * publishes exactly the model that run evaluated.
 */

let github: GitHubEmulator;
let count = 0;
beforeAll(async () => {
  github = await new GitHubEmulator().start();
});
afterAll(async () => {
  await github.stop();
});

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
const HEAD = '1'.repeat(40);
const MERGE = '2'.repeat(40);
const text = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

interface Story {
  /** The model in the check run's artifact (default: a valid model). */
  model?: Uint8Array;
  /** The eval-report in the artifact: its candidate hash is the model's unless it sets one. */
  report?: Partial<EvalReport>;
  validation?: Partial<ValidationReport> | null;
  conclusion?: string;
  labels?: string[];
  /** Labels applied to the pull request by a person (with a labeled event). */
  labelled?: string[];
  /** The token the override label is applied with (a person, octocat, by default). */
  labelledBy?: string;
  /** Another successful run of the same workflow on the same commit, with an artifact of its own. */
  otherRun?: { event?: string; head_repository?: string };
  merged?: boolean;
  /** Put validate-data's profile.json in the artifact too. */
  profile?: boolean;
  /**
   * Lay the run out as the pull-request template's does: the run of mlgate-pull-request.yml, the model in the
   * artifact mlgate-model (out/model.onnx, beside the train report), the reports in mlgate-reports.
   */
  asTemplate?: boolean;
}

/** A small valid profile, as validate-data writes it. */
const PROFILE = {
  schema: 'mlgate/profile@1',
  created_at: '2026-11-01T00:00:00.000Z',
  dataset: { files: [{ path: 'data/train.csv', rows: 3 }], rows: 3 },
  sample: { size: 3, seed: 1, priorities: [0, 1, 2] },
  columns: [{ name: 'f0', type: 'float', count: 3, nulls: 0, invalid: 0, sample: [0.1, 0.2, 0.3] }],
};

/** A repository where pull request #1 (head HEAD) was checked by mlgate.yml run and merged as MERGE. */
function story(s: Story = {}): { repo: string; runId: number; pr: number; model: Uint8Array } {
  const repo = `acme/promoted-${++count}`;
  const model = s.model ?? tinyModel(count);
  const pr = github.addPullRequest(repo, {
    headSha: HEAD,
    headRef: 'better-model',
    labels: [...(s.labels ?? [])],
  }).number;
  for (const label of s.labelled ?? []) github.labelIssue(repo, pr, label);
  if (s.labelledBy) github.labelIssue(repo, pr, 'mlgate-override', s.labelledBy);
  const runId = 5000 + count;
  const path = s.asTemplate ? '.github/workflows/mlgate-pull-request.yml' : '.github/workflows/mlgate.yml';
  github.addWorkflowRun(repo, {
    id: runId,
    path,
    head_sha: HEAD,
    head_branch: 'better-model',
    conclusion: s.conclusion ?? 'success',
    pull_requests: [pr],
  });
  const report = evalReport({
    candidate: { path: 'model.onnx', sha256: sha256(model), metrics: { accuracy: { value: 0.84 } } },
    run: { id: runId, attempt: 1, job: 'check' },
    ...s.report,
  });
  const files: Record<string, Uint8Array> = { 'model.onnx': model, 'eval-report.json': text(report) };
  if (s.profile) files['profile.json'] = text(PROFILE);
  if (s.validation !== null)
    files['validation-report.json'] = text(
      validationReport({ passed: true, summary: { errors: 0, warnings: 0 }, violations: [], ...s.validation }),
    );
  if (s.asTemplate) {
    const { 'model.onnx': trained, ...reports } = files;
    github.addArtifact(
      repo,
      runId,
      'mlgate-model',
      zipSync({
        'out/model.onnx': trained!,
        'out/metrics.json': text({ accuracy: 0.84 }),
        'mlgate-reports/train-report.json': text({}),
      }),
    );
    github.addArtifact(repo, runId, 'mlgate-reports', zipSync(reports));
  } else {
    github.addArtifact(repo, runId, 'mlgate-reports', zipSync(files));
  }
  if (s.otherRun) {
    github.addWorkflowRun(repo, {
      id: runId + 500,
      head_sha: HEAD,
      head_branch: 'better-model',
      conclusion: 'success',
      pull_requests: [],
      ...s.otherRun,
    });
    github.addArtifact(
      repo,
      runId + 500,
      'mlgate-reports',
      zipSync({
        ...files,
        'eval-report.json': text({ ...report, run: { id: runId + 500, attempt: 1, job: 'check' } }),
      }),
    );
  }
  if (s.merged !== false) github.mergePullRequest(repo, pr, MERGE);
  return { repo, runId, pr, model };
}

function promote(repo: string, inputs: Record<string, string> = {}) {
  const cwd = mkdtempSync(join(tmpdir(), 'mlgate-promote-'));
  writeFileSync(join(cwd, 'contract.yml'), 'columns:\n  f0: { type: float }\n');
  return runAction({
    action: 'release',
    cwd,
    token: GitHubEmulator.WRITE_TOKEN,
    apiUrl: github.apiUrl,
    event: pushEvent(MERGE),
    env: { GITHUB_REPOSITORY: repo, GITHUB_SHA: MERGE, GITHUB_REF: 'refs/heads/main', GITHUB_JOB: 'release' },
    inputs: { source: 'check-run', 'check-workflow': 'mlgate.yml', contract: 'contract.yml', ...inputs },
  });
}

describe('release source check-run (dist bundle against the GitHub emulator)', () => {
  beforeAll(() => {
    // The owner of the promoted repositories, who opens their pull requests.
    github.addToken('ghp_author', { login: 'acme', id: 900, type: 'User', permission: 'write' });
  });

  it("publishes the model the merged pull request's check run evaluated, naming run, commit and pull request; a re-run changes nothing", async () => {
    const { repo, runId, pr, model } = story();
    const result = await promote(repo);
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.outputs.tag).toBe('model-v1.0.0');
    const [published] = github.releases(repo);
    expect(published!.draft).toBe(false);
    expect(published!.assets.map((a) => a.name).sort()).toEqual([
      'SHA256SUMS',
      'contract.yml',
      'eval-report.json',
      'model-card.md',
      'model.onnx',
    ]);
    expect(sha256(published!.assets.find((a) => a.name === 'model.onnx')!.data)).toBe(sha256(model));
    for (const body of [published!.body!, published!.assets.find((a) => a.name === 'model-card.md')!.data.toString()]) {
      expect(body).toContain(`[check run ${runId}](https://github.com/${repo}/actions/runs/${runId})`);
      expect(body).toContain(`| Evaluated commit | ${HEAD} |`);
      expect(body).toContain(`| Pull request | [#${pr}](https://github.com/${repo}/pull/${pr}) |`);
    }

    const again = await promote(repo);
    expect(again.exitCode, again.stdout).toBe(0);
    expect(again.stdout).toContain('model-v1.0.0: already published: nothing to do');
    expect(github.releases(repo)).toHaveLength(1);
  });

  it('records an override and the person who applied the label', async () => {
    const { repo } = story({
      labelled: ['mlgate-override'],
      report: {
        gate: {
          passed: true,
          override: { label: 'mlgate-override' },
          checks: [
            {
              metric: 'accuracy',
              rule: 'max-drop',
              passed: false,
              reason: 'accuracy fell by 0.05, more than the 0.02 allowed',
            },
          ],
        },
      },
    });
    const result = await promote(repo);
    expect(result.exitCode, result.stdout).toBe(0);
    const card = github.releases(repo)[0]!.body!;
    expect(card).toContain(
      '| Gate override | the gate failed and was overridden with the label mlgate&#45;override, applied by octocat |',
    );
    expect(card).toContain(
      '| ✅ | override | the label mlgate&#45;override was applied to pull request &#35;1 by octocat |',
    );
  });

  const random = seededRandom(99);
  const garbage = Uint8Array.from({ length: 2000 }, () => Math.floor(random() * 256));
  it.each<[string, Story, Record<string, string>, RegExp]>([
    [
      'a commit no merged pull request brought',
      { merged: false },
      {},
      /^commit 222222222222 came from no merged pull request, so there is no reviewed check run to release/,
    ],
    [
      'a pull request whose check run failed',
      { conclusion: 'failure' },
      {},
      /^no successful pull_request run of mlgate\.yml on pull request #1's head 111111111111 \(acme\/promoted-\d+:better-model\); re-run that workflow/,
    ],
    [
      'a check workflow that does not exist',
      {},
      { 'check-workflow': 'other.yml' },
      /^check-workflow other\.yml: no such workflow in acme\/promoted-\d+; name the file of the pull-request workflow/,
    ],
    [
      'an artifact of another name',
      {},
      { 'artifact-name': 'reports' },
      /^no artifact named "reports" in workflow run \d+/,
    ],
    [
      'a model that is not the evaluated candidate',
      { report: { candidate: { path: 'model.onnx', sha256: 'f'.repeat(64), metrics: {} } } },
      {},
      /refused: model\.onnx has SHA-256 [0-9a-f]{12}… but the evaluated candidate had ffffffffffff…/,
    ],
    [
      'a failed gate',
      {
        report: {
          gate: {
            passed: false,
            checks: [{ metric: 'accuracy', rule: 'max-drop', passed: false, reason: 'accuracy fell by 0.05' }],
          },
        },
      },
      {},
      /refused: eval-report\.json: the evaluation gate failed \(accuracy fell by 0\.05\)/,
    ],
    [
      'an override whose label was removed',
      { report: { gate: { passed: true, override: { label: 'mlgate-override' }, checks: [] } } },
      {},
      /refused: the gate was overridden with the label mlgate-override, but pull request #1 no longer carries it/,
    ],
    [
      'data that broke its contract',
      { validation: { passed: false, summary: { errors: 2, warnings: 0 } } },
      {},
      /refused: validation-report\.json: the data broke its contract \(2 errors\)/,
    ],
    [
      'an eval-report another run wrote',
      { report: { run: { id: 1, attempt: 1, job: 'check' } } },
      {},
      /refused: eval-report\.json was written by run 1, not by check run \d+ whose artifact holds it/,
    ],
    [
      'a model missing from the artifact',
      {},
      { model: 'models/model.onnx' },
      /^check run \d+'s artifact mlgate-reports holds no models\/model\.onnx; upload it there in mlgate\.yml, or set input "model" to its path in the artifact$/,
    ],
    [
      'no validation report',
      { validation: null },
      {},
      /refused: check run \d+'s artifact holds no validation-report\.json/,
    ],
    [
      'a model onnxruntime cannot load',
      { model: garbage },
      {},
      /^model\.onnx: (not an ONNX model|onnxruntime [\d.]+ cannot load the model)/,
    ],
    [
      'an eval-report that records no run',
      { report: { run: undefined } },
      {},
      /refused: eval-report\.json was written by no workflow run \(it records none\), not by check run \d+/,
    ],
    [
      'a failed check run beside a successful push run of the same commit',
      { conclusion: 'failure', otherRun: { event: 'push' } },
      {},
      /^no successful pull_request run of mlgate\.yml on pull request #1's head/,
    ],
    [
      "a failed check run beside a fork's successful run on the same commit",
      { conclusion: 'failure', otherRun: { head_repository: 'someone/models' } },
      {},
      /^no successful pull_request run of mlgate\.yml on pull request #1's head/,
    ],
    [
      'an override its own author applied',
      {
        labelledBy: 'ghp_author',
        report: { gate: { passed: true, override: { label: 'mlgate-override' }, checks: [] } },
      },
      {},
      /refused: the label mlgate-override on pull request #1 was applied by acme, the pull request's author; an override needs another person's review/,
    ],
  ])('refuses %s in one line, and publishes nothing', async (_, s, inputs, message) => {
    const { repo } = story(s);
    const result = await promote(repo, inputs);
    expect(result.exitCode).toBe(1);
    expect(result.annotations).toHaveLength(1);
    expect(result.annotations[0]!.message.split('\n')).toHaveLength(1);
    expect(result.annotations[0]!.message.replace(/^release model-v1\.0\.0 /, '')).toMatch(message);
    expect(github.releases(repo)).toEqual([]);
  });

  it('publishes with the inputs and permissions of workflow-templates/mlgate-release.yml', async () => {
    const template = parseYaml(readFileSync(join(ROOT, 'workflow-templates', 'mlgate-release.yml'), 'utf8'));
    expect(Object.keys(template.on)).toEqual(['push']);
    const job = template.jobs.release;
    expect(job.permissions).toEqual({ contents: 'write', actions: 'read', 'pull-requests': 'read' });
    expect(job.environment).toBe('model-release');
    const step = job.steps.find((x: { uses?: string }) => x.uses?.startsWith('mlgate/mlgate/actions/release@'));
    const { repo } = story({ profile: true, asTemplate: true });
    const result = await promote(repo, step.with);
    expect(result.exitCode, result.stdout).toBe(0);
    expect(
      github
        .releases(repo)[0]!
        .assets.map((a) => a.name)
        .sort(),
    ).toEqual(['SHA256SUMS', 'contract.yml', 'eval-report.json', 'model-card.md', 'model.onnx', 'profile.json']);
  });

  it('needs check-workflow with source check-run', async () => {
    const result = await promote(story().repo, { 'check-workflow': '' });
    expect(result.exitCode).toBe(1);
    expect(result.annotations[0]!.message).toBe(
      'input "source" check-run needs input "check-workflow": the file name of the pull-request workflow (e.g. mlgate.yml)',
    );
  });
});
