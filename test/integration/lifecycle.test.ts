import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResultsServiceEmulator } from '../support/emulator/results-service.js';
import { GitHubEmulator } from '../support/emulator/server.js';
import { fakeNvidiaSmi } from '../support/fake-nvidia-smi.js';
import { ROOT } from '../support/run-action.js';
import { productionCsv, weatherProject, type TrainerSettings } from '../support/weather-project.js';
import {
  completedRunEvent,
  createFixtureRepo,
  runWorkflow,
  type FixtureFiles,
  type FixtureRepo,
  type WorkflowEvent,
  type WorkflowRunResult,
} from '../support/workflow-runner/index.js';

/**
 * The model's whole life, told once through the starter workflows as a team copies them, run by the test workflow
 * runner against the GitHub and results-service emulators: every template, in the order a repository meets them.
 * Each step builds on the last, so the steps run in order and a failure stops the story there.
 */
const TEMPLATE = (name: string) => join(ROOT, 'workflow-templates', name);
const PIPELINE = TEMPLATE('mlgate-pull-request.yml');
const RELEASE = TEMPLATE('mlgate-release.yml');
const COMMENT = TEMPLATE('mlgate-pr-comment.yml');
const DRIFT = TEMPLATE('mlgate-drift-schedule.yml');
const SHARDED = TEMPLATE('mlgate-sharded-evaluate.yml');

const FIRST: TrainerSettings = { hidden: 16, epochs: 300 };
const BETTER: TrainerSettings = { hidden: 32, epochs: 600 };
const WORSE: TrainerSettings = { hidden: 16, epochs: 10 };
/** Worse still than WORSE, which step d releases. */
const WORST: TrainerSettings = { hidden: 16, epochs: 2 };

let github: GitHubEmulator;
let results: ResultsServiceEmulator;
let repo: FixtureRepo;
const gpu = fakeNvidiaSmi('h100');

beforeAll(async () => {
  github = await new GitHubEmulator().start();
  results = await new ResultsServiceEmulator().start();
  repo = createFixtureRepo(weatherProject(FIRST, {}));
});
afterAll(async () => {
  await github.stop();
  await results.stop();
});

/** The templates the story has run, each of which must be. */
const ran = new Set<string>();

/** Runs a template; the self-hosted GPU runner has a recorded nvidia-smi on its PATH. */
function run(
  workflow: string,
  event: WorkflowEvent,
  extra: { runId?: number; runAttempt?: number } = {},
): Promise<WorkflowRunResult> {
  ran.add(basename(workflow));
  return runWorkflow({
    workflow,
    event,
    repo,
    github,
    results,
    runnerEnv: (labels) => (labels.includes('gpu') ? gpu : {}),
    ...extra,
  });
}

/** The files a pull request's rules are read from, as the contents API serves them at its base commit. */
function serveRulesAt(sha: string): void {
  for (const path of ['contract.yml', '.github/mlgate-policy.yml'])
    github.setFile(repo.repository, sha, path, repo.show(sha, path));
}

/** Opens a pull request that changes the trainer's settings (and any other files). */
function openPullRequest(branch: string, files: FixtureFiles) {
  repo.commit(branch, files);
  const pull = repo.openPullRequest(github, { branch });
  serveRulesAt(pull.baseSha);
  return pull;
}

/** Why a job failed, for the assertion message: each step's outcome and annotations. */
function explain(result: WorkflowRunResult): string {
  return JSON.stringify(
    Object.values(result.jobs).map((job) => ({
      job: job.id,
      result: job.result,
      steps: job.legs[0]?.steps.map((s) => ({
        name: s.name,
        outcome: s.outcome,
        annotations: s.annotations.map((a) => a.message),
        err: s.outcome === 'failure' ? s.stderr.slice(-400) : undefined,
      })),
    })),
    null,
    1,
  );
}

/** The JSON document a job step wrote, read from that job's workspace. */
function reportOf(result: WorkflowRunResult, job: string, path: string): any {
  return JSON.parse(readFileSync(join(result.jobs[job]!.legs[0]!.workspace, path), 'utf8'));
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const comments = (number: number) => github.comments(repo.repository, number);
const releases = () => github.releases(repo.repository).filter((r) => !r.draft);

describe.sequential('the lifecycle of a model, through the starter workflows', () => {
  let first: { number: number; run: WorkflowRunResult };

  it('a. the first pull request: validated, trained on the GPU runner, evaluated with no release yet, one comment', async () => {
    const pull = openPullRequest('first-model', { 'README.md': '# Weather model\n' });
    const result = await run(PIPELINE, repo.pullRequestEvent(github, pull.number, 'opened'));
    expect(result.conclusion, explain(result)).toBe('success');
    expect(result.jobs.train!.legs[0]!.runsOn).toEqual(['self-hosted', 'linux', 'gpu']);
    const evaluation = reportOf(result, 'evaluate', 'mlgate-reports/eval-report.json');
    expect(evaluation.baseline ?? null).toBeNull();
    expect(evaluation.gate.passed).toBe(true);
    const [comment, ...more] = comments(pull.number);
    expect(more).toEqual([]);
    expect(comment!.login).toBe('github-actions[bot]');
    expect(comment!.body).toContain('### ✅ Evaluation');
    expect(comment!.body).toContain('### ✅ Training');
    first = { number: pull.number, run: result };
  });

  it("b. the merge releases model-v1.0.0: the model evaluated in that pull request's check run", async () => {
    const push = repo.merge(github, first.number);
    github.mergePullRequest(repo.repository, first.number, push.sha);
    const result = await run(RELEASE, push);
    expect(result.conclusion, explain(result)).toBe('success');
    expect(result.jobs.release!.legs[0]!.environment?.name).toBe('model-release');
    const [release, ...more] = releases();
    expect(more).toEqual([]);
    expect(release!.tag).toBe('model-v1.0.0');
    const model = release!.assets.find((a) => a.name === 'model.onnx')!;
    const evaluated = reportOf(first.run, 'evaluate', 'mlgate-reports/eval-report.json');
    expect(sha256(model.data)).toBe(evaluated.candidate.sha256);
    expect(release!.body).toContain(`/actions/runs/${first.run.runId}`);
  });

  it('c. a better model: the comment shows the change from v1.0.0; the merge releases v1.0.1', async () => {
    const pull = openPullRequest('better-model', { 'train/config.json': `${JSON.stringify(BETTER)}\n` });
    const result = await run(PIPELINE, repo.pullRequestEvent(github, pull.number, 'opened'));
    expect(result.conclusion, explain(result)).toBe('success');
    const evaluation = reportOf(result, 'evaluate', 'mlgate-reports/eval-report.json');
    expect(evaluation.baseline.source).toBe('release model-v1.0.0');
    const accuracy = evaluation.comparisons.find((c: { metric: string }) => c.metric === 'accuracy');
    expect(accuracy.difference).toBeGreaterThan(0);
    const [comment, ...more] = comments(pull.number);
    expect(more).toEqual([]);
    expect(comment!.body).toContain('model&#45;v1&#46;0&#46;0');

    const push = repo.merge(github, pull.number);
    github.mergePullRequest(repo.repository, pull.number, push.sha);
    const released = await run(RELEASE, push);
    expect(released.conclusion, explain(released)).toBe('success');
    expect(
      releases()
        .map((r) => r.tag)
        .sort(),
    ).toEqual(['model-v1.0.0', 'model-v1.0.1']);
  });

  it('d. a worse model fails the gate and says why; the override label passes it, and the release records who applied it', async () => {
    const pull = openPullRequest('worse-model', { 'train/config.json': `${JSON.stringify(WORSE)}\n` });
    const failed = await run(PIPELINE, repo.pullRequestEvent(github, pull.number, 'opened'));
    expect(failed.conclusion).toBe('failure');
    expect(failed.jobs.evaluate!.result).toBe('failure');
    expect(failed.jobs.report!.result, explain(failed)).toBe('success');
    const [comment, ...more] = comments(pull.number);
    expect(more).toEqual([]);
    expect(comment!.body).toMatch(/## ❌ mlgate/);
    expect(comment!.body).toContain('accuracy fell by');

    // Another label runs nothing, in a concurrency group of its own, so it cancels no check.
    github.labelIssue(repo.repository, pull.number, 'documentation');
    const other = repo.pullRequestEvent(github, pull.number, 'labeled');
    Object.assign(other.payload, { label: { name: 'documentation' }, sender: { login: 'octocat', type: 'User' } });
    const unrelated = await run(PIPELINE, other);
    expect(Object.values(unrelated.jobs).map((j) => j.result)).toEqual(['skipped', 'skipped', 'skipped', 'skipped']);
    expect(unrelated.concurrency?.group).toBe(`mlgate-${pull.number}-label`);
    expect(failed.concurrency?.group).toBe(`mlgate-${pull.number}`);

    // A maintainer adds the override label: the labeled event runs the checks again.
    github.labelIssue(repo.repository, pull.number, 'mlgate-override');
    const event = repo.pullRequestEvent(github, pull.number, 'labeled');
    Object.assign(event.payload, { label: { name: 'mlgate-override' }, sender: { login: 'octocat', type: 'User' } });
    const overridden = await run(PIPELINE, event);
    expect(overridden.conclusion, explain(overridden)).toBe('success');
    const evaluation = reportOf(overridden, 'evaluate', 'mlgate-reports/eval-report.json');
    expect(evaluation.gate.override).toMatchObject({ label: 'mlgate-override', applied_by: 'octocat' });
    expect(comments(pull.number)).toHaveLength(1);
    expect(comments(pull.number)[0]!.body).toContain('override');

    const push = repo.merge(github, pull.number);
    github.mergePullRequest(repo.repository, pull.number, push.sha);
    const released = await run(RELEASE, push);
    expect(released.conclusion, explain(released)).toBe('success');
    const release = releases().find((r) => r.tag === 'model-v1.0.2')!;
    const card = release.assets.find((a) => a.name === 'model-card.md')!.data.toString();
    expect(card).toContain('mlgate&#45;override');
    expect(card).toContain('octocat');
  });

  it("e. a pull request that loosens its own policy and contract is judged by the base branch's, and is told so", async () => {
    const pull = openPullRequest('loosen-rules', {
      'train/config.json': `${JSON.stringify(WORST)}\n`,
      '.github/mlgate-policy.yml': 'metrics:\n  accuracy: { min: 0.1, max-drop: 0.9 }\n',
      'contract.yml': repo
        .show(repo.head('main'), 'contract.yml')
        .replace('wind: { type: float, nullable: false, min: 0, max: 15 }', 'wind: { type: float }'),
    });
    const result = await run(PIPELINE, repo.pullRequestEvent(github, pull.number, 'opened'));
    expect(result.jobs.evaluate!.result, explain(result)).toBe('failure');
    const evaluation = reportOf(result, 'evaluate', 'mlgate-reports/eval-report.json');
    expect(evaluation.policy).toMatchObject({ applied: 'base', head_differs: true });
    const validation = reportOf(result, 'validate', 'mlgate-reports/validation-report.json');
    expect(validation.contract).toMatchObject({ applied: 'base', head_differs: true });
    const body = comments(pull.number)[0]!.body;
    expect(body).toMatch(/changes? .*policy/i);
    expect(body).toMatch(/base/i);
  });

  it("f. a fork's pull request: read-only, never on the GPU runner, one comment from workflow_run with the run's conclusion", async () => {
    repo.commit('fork-change', { 'README.md': '# Weather model, from a fork\n' });
    const pull = repo.openPullRequest(github, { branch: 'fork-change', fork: true });
    serveRulesAt(pull.baseSha);
    const check = await run(PIPELINE, repo.pullRequestEvent(github, pull.number, 'opened'));
    expect(check.jobs.validate!.legs[0]!.token).toBe(GitHubEmulator.READ_TOKEN);
    expect(check.jobs.train!.result).toBe('skipped');
    expect(comments(pull.number)).toEqual([]);
    const relay = await run(COMMENT, completedRunEvent(check, repo.repository));
    expect(relay.conclusion, explain(relay)).toBe('success');
    const [comment, ...more] = comments(pull.number);
    expect(more).toEqual([]);
    expect(comment!.body).toContain(`/actions/runs/${check.runId}`);
    expect(comment!.body).toContain(`concluded **${check.conclusion}**`);
  });

  it('f. a forged "passed" report uploaded by a failed fork run is shown as failed', async () => {
    repo.commit('forged', { 'README.md': '# forged\n' });
    const pull = repo.openPullRequest(github, { branch: 'forged', fork: true });
    // A fork's pull request runs the workflow file of its own head: this one uploads a forged report and fails.
    const forged = `name: mlgate
on: pull_request
permissions:
  contents: read
jobs:
  check:
    runs-on: ubuntu-latest
    permissions:
      contents: read
    steps:
      - run: |
          mkdir -p out
          echo '${JSON.stringify({ schema: 'mlgate/validation-report@1', created_at: '2026-12-01T00:00:00Z', passed: true, fail_on: 'error', dataset: { files: [], rows: 10, columns: 1 }, summary: { errors: 0, warnings: 0, rules_checked: 1 }, violations: [] })}' > out/validation-report.json
      - uses: actions/upload-artifact@ea165f8d65b6e75b540449e92b4886f43607fa02 # v4.6.2
        with:
          name: mlgate-reports
          path: out/*.json
      - run: exit 1
`;
    const check = await runWorkflow({
      workflow: { file: 'mlgate-pull-request.yml', content: forged },
      event: repo.pullRequestEvent(github, pull.number, 'opened'),
      repo,
      github,
      results,
    });
    expect(check.conclusion).toBe('failure');
    const relay = await run(COMMENT, completedRunEvent(check, repo.repository));
    expect(relay.conclusion, explain(relay)).toBe('success');
    const body = comments(pull.number)[0]!.body;
    expect(body).toMatch(/^## ❌ mlgate/m);
    expect(body).not.toContain('all checks passed');
    expect(body).toContain('concluded **failure**');
  });

  it('g. the schedule: drift opens one issue, updates it while it lasts, and closes it when it is gone', async () => {
    const schedule = { name: 'schedule', payload: { schedule: '0 6 * * *' } };
    repo.commit('main', { 'data/production/current.csv': productionCsv(4) });
    const opened = await run(DRIFT, schedule);
    expect(opened.conclusion, explain(opened)).toBe('success');
    const open = github.issues(repo.repository).filter((i) => i.labels.includes('mlgate-drift'));
    expect(open).toEqual([expect.objectContaining({ state: 'open' })]);
    expect(open[0]!.body).toContain('wind');

    const again = await run(DRIFT, schedule);
    expect(again.conclusion).toBe('success');
    expect(github.issues(repo.repository).filter((i) => i.labels.includes('mlgate-drift'))).toEqual([
      expect.objectContaining({ number: open[0]!.number, state: 'open' }),
    ]);
    expect(comments(open[0]!.number).map((c) => c.body.split('\n')[0])).toEqual([
      expect.stringMatching(/^Drift persists/),
    ]);

    // Production data back to what the released model was made from: no drift.
    repo.commit('main', { 'data/production/current.csv': productionCsv(0, 'reference') });
    const calm = await run(DRIFT, schedule);
    expect(calm.conclusion).toBe('success');
    expect(github.issues(repo.repository).filter((i) => i.labels.includes('mlgate-drift'))).toEqual([
      expect.objectContaining({ number: open[0]!.number, state: 'closed' }),
    ]);
  });

  it('h. a holdout too large for one job: four shards, merged into one gate and the same single comment', async () => {
    const release = releases().find((r) => r.tag === 'model-v1.0.1')!;
    const [header, ...rows] = repo.show(repo.head('main'), 'data/holdout.csv').trim().split('\n');
    const half = Math.ceil(rows.length / 2);
    const pull = openPullRequest('large-holdout', {
      'model.onnx': release.assets.find((a) => a.name === 'model.onnx')!.data,
      'data/holdout/part-1.csv': `${header}\n${rows.slice(0, half).join('\n')}\n`,
      'data/holdout/part-2.csv': `${header}\n${rows.slice(half).join('\n')}\n`,
    });
    const result = await run(SHARDED, repo.pullRequestEvent(github, pull.number, 'opened'));
    expect(result.conclusion, explain(result)).toBe('success');
    expect(result.jobs.shard!.legs).toHaveLength(4);
    const evaluation = reportOf(result, 'merge', 'mlgate-reports/eval-report.json');
    expect(evaluation.data.rows).toBe(rows.length);
    expect(evaluation.gate.passed).toBe(true);
    const [comment, ...more] = comments(pull.number);
    expect(more).toEqual([]);
    expect(comment!.body).toContain('### ✅ Evaluation');
  });

  it('runs every starter workflow', () => {
    expect([...ran].sort()).toEqual(
      readdirSync(join(ROOT, 'workflow-templates'))
        .filter((f) => f.endsWith('.yml'))
        .sort(),
    );
  });
});
