import { ConfigurationError } from '../core/errors.js';
import type { GitHubClient } from './client.js';
import { httpStatus } from './errors.js';
import type { Repo } from './releases.js';

/** A merged pull request, as GET /repos/{owner}/{repo}/commits/{sha}/pulls lists it. */
export interface MergedPullRequest {
  number: number;
  /** The head commit the pull request's checks ran on. */
  headSha: string;
  url: string;
  labels: string[];
  mergeCommitSha: string | null;
}

/** A workflow run, as GET /repos/{owner}/{repo}/actions/workflows/{file}/runs lists it. */
export interface SourceRun {
  id: number;
  /** The workflow file, .github/workflows/<file>. */
  path: string;
  event: string;
  headSha: string;
  conclusion: string | null;
  attempt: number;
  url: string;
}

/**
 * The merged pull request that brought `sha` to the branch: the one whose merge commit it is, else the first merged
 * one GitHub links to the commit (a rebase or fast-forward merge), else undefined.
 */
export async function findMergedPullRequest(client: GitHubClient, repo: Repo, sha: string): Promise<MergedPullRequest | undefined> {
  const { data } = await client.rest.repos.listPullRequestsAssociatedWithCommit({ ...repo, commit_sha: sha, per_page: 100 });
  const merged = data.filter((pr) => pr.merged_at);
  const pr = merged.find((p) => p.merge_commit_sha === sha) ?? merged[0];
  if (!pr) return undefined;
  return { number: pr.number, headSha: pr.head.sha, url: pr.html_url, labels: pr.labels.map((l) => l.name), mergeCommitSha: pr.merge_commit_sha ?? null };
}

/**
 * The newest successful run of the workflow file `workflowFile` on `headSha`, or undefined when there is none.
 * GitHub filters by `status=success` (a conclusion), and the caller checks the answer again.
 */
export async function lastSuccessfulRun(client: GitHubClient, repo: Repo, workflowFile: string, headSha: string): Promise<SourceRun | undefined> {
  let runs;
  try {
    ({ data: { workflow_runs: runs } } = await client.rest.actions.listWorkflowRuns({ ...repo, workflow_id: workflowFile, head_sha: headSha, status: 'success', per_page: 100 }));
  } catch (error) {
    if (httpStatus(error) === 404) throw new ConfigurationError(`check-workflow ${workflowFile}: no such workflow in ${repo.owner}/${repo.repo}; name the file of the pull-request workflow under .github/workflows (e.g. mlgate.yml)`);
    throw error;
  }
  const newest = [...runs].sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at) || b.id - a.id)[0];
  if (!newest) return undefined;
  return { id: newest.id, path: newest.path, event: newest.event, headSha: newest.head_sha, conclusion: newest.conclusion, attempt: newest.run_attempt ?? 1, url: newest.html_url };
}

/** Who last applied `label` to the issue or pull request, from its `labeled` events; undefined when none says. */
export async function labelAppliedBy(client: GitHubClient, repo: Repo, number: number, label: string): Promise<string | undefined> {
  const events = await client.paginate(client.rest.issues.listEvents, { ...repo, issue_number: number, per_page: 100 });
  const labeled = events.filter((e) => e.event === 'labeled' && (e as { label?: { name?: string } }).label?.name === label);
  return labeled.at(-1)?.actor?.login;
}
