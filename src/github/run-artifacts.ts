import { ConfigurationError } from '../core/errors.js';
import type { GitHubClient } from './client.js';
import { httpStatus } from './errors.js';

export interface RunArtifactRequest {
  owner: string;
  repo: string;
  runId: number;
  name: string;
  /** Larger artifacts are refused before download. */
  maxBytes: number;
}

/**
 * Downloads the zip of a named artifact of another workflow run through the REST API (GitHub answers with a
 * redirect to storage, which the client follows). The bytes are untrusted: the caller unpacks them with limits.
 */
export async function downloadRunArtifact(client: GitHubClient, request: RunArtifactRequest): Promise<Uint8Array> {
  const { owner, repo, runId, name } = request;
  const { data } = await client.rest.actions.listWorkflowRunArtifacts({
    owner,
    repo,
    run_id: runId,
    name,
    per_page: 100,
  });
  const artifact = data.artifacts.find((a) => a.name === name && !a.expired);
  if (!artifact) {
    throw new ConfigurationError(
      `no artifact named "${name}" in workflow run ${runId}; upload the reports there with actions/upload-artifact under that name, or set artifact-name`,
    );
  }
  if (artifact.size_in_bytes > request.maxBytes) {
    throw new ConfigurationError(
      `artifact "${name}" of run ${runId} is ${artifact.size_in_bytes} bytes, over the ${request.maxBytes} bytes allowed for reports`,
    );
  }
  const response = await client.rest.actions.downloadArtifact({
    owner,
    repo,
    artifact_id: artifact.id,
    archive_format: 'zip',
  });
  const bytes = new Uint8Array(response.data as ArrayBuffer);
  if (bytes.byteLength > request.maxBytes) {
    throw new ConfigurationError(
      `artifact "${name}" of run ${runId} downloaded as ${bytes.byteLength} bytes, over the ${request.maxBytes} bytes allowed`,
    );
  }
  return bytes;
}

/** The pull request a run belongs to, as its event payload names it. */
export interface PullRequestHead {
  number: number;
  /** owner/name of the repository the head branch is in (a fork's, for a fork's pull request). */
  repository: string;
  ref: string;
}

/**
 * What decides whether another run's artifacts may be a baseline (from GET /repos/{owner}/{repo}/actions/runs/{id}).
 */
export interface BaselineRunFacts {
  id: number;
  event: string;
  headBranch: string | null;
  /** owner/name of the head repository; undefined when GitHub no longer knows it (a deleted fork). */
  headRepository: string | undefined;
  /** The numbers of the open pull requests GitHub lists for the run (never any for a fork's run). */
  pullRequests: number[];
}

/** Events whose runs on the default branch only run code that is already on it. */
const DEFAULT_BRANCH_EVENTS = ['push', 'schedule', 'workflow_dispatch'];

/**
 * Why a run's artifacts may not be a baseline, or undefined when they may. Accepted: a push, schedule or
 * workflow_dispatch run of the repository's default branch in the repository itself, or a run of the same pull
 * request as this one (same head repository and branch, or listed by GitHub with its number). Anything else (a
 * fork's run above all, whose artifact would be the model the candidate has to beat) is refused.
 */
export function baselineRunRefusal(
  run: BaselineRunFacts,
  repository: string,
  defaultBranch: string,
  pull: PullRequestHead | undefined,
): string | undefined {
  const own = run.headRepository?.toLowerCase() === repository.toLowerCase();
  if (own && run.headBranch === defaultBranch && DEFAULT_BRANCH_EVENTS.includes(run.event)) return undefined;
  if (pull && run.headRepository?.toLowerCase() === pull.repository.toLowerCase() && run.headBranch === pull.ref)
    return undefined;
  if (pull && own && run.pullRequests.includes(pull.number)) return undefined;
  const what = `a ${run.event} run of ${run.headRepository ?? 'an unknown repository'}:${run.headBranch ?? '(no branch)'}`;
  const accepted = `runs of ${defaultBranch} in ${repository} (push, schedule or workflow_dispatch)${pull ? ` or of this pull request (#${pull.number}, ${pull.repository}:${pull.ref})` : ''}`;
  return `workflow run ${run.id} is ${what}; a baseline artifact is taken only from ${accepted}, so that no other branch or fork supplies the model to beat`;
}

/**
 * Reads a run and its repository's default branch, and refuses it with a ConfigurationError unless its artifacts may be
 * a baseline.
 */
export async function checkBaselineRun(
  client: GitHubClient,
  request: { owner: string; repo: string; runId: number; pullRequest: PullRequestHead | undefined; label: string },
): Promise<void> {
  const { owner, repo, runId } = request;
  let run;
  try {
    ({ data: run } = await client.rest.actions.getWorkflowRun({ owner, repo, run_id: runId }));
  } catch (error) {
    if (httpStatus(error) === 404)
      throw new ConfigurationError(
        `${request.label}: no workflow run ${runId} in ${owner}/${repo}; give the id of a run of this repository (actions: read)`,
      );
    throw error;
  }
  const { data: repository } = await client.rest.repos.get({ owner, repo });
  const facts: BaselineRunFacts = {
    id: run.id,
    event: run.event,
    headBranch: run.head_branch,
    headRepository: run.head_repository?.full_name,
    pullRequests: (run.pull_requests ?? []).map((p) => p.number),
  };
  const refusal = baselineRunRefusal(facts, `${owner}/${repo}`, repository.default_branch, request.pullRequest);
  if (refusal) throw new ConfigurationError(`${request.label}: ${refusal}`);
}
