import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import type { Logger } from '../core/logger.js';

/** The one GitHub REST client mlgate uses: octokit with retries on transient failures and rate-limit waits. */
export type GitHubClient = ReturnType<typeof getOctokit>;

export interface GitHubClientOptions {
  token: string;
  /** GITHUB_API_URL: api.github.com, a GitHub Enterprise Server, or a test emulator. */
  apiUrl: string;
  logger: Logger;
  /** How many times a rate-limited request is tried again before giving up. */
  rateLimitRetries?: number;
}

/**
 * Builds the client. 5xx answers and dropped connections are retried with backoff (plugin-retry); 429 and
 * secondary rate limits wait as long as GitHub asks (plugin-throttling). The token goes into the Authorization
 * header only and is never logged.
 */
export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  const { logger } = options;
  const retries = options.rateLimitRetries ?? 3;
  const onLimit =
    (kind: string) =>
    (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
      if (retryCount >= retries) {
        logger.warning(`GitHub ${kind} on ${request.method} ${request.url}: gave up after ${retries} retries`);
        return false;
      }
      logger.info(`GitHub ${kind} on ${request.method} ${request.url}: retrying in ${retryAfter}s`);
      return true;
    };
  return getOctokit(
    options.token,
    {
      baseUrl: options.apiUrl,
      throttle: { onRateLimit: onLimit('rate limit'), onSecondaryRateLimit: onLimit('secondary rate limit') },
      log: {
        debug: () => {},
        info: () => {},
        warn: (m: string) => logger.debug(m),
        error: (m: string) => logger.debug(m),
      },
    },
    retry,
    throttling,
  );
}
