import type { Logger } from '../core/logger.js';
import type { GitHubClient } from './client.js';
import { resolveOwnLogin, writtenBy, type Author, type OwnAuthorCheck } from './own-author.js';
import type { Repo } from './releases.js';

/** The hidden first line of mlgate's drift issue, beside its label: together they find the issue again. */
export const DRIFT_ISSUE_MARKER = '<!-- mlgate:drift-issue -->';

export interface DriftIssueRequest {
  drifted: boolean;
  label: string;
  title: string;
  /** The report, as Markdown: the issue's body while drift lasts, and each run's comment. */
  body: string;
  runUrl?: string;
  /** The login whose issue is mlgate's (the `issue-author` input); empty: found from the token. */
  author?: string;
}

export interface DriftIssueResult {
  action: 'opened' | 'updated' | 'closed' | 'none';
  number?: number;
  url?: string;
}

interface OpenIssue {
  number: number;
  html_url: string;
  body?: string | null;
  user?: Author | null;
}

/**
 * Keeps one issue in step with scheduled drift checks: opens it when drift appears, comments and refreshes it while
 * drift lasts, closes it with a comment when drift is gone. Never a second issue: after opening one it lists again
 * and closes any duplicate that concurrent runs (or a retried request) made, keeping the oldest.
 */
export async function syncDriftIssue(
  client: GitHubClient,
  repo: Repo,
  request: DriftIssueRequest,
  logger: Logger,
): Promise<DriftIssueResult> {
  const body = `${DRIFT_ISSUE_MARKER}\n${request.body}`;
  const run = request.runUrl ? ` ([run](${request.runUrl}))` : '';
  const isOwn = writtenBy(await resolveOwnLogin(client, request.author));
  const existing = (await openDriftIssues(client, repo, request.label, isOwn))[0];
  if (!request.drifted) {
    if (!existing) return { action: 'none' };
    await client.rest.issues.createComment({
      ...repo,
      issue_number: existing.number,
      body: `Drift is gone: the latest check found none${run}.`,
    });
    await client.rest.issues.update({
      ...repo,
      issue_number: existing.number,
      state: 'closed',
      state_reason: 'completed',
    });
    logger.info(`Closed drift issue #${existing.number}: drift is gone`);
    return { action: 'closed', number: existing.number, url: existing.html_url };
  }
  if (existing) {
    await client.rest.issues.update({ ...repo, issue_number: existing.number, title: request.title, body });
    await client.rest.issues.createComment({
      ...repo,
      issue_number: existing.number,
      body: `Drift persists${run}.\n\n${request.body}`,
    });
    logger.info(`Updated drift issue #${existing.number}`);
    return { action: 'updated', number: existing.number, url: existing.html_url };
  }
  const { data: created } = await client.rest.issues.create({
    ...repo,
    title: request.title,
    body,
    labels: [request.label],
  });
  const open = await openDriftIssues(client, repo, request.label, isOwn);
  const keep = open[0] ?? created;
  for (const duplicate of open.slice(1)) {
    await client.rest.issues.createComment({
      ...repo,
      issue_number: duplicate.number,
      body: `Duplicate of #${keep.number}, opened by a concurrent drift check.`,
    });
    await client.rest.issues.update({
      ...repo,
      issue_number: duplicate.number,
      state: 'closed',
      state_reason: 'not_planned',
    });
  }
  logger.info(`Opened drift issue #${keep.number}`);
  return { action: keep.number === created.number ? 'opened' : 'updated', number: keep.number, url: keep.html_url };
}

/**
 * Open issues with the label whose body starts with the marker and that mlgate opened, oldest first. Anyone may open
 * an issue that carries the marker; the bot must not close or rewrite it.
 */
async function openDriftIssues(
  client: GitHubClient,
  repo: Repo,
  label: string,
  isOwn: OwnAuthorCheck,
): Promise<OpenIssue[]> {
  const issues: (OpenIssue & { pull_request?: unknown })[] = await client.paginate(client.rest.issues.listForRepo, {
    ...repo,
    labels: label,
    state: 'open',
    per_page: 100,
  });
  return issues
    .filter((i) => !i.pull_request && isOwn(i.user) && (i.body ?? '').startsWith(DRIFT_ISSUE_MARKER))
    .sort((a, b) => a.number - b.number);
}
