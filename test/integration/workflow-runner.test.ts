import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResultsServiceEmulator } from '../support/emulator/results-service.js';
import { GitHubEmulator } from '../support/emulator/server.js';
import { ROOT } from '../support/run-action.js';
import {
  completedRunEvent,
  createFixtureRepo,
  loadWorkflow,
  runWorkflow,
  usedActions,
  whyNotEmulated,
  whyNotTriggered,
  type StepRecord,
  type WorkflowEvent,
  type WorkflowRunResult,
} from '../support/workflow-runner/index.js';

/**
 * The workflow runner that the lifecycle test runs the templates with: each feature on a small inline workflow,
 * and every template's trigger decision. Each run is real: bash steps, git checkouts, artifacts through the
 * results-service emulator, runs and artifacts visible through the GitHub emulator's REST API.
 */

let github: GitHubEmulator;
let results: ResultsServiceEmulator;
beforeAll(async () => {
  github = await new GitHubEmulator().start();
  results = await new ResultsServiceEmulator().start();
});
afterAll(async () => {
  await github.stop();
  await results.stop();
});

const CHECKOUT = 'actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683';
const UPLOAD = 'actions/upload-artifact@ea165f8d65b6e75b540449e92b4886f43607fa02';
const DOWNLOAD = 'actions/download-artifact@fa0a91b85d4f404e444e00e005971372dc801d16';

const workflow = (content: string, file = 'test.yml') => ({ file, content });
const push = (): WorkflowEvent => ({
  name: 'push',
  payload: { ref: 'refs/heads/main', before: '0'.repeat(40), after: 'c'.repeat(40), sender: { login: 'maintainer' } },
});
const steps = (run: WorkflowRunResult, job: string, leg = 0): Record<string, StepRecord> =>
  Object.fromEntries(run.jobs[job]!.legs[leg]!.steps.map((s) => [s.id, s]));

async function rest(path: string, token = GitHubEmulator.READ_TOKEN) {
  const response = await fetch(`${github.apiUrl}${path}`, {
    headers: { authorization: `token ${token}` },
    redirect: 'manual',
  });
  const json: any = response.headers.get('content-type')?.includes('json') ? await response.json() : undefined;
  return { status: response.status, json, headers: response.headers };
}

describe('jobs: needs, if and the status functions', () => {
  it('skips the jobs whose needs failed unless their if: says otherwise, as GitHub does', async () => {
    const run = await runWorkflow({
      workflow: workflow(`name: status
on: push
permissions: {}
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: echo building
      - id: broken
        run: exit 3
      - name: after a failure, skipped
        run: echo never
      - id: on-failure
        if: failure()
        run: echo "cleaning up"
      - id: always
        if: always()
        run: echo always
  deploy:
    needs: build
    runs-on: ubuntu-latest
    steps:
      - run: echo deploying
  report:
    needs: build
    if: failure()
    runs-on: ubuntu-latest
    steps:
      - run: echo "build was \${{ needs.build.result }}"
  after-deploy:
    needs: deploy
    if: always()
    runs-on: ubuntu-latest
    steps:
      - run: echo "deploy was \${{ needs.deploy.result }}"
  after-deploy-default:
    needs: deploy
    runs-on: ubuntu-latest
    steps:
      - run: echo never
  tolerant:
    runs-on: ubuntu-latest
    steps:
      - id: flaky
        continue-on-error: true
        run: exit 1
      - id: next
        run: echo "flaky was \${{ steps.flaky.outcome }}/\${{ steps.flaky.conclusion }}"
`),
      event: push(),
      github,
      results,
    });
    expect(Object.fromEntries(Object.values(run.jobs).map((j) => [j.id, j.result]))).toEqual({
      build: 'failure',
      deploy: 'skipped',
      report: 'success',
      'after-deploy': 'success',
      'after-deploy-default': 'skipped',
      tolerant: 'success',
    });
    const build = run.jobs.build!.legs[0]!.steps;
    expect(build.map((s) => [s.outcome, s.conclusion])).toEqual([
      ['success', 'success'],
      ['failure', 'failure'],
      ['skipped', 'skipped'],
      ['success', 'success'],
      ['success', 'success'],
    ]);
    expect(build[1]!.exitCode).toBe(3);
    expect(run.jobs.report!.legs[0]!.steps[0]!.stdout).toBe('build was failure\n');
    expect(run.jobs['after-deploy']!.legs[0]!.steps[0]!.stdout).toBe('deploy was skipped\n');
    expect(steps(run, 'tolerant').next!.stdout).toBe('flaky was failure/success\n');
    expect(run.conclusion).toBe('failure');
  });
});

describe('strategy.matrix', () => {
  it('expands vectors with include and exclude, names the legs, and cancels the rest under fail-fast', async () => {
    const run = await runWorkflow({
      workflow: workflow(`on: push
permissions: {}
jobs:
  shard:
    name: shard \${{ matrix.shard }} on \${{ matrix.os }}
    runs-on: \${{ matrix.os }}
    strategy:
      fail-fast: false
      matrix:
        shard: [1, 2]
        os: [ubuntu-latest, ubuntu-24.04]
        exclude:
          - shard: 2
            os: ubuntu-24.04
        include:
          - shard: 1
            extra: yes
          - shard: 9
            os: ubuntu-latest
    steps:
      - run: echo "\${{ matrix.shard }} \${{ matrix.os }} \${{ matrix.extra }} \${{ strategy.job-index }}/\${{ strategy.job-total }}"
  fast:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        n: [1, 2, 3]
    steps:
      - run: test \${{ matrix.n }} -ne 2
`),
      event: push(),
      github,
      results,
    });
    const legs = run.jobs.shard!.legs;
    expect(legs.map((l) => [l.name, l.runsOn, l.steps[0]!.stdout])).toEqual([
      ['shard 1 on ubuntu-latest', ['ubuntu-latest'], '1 ubuntu-latest yes 0/4\n'],
      ['shard 1 on ubuntu-24.04', ['ubuntu-24.04'], '1 ubuntu-24.04 yes 1/4\n'],
      ['shard 2 on ubuntu-latest', ['ubuntu-latest'], '2 ubuntu-latest  2/4\n'],
      ['shard 9 on ubuntu-latest', ['ubuntu-latest'], '9 ubuntu-latest  3/4\n'],
    ]);
    expect(run.jobs.fast!.legs.map((l) => [l.name, l.result])).toEqual([
      ['fast (1)', 'success'],
      ['fast (2)', 'failure'],
      ['fast (3)', 'cancelled'],
    ]);
    expect(run.jobs.fast!.result).toBe('failure');
  });
});

describe('outputs, env and file commands', () => {
  it('passes step outputs to job outputs to needs, GITHUB_ENV and GITHUB_PATH to later steps, env at three levels', async () => {
    const run = await runWorkflow({
      workflow: workflow(`on: push
permissions: {}
env:
  LEVEL: workflow
  ONLY_WORKFLOW: w
jobs:
  produce:
    runs-on: ubuntu-latest
    env:
      LEVEL: job
    outputs:
      version: \${{ steps.v.outputs.version }}
      empty: \${{ steps.v.outputs.missing }}
    steps:
      - id: v
        run: |
          echo "version=1.2.3" >> "$GITHUB_OUTPUT"
          echo "FROM_STEP=exported" >> "$GITHUB_ENV"
          mkdir -p "$RUNNER_TEMP/bin" && printf '#!/bin/sh\\necho tool ran\\n' > "$RUNNER_TEMP/bin/mytool" && chmod +x "$RUNNER_TEMP/bin/mytool"
          echo "$RUNNER_TEMP/bin" >> "$GITHUB_PATH"
      - id: read
        env:
          LEVEL: step
        run: echo "$LEVEL $ONLY_WORKFLOW $FROM_STEP \${{ env.FROM_STEP }} $(mytool)"
      - id: dir
        working-directory: sub/dir
        run: pwd
  consume:
    needs: produce
    runs-on: ubuntu-latest
    steps:
      - id: c
        run: echo "\${{ needs.produce.outputs.version }} [\${{ needs.produce.outputs.empty }}] $LEVEL"
`),
      event: push(),
      github,
      results,
    });
    expect(run.jobs.produce!.outputs).toEqual({ version: '1.2.3' });
    expect(steps(run, 'produce').read!.stdout).toBe('step w exported exported tool ran\n');
    expect(steps(run, 'produce').dir!.stdout.trim()).toBe(join(run.jobs.produce!.legs[0]!.workspace, 'sub/dir'));
    expect(steps(run, 'consume').c!.stdout).toBe('1.2.3 [] workflow\n');
  });

  it('runs a committed mlgate bundle with its inputs and defaults, and refuses an input its action.yml lacks', async () => {
    const repo = createFixtureRepo({
      'contract.yml': 'columns:\n  id: { type: int, unique: true }\n',
      'data/d.csv': 'id\n1\n2\n',
    });
    const source = (input: string) =>
      workflow(`on: push
permissions:
  contents: read
jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - uses: ${CHECKOUT}
      - id: validate
        uses: mlgate/mlgate/actions/validate-data@v1
        with:
          data: data/*.csv
          contract: contract.yml${input}
`);
    const run = await runWorkflow({
      workflow: source(''),
      event: repo.pushEvent('main', '0'.repeat(40)),
      repo,
      github,
      results,
    });
    const validate = steps(run, 'check').validate!;
    expect(validate.outcome, validate.stdout + validate.stderr).toBe('success');
    expect(validate.outputs).toMatchObject({ passed: 'true', violations: '0' });
    expect(validate.summary).toContain('Data validation');
    await expect(
      runWorkflow({
        workflow: source('\n          contracts: typo.yml'),
        event: repo.pushEvent('main', '0'.repeat(40)),
        repo,
        github,
        results,
      }),
    ).rejects.toThrow(/actions\/validate-data\/action.yml has no input "contracts"/);
  });
});

describe('permissions and tokens', () => {
  const source = workflow(`on: pull_request
permissions:
  contents: read
jobs:
  read:
    runs-on: ubuntu-latest
    steps:
      - id: try
        env:
          TOKEN: \${{ secrets.GITHUB_TOKEN }}
          SAME: \${{ github.token == secrets.GITHUB_TOKEN }}
          HAS_SECRET: \${{ secrets.DEPLOY_KEY != '' }}
        run: |
          status=$(node -e 'fetch(process.env.GITHUB_API_URL + "/repos/" + process.env.GITHUB_REPOSITORY + "/issues", { method: "POST", headers: { authorization: "token " + process.env.TOKEN }, body: JSON.stringify({ title: "x" }) }).then((r) => console.log(r.status))')
          echo "status=$status same=$SAME secret=$HAS_SECRET"
  mask:
    runs-on: ubuntu-latest
    steps:
      - id: mask
        env:
          TOKEN: \${{ github.token }}
          KEY: \${{ secrets.DEPLOY_KEY }}
        run: |
          echo "::add-mask::hidden-value"
          echo "token $TOKEN key $KEY masked hidden-value plain"
  write:
    runs-on: ubuntu-latest
    permissions:
      contents: read
      pull-requests: write
    steps:
      - id: try
        env:
          TOKEN: \${{ github.token }}
          HAS_SECRET: \${{ secrets.DEPLOY_KEY != '' }}
        run: |
          status=$(node -e 'fetch(process.env.GITHUB_API_URL + "/repos/" + process.env.GITHUB_REPOSITORY + "/issues", { method: "POST", headers: { authorization: "token " + process.env.TOKEN }, body: JSON.stringify({ title: "x" }) }).then((r) => console.log(r.status))')
          echo "status=$status secret=$HAS_SECRET"
`);

  it('gives a job without a write scope the read-only token, and a job that grants one the write token', async () => {
    const repo = createFixtureRepo({ 'a.txt': 'a\n' });
    repo.commit('feature', { 'a.txt': 'b\n' });
    const pull = repo.openPullRequest(github, { branch: 'feature' });
    const run = await runWorkflow({
      workflow: source,
      event: repo.pullRequestEvent(github, pull.number),
      repo,
      github,
      results,
      secrets: { DEPLOY_KEY: 'deploy-key-value' },
    });
    expect(run.jobs.read!.legs[0]!.token).toBe(GitHubEmulator.READ_TOKEN);
    expect(run.jobs.read!.legs[0]!.permissions).toEqual({ contents: 'read' });
    expect(steps(run, 'read').try!.stdout).toBe('status=403 same=true secret=true\n');
    // Secrets and ::add-mask:: values never reach the recorded output, as on GitHub.
    expect(steps(run, 'mask').mask!.stdout).toBe('token *** key *** masked *** plain\n');
    expect(run.jobs.write!.legs[0]!.token).toBe(GitHubEmulator.WRITE_TOKEN);
    expect(steps(run, 'write').try!.stdout).toBe('status=201 secret=true\n');
  });

  it("gives a fork's pull request the read-only token and no secrets, whatever the job asks for", async () => {
    const repo = createFixtureRepo({ 'a.txt': 'a\n' });
    repo.commit('patch', { 'a.txt': 'forked\n' });
    const pull = repo.openPullRequest(github, { branch: 'patch', fork: true });
    const run = await runWorkflow({
      workflow: source,
      event: repo.pullRequestEvent(github, pull.number),
      repo,
      github,
      results,
      secrets: { DEPLOY_KEY: 'deploy-key-value' },
    });
    expect(run.headRepository).toBe('someone/models');
    expect(run.jobs.write!.legs[0]!.token).toBe(GitHubEmulator.READ_TOKEN);
    expect(run.jobs.write!.legs[0]!.secrets).toEqual([]);
    expect(steps(run, 'write').try!.stdout).toBe('status=403 secret=false\n');
  });

  it("never sends a fork's pull request to the self-hosted GPU runner of mlgate-pull-request.yml", async () => {
    const data = `x,y\n${Array.from({ length: 50 }, (_, i) => `${i},${i % 3}`).join('\n')}\n`;
    const repo = createFixtureRepo({
      'data/a.csv': data,
      'contract.yml': 'schema: mlgate/contract@1\ncolumns:\n  x: { type: int }\n  y: { type: int }\n',
    });
    repo.commit('gpu', { 'train/train.py': 'import os\n' });
    const forked = repo.openPullRequest(github, { branch: 'gpu', fork: true });
    const file = join(ROOT, 'workflow-templates', 'mlgate-pull-request.yml');
    const template = await loadWorkflow(file);
    const train = template.jobs.find((j) => j.id === 'train')!;
    expect(train.condition).toContain('github.event.pull_request.head.repo.full_name == github.repository');
    // The fork's data is validated; its train job is skipped by its own condition before any runner is chosen.
    const run = await runWorkflow({
      workflow: file,
      event: repo.pullRequestEvent(github, forked.number, 'opened'),
      repo,
      github,
      results,
    });
    expect(run.triggered).toBe(true);
    expect(
      run.jobs.validate!.result,
      JSON.stringify(run.jobs.validate!.legs[0]?.steps.map((s) => [s.name, s.outcome, s.annotations])),
    ).toBe('success');
    expect(run.jobs.validate!.legs[0]!.token).toBe(GitHubEmulator.READ_TOKEN);
    expect(run.jobs[train.id]!.result).toBe('skipped');
    expect(run.jobs[train.id]!.legs).toEqual([]);
    const jobs = await rest(`/repos/${repo.repository}/actions/runs/${run.runId}/jobs`);
    expect(jobs.json.jobs.map((j: { labels: string[] }) => j.labels)).not.toContainEqual([
      'self-hosted',
      'linux',
      'gpu',
    ]);
  });
});

describe('actions/checkout', () => {
  it("checks out the pull request's head commit, one commit deep, without persisted credentials when asked", async () => {
    const repo = createFixtureRepo({ 'model.txt': 'base\n' });
    const head = repo.commit('better', { 'model.txt': 'head\n' });
    repo.commit('main', { 'other.txt': 'main moved on\n' });
    const pull = repo.openPullRequest(github, { branch: 'better' });
    const run = await runWorkflow({
      workflow: workflow(`on: pull_request
permissions:
  contents: read
jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - id: co
        uses: ${CHECKOUT}
        with:
          persist-credentials: false
      - id: look
        run: |
          echo "$(git rev-parse HEAD) $(cat model.txt) $(git rev-parse --is-shallow-repository) $(git config --get http.https://github.com/.extraheader || echo none) $GITHUB_REF"
      - id: base
        uses: ${CHECKOUT}
        with:
          ref: main
          path: base
          fetch-depth: 0
      - id: look-base
        run: echo "$(cat base/model.txt) $(git -C base rev-list --count HEAD) $(git -C base config --get http.https://github.com/.extraheader | cut -c1-20)"
      - id: fetch-base
        env:
          BASE: \${{ github.event.pull_request.base.sha }}
        run: git fetch --quiet --depth=1 origin "$BASE" && git show "$BASE:model.txt"
`),
      event: repo.pullRequestEvent(github, pull.number, 'opened'),
      repo,
      github,
      results,
    });
    expect(steps(run, 'check').co!.outputs.commit).toBe(head);
    expect(steps(run, 'check').look!.stdout).toBe(`${head} head true none refs/pull/${pull.number}/merge\n`);
    expect(steps(run, 'check')['look-base']!.stdout).toBe('base 2 AUTHORIZATION: basic\n');
    // origin is the repository, so a step can fetch the pull request's base commit as on GitHub.
    expect(steps(run, 'check')['fetch-base']!.stdout).toBe('base\n');
    expect(pull.baseSha).not.toBe(repo.head('main'));
  });
});

describe('artifacts', () => {
  it('pass between the jobs of a run and between runs, and the REST API lists and serves them as zips', async () => {
    const producer = await runWorkflow({
      workflow: workflow(
        `on: push
permissions:
  contents: read
jobs:
  shard:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        n: [1, 2]
    steps:
      - run: mkdir -p out && echo "part \${{ matrix.n }}" > out/part-\${{ matrix.n }}.txt && echo hidden > out/.hidden
      - id: up
        uses: ${UPLOAD}
        with:
          name: part-\${{ matrix.n }}
          path: out/*.txt
  merge:
    needs: shard
    runs-on: ubuntu-latest
    steps:
      - uses: ${DOWNLOAD}
        with:
          pattern: part-*
          merge-multiple: true
          path: parts
      - uses: ${DOWNLOAD}
        with:
          name: part-2
          path: by-name
      - uses: ${DOWNLOAD}
        with:
          path: all
      - id: ls
        run: cat parts/part-1.txt parts/part-2.txt by-name/part-2.txt all/part-1/part-1.txt && ls -A parts | tr '\\n' ' '
      - uses: ${UPLOAD}
        with:
          name: merged
          path: parts
      - uses: ${UPLOAD}
        with:
          name: nothing
          path: missing/*.json
          if-no-files-found: ignore
`,
        'producer.yml',
      ),
      event: push(),
      github,
      results,
    });
    expect(producer.conclusion, JSON.stringify(producer.jobs.merge?.legs[0]?.steps.map((s) => s.stderr))).toBe(
      'success',
    );
    expect(steps(producer, 'shard').up!.outputs['artifact-id']).toMatch(/^\d+$/);
    expect(steps(producer, 'merge').ls!.stdout).toBe('part 1\npart 2\npart 2\npart 1\npart-1.txt part-2.txt ');

    const listed = await rest(`/repos/acme/models/actions/runs/${producer.runId}/artifacts`);
    expect(listed.json.artifacts.map((a: { name: string }) => a.name).sort()).toEqual(['merged', 'part-1', 'part-2']);
    const merged = listed.json.artifacts.find((a: { name: string }) => a.name === 'merged');
    expect(merged.workflow_run).toMatchObject({ id: producer.runId, head_sha: producer.sha, head_branch: 'main' });
    const redirect = await rest(`/repos/acme/models/actions/artifacts/${merged.id}/zip`);
    expect(redirect.status).toBe(302);
    const zip = unzipSync(new Uint8Array(await (await fetch(redirect.headers.get('location')!)).arrayBuffer()));
    expect(Object.keys(zip).sort()).toEqual(['part-1.txt', 'part-2.txt']);

    const consumer = await runWorkflow({
      workflow: workflow(
        `on: workflow_dispatch
permissions:
  actions: read
jobs:
  fetch:
    runs-on: ubuntu-latest
    steps:
      - uses: ${DOWNLOAD}
        with:
          name: merged
          path: got
          run-id: ${producer.runId}
          github-token: \${{ github.token }}
      - id: cat
        run: cat got/part-2.txt
`,
        'consumer.yml',
      ),
      event: { name: 'workflow_dispatch', payload: { inputs: {} } },
      github,
      results,
    });
    expect(steps(consumer, 'fetch').cat!.stdout).toBe('part 2\n');
  });
});

describe('re-runs', () => {
  it("run with the first run's id and event, as attempt 2, and may upload the names attempt 1 uploaded", async () => {
    const source = workflow(`on: push
permissions: {}
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: echo "attempt \${{ github.run_attempt }}" > report.txt && cat report.txt
      - uses: ${UPLOAD}
        with:
          name: report
          path: report.txt
`);
    const event = push();
    const first = await runWorkflow({ workflow: source, event, github, results });
    const second = await runWorkflow({ workflow: source, event, github, results, runId: first.runId, runAttempt: 2 });
    expect([first.conclusion, second.conclusion]).toEqual(['success', 'success']);
    expect(second.jobs.a!.legs[0]!.steps[0]!.stdout).toBe('attempt 2\n');
    expect((await rest(`/repos/acme/models/actions/runs/${first.runId}`)).json.run_attempt).toBe(2);
  });
});

describe('runs in the GitHub emulator', () => {
  it('registers each run with its workflow, event, head and conclusion, listed by head_sha, status and workflow file', async () => {
    const repo = createFixtureRepo({ 'a.txt': 'a\n' });
    repo.commit('listed', { 'a.txt': 'b\n' });
    const pull = repo.openPullRequest(github, { branch: 'listed' });
    const event = repo.pullRequestEvent(github, pull.number);
    const source = (exit: number) =>
      workflow(
        `name: check
on:
  pull_request:
    branches: [$default-branch]
permissions: {}
concurrency:
  group: check-\${{ github.event.pull_request.number }}
  cancel-in-progress: true
jobs:
  check:
    runs-on: [self-hosted, linux, gpu]
    timeout-minutes: 7
    environment: review
    steps:
      - run: exit ${exit}
`,
        'check.yml',
      );
    const failed = await runWorkflow({ workflow: source(1), event, repo, github, results });
    const passed = await runWorkflow({
      workflow: source(0),
      event,
      repo,
      github,
      results,
      runId: failed.runId,
      runAttempt: 2,
    });
    expect(failed.concurrency).toEqual({ group: `check-${pull.number}`, cancelInProgress: true });
    expect(passed.jobs.check!.legs[0]).toMatchObject({
      runsOn: ['self-hosted', 'linux', 'gpu'],
      timeoutMinutes: 7,
      environment: { name: 'review' },
    });
    const single = await rest(`/repos/acme/models/actions/runs/${failed.runId}`);
    expect(single.json).toMatchObject({
      id: failed.runId,
      name: 'check',
      path: '.github/workflows/check.yml',
      event: 'pull_request',
      head_sha: pull.headSha,
      head_branch: 'listed',
      status: 'completed',
      conclusion: 'success',
      run_attempt: 2,
      head_repository: { full_name: 'acme/models' },
    });
    expect(single.json.pull_requests.map((p: { number: number }) => p.number)).toEqual([pull.number]);
    const bySha = await rest(`/repos/acme/models/actions/runs?head_sha=${pull.headSha}&status=success`);
    expect(bySha.json.workflow_runs.map((r: { id: number }) => r.id)).toEqual([failed.runId]);
    const byFile = await rest(
      `/repos/acme/models/actions/workflows/check.yml/runs?head_sha=${pull.headSha}&status=success`,
    );
    expect(byFile.json.total_count).toBe(1);
    expect(
      (await rest(`/repos/acme/models/actions/workflows/other.yml/runs?head_sha=${pull.headSha}`)).json.total_count,
    ).toBe(0);
    const jobs = await rest(`/repos/acme/models/actions/runs/${failed.runId}/jobs`);
    expect(jobs.json.jobs[0]).toMatchObject({
      name: 'check',
      labels: ['self-hosted', 'linux', 'gpu'],
      head_sha: pull.headSha,
      workflow_name: 'check',
      head_branch: 'listed',
    });
  });

  it('triggers workflow_run workflows from a finished run, filtered by workflow name and type', async () => {
    const first = await runWorkflow({
      workflow: workflow(
        'name: mlgate\non: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: exit 1\n',
      ),
      event: push(),
      github,
      results,
    });
    const follow = workflow(`on:
  workflow_run:
    workflows: [mlgate]
    types: [completed]
permissions: {}
jobs:
  comment:
    if: github.event.workflow_run.event == 'push'
    runs-on: ubuntu-latest
    steps:
      - run: echo "\${{ github.event.workflow_run.id }} \${{ github.event.workflow_run.conclusion }}"
`);
    const event = completedRunEvent(first, 'acme/models');
    const second = await runWorkflow({ workflow: follow, event, github, results });
    expect(steps(second, 'comment').__run!.stdout).toBe(`${first.runId} failure\n`);
    const other = {
      ...event,
      payload: { ...event.payload, workflow_run: { ...event.payload.workflow_run, name: 'other' } },
    };
    expect(await runWorkflow({ workflow: follow, event: other, github, results })).toMatchObject({
      triggered: false,
      reason: expect.stringMatching(/workflows/),
    });
  });

  it('fills workflow_dispatch inputs from the given values and the declared defaults', async () => {
    const source = workflow(`on:
  workflow_dispatch:
    inputs:
      bump:
        type: choice
        options: [patch, minor, major]
        default: patch
      dry:
        type: boolean
        default: false
permissions: {}
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: echo "\${{ inputs.bump }} \${{ inputs.dry }} \${{ github.event.inputs.bump }}"
`);
    const event = { name: 'workflow_dispatch', payload: { inputs: { bump: 'minor' } } };
    const run = await runWorkflow({ workflow: source, event, inputs: { bump: 'minor' }, github, results });
    expect(steps(run, 'a').__run!.stdout).toBe('minor false minor\n');
    await expect(runWorkflow({ workflow: source, event, inputs: { bump: 'huge' }, github, results })).rejects.toThrow(
      /not one of patch, minor, major/,
    );
  });
});

describe('what the runner refuses', () => {
  const run = (content: string) => runWorkflow({ workflow: workflow(content), event: push(), github, results });

  it.each([
    [
      'an action nobody emulates',
      `on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-python@v5\n`,
      /uses: actions\/setup-python@v5 is not emulated/,
    ],
    [
      'a stand-in at another pin',
      `on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n`,
      /uses: actions\/checkout@v4 is not emulated/,
    ],
    [
      'an mlgate action that does not exist',
      `on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: mlgate/mlgate/actions/deploy@v1\n`,
      /there is no action deploy/,
    ],
    [
      'an expression the evaluator rejects at run time',
      `on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo \${{ fromJSON('{not json') }}\n`,
      /the expression .*fromJSON/,
    ],
    [
      'an expression the parser rejects',
      `on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - if: github.event ==\n        run: echo\n`,
      /does not (parse|convert)/,
    ],
    [
      'an unknown context',
      `on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo \${{ nosuch.value }}\n`,
      /does not parse|nosuch/,
    ],
    [
      'a job without permissions anywhere',
      `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n`,
      /no permissions/,
    ],
  ])('%s is an error, not a skip', async (_, content, message) => {
    await expect(run(content)).rejects.toThrow(message);
  });
});

describe('every workflow template', () => {
  const folder = join(ROOT, 'workflow-templates');
  const repository = 'acme/models';
  const repo = (fullName: string, fork = false) => ({
    full_name: fullName,
    fork,
    name: 'models',
    owner: { login: fullName.split('/')[0] },
  });
  const events: Record<string, WorkflowEvent> = {
    pull_request: {
      name: 'pull_request',
      payload: {
        action: 'opened',
        number: 1,
        pull_request: {
          number: 1,
          head: { ref: 'f', sha: 'a'.repeat(40), repo: repo(repository) },
          base: { ref: 'main', sha: 'b'.repeat(40), repo: repo(repository) },
        },
      },
    },
    push: { name: 'push', payload: { ref: 'refs/heads/main', before: 'b'.repeat(40), after: 'a'.repeat(40) } },
    schedule: { name: 'schedule', payload: { schedule: '0 6 * * *' } },
    workflow_dispatch: { name: 'workflow_dispatch', payload: { inputs: {} } },
  };

  it.each(readdirSync(folder).filter((f) => f.endsWith('.yml')))(
    '%s parses, every step is one the runner runs, and each trigger decides',
    async (file) => {
      const template = await loadWorkflow(join(folder, file));
      expect(
        usedActions(template)
          .map(({ uses }) => whyNotEmulated(uses))
          .filter(Boolean),
      ).toEqual([]);
      const declared = Object.keys(template.events);
      expect(declared.length).toBeGreaterThan(0);
      for (const name of declared) {
        const event =
          name === 'workflow_run'
            ? {
                name,
                payload: {
                  action: 'completed',
                  workflow_run: {
                    name: (template.events.workflow_run?.workflows ?? ['any'])[0],
                    head_branch: 'main',
                    event: 'pull_request',
                  },
                },
              }
            : events[name];
        expect(event, `no sample event for ${name}`).toBeDefined();
        // Every changed file matches typical paths filters: data and training code.
        expect(
          whyNotTriggered(template, event!, { changedFiles: ['data/train.csv', 'train/train.py'] }),
        ).toBeUndefined();
      }
      expect(whyNotTriggered(template, { name: 'issues', payload: { action: 'opened' } })).toMatch(/no issues trigger/);
      if (template.events.pull_request?.branches) {
        const other = structuredClone(events.pull_request!);
        other.payload.pull_request.base.ref = 'release/1.x';
        expect(whyNotTriggered(template, other, { changedFiles: ['data/train.csv'] })).toMatch(/branch/);
      }
      if (template.events.pull_request) {
        expect(
          whyNotTriggered(
            template,
            { ...events.pull_request!, payload: { ...events.pull_request!.payload, action: 'closed' } },
            { changedFiles: ['data/train.csv'] },
          ),
        ).toMatch(/activity type closed/);
      }
    },
  );
});

it('leaves no unexpected files: a job workspace holds only what its steps made', async () => {
  const run = await runWorkflow({
    workflow: workflow(
      'on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: touch made\n',
    ),
    event: push(),
    github,
    results,
  });
  const workspace = run.jobs.a!.legs[0]!.workspace;
  expect(readdirSync(workspace)).toEqual(['made']);
  expect(existsSync(join(workspace, '..', 'files', 'event.json'))).toBe(true);
  expect(JSON.parse(readFileSync(join(workspace, '..', 'files', 'event.json'), 'utf8')).ref).toBe('refs/heads/main');
  expect(execFileSync('git', ['--version'], { encoding: 'utf8' })).toMatch(/^git version/);
});
