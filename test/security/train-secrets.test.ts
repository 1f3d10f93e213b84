import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResultsServiceEmulator } from '../support/emulator/results-service.js';
import { GitHubEmulator } from '../support/emulator/server.js';
import { runAction } from '../support/run-action.js';

let results: ResultsServiceEmulator;
let github: GitHubEmulator;
beforeAll(async () => {
  results = await new ResultsServiceEmulator().start();
  github = await new GitHubEmulator().start();
});
afterAll(async () => {
  await results.stop();
  await github.stop();
});

describe("the training command, which may run a pull request's code and its dependencies", () => {
  it("does not get the runner's tokens, service URLs, the action's inputs, outputs or state", async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'mlgate-train-env-'));
    const result = await runAction({
      action: 'train',
      cwd,
      token: GitHubEmulator.WRITE_TOKEN,
      apiUrl: github.apiUrl,
      env: {
        ...results.environment('run-env'),
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc-secret',
        ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:9/oidc',
        TEAM_SETTING: 'kept',
      },
      inputs: { command: 'env > seen.env', 'require-gpu': 'false' },
    });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    const seen = readFileSync(join(cwd, 'seen.env'), 'utf8');
    const names = seen.split('\n').map((line) => line.split('=')[0]!);
    for (const name of [
      'ACTIONS_RUNTIME_TOKEN',
      'ACTIONS_RESULTS_URL',
      'ACTIONS_CACHE_URL',
      'ACTIONS_RUNTIME_URL',
      'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
      'ACTIONS_ID_TOKEN_REQUEST_URL',
      'GITHUB_OUTPUT',
      'GITHUB_STATE',
    ]) {
      expect(names, name).not.toContain(name);
    }
    expect(names.filter((n) => n.startsWith('INPUT_'))).toEqual([]);
    expect(seen).not.toContain(GitHubEmulator.WRITE_TOKEN);
    // What a run: step has is still there.
    expect(seen).toContain('TEAM_SETTING=kept');
    expect(seen).toMatch(/^GITHUB_REPOSITORY=/m);
    expect(seen).toMatch(/^PATH=/m);
    expect(seen).toMatch(/^GITHUB_ENV=/m);
  });

  it('is recorded in the report, the summary and the log without the secrets written into it', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'mlgate-train-cmd-'));
    const command = [
      'echo training',
      'curl -s -H "Authorization: Bearer ghp_0123456789abcdefghijklmnopqrstuvwxyzAB" https://user:s3cretPass@example.invalid/data || true',
      'WANDB_API_KEY=5f2c9e0a1b3d4c6e8f7a9b0c1d2e3f4a python3 -c pass --password hunter2-horse || true',
      'echo "$TEAM_TOKEN" > /dev/null',
    ].join('\n');
    const result = await runAction({
      action: 'train',
      cwd,
      token: GitHubEmulator.WRITE_TOKEN,
      apiUrl: github.apiUrl,
      env: { ...results.environment('run-cmd'), TEAM_TOKEN: 'env-secret-value-42' },
      inputs: { command: `${command} # env-secret-value-42`, 'require-gpu': 'false' },
    });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    const report = readFileSync(join(cwd, 'mlgate-reports/train-report.json'), 'utf8');
    for (const secret of [
      'ghp_0123456789abcdefghijklmnopqrstuvwxyzAB',
      's3cretPass',
      '5f2c9e0a1b3d4c6e8f7a9b0c1d2e3f4a',
      'hunter2-horse',
      'env-secret-value-42',
    ]) {
      expect(report, secret).not.toContain(secret);
      expect(result.summary, secret).not.toContain(secret);
    }
    const recorded = JSON.parse(report).command as string;
    expect(recorded).toContain('echo training');
    expect(recorded).toContain('https://user:***@example.invalid/data');
    expect(recorded).toContain('--password ***');
    expect(recorded).toContain('$TEAM_TOKEN');
  });
});
