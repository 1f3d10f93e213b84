/**
 * Webhook payloads as the runner writes them to GITHUB_EVENT_PATH, trimmed to the fields a step can rely on but
 * with GitHub's real shape (nested head/base repositories, workflow_run's head_sha and pull_requests).
 */

export const REPOSITORY = 'acme/models';

function repo(fullName: string, fork = false) {
  const [login, name] = fullName.split('/');
  return {
    id: fork ? 2 : 1,
    name,
    full_name: fullName,
    private: false,
    fork,
    owner: { login, type: 'Organization' },
    default_branch: 'main',
  };
}

export interface PullRequestEventOptions {
  number?: number;
  headSha?: string;
  headRef?: string;
  /** The repository of the head branch; a fork when it differs from REPOSITORY. */
  headRepo?: string;
  action?: string;
  labels?: string[];
}

export function pullRequestEvent(options: PullRequestEventOptions = {}) {
  const number = options.number ?? 7;
  const headRepo = options.headRepo ?? REPOSITORY;
  return {
    name: 'pull_request',
    payload: {
      action: options.action ?? 'synchronize',
      number,
      pull_request: {
        number,
        state: 'open',
        title: 'Improve the model',
        user: { login: 'contributor' },
        labels: (options.labels ?? []).map((name) => ({ name })),
        head: {
          ref: options.headRef ?? 'feature',
          sha: options.headSha ?? 'a'.repeat(40),
          repo: repo(headRepo, headRepo !== REPOSITORY),
        },
        base: { ref: 'main', sha: 'b'.repeat(40), repo: repo(REPOSITORY) },
      },
      repository: repo(REPOSITORY),
      sender: { login: 'contributor', type: 'User' },
    },
  };
}

export interface WorkflowRunEventOptions {
  id?: number;
  headSha?: string;
  headRepo?: string;
  event?: string;
  conclusion?: string;
}

export function workflowRunEvent(options: WorkflowRunEventOptions = {}) {
  const headRepo = options.headRepo ?? REPOSITORY;
  return {
    name: 'workflow_run',
    payload: {
      action: 'completed',
      workflow_run: {
        id: options.id ?? 4242,
        name: 'mlgate',
        event: options.event ?? 'pull_request',
        status: 'completed',
        conclusion: options.conclusion ?? 'success',
        head_branch: 'feature',
        head_sha: options.headSha ?? 'a'.repeat(40),
        // GitHub leaves this empty for pull requests from forks: never rely on it.
        pull_requests: [],
        head_repository: repo(headRepo, headRepo !== REPOSITORY),
        repository: repo(REPOSITORY),
      },
      repository: repo(REPOSITORY),
      sender: { login: 'contributor', type: 'User' },
    },
  };
}

export function scheduleEvent() {
  return { name: 'schedule', payload: { schedule: '0 6 * * *' } };
}

export function pushEvent(sha = 'c'.repeat(40)) {
  return { name: 'push', payload: { ref: 'refs/heads/main', after: sha, repository: repo(REPOSITORY) } };
}
