import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitHubEmulator } from '../support/emulator/server.js';
import { REPOSITORY, workflowRunEvent } from '../support/events.js';
import { evalReport, validationReport } from '../support/reports.js';
import { runAction } from '../support/run-action.js';

/**
 * A fork's pull request controls the reports its run uploads. A run that failed (its gate failed, or it was
 * tampered with) can upload a report that says "gate passed": the comment must show the run's own conclusion.
 */
let github: GitHubEmulator;
beforeAll(async () => {
  github = await new GitHubEmulator().start();
});
afterAll(async () => {
  await github.stop();
});

async function commentFromRun(conclusion: string, runId: number) {
  const sha = `${String(runId).padStart(40, 'e')}`.slice(-40);
  const pr = github.addPullRequest(REPOSITORY, { headSha: sha, headRepo: 'someone/models', linked: false }).number;
  const forged = zipSync({
    'eval-report.json': new TextEncoder().encode(JSON.stringify(evalReport())),
    'validation-report.json': new TextEncoder().encode(
      JSON.stringify(
        validationReport({ passed: true, summary: { errors: 0, warnings: 0, rules_checked: 24 }, violations: [] }),
      ),
    ),
  });
  github.addArtifact(REPOSITORY, runId, 'mlgate-reports', forged);
  const result = await runAction({
    action: 'pr-comment',
    inputs: { reports: '**/*-report.json' },
    token: GitHubEmulator.WRITE_TOKEN,
    apiUrl: github.apiUrl,
    event: workflowRunEvent({ id: runId, headSha: sha, headRepo: 'someone/models', conclusion }),
  });
  return { result, body: github.comments(REPOSITORY, pr)[0]?.body ?? '' };
}

describe('a workflow_run comment from reports a failed run uploaded', () => {
  it.each([['failure'], ['cancelled'], ['timed_out']])(
    'shows the run as %s, never "all checks passed"',
    async (conclusion) => {
      const { result, body } = await commentFromRun(conclusion, 7100 + conclusion.length);
      expect(result.exitCode, result.stdout + result.stderr).toBe(0);
      expect(result.outputs.status).toBe('fail');
      expect(body).not.toContain('all checks passed');
      expect(body).toMatch(/^## ❌ mlgate/m);
      expect(body).toContain(`concluded **${conclusion.replace('_', ' ')}**`);
      expect(body).toContain(`/actions/runs/${7100 + conclusion.length}`);
    },
  );

  it('names the run it came from when that run succeeded', async () => {
    const { result, body } = await commentFromRun('success', 7200);
    expect(result.outputs.status).toBe('pass');
    expect(body).toContain('## ✅ mlgate: all checks passed');
    expect(body).toContain('/actions/runs/7200');
  });
});
