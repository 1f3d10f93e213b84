import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  asString,
  evaluateCondition,
  evaluateStringMap,
  evaluateToken,
  jobStatus,
  type ExpressionScope,
  type StatusFunctions,
} from './expressions.js';
import type { FixtureRepo } from './fixture-repo.js';
import { effectivePermissions, jobToken } from './permissions.js';
import { expandMatrix } from './matrix.js';
import { createStepFiles } from './step-process.js';
import { runStep } from './steps.js';
import type { ConcurrencyRecord, JobLegRecord, JobRecord, StepRecord } from './types.js';
import { field, literal, type JobDefinition, type WorkflowDefinition } from './workflow.js';

/** What the run gives each job: its contexts so far and the services its steps talk to. */
export interface JobHost {
  workflow: WorkflowDefinition;
  /** github, vars, inputs, and `needs` for this job. */
  contexts: {
    github: Record<string, unknown>;
    vars: Record<string, string>;
    inputs: Record<string, unknown>;
    needs: Record<string, unknown>;
  };
  /** The job-level status functions, from the results of the jobs it needs. */
  needsStatus: StatusFunctions;
  workflowEnv: Record<string, string>;
  fork: boolean;
  secrets: Record<string, string>;
  /** The runner's own variables (GITHUB_*, RUNNER_*, PATH, HOME), completed per job. */
  runnerEnv: (job: string, leg: number, labels: string[]) => Record<string, string>;
  folder: (job: string, leg: number) => string;
  fixture: FixtureRepo | undefined;
  repository: string;
  eventPayload: unknown;
  stepTimeoutMs: number;
  onLeg: (leg: JobLegRecord) => void;
}

/**
 * Runs one job: its `if:` against the jobs it needs, then each matrix leg in turn (a failed leg cancels the legs
 * after it under fail-fast, the default), each step in order with its `if:`, and the job's outputs at the end.
 */
export async function runJob(job: JobDefinition, host: JobHost): Promise<JobRecord> {
  const where = `${host.workflow.file}: job ${job.id}`;
  const base = {
    github: host.contexts.github,
    needs: host.contexts.needs,
    vars: host.contexts.vars,
    inputs: host.contexts.inputs,
  };
  const permissions = effectivePermissions(
    literal(field(host.workflow.root, 'permissions')),
    literal(field(job.token, 'permissions')),
    where,
  );
  const token = jobToken(permissions, host.fork);
  const secrets = { ...host.secrets, GITHUB_TOKEN: token };
  const github = { ...host.contexts.github, job: job.id, token };
  if (!evaluateCondition(job.condition, { contexts: { ...base, github }, status: host.needsStatus })) {
    return { id: job.id, result: 'skipped', outputs: {}, legs: [] };
  }
  const strategy = (evaluateToken(field(job.token, 'strategy'), {
    contexts: { ...base, github },
    status: host.needsStatus,
  }) ?? {}) as Record<string, unknown>;
  const legs = expandMatrix(strategy.matrix);
  const failFast = strategy['fail-fast'] !== false;
  const records: JobLegRecord[] = [];
  for (const [index, matrix] of legs.entries()) {
    const contexts = {
      ...base,
      github,
      matrix,
      strategy: {
        'fail-fast': failFast,
        'job-index': index,
        'job-total': legs.length,
        'max-parallel': strategy['max-parallel'] ?? legs.length,
      },
    };
    const scope: ExpressionScope = { contexts, status: jobStatus('success') };
    const runsOn = [evaluateToken(field(job.token, 'runs-on'), scope)].flat().map(asString);
    const nameValue = evaluateToken(field(job.token, 'name'), scope);
    const name =
      nameValue !== undefined
        ? asString(nameValue)
        : Object.keys(matrix).length
          ? `${job.id} (${Object.values(matrix).map(asString).join(', ')})`
          : job.id;
    const environment = evaluateToken(field(job.token, 'environment'), scope);
    const timeout = evaluateToken(field(job.token, 'timeout-minutes'), scope);
    const leg: JobLegRecord = {
      job: job.id,
      name,
      matrix,
      result: 'success',
      outputs: {},
      token,
      permissions,
      runsOn,
      ...(environment !== undefined
        ? {
            environment:
              typeof environment === 'string' ? { name: environment } : (environment as { name: string; url?: string }),
          }
        : {}),
      ...(field(job.token, 'concurrency')
        ? { concurrency: concurrencyOf(evaluateToken(field(job.token, 'concurrency'), scope)) }
        : {}),
      ...(timeout !== undefined ? { timeoutMinutes: Number(timeout) } : {}),
      continueOnError: evaluateToken(field(job.token, 'continue-on-error'), scope) === true,
      secrets: Object.keys(host.secrets),
      steps: [],
      workspace: '',
    };
    records.push(leg);
    if (failFast && records.some((r) => r.result === 'failure')) {
      leg.result = 'cancelled';
      continue;
    }
    await runLeg(job, host, leg, index, contexts, secrets);
    host.onLeg(leg);
  }
  const result = records.some((r) => r.result === 'failure')
    ? 'failure'
    : records.some((r) => r.result === 'cancelled')
      ? 'cancelled'
      : 'success';
  const outputs = Object.assign({}, ...records.map((r) => r.outputs)) as Record<string, string>;
  return { id: job.id, result, outputs, legs: records };
}

async function runLeg(
  job: JobDefinition,
  host: JobHost,
  leg: JobLegRecord,
  index: number,
  contexts: Record<string, unknown>,
  secrets: Record<string, string>,
): Promise<void> {
  const folder = host.folder(job.id, index);
  const workspace = join(folder, 'work');
  const files = join(folder, 'files');
  mkdirSync(workspace, { recursive: true });
  mkdirSync(files, { recursive: true });
  const eventPath = join(files, 'event.json');
  writeFileSync(eventPath, JSON.stringify(host.eventPayload));
  leg.workspace = workspace;
  const runnerEnv: Record<string, string> = {
    ...host.runnerEnv(job.id, index, leg.runsOn),
    GITHUB_WORKSPACE: workspace,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_JOB: job.id,
  };
  const runner = {
    os: 'Linux',
    arch: 'X64',
    name: runnerEnv.RUNNER_NAME,
    temp: runnerEnv.RUNNER_TEMP,
    tool_cache: runnerEnv.RUNNER_TOOL_CACHE,
    environment: leg.runsOn.includes('self-hosted') ? 'self-hosted' : 'github-hosted',
  };
  mkdirSync(runnerEnv.RUNNER_TEMP!, { recursive: true });
  const github: Record<string, unknown> = {
    ...(contexts.github as Record<string, unknown>),
    workspace,
    event_path: eventPath,
  };
  const jobContext = { status: 'success' };
  const base = { ...contexts, github, secrets, runner, job: jobContext };
  const jobEnv = evaluateStringMap(field(job.token, 'env'), {
    contexts: { ...base, env: host.workflowEnv },
    status: jobStatus('success'),
  });
  const exported: Record<string, string> = {};
  const paths: string[] = [];
  const stepsContext: Record<string, { outputs: Record<string, string>; outcome: string; conclusion: string }> = {};
  let status: 'success' | 'failure' = 'success';
  const masks = new Set(Object.values(secrets));

  for (const [i, step] of job.steps.entries()) {
    const env = { ...host.workflowEnv, ...jobEnv, ...exported };
    jobContext.status = status;
    const scope: ExpressionScope = { contexts: { ...base, env, steps: stepsContext }, status: jobStatus(status) };
    const uses = evaluateToken(field(step.token, 'uses'), scope) as string | undefined;
    const runToken = field(step.token, 'run');
    const nameValue = evaluateToken(field(step.token, 'name'), scope);
    const record: StepRecord = {
      id: step.id,
      name:
        nameValue !== undefined
          ? asString(nameValue)
          : uses
            ? `Run ${uses}`
            : `Run ${sourceText(runToken).split('\n')[0]}`,
      ...(uses ? { uses } : {}),
      outcome: 'skipped',
      conclusion: 'skipped',
      exitCode: null,
      outputs: {},
      stdout: '',
      stderr: '',
      summary: '',
      annotations: [],
      with: {},
      durationMs: 0,
    };
    leg.steps.push(record);
    if (!evaluateCondition(step.condition, scope)) {
      if (step.named) stepsContext[step.id] = { outputs: {}, outcome: 'skipped', conclusion: 'skipped' };
      continue;
    }
    const stepEnv = evaluateStringMap(field(step.token, 'env'), scope);
    const fullScope: ExpressionScope = {
      contexts: { ...base, env: { ...env, ...stepEnv }, steps: stepsContext },
      status: jobStatus(status),
    };
    const run = runToken ? asString(evaluateToken(runToken, fullScope)) : undefined;
    if (run !== undefined) record.run = run;
    record.with = evaluateStringMap(field(step.token, 'with'), fullScope);
    const timeout = evaluateToken(field(step.token, 'timeout-minutes'), fullScope);
    if (timeout !== undefined) record.timeoutMinutes = Number(timeout);
    const workingDirectory = evaluateToken(field(step.token, 'working-directory'), fullScope);
    const shell = evaluateToken(field(step.token, 'shell'), fullScope);
    const processEnv = { ...runnerEnv, PATH: [...paths, runnerEnv.PATH].join(':'), ...env, ...stepEnv };
    const started = Date.now();
    const result = await runStep({
      ...(uses ? { uses } : {}),
      ...(run !== undefined ? { run } : {}),
      ...(shell !== undefined ? { shell: asString(shell) } : {}),
      with: record.with,
      env: processEnv,
      workspace,
      workingDirectory: workingDirectory === undefined ? workspace : join(workspace, asString(workingDirectory)),
      files: createStepFiles(files, i),
      token: leg.token,
      sha: String(github.sha),
      repository: host.repository,
      fixture: host.fixture,
      timeoutMs: host.stepTimeoutMs,
    });
    record.durationMs = Date.now() - started;
    // As the runner does: ::add-mask:: lines are consumed, and every secret and masked value shows as ***.
    for (const match of result.stdout.matchAll(/^::add-mask::(.+)$/gm)) masks.add(match[1]!.trim());
    const mask = (text: string) =>
      [...masks]
        .filter((m) => m.length > 0)
        .sort((a, b) => b.length - a.length)
        .reduce((t, m) => t.split(m).join('***'), text.replace(/^::add-mask::.*\n?/gm, ''));
    Object.assign(record, {
      exitCode: result.exitCode,
      outputs: result.outputs,
      stdout: mask(result.stdout),
      stderr: mask(result.stderr),
      summary: result.summary,
      annotations: result.annotations.map((a) => ({ ...a, message: mask(a.message) })),
    });
    record.outcome = result.exitCode === 0 ? 'success' : 'failure';
    const continueOnError = evaluateToken(field(step.token, 'continue-on-error'), fullScope) === true;
    record.conclusion = record.outcome === 'failure' && continueOnError ? 'success' : record.outcome;
    if (record.conclusion === 'failure') status = 'failure';
    Object.assign(exported, result.exportedEnv);
    paths.unshift(...result.addedPath.reverse());
    if (step.named)
      stepsContext[step.id] = { outputs: result.outputs, outcome: record.outcome, conclusion: record.conclusion };
  }
  leg.result = status;
  jobContext.status = status;
  const outputs = evaluateToken(field(job.token, 'outputs'), {
    contexts: { ...base, env: { ...host.workflowEnv, ...jobEnv }, steps: stepsContext },
    status: jobStatus(status),
  });
  // GitHub drops an output that evaluates to an empty string.
  leg.outputs = Object.fromEntries(
    Object.entries((outputs ?? {}) as Record<string, unknown>)
      .map(([k, v]) => [k, asString(v)])
      .filter(([, v]) => v !== ''),
  );
}

/** `concurrency:` as a group string or a mapping. */
export function concurrencyOf(value: unknown): ConcurrencyRecord {
  if (typeof value === 'string') return { group: value, cancelInProgress: false };
  const mapping = value as { group?: unknown; 'cancel-in-progress'?: unknown };
  return { group: asString(mapping.group), cancelInProgress: mapping['cancel-in-progress'] === true };
}

/** A scalar's text as written in the file (an expression's source with its `${{ }}`), for default step names. */
function sourceText(token: unknown): string {
  const scalar = token as { source?: string; value?: unknown } | undefined;
  return String(scalar?.source ?? scalar?.value ?? '');
}
