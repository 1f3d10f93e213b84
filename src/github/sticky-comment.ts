import type { GitHubClient } from './client.js';
import { httpStatus } from './errors.js';
import type { Author, OwnAuthorCheck } from './own-author.js';

/** The issue or pull request a sticky comment lives on. */
export interface CommentTarget {
  owner: string;
  repo: string;
  issueNumber: number;
}

export interface StickyCommentResult {
  id: number;
  url: string;
  action: 'created' | 'updated' | 'unchanged';
  /** Copies left by concurrent runs that were deleted. */
  removedDuplicates: number;
  /** Who GitHub says wrote the comment, when `isOwn` does not accept it: later runs will not find it. */
  writtenAs?: string;
}

interface IssueComment {
  id: number;
  html_url: string;
  body?: string | undefined;
  user: Author | null;
}

/**
 * The hidden first line that identifies mlgate's comment for one key. The key is reduced to characters that
 * cannot end an HTML comment or change its meaning.
 */
export function commentMarker(key: string): string {
  const safe = key
    .replace(/[^A-Za-z0-9 ._/:@+-]/g, '_')
    .replace(/-{2,}/g, '-')
    .slice(0, 200);
  return `<!-- mlgate:${safe} -->`;
}

/**
 * Creates or updates the one comment that carries `marker` on an issue or pull request.
 *
 * Concurrent runs converge on one comment: a run that finds none creates one, then lists again and deletes every
 * copy but the oldest (the oldest is never deleted by anyone, since no run sees an older one), writing its body
 * into the survivor. A retried create that GitHub had already carried out is cleaned up the same way. Only comments
 * that `isOwn` accepts are candidates: a marked comment by anyone else is neither updated nor deleted.
 */
export async function upsertStickyComment(
  client: GitHubClient,
  target: CommentTarget,
  marker: string,
  body: string,
  isOwn: OwnAuthorCheck,
): Promise<StickyCommentResult> {
  const text = body.startsWith(marker) ? body : `${marker}\n${body}`;
  const existing = await listMarked(client, target, marker, isOwn);
  if (existing.length > 0) {
    const keep = existing[0]!;
    const removed = await deleteCopies(client, target, existing, keep);
    if (keep.body === text) return { id: keep.id, url: keep.html_url, action: 'unchanged', removedDuplicates: removed };
    const updated = await updateComment(client, target, keep.id, text);
    if (updated) return { id: keep.id, url: keep.html_url, action: 'updated', removedDuplicates: removed };
    // Deleted by someone else between the list and the update: start over as if there had been none.
  }

  const { data: created } = await client.rest.issues.createComment({
    owner: target.owner,
    repo: target.repo,
    issue_number: target.issueNumber,
    body: text,
  });
  const after = await listMarked(
    client,
    target,
    marker,
    (author) => isOwn(author) && author?.login === created.user?.login,
  );
  const keep = after[0] ?? created;
  const removed = await deleteCopies(client, target, after, keep);
  if (keep.id !== created.id && keep.body !== text) await updateComment(client, target, keep.id, text);
  const writtenAs = isOwn(created.user) ? undefined : created.user?.login;
  return {
    id: keep.id,
    url: keep.html_url,
    action: keep.id === created.id ? 'created' : 'updated',
    removedDuplicates: removed,
    ...(writtenAs ? { writtenAs } : {}),
  };
}

/** Every comment that starts with the marker and whose author `isOwn` accepts, oldest first. */
async function listMarked(
  client: GitHubClient,
  target: CommentTarget,
  marker: string,
  isOwn: OwnAuthorCheck,
): Promise<IssueComment[]> {
  const comments: IssueComment[] = await client.paginate(client.rest.issues.listComments, {
    owner: target.owner,
    repo: target.repo,
    issue_number: target.issueNumber,
    per_page: 100,
  });
  return comments.filter((c) => isMarked(c.body, marker) && isOwn(c.user)).sort((a, b) => a.id - b.id);
}

function isMarked(body: string | undefined, marker: string): boolean {
  return body !== undefined && (body === marker || body.startsWith(`${marker}\n`) || body.startsWith(`${marker}\r\n`));
}

/** Deletes the marked comments other than `keep` that share its author; a copy already gone counts as deleted. */
async function deleteCopies(
  client: GitHubClient,
  target: CommentTarget,
  marked: readonly IssueComment[],
  keep: IssueComment,
): Promise<number> {
  let removed = 0;
  for (const comment of marked) {
    if (comment.id === keep.id || comment.user?.login !== keep.user?.login) continue;
    try {
      await client.rest.issues.deleteComment({ owner: target.owner, repo: target.repo, comment_id: comment.id });
      removed++;
    } catch (error) {
      if (httpStatus(error) !== 404) throw error;
    }
  }
  return removed;
}

/** Updates a comment; false when it no longer exists. */
async function updateComment(client: GitHubClient, target: CommentTarget, id: number, body: string): Promise<boolean> {
  try {
    await client.rest.issues.updateComment({ owner: target.owner, repo: target.repo, comment_id: id, body });
    return true;
  } catch (error) {
    if (httpStatus(error) === 404) return false;
    throw error;
  }
}
