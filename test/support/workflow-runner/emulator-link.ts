import type { GitHubEmulator, RunRecord } from '../emulator/server.js';
import type { ResultsServiceEmulator } from '../emulator/results-service.js';
import type { WorkflowEvent } from './triggers.js';
import type { WorkflowRunResult } from './types.js';

/**
 * Keeps the GitHub emulator's view in step with what the runner does: each run is a workflow run there (listed and
 * fetched through the REST API), each job leg a job with its runner labels, and each artifact uploaded through the
 * results service a run artifact that the REST API lists and serves as a zip.
 */
export class EmulatorLink {
  private readonly published = new Set<number>();

  constructor(
    private readonly github: GitHubEmulator,
    private readonly results: ResultsServiceEmulator,
    private readonly repository: string,
    /** The run as the results service knows it (the runtime token's scope). */
    private readonly backendRun: string,
  ) {}

  /** Registers a run as in progress. */
  startRun(run: {
    id: number;
    name: string;
    path: string;
    event: string;
    headBranch: string;
    headSha: string;
    headRepo: string;
    runAttempt: number;
  }): RunRecord {
    return this.github.addRun(this.repository, { ...run, status: 'in_progress', conclusion: null });
  }

  /** Marks the run completed with its conclusion. */
  finishRun(record: RunRecord, conclusion: string | null): void {
    record.status = 'completed';
    record.conclusion = conclusion;
  }

  /** Registers a job leg on its runner (self-hosted labels get a self-hosted runner's name). */
  addJob(runId: number, name: string, labels: string[]): void {
    const runnerName = labels.includes('self-hosted')
      ? `${labels.filter((l) => l !== 'self-hosted').join('-')}-runner-1`
      : 'GitHub Actions 1';
    this.github.addJob(this.repository, runId, { name, runnerName, labels });
  }

  /** Publishes the run's new results-service artifacts to the REST API. */
  publishArtifacts(runId: number): void {
    for (const artifact of this.results.runArtifacts(this.backendRun)) {
      if (this.published.has(artifact.id)) continue;
      this.published.add(artifact.id);
      this.github.addArtifact(this.repository, runId, artifact.name, artifact.zip);
    }
  }
}

/**
 * The `workflow_run` event (action completed) that a finished run sends, with GitHub's payload: the run's id,
 * name, event, conclusion, head SHA, branch and repository, and its pull requests (empty for a fork's, as on GitHub).
 */
export function completedRunEvent(
  run: WorkflowRunResult,
  repository: string,
  pullRequests: { number: number; headRef: string; headSha: string }[] = [],
): WorkflowEvent {
  const repo = (fullName: string) => {
    const [login, name] = fullName.split('/');
    return {
      id: fullName === repository ? 1 : 2,
      name,
      full_name: fullName,
      private: false,
      fork: fullName !== repository,
      owner: { login, type: 'Organization' },
      default_branch: 'main',
    };
  };
  const fork = run.headRepository !== repository;
  return {
    name: 'workflow_run',
    payload: {
      action: 'completed',
      workflow_run: {
        id: run.runId,
        name: run.workflow,
        path: run.path,
        event: run.event,
        status: 'completed',
        conclusion: run.conclusion,
        head_branch: run.headBranch,
        head_sha: run.sha,
        run_attempt: run.runAttempt,
        pull_requests: fork
          ? []
          : pullRequests.map((p) => ({
              number: p.number,
              head: { ref: p.headRef, sha: p.headSha },
              base: { ref: 'main' },
            })),
        head_repository: repo(run.headRepository),
        repository: repo(repository),
      },
      repository: repo(repository),
      sender: { login: 'contributor', type: 'User' },
    },
  };
}
