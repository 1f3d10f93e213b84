import type { GitHubClient } from './client.js';
import { httpStatus } from './errors.js';

/** The author of a comment or issue, as GitHub lists it. */
export interface Author {
  login: string;
  type?: string;
}

/**
 * Tells mlgate's own comments and issues from everyone else's. A hidden marker alone proves nothing: anyone who can
 * comment can write it, and a token with write access may edit anyone's comment, so a comment is reused, updated or
 * deleted only when its author is the identity the token acts as.
 */
export type OwnAuthorCheck = (author: Author | null | undefined) => boolean;

/**
 * Finds whose comments are mlgate's. A personal token names its user through GET /user; an installation token (the
 * workflow's GITHUB_TOKEN or a GitHub App's) gets 403 there, and then the author must be a bot: `github-actions[bot]`
 * or an app installed on the repository, which only the repository's admins can install. A person cannot comment as
 * a bot.
 */
export async function resolveOwnAuthor(client: GitHubClient): Promise<OwnAuthorCheck> {
  try {
    const { data } = await client.rest.users.getAuthenticated();
    return (author) => author?.login === data.login;
  } catch (error) {
    if (httpStatus(error) !== 403) throw error;
    return (author) => author?.type === 'Bot';
  }
}
