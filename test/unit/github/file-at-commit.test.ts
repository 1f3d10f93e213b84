import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitHubClient } from '../../../src/github/client.js';
import { readFileAtCommit } from '../../../src/github/file-at-commit.js';
import { GitHubEmulator } from '../../support/emulator/server.js';
import { REPOSITORY } from '../../support/events.js';

const [owner, repo] = REPOSITORY.split('/') as [string, string];
const SHA = '3'.repeat(40);
const quiet = { info: () => {}, warning: () => {}, error: () => {}, debug: () => {} };
let github: GitHubEmulator;

beforeAll(async () => {
  github = await new GitHubEmulator().start();
});
afterAll(async () => {
  await github.stop();
});

describe('readFileAtCommit (against the emulator)', () => {
  const client = () => createGitHubClient({ token: GitHubEmulator.READ_TOKEN, apiUrl: github.apiUrl, logger: quiet });

  it('reads a file at a commit by its repository path, with a read-only token, in one request', async () => {
    github.setFile(REPOSITORY, SHA, 'rules/data contract #1.yml', 'columns:\n  é: { type: int }\n');
    const before = github.requests.length;
    expect(await readFileAtCommit(client(), { owner, repo, ref: SHA, path: 'rules/data contract #1.yml' })).toBe(
      'columns:\n  é: { type: int }\n',
    );
    expect(github.requests.slice(before).map((r) => [r.path, r.status])).toEqual([
      [`/repos/${REPOSITORY}/contents/rules/data%20contract%20%231.yml`, 200],
    ]);
  });

  it('answers undefined for a path the commit lacks (404)', async () => {
    expect(await readFileAtCommit(client(), { owner, repo, ref: SHA, path: 'missing.yml' })).toBeUndefined();
  });

  it('refuses to read a 404 as "no such file" when the repository itself cannot be read', async () => {
    // Every route of this base URL answers 404, as GitHub does for a private repository the token may not read.
    const blind = createGitHubClient({
      token: GitHubEmulator.READ_TOKEN,
      apiUrl: `${github.apiUrl}/hidden`,
      logger: quiet,
    });
    await expect(readFileAtCommit(blind, { owner, repo, ref: SHA, path: 'contract.yml' })).rejects.toThrow(
      `${REPOSITORY} cannot be read with the token given (GitHub answers 404), so contract.yml cannot be read at commit 3333333; give the job contents: read`,
    );
  });

  it('retries a server error', async () => {
    github.setFile(REPOSITORY, SHA, 'policy.yml', 'metrics: {}\n');
    github.injectFault({ method: 'GET', path: /\/contents\/policy\.yml$/, kind: '502' });
    expect(await readFileAtCommit(client(), { owner, repo, ref: SHA, path: 'policy.yml' })).toBe('metrics: {}\n');
    expect(github.pendingFaults()).toBe(0);
  });
});
