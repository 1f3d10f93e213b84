import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitHubEmulator } from '../support/emulator/server.js';
import { pushEvent } from '../support/events.js';
import { seededRandom, teacherLayers, writeClassificationCsv, writeModel } from '../support/models.js';
import { evalReport } from '../support/reports.js';
import { runAction } from '../support/run-action.js';

/**
 * The attack of the issue: 2,000 random bytes committed as model.onnx, and a hand-edited eval-report beside them
 * (gate passed, the candidate's SHA-256 set to the bytes'), handed to release in the release workflow. Nothing that
 * was reviewed produced them: release must refuse them and publish nothing.
 */

let github: GitHubEmulator;
let repoCount = 0;
beforeAll(async () => {
  github = await new GitHubEmulator().start();
});
afterAll(async () => {
  await github.stop();
});

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

function release(cwd: string, repo: string) {
  return runAction({
    action: 'release',
    cwd,
    token: GitHubEmulator.WRITE_TOKEN,
    apiUrl: github.apiUrl,
    event: pushEvent(),
    env: { GITHUB_REPOSITORY: repo, GITHUB_JOB: 'release' },
    inputs: { model: 'model.onnx', 'eval-report': 'eval-report.json' },
  });
}

describe('release refuses a model and report that no step of its job produced', () => {
  it.each([
    ['a report that records no run', undefined],
    ['a report that claims another run', { id: 4242, attempt: 1, job: 'check' }],
  ])('random bytes and a hand-edited report (%s) are refused, pointing at the promotion mode', async (_, run) => {
    const random = seededRandom(2000);
    const bytes = Uint8Array.from({ length: 2000 }, () => Math.floor(random() * 256));
    const cwd = mkdtempSync(join(tmpdir(), 'mlgate-forgery-'));
    writeFileSync(join(cwd, 'model.onnx'), bytes);
    writeFileSync(
      join(cwd, 'eval-report.json'),
      JSON.stringify(
        evalReport({
          candidate: { path: 'model.onnx', sha256: sha256(bytes), metrics: { accuracy: { value: 0.99 } } },
          ...(run ? { run } : {}),
        }),
      ),
    );
    const repo = `acme/forged-${++repoCount}`;
    const result = await release(cwd, repo);
    expect(result.exitCode).toBe(1);
    expect(result.annotations).toHaveLength(1);
    expect(result.annotations[0]!.message).toMatch(
      /^release model-v1\.0\.0 refused: eval-report\.json (records no workflow run|was written by run 4242 attempt 1 job check, not by this job).*set source: check-run and check-workflow/,
    );
    expect(github.releases(repo)).toEqual([]);
  });

  it('a report that evaluate wrote earlier in the same job is released', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'mlgate-same-job-'));
    const features = ['f0', 'f1', 'f2'];
    writeClassificationCsv(join(cwd, 'data.csv'), 300, 3, ['a', 'b'], { flip: 0.05 });
    writeModel(join(cwd, 'model.onnx'), {
      features,
      classes: ['a', 'b'],
      layers: teacherLayers(3, 2, 0.2),
      output: 'softmax',
    });
    const job = { GITHUB_REPOSITORY: `acme/forged-${++repoCount}`, GITHUB_JOB: 'release' };
    const evaluated = await runAction({
      action: 'evaluate',
      cwd,
      env: job,
      inputs: { model: 'model.onnx', baseline: 'none', data: 'data.csv', label: 'label', report: 'eval-report.json' },
    });
    expect(evaluated.exitCode, evaluated.stdout).toBe(0);
    expect(JSON.parse(readFileSync(join(cwd, 'eval-report.json'), 'utf8')).run).toEqual({
      repository: job.GITHUB_REPOSITORY,
      id: 123456,
      attempt: 1,
      job: 'release',
      sha: 'a'.repeat(40),
      url: `https://github.com/${job.GITHUB_REPOSITORY}/actions/runs/123456`,
    });
    const result = await release(cwd, job.GITHUB_REPOSITORY);
    expect(result.exitCode, result.stdout).toBe(0);
    expect(github.releases(job.GITHUB_REPOSITORY).map((r) => r.tag)).toEqual(['model-v1.0.0']);
  });
});
