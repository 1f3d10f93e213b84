import { ConfigurationError } from '../core/errors.js';
import type { GitHubClient } from './client.js';
import { httpStatus } from './errors.js';
import type { Repo } from './releases.js';

/** A merged pull request, as GET /repos/{owner}/{repo}/commits/{sha}/pulls lists it. */
export interface MergedPullRequest {
  number: number;
  /** The head commit the pull request's checks ran on. */
  headSha: string;
  /** The head's branch and the repository it is in (a fork's for a fork's pull request). */
  headRef: string;
  headRepository: string;
  /** Who opened it: an override label they applied themselves does not count. */
  author: string | undefined;
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
 * The merged pull request that brought `sha` to the branch: the one whose merge commit it is (a merge, squash or
 * rebase merge), or whose head it is (a fast-forward). Any other pull request GitHub links to the commit (one merged
 * elsewhere, or one whose commits the push merely contains) is not the one that was reviewed for this push.
 */
export async function findMergedPullRequest(
  client: GitHubClient,
  repo: Repo,
  sha: string,
): Promise<MergedPullRequest | undefined> {
  const { data } = await client.rest.repos.listPullRequestsAssociatedWithCommit({
    ...repo,
    commit_sha: sha,
    per_page: 100,
  });
  const pr = data.find((p) => p.merged_at && (p.merge_commit_sha === sha || p.head.sha === sha));
  if (!pr) return undefined;
  return {
    number: pr.number,
    headSha: pr.head.sha,
    headRef: pr.head.ref,
    headRepository: pr.head.repo?.full_name ?? '',
    author: pr.user?.login,
    url: pr.html_url,
    labels: pr.labels.map((l) => l.name),
    mergeCommitSha: pr.merge_commit_sha ?? null,
  };
}

/**
 * The newest successful `pull_request` run of the workflow file `workflowFile` for this pull request: on its head
 * SHA, from its head repository and branch. Runs of the same SHA for another event (a push, which reads the head's
 * rules) or from another head (a fork's pull request opened on the same commit, against another branch) are passed
 * over. GitHub filters by `status=success` (a conclusion), and the caller checks the answer again.
 */
export async function lastSuccessfulRun(
  client: GitHubClient,
  repo: Repo,
  workflowFile: string,
  pr: Pick<MergedPullRequest, 'headSha' | 'headRef' | 'headRepository'>,
): Promise<SourceRun | undefined> {
  let runs;
  try {
    ({
      data: { workflow_runs: runs },
    } = await client.rest.actions.listWorkflowRuns({
      ...repo,
      workflow_id: workflowFile,
      head_sha: pr.headSha,
      event: 'pull_request',
      status: 'success',
      per_page: 100,
    }));
  } catch (error) {
    if (httpStatus(error) === 404)
      throw new ConfigurationError(
        `check-workflow ${workflowFile}: no such workflow in ${repo.owner}/${repo.repo}; name the file of the pull-request workflow under .github/workflows (e.g. mlgate.yml)`,
      );
    throw error;
  }
  const newest = runs
    .filter(
      (run) =>
        run.event === 'pull_request' &&
        run.head_branch === pr.headRef &&
        run.head_repository?.full_name === pr.headRepository,
    )
    .sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at) || b.id - a.id)[0];
  if (!newest) return undefined;
  return {
    id: newest.id,
    path: newest.path,
    event: newest.event,
    headSha: newest.head_sha,
    conclusion: newest.conclusion,
    attempt: newest.run_attempt ?? 1,
    url: newest.html_url,
  };
}

/** Who last applied `label` to the issue or pull request, from its `labeled` events; undefined when none says. */
export async function labelAppliedBy(
  client: GitHubClient,
  repo: Repo,
  number: number,
  label: string,
): Promise<string | undefined> {
  const events = await client.paginate(client.rest.issues.listEvents, { ...repo, issue_number: number, per_page: 100 });
  const labeled = events.filter(
    (e) => e.event === 'labeled' && (e as { label?: { name?: string } }).label?.name === label,
  );
  return labeled.at(-1)?.actor?.login;
}
