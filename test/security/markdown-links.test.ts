import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitHubEmulator } from '../support/emulator/server.js';
import { pullRequestEvent, REPOSITORY } from '../support/events.js';
import { driftReport, validationReport, writeReports } from '../support/reports.js';
import { runAction } from '../support/run-action.js';

let github: GitHubEmulator;
beforeAll(async () => {
  github = await new GitHubEmulator().start();
});
afterAll(async () => {
  await github.stop();
});

describe('text from data in the pull-request comment', () => {
  it('never forms a link GitHub would make from a bare domain', async () => {
    const pr = github.addPullRequest(REPOSITORY, { headSha: 'd4'.repeat(20) }).number;
    const drift = driftReport({
      dataset_drift: true,
      features: [
        {
          column: 'www.evil.example',
          kind: 'categorical',
          test: 'chi2',
          statistic: 40,
          p_value: 0.0001,
          threshold: 0.05,
          status: 'drift',
          distribution: { labels: ['www.phish.example/login', 'b'], reference: [0.5, 0.5], current: [0.9, 0.1] },
        },
      ],
    });
    const validation = validationReport({
      passed: false,
      violations: [
        {
          column: 'www.evil.example',
          rule: 'allowed',
          severity: 'error',
          count: 1,
          message: 'not allowed',
          examples: [{ file: 'data.csv', line: 2, value: 'www.phish.example' }],
        },
      ],
    } as never);
    const folder = writeReports({ 'drift-report.json': drift, 'validation-report.json': validation });
    const result = await runAction({
      action: 'pr-comment',
      inputs: { reports: `${folder}/*-report.json` },
      token: GitHubEmulator.WRITE_TOKEN,
      apiUrl: github.apiUrl,
      event: pullRequestEvent({ number: pr }),
    });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    // Inside a fenced Mermaid chart text is drawn, never linked; everywhere else GitHub's autolinker would act.
    const outsideCharts = (markdown: string) => markdown.replace(/```mermaid\n[\s\S]*?```/g, '');
    const body = outsideCharts(github.comments(REPOSITORY, pr)[0]!.body);
    expect(body).toContain('evil');
    expect(body).toContain('phish');
    expect(body).not.toMatch(/www\.(evil|phish)/);
    expect(outsideCharts(result.summary)).not.toMatch(/www\.(evil|phish)/);
  });
});
