import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitHubClient } from '../../../src/github/client.js';
import { httpStatus, isReadOnlyTokenError } from '../../../src/github/errors.js';
import { GitHubEmulator } from '../../support/emulator/server.js';

const quiet = { info: () => {}, warning: () => {}, error: () => {}, debug: () => {} };
let github: GitHubEmulator;

beforeAll(async () => {
  github = await new GitHubEmulator().start();
});
afterAll(async () => {
  await github.stop();
});

describe('httpStatus', () => {
  it.each([
    ['an octokit-like error', Object.assign(new Error('Not Found'), { status: 404 }), 404],
    ['a status that is not a number', { status: '404' }, undefined],
    ['an error without a status', new Error('socket hang up'), undefined],
    ['null', null, undefined],
    ['undefined', undefined, undefined],
    ['a string', 'boom', undefined],
  ])('%s', (_, error, status) => {
    expect(httpStatus(error)).toBe(status);
  });
});

describe('isReadOnlyTokenError', () => {
  it.each([
    ['an integration without the permission', 403, 'Resource not accessible by integration', true],
    ['a setting only admins may change', 403, 'Must have admin rights to Repository.', true],
    ['a message about permissions', 403, 'Write access to repository not granted: missing permission', true],
    ['a secondary rate limit (also 403)', 403, 'You have exceeded a secondary rate limit', false],
    ['a 404, even with the same words', 404, 'Resource not accessible by integration', false],
    ['a 401', 401, 'Bad credentials', false],
  ])('%s', (_, status, message, expected) => {
    expect(isReadOnlyTokenError(Object.assign(new Error(message), { status }))).toBe(expected);
  });

  it('is false for an error that is not an HTTP error', () => {
    expect(isReadOnlyTokenError(new Error('Resource not accessible by integration'))).toBe(false);
    expect(isReadOnlyTokenError(undefined)).toBe(false);
  });

  it("recognises the answer to a write made with a fork's read-only token, as octokit throws it", async () => {
    const number = github.addIssue('acme/errors', { title: 'an issue', body: '' });
    const client = createGitHubClient({ token: GitHubEmulator.READ_TOKEN, apiUrl: github.apiUrl, logger: quiet });
    const error = await client.rest.issues
      .createComment({ owner: 'acme', repo: 'errors', issue_number: number, body: 'hello' })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(httpStatus(error)).toBe(403);
    expect(isReadOnlyTokenError(error)).toBe(true);
  });

  it('reads the status of a 404 from the API', async () => {
    const client = createGitHubClient({ token: GitHubEmulator.WRITE_TOKEN, apiUrl: github.apiUrl, logger: quiet });
    const error = await client.rest.issues.getComment({ owner: 'acme', repo: 'errors', comment_id: 1 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(httpStatus(error)).toBe(404);
    expect(isReadOnlyTokenError(error)).toBe(false);
  });
});
