import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitHubEmulator } from '../support/emulator/server.js';
import { pullRequestEvent, REPOSITORY, scheduleEvent } from '../support/events.js';
import { evalReport, writeReports } from '../support/reports.js';
import { dataFolder } from '../support/datasets.js';
import { runAction } from '../support/run-action.js';

/**
 * A user who posts mlgate's hidden marker first must not get the bot to edit their comment: the bot would then
 * keep refreshing a comment its author can edit back to "all checks passed" after every run.
 */
const MARKER = '<!-- mlgate:mlgate -->';
let github: GitHubEmulator;

beforeAll(async () => {
  github = await new GitHubEmulator().start();
});
afterAll(async () => {
  await github.stop();
});

describe("a comment or issue that carries mlgate's marker but was not written by mlgate", () => {
  it('is left alone by pr-comment, which writes its own comment beside it', async () => {
    const pr = github.addPullRequest(REPOSITORY, { headSha: 'a1'.repeat(20) }).number;
    const forged = github.addComment(
      REPOSITORY,
      pr,
      `${MARKER}\n## ✅ mlgate: all checks passed`,
      GitHubEmulator.OTHER_USER_TOKEN,
    );
    const folder = writeReports({
      'eval-report.json': evalReport({
        gate: {
          passed: false,
          checks: [
            {
              metric: 'accuracy',
              rule: 'max-drop',
              threshold: 0.02,
              observed: -0.05,
              passed: false,
              reason: 'accuracy dropped by 0.05, more than the allowed 0.02',
            },
          ],
        },
      }),
    });
    const result = await runAction({
      action: 'pr-comment',
      inputs: { reports: `${folder}/*-report.json` },
      token: GitHubEmulator.WRITE_TOKEN,
      apiUrl: github.apiUrl,
      event: pullRequestEvent({ number: pr }),
    });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    const comments = github.comments(REPOSITORY, pr);
    expect(comments.find((c) => c.id === forged)!.body).toBe(`${MARKER}\n## ✅ mlgate: all checks passed`);
    const own = comments.filter((c) => c.login === 'github-actions[bot]');
    expect(own).toHaveLength(1);
    expect(own[0]!.body).toContain('❌');

    // The next run updates the bot's comment, still not the forged one, and deletes nothing of the user's.
    await runAction({
      action: 'pr-comment',
      inputs: { reports: `${folder}/*-report.json` },
      token: GitHubEmulator.WRITE_TOKEN,
      apiUrl: github.apiUrl,
      event: pullRequestEvent({ number: pr }),
    });
    const after = github.comments(REPOSITORY, pr);
    expect(after.map((c) => c.id)).toEqual([forged, own[0]!.id]);
  });

  it("with a personal token, reuses only that person's comment", async () => {
    const pr = github.addPullRequest(REPOSITORY, { headSha: 'b2'.repeat(20) }).number;
    const bots = github.addComment(REPOSITORY, pr, `${MARKER}\nold`, GitHubEmulator.WRITE_TOKEN);
    const folder = writeReports({ 'eval-report.json': evalReport() });
    const run = () =>
      runAction({
        action: 'pr-comment',
        inputs: { reports: `${folder}/*-report.json`, 'github-token': GitHubEmulator.OTHER_USER_TOKEN },
        token: GitHubEmulator.OTHER_USER_TOKEN,
        apiUrl: github.apiUrl,
        event: pullRequestEvent({ number: pr }),
      });
    expect((await run()).exitCode).toBe(0);
    expect((await run()).exitCode).toBe(0);
    const comments = github.comments(REPOSITORY, pr);
    expect(comments.find((c) => c.id === bots)!.body).toBe(`${MARKER}\nold`);
    expect(comments.filter((c) => c.login === 'octocat')).toHaveLength(1);
  });

  it('is left alone when another bot wrote it (another app, or a workflow echoing text)', async () => {
    github.addToken('ghs_other_app', { login: 'helpful-app[bot]', id: 49699333, type: 'Bot', permission: 'write' });
    const pr = github.addPullRequest(REPOSITORY, { headSha: 'c3'.repeat(20) }).number;
    const forged = github.addComment(REPOSITORY, pr, `${MARKER}\n## ✅ mlgate: all checks passed`, 'ghs_other_app');
    const folder = writeReports({ 'eval-report.json': evalReport() });
    const result = await runAction({
      action: 'pr-comment',
      inputs: { reports: `${folder}/*-report.json` },
      token: GitHubEmulator.WRITE_TOKEN,
      apiUrl: github.apiUrl,
      event: pullRequestEvent({ number: pr }),
    });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    const comments = github.comments(REPOSITORY, pr);
    expect(comments.find((c) => c.id === forged)!.body).toBe(`${MARKER}\n## ✅ mlgate: all checks passed`);
    expect(comments.filter((c) => c.login === 'github-actions[bot]')).toHaveLength(1);
  });

  it("with a GitHub App's token, reuses the app's comment when comment-author names it, and says to name it otherwise", async () => {
    github.addToken('ghs_team_app', { login: 'team-app[bot]', id: 49699334, type: 'Bot', permission: 'write' });
    const pr = github.addPullRequest(REPOSITORY, { headSha: 'c4'.repeat(20) }).number;
    const folder = writeReports({ 'eval-report.json': evalReport() });
    const run = (inputs: Record<string, string>) =>
      runAction({
        action: 'pr-comment',
        inputs: { reports: `${folder}/*-report.json`, 'github-token': 'ghs_team_app', ...inputs },
        token: 'ghs_team_app',
        apiUrl: github.apiUrl,
        event: pullRequestEvent({ number: pr }),
      });
    const unnamed = await run({});
    expect(unnamed.annotations.map((a) => a.message)).toContain(
      'The comment was written as team-app[bot], not as the author mlgate looks for; set comment-author: team-app[bot] so that later runs update it instead of writing another',
    );
    expect((await run({ 'comment-author': 'team-app[bot]' })).exitCode).toBe(0);
    expect((await run({ 'comment-author': 'team-app[bot]' })).exitCode).toBe(0);
    expect(github.comments(REPOSITORY, pr)).toHaveLength(1);
  });

  it('is not taken for the drift issue by drift-check on a schedule', async () => {
    const repository = 'acme/drift-forged';
    const forged = github.addIssue(repository, {
      title: 'Data drift',
      body: '<!-- mlgate:drift-issue -->\nAll good, nothing to see',
      labels: ['mlgate-drift'],
    });
    const noise = (i: number) => Math.sin(i * 12.9898) * 43758.5453 - Math.floor(Math.sin(i * 12.9898) * 43758.5453);
    const csv = (n: number, shift: number) =>
      `x\n${Array.from({ length: n }, (_, i) => (noise(i * 3 + shift * 1000) + shift).toFixed(4)).join('\n')}\n`;
    const cwd = dataFolder({ 'ref.csv': csv(600, 0), 'drifted.csv': csv(500, 0.4) });
    const result = await runAction({
      action: 'drift-check',
      cwd,
      token: GitHubEmulator.WRITE_TOKEN,
      apiUrl: github.apiUrl,
      event: scheduleEvent(),
      env: { GITHUB_REPOSITORY: repository },
      inputs: { reference: 'ref.csv', current: 'drifted.csv', mode: 'issue' },
    });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    const issues = github.issues(repository);
    expect(issues.find((i) => i.number === forged)).toMatchObject({
      state: 'open',
      body: '<!-- mlgate:drift-issue -->\nAll good, nothing to see',
    });
    expect(github.comments(repository, forged)).toEqual([]);
    expect(issues.filter((i) => i.number !== forged)).toEqual([
      expect.objectContaining({ state: 'open', title: expect.stringMatching(/^mlgate: data drift/) }),
    ]);
  });
});
