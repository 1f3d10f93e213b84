import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitHubClient } from '../../../src/github/client.js';
import { ACTIONS_BOT, writtenBy } from '../../../src/github/own-author.js';
import { commentMarker, upsertStickyComment } from '../../../src/github/sticky-comment.js';
import { GitHubEmulator } from '../../support/emulator/server.js';

const quiet = { info: () => {}, warning: () => {}, error: () => {}, debug: () => {} };
const own = writtenBy(ACTIONS_BOT);
let github: GitHubEmulator;

beforeAll(async () => {
  github = await new GitHubEmulator().start();
});
afterAll(async () => {
  await github.stop();
});

/** A fresh issue in its own repository, so that each test sees only its own comments. */
function newTarget(name: string) {
  const repo = `sticky-${name}`;
  const issueNumber = github.addIssue(`acme/${repo}`, { title: 'a pull request', body: '' });
  return { owner: 'acme', repo, issueNumber };
}

const client = () => createGitHubClient({ token: GitHubEmulator.WRITE_TOKEN, apiUrl: github.apiUrl, logger: quiet });

describe('commentMarker', () => {
  it.each([
    ['a plain key', 'mlgate', '<!-- mlgate:mlgate -->'],
    ['the characters a key may keep', 'eval/model v1.2_x:@+-', '<!-- mlgate:eval/model v1.2_x:@+- -->'],
    ['an attempt to close the comment early', 'a-->b', '<!-- mlgate:a-_b -->'],
    ['runs of dashes', 'a---b', '<!-- mlgate:a-b -->'],
    ['markup and quotes', '<b>"x"</b>', '<!-- mlgate:_b__x__/b_ -->'],
  ])('%s', (_, key, marker) => {
    expect(commentMarker(key)).toBe(marker);
  });

  it('keeps at most 200 characters of the key', () => {
    expect(commentMarker('k'.repeat(500))).toBe(`<!-- mlgate:${'k'.repeat(200)} -->`);
  });
});

// octokit's throttling spaces writes a second apart (in the whole process), which sets the pace of these tests.
describe('upsertStickyComment (against the emulator)', () => {
  const marker = commentMarker('report');

  it('creates the comment, leaves it alone when the body is the same, and updates it in place when not', async () => {
    const target = newTarget('lifecycle');
    const created = await upsertStickyComment(client(), target, marker, 'first', own);
    expect(created).toMatchObject({ action: 'created', removedDuplicates: 0 });
    expect(github.comments(`acme/${target.repo}`, target.issueNumber)).toEqual([
      { id: created.id, body: `${marker}\nfirst`, login: ACTIONS_BOT },
    ]);

    const before = github.requests.length;
    const same = await upsertStickyComment(client(), target, marker, 'first', own);
    expect(same).toMatchObject({ id: created.id, action: 'unchanged' });
    // Only the listing: nothing written.
    expect(
      github.requests
        .slice(before)
        .filter((r) => r.path.includes(`/${target.repo}/`))
        .map((r) => r.method),
    ).toEqual(['GET']);

    const updated = await upsertStickyComment(client(), target, marker, 'second', own);
    expect(updated).toMatchObject({ id: created.id, action: 'updated' });
    expect(github.comments(`acme/${target.repo}`, target.issueNumber).map((c) => c.body)).toEqual([
      `${marker}\nsecond`,
    ]);
  });

  it('does not add the marker twice to a body that starts with it', async () => {
    const target = newTarget('premarked');
    await upsertStickyComment(client(), target, marker, `${marker}\nbody`, own);
    expect(github.comments(`acme/${target.repo}`, target.issueNumber).map((c) => c.body)).toEqual([`${marker}\nbody`]);
  });

  it('keeps the oldest of the copies concurrent runs left, deletes the others, and writes into the survivor', async () => {
    const target = newTarget('copies');
    const full = `acme/${target.repo}`;
    const oldest = github.addComment(full, target.issueNumber, `${marker}\nrun 1`, GitHubEmulator.WRITE_TOKEN);
    github.addComment(full, target.issueNumber, `${marker}\nrun 2`, GitHubEmulator.WRITE_TOKEN);
    github.addComment(full, target.issueNumber, `${marker}\nrun 3`, GitHubEmulator.WRITE_TOKEN);
    const result = await upsertStickyComment(client(), target, marker, 'run 4', own);
    expect(result).toMatchObject({ id: oldest, action: 'updated', removedDuplicates: 2 });
    expect(github.comments(full, target.issueNumber)).toEqual([
      { id: oldest, body: `${marker}\nrun 4`, login: ACTIONS_BOT },
    ]);
  });

  it("neither updates nor deletes a marked comment someone else wrote, and leaves other keys' comments alone", async () => {
    const target = newTarget('others');
    const full = `acme/${target.repo}`;
    const forged = github.addComment(full, target.issueNumber, `${marker}\nforged by a person`);
    const otherKey = github.addComment(
      full,
      target.issueNumber,
      `${commentMarker('other')}\nanother report`,
      GitHubEmulator.WRITE_TOKEN,
    );
    const result = await upsertStickyComment(client(), target, marker, 'ours', own);
    expect(result.action).toBe('created');
    expect(github.comments(full, target.issueNumber)).toEqual([
      { id: forged, body: `${marker}\nforged by a person`, login: 'octocat' },
      { id: otherKey, body: `${commentMarker('other')}\nanother report`, login: ACTIONS_BOT },
      { id: result.id, body: `${marker}\nours`, login: ACTIONS_BOT },
    ]);
  });

  it('does not take a comment whose marker is only the start of a longer one', async () => {
    const target = newTarget('prefix');
    const full = `acme/${target.repo}`;
    const longer = github.addComment(full, target.issueNumber, `${marker}x\nnot ours`, GitHubEmulator.WRITE_TOKEN);
    const result = await upsertStickyComment(client(), target, marker, 'ours', own);
    expect(result.action).toBe('created');
    expect(github.comments(full, target.issueNumber).map((c) => c.id)).toEqual([longer, result.id]);
  });

  it('says who GitHub wrote the comment as when the token is not the author it looks for', async () => {
    const target = newTarget('writer');
    const person = createGitHubClient({ token: GitHubEmulator.OTHER_USER_TOKEN, apiUrl: github.apiUrl, logger: quiet });
    const result = await upsertStickyComment(person, target, marker, 'from a personal token', own);
    expect(result).toMatchObject({ action: 'created', writtenAs: 'octocat' });
  });
});
