import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResultsServiceEmulator } from '../support/emulator/results-service.js';
import { GitHubEmulator } from '../support/emulator/server.js';
import { fakeNvidiaSmi } from '../support/fake-nvidia-smi.js';
import { ROOT } from '../support/run-action.js';
import { productionCsv, weatherProject, type TrainerSettings } from '../support/weather-project.js';
import { completedRunEvent, createFixtureRepo, runWorkflow, type FixtureRepo, type WorkflowEvent, type WorkflowRunResult } from '../support/workflow-runner/index.js';

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

const FIRST: TrainerSettings = { hidden: 16, epochs: 300 };
const BETTER: TrainerSettings = { hidden: 32, epochs: 600 };
const WORSE: TrainerSettings = { hidden: 16, epochs: 10 };

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

/** Runs a template; the self-hosted GPU runner has a recorded nvidia-smi on its PATH. */
function run(workflow: string, event: WorkflowEvent, extra: { runId?: number; runAttempt?: number } = {}): Promise<WorkflowRunResult> {
  return runWorkflow({ workflow, event, repo, github, results, runnerEnv: (labels) => (labels.includes('gpu') ? gpu : {}), ...extra });
}

/** The files a pull request's rules are read from, as the contents API serves them at its base commit. */
function serveRulesAt(sha: string): void {
  for (const path of ['contract.yml', '.github/mlgate-policy.yml']) github.setFile(repo.repository, sha, path, repo.show(sha, path));
}

/** Opens a pull request that changes the trainer's settings (and any other files). */
function openPullRequest(branch: string, files: Record<string, string>) {
  repo.commit(branch, files);
  const pull = repo.openPullRequest(github, { branch });
  serveRulesAt(pull.baseSha);
  return pull;
}

/** Why a job failed, for the assertion message: each step's outcome and annotations. */
function explain(result: WorkflowRunResult): string {
  return JSON.stringify(
    Object.values(result.jobs).map((job) => ({ job: job.id, result: job.result, steps: job.legs[0]?.steps.map((s) => ({ name: s.name, outcome: s.outcome, annotations: s.annotations.map((a) => a.message), err: s.outcome === 'failure' ? s.stderr.slice(-400) : undefined })) })),
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

  it('b. the merge releases model-v1.0.0: the model evaluated in that pull request\'s check run', async () => {
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
});
