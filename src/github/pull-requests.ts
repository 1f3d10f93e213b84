import type { GitHubClient } from './client.js';

/**
 * The open pull request whose head is `sha`, or undefined. Used in `workflow_run` mode, where the triggering run's
 * own data cannot be trusted to say which pull request it was for: the head SHA comes from GitHub's payload.
 * Pull requests from forks are not always linked to the commit, so open pull requests are searched as a fallback.
 */
export async function findPullRequestByHeadSha(
  client: GitHubClient,
  owner: string,
  repo: string,
  sha: string,
): Promise<number | undefined> {
  const { data: associated } = await client.rest.repos.listPullRequestsAssociatedWithCommit({
    owner,
    repo,
    commit_sha: sha,
    per_page: 100,
  });
  const linked = associated.find((pr) => pr.state === 'open' && pr.head.sha === sha);
  if (linked) return linked.number;
  for await (const page of client.paginate.iterator(client.rest.pulls.list, {
    owner,
    repo,
    state: 'open',
    per_page: 100,
  })) {
    const match = page.data.find((pr) => pr.head.sha === sha);
    if (match) return match.number;
  }
  return undefined;
}

/** The labels of the pull request that brought `sha` (merged or open), or undefined when none did. */
export async function labelsOfCommitPullRequest(
  client: GitHubClient,
  owner: string,
  repo: string,
  sha: string,
): Promise<string[] | undefined> {
  const { data } = await client.rest.repos.listPullRequestsAssociatedWithCommit({
    owner,
    repo,
    commit_sha: sha,
    per_page: 100,
  });
  const pr = data[0];
  return pr ? pr.labels.map((l) => l.name) : undefined;
}
