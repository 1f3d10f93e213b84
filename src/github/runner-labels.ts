import type { Logger } from '../core/logger.js';
import type { GitHubClient } from './client.js';

/**
 * The labels of the runner this job runs on. A runner does not know its own labels; the run's job list does
 * (GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs, actions: read): the job running on a runner of this name.
 * Labels are a nicety in the report, so any failure is a debug line and no labels.
 */
export async function runnerLabels(
  client: GitHubClient,
  repo: { owner: string; repo: string },
  runId: number,
  runnerName: string,
  logger: Logger,
): Promise<string[] | undefined> {
  try {
    const jobs = await client.paginate(client.rest.actions.listJobsForWorkflowRun, {
      ...repo,
      run_id: runId,
      filter: 'latest',
      per_page: 100,
    });
    return (
      jobs.find((job) => job.runner_name === runnerName && job.status === 'in_progress')?.labels ??
      jobs.find((job) => job.runner_name === runnerName)?.labels
    );
  } catch (error) {
    logger.debug(`runner labels not read: ${(error as Error).message}`);
    return undefined;
  }
}
