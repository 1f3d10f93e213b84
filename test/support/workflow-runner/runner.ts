import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResultsServiceEmulator } from '../emulator/results-service.js';
import type { GitHubEmulator } from '../emulator/server.js';
import { REPOSITORY } from '../events.js';
import { EmulatorLink } from './emulator-link.js';
import { evaluateStringMap, evaluateToken } from './expressions.js';
import type { FixtureRepo } from './fixture-repo.js';
import { concurrencyOf, runJob } from './job.js';
import { isForkPullRequest } from './permissions.js';
import { whyNotTriggered, type WorkflowEvent } from './triggers.js';
import type { JobRecord, WorkflowRunResult } from './types.js';
import { field, loadWorkflow, type WorkflowSource } from './workflow.js';

/** How to run a workflow: the file, the event, the repository it runs in, and the emulators its steps talk to. */
export interface RunWorkflowOptions {
  /** A path to the workflow file, or its file name and text. */
  workflow: WorkflowSource;
  /** The event (name and webhook payload), e.g. `repo.pullRequestEvent(github, 1)` or `repo.merge(github, 1)`. */
  event: WorkflowEvent;
  github: GitHubEmulator;
  results: ResultsServiceEmulator;
  /** The repository that actions/checkout checks out, and that computes `paths:` filters. */
  repo?: FixtureRepo;
  /** Defaults to the fixture's repository, else acme/models. */
  repository?: string;
  /** The repository's secrets (a fork's pull request gets none); GITHUB_TOKEN is always the job's token. */
  secrets?: Record<string, string>;
  vars?: Record<string, string>;
  /** workflow_dispatch inputs; declared defaults fill the rest. */
  inputs?: Record<string, string | boolean | number>;
  /**
   * The run's id (default: a new one) and attempt (default 1). A re-run passes the first run's id, attempt 2 and
   * the first run's event object: GitHub re-runs with the original payload (labels added since are not in it).
   */
  runId?: number;
  runAttempt?: number;
  actor?: string;
  /** For `paths:` filters without a fixture repository. */
  changedFiles?: string[];
  /**
   * Extra process environment for every step, or per runner (by `runs-on` labels): e.g. a PATH with a recorded
   * nvidia-smi on `[self-hosted, linux, gpu]` only.
   */
  runnerEnv?: Record<string, string> | ((labels: string[]) => Record<string, string>);
  /** RUNNER_TOOL_CACHE (default: one folder per run). */
  toolCache?: string;
  /** Kill a step after this long (default 120 s). */
  stepTimeoutMs?: number;
}

let nextRunId = 700_000;

/**
 * Runs a workflow's jobs for an event the way GitHub does, one job at a time in `needs` order, and records the run
 * in the GitHub emulator. Returns each job's legs and steps, the tokens they got, and the run's conclusion; a run
 * that the event does not trigger comes back with `triggered: false` and no jobs.
 */
export async function runWorkflow(options: RunWorkflowOptions): Promise<WorkflowRunResult> {
  const workflow = await loadWorkflow(options.workflow);
  const repository = options.repository ?? options.repo?.repository ?? REPOSITORY;
  const event = options.event;
  const payload = event.payload;
  const facts = { changedFiles: options.changedFiles ?? changedFiles(options.repo, event) };
  const runId = options.runId ?? nextRunId++;
  const runAttempt = options.runAttempt ?? 1;
  const path = `.github/workflows/${workflow.file}`;
  const target = refsOf(event, options.repo);
  const headRepository = event.name.startsWith('pull_request')
    ? String(payload.pull_request?.head?.repo?.full_name ?? repository)
    : repository;
  const base: WorkflowRunResult = {
    triggered: false,
    runId,
    runAttempt,
    workflow: workflow.name,
    path,
    event: event.name,
    sha: target.sha,
    headBranch: target.headBranch,
    headRepository,
    conclusion: null,
    jobs: {},
  };
  const reason = whyNotTriggered(workflow, event, facts);
  if (reason !== undefined) return { ...base, reason };

  const fork = isForkPullRequest(event.name, payload, repository);
  const secrets = fork ? {} : { ...(options.secrets ?? {}) };
  const inputs =
    event.name === 'workflow_dispatch'
      ? dispatchInputs(workflow.events.workflow_dispatch?.inputs ?? {}, options.inputs ?? {})
      : {};
  // GitHub's workflow_dispatch payload carries the inputs as given, as strings.
  if (event.name === 'workflow_dispatch' && payload.inputs === undefined)
    payload.inputs = Object.fromEntries(Object.entries(options.inputs ?? {}).map(([k, v]) => [k, String(v)]));
  const actor = options.actor ?? String(payload.sender?.login ?? 'contributor');
  const [owner] = repository.split('/');
  const apiUrl = options.github.apiUrl;
  const github = {
    event: payload,
    event_name: event.name,
    event_path: '',
    sha: target.sha,
    ref: target.ref,
    ref_name: target.ref.replace(/^refs\/(heads|tags)\//, ''),
    ref_type: target.ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    head_ref: event.name.startsWith('pull_request') ? String(payload.pull_request?.head?.ref ?? '') : '',
    base_ref: event.name.startsWith('pull_request') ? String(payload.pull_request?.base?.ref ?? '') : '',
    repository,
    repository_owner: owner,
    repositoryUrl: `git://github.com/${repository}.git`,
    run_id: String(runId),
    run_number: String(runId % 1000),
    run_attempt: String(runAttempt),
    retention_days: '90',
    workflow: workflow.name,
    workflow_ref: `${repository}/${path}@${target.ref}`,
    workflow_sha: target.sha,
    actor,
    triggering_actor: actor,
    server_url: 'https://github.com',
    api_url: apiUrl,
    graphql_url: `${apiUrl}/graphql`,
    action: '',
    job: '',
    token: '',
  };
  const vars = options.vars ?? {};
  const topScope = {
    contexts: { github, inputs, vars, secrets },
    status: { success: true, failure: false, cancelled: false },
  };
  const workflowEnv = evaluateStringMap(field(workflow.root, 'env'), topScope);
  const concurrencyToken = field(workflow.root, 'concurrency');
  const concurrency = concurrencyToken
    ? concurrencyOf(evaluateToken(concurrencyToken, { ...topScope, contexts: { github, inputs, vars } }))
    : undefined;

  // The results service scopes artifacts by attempt, so a re-run can upload a name the first attempt uploaded.
  const backendRun = runAttempt === 1 ? String(runId) : `${runId}-attempt-${runAttempt}`;
  const link = new EmulatorLink(options.github, options.results, repository, backendRun);
  const record = link.startRun({
    id: runId,
    name: workflow.name,
    path,
    event: event.name,
    headBranch: target.headBranch,
    headSha: target.sha,
    headRepo: headRepository,
    runAttempt,
  });
  const folder = mkdtempSync(join(tmpdir(), `mlgate-run-${runId}-${runAttempt}-`));
  const toolCache = options.toolCache ?? join(folder, 'tool-cache');
  mkdirSync(toolCache, { recursive: true });
  const jobs: Record<string, JobRecord> = {};
  const pending = [...workflow.jobs];
  try {
    while (pending.length > 0) {
      const index = pending.findIndex((job) => job.needs.every((need) => jobs[need]));
      if (index < 0)
        throw new Error(`${workflow.file}: jobs ${pending.map((j) => j.id).join(', ')} wait on each other`);
      const job = pending.splice(index, 1)[0]!;
      const ancestors = ancestorsOf(job.id, workflow.jobs);
      const results = ancestors.map((id) => jobs[id]!.result);
      const needs = Object.fromEntries(
        job.needs.map((need) => [need, { result: jobs[need]!.result, outputs: jobs[need]!.outputs }]),
      );
      jobs[job.id] = await runJob(job, {
        workflow,
        contexts: { github, vars, inputs, needs },
        needsStatus: {
          success: results.every((r) => r === 'success'),
          failure: results.includes('failure'),
          cancelled: results.includes('cancelled'),
        },
        workflowEnv,
        fork,
        secrets,
        runnerEnv: (jobId, leg, labels) => ({
          ...runnerVariables(github, apiUrl, folder, toolCache, jobId, leg),
          ...options.results.environment(backendRun, `${jobId}-${leg}`),
          ...(typeof options.runnerEnv === 'function' ? options.runnerEnv(labels) : (options.runnerEnv ?? {})),
        }),
        folder: (jobId, leg) => join(folder, `${jobId}-${leg}`),
        fixture: options.repo,
        repository,
        eventPayload: payload,
        stepTimeoutMs: options.stepTimeoutMs ?? 120_000,
        onLeg: (leg) => {
          link.addJob(runId, leg.name, leg.runsOn);
          link.publishArtifacts(runId);
        },
      });
    }
  } catch (error) {
    // A workflow the runner refuses still ends its run, so the emulator never shows it in progress.
    link.finishRun(record, 'failure');
    throw error;
  } finally {
    link.publishArtifacts(runId);
  }
  const counted = Object.values(jobs).filter(
    (job) => !job.legs.every((leg) => leg.continueOnError && leg.result === 'failure'),
  );
  const conclusion = counted.some((j) => j.result === 'failure')
    ? 'failure'
    : counted.some((j) => j.result === 'cancelled')
      ? 'cancelled'
      : Object.values(jobs).every((j) => j.result === 'skipped')
        ? 'skipped'
        : 'success';
  link.finishRun(record, conclusion);
  return { ...base, triggered: true, conclusion, ...(concurrency ? { concurrency } : {}), jobs };
}

/** The runner's own environment variables, as GitHub's runner sets them for every step. */
function runnerVariables(
  github: Record<string, string | unknown>,
  apiUrl: string,
  folder: string,
  toolCache: string,
  job: string,
  leg: number,
): Record<string, string> {
  const s = (key: string) => String(github[key] ?? '');
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? folder,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_NAME: 'GitHub Actions 1',
    RUNNER_TEMP: join(folder, `${job}-${leg}`, 'runner-temp'),
    RUNNER_TOOL_CACHE: toolCache,
    GITHUB_EVENT_NAME: s('event_name'),
    GITHUB_REPOSITORY: s('repository'),
    GITHUB_REPOSITORY_OWNER: s('repository_owner'),
    GITHUB_SHA: s('sha'),
    GITHUB_REF: s('ref'),
    GITHUB_REF_NAME: s('ref_name'),
    GITHUB_REF_TYPE: s('ref_type'),
    GITHUB_HEAD_REF: s('head_ref'),
    GITHUB_BASE_REF: s('base_ref'),
    GITHUB_RUN_ID: s('run_id'),
    GITHUB_RUN_NUMBER: s('run_number'),
    GITHUB_RUN_ATTEMPT: s('run_attempt'),
    GITHUB_RETENTION_DAYS: '90',
    GITHUB_WORKFLOW: s('workflow'),
    GITHUB_WORKFLOW_REF: s('workflow_ref'),
    GITHUB_WORKFLOW_SHA: s('workflow_sha'),
    GITHUB_ACTOR: s('actor'),
    GITHUB_TRIGGERING_ACTOR: s('triggering_actor'),
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: apiUrl,
    GITHUB_GRAPHQL_URL: `${apiUrl}/graphql`,
  };
}

/**
 * The SHA, ref and head branch of a run. A pull request's run checks out its head commit (GitHub checks out a test
 * merge commit of head into base; the fixtures keep them apart so tests can tell which side a file came from) with
 * GITHUB_REF refs/pull/N/merge; a push runs at `after`; other events at the default branch's head.
 */
function refsOf(event: WorkflowEvent, repo: FixtureRepo | undefined): { sha: string; ref: string; headBranch: string } {
  const payload = event.payload;
  if (event.name.startsWith('pull_request')) {
    return {
      sha: String(payload.pull_request.head.sha),
      ref: `refs/pull/${payload.pull_request.number}/merge`,
      headBranch: String(payload.pull_request.head.ref),
    };
  }
  if (event.name === 'push')
    return {
      sha: String(payload.after),
      ref: String(payload.ref),
      headBranch: String(payload.ref).replace(/^refs\/heads\//, ''),
    };
  const sha = repo ? repo.head('main') : '0'.repeat(40);
  return { sha, ref: 'refs/heads/main', headBranch: 'main' };
}

/** The files a push or pull request changes, from the fixture repository. */
function changedFiles(repo: FixtureRepo | undefined, event: WorkflowEvent): string[] | undefined {
  if (!repo) return undefined;
  if (event.name.startsWith('pull_request'))
    return repo.changedFiles(event.payload.pull_request.base.sha, event.payload.pull_request.head.sha);
  if (event.name === 'push' && event.payload.before && !/^0+$/.test(event.payload.before))
    return repo.changedFiles(event.payload.before, event.payload.after);
  return undefined;
}

/** Every job that `job` needs, directly or through another job. */
function ancestorsOf(job: string, all: { id: string; needs: string[] }[]): string[] {
  const found = new Set<string>();
  const visit = (id: string) => {
    for (const need of all.find((j) => j.id === id)?.needs ?? []) {
      if (!found.has(need)) {
        found.add(need);
        visit(need);
      }
    }
  };
  visit(job);
  return [...found];
}

/** workflow_dispatch inputs: the given ones (each must be declared, a choice among its options), then defaults. */
function dispatchInputs(
  declared: Record<string, { type?: string; default?: unknown; options?: string[]; required?: boolean }>,
  given: Record<string, string | boolean | number>,
): Record<string, unknown> {
  for (const name of Object.keys(given))
    if (!(name in declared)) throw new Error(`workflow_dispatch has no input "${name}"`);
  const inputs: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(declared)) {
    const value = name in given ? given[name] : spec.default;
    if (value === undefined && spec.required) throw new Error(`workflow_dispatch input "${name}" is required`);
    if (spec.type === 'choice' && value !== undefined && !spec.options?.includes(String(value)))
      throw new Error(`workflow_dispatch input "${name}": ${String(value)} is not one of ${spec.options?.join(', ')}`);
    inputs[name] = spec.type === 'boolean' ? value === true || value === 'true' : (value ?? '');
  }
  return inputs;
}
