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

/** Who the workflow's GITHUB_TOKEN comments as, on github.com and GitHub Enterprise Server alike. */
export const ACTIONS_BOT = 'github-actions[bot]';

/**
 * The login mlgate's comments and issues are written by: `configured` when the workflow names it (the
 * `comment-author` input, for a GitHub App's token: `<app-slug>[bot]`); else the user of a personal token (GET
 * /user); else, for an installation token, which GET /user refuses with 403, the workflow's GITHUB_TOKEN identity.
 * One exact login, never "any bot": other apps and other workflows' bots may echo text that carries the marker.
 */
export async function resolveOwnLogin(client: GitHubClient, configured?: string): Promise<string> {
  if (configured) return configured;
  try {
    const { data } = await client.rest.users.getAuthenticated();
    return data.login;
  } catch (error) {
    if (httpStatus(error) !== 403) throw error;
    return ACTIONS_BOT;
  }
}

/** The check for comments and issues written by `login`. */
export function writtenBy(login: string): OwnAuthorCheck {
  return (author) => author?.login === login;
}
