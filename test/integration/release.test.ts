import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitHubEmulator } from '../support/emulator/server.js';
import { pushEvent } from '../support/events.js';
import { seededRandom, tinyModel } from '../support/models.js';
import { evalReport, validationReport } from '../support/reports.js';
import { runAction } from '../support/run-action.js';
import { runCli } from '../support/run-cli.js';

let github: GitHubEmulator;
let repoCount = 0;
beforeAll(async () => {
  github = await new GitHubEmulator().start();
});
afterAll(async () => {
  await github.stop();
});

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** The job the harness runs a step in (GITHUB_RUN_ID, GITHUB_RUN_ATTEMPT, GITHUB_JOB), as evaluate records it. */
const THIS_JOB = { id: 123456, attempt: 1, job: 'check' };

/**
 * A workspace with a model and the eval-report evaluate wrote for it in this job (whose candidate hash matches
 * unless told otherwise).
 */
function workspace(
  modelBytes: Buffer | string = tinyModel(1),
  overrides: Parameters<typeof evalReport>[0] = {},
): string {
  const cwd = mkdtempSync(join(tmpdir(), 'mlgate-release-'));
  writeFileSync(join(cwd, 'model.onnx'), modelBytes);
  const report = evalReport({
    candidate: {
      path: 'model.onnx',
      sha256: sha256(modelBytes),
      metrics: { accuracy: { value: 0.81, ci_low: 0.79, ci_high: 0.83 } },
    },
    run: THIS_JOB,
    ...overrides,
  });
  writeFileSync(join(cwd, 'eval-report.json'), JSON.stringify(report));
  writeFileSync(join(cwd, 'contract.yml'), 'columns:\n  x: { type: float }\n');
  return cwd;
}

/** Each test publishes into a repository of its own. */
function repository(): string {
  return `acme/models-${++repoCount}`;
}

function release(cwd: string, repo: string, inputs: Record<string, string> = {}) {
  return runAction({
    action: 'release',
    cwd,
    token: GitHubEmulator.WRITE_TOKEN,
    apiUrl: github.apiUrl,
    event: pushEvent(),
    env: { GITHUB_REPOSITORY: repo },
    inputs: { model: 'model.onnx', 'eval-report': 'eval-report.json', contract: 'contract.yml', ...inputs },
  });
}

/** The one release of a repository, checked for completeness: published, every asset, SHA256SUMS right. */
function onlyRelease(repo: string) {
  const releases = github.releases(repo);
  expect(releases).toHaveLength(1);
  const r = releases[0]!;
  expect(r.draft).toBe(false);
  const names = r.assets.map((a) => a.name).sort();
  expect(names).toEqual(['SHA256SUMS', 'contract.yml', 'eval-report.json', 'model-card.md', 'model.onnx']);
  const sums = r.assets.find((a) => a.name === 'SHA256SUMS')!.data.toString('utf8');
  for (const asset of r.assets.filter((a) => a.name !== 'SHA256SUMS'))
    expect(sums).toContain(`${sha256(asset.data)}  ${asset.name}\n`);
  return r;
}

describe('release action (dist bundle against the GitHub emulator)', () => {
  it('publishes the first release with every asset, and a re-run changes nothing', async () => {
    const cwd = workspace();
    const repo = repository();
    const first = await release(cwd, repo);
    expect(first.exitCode, first.stdout).toBe(0);
    expect(first.outputs).toMatchObject({ tag: 'model-v1.0.0', version: '1.0.0' });
    expect(JSON.parse(first.outputs.assets!).map((a: { name: string }) => a.name)).toEqual([
      'model.onnx',
      'model-card.md',
      'eval-report.json',
      'contract.yml',
      'SHA256SUMS',
    ]);
    const r = onlyRelease(repo);
    expect(r.latest).toBe(true);
    expect(r.assets.find((a) => a.name === 'model.onnx')!.data.equals(tinyModel(1))).toBe(true);
    expect(first.summary).toContain('mlgate release');

    const again = await release(cwd, repo);
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain('model-v1.0.0: already published: nothing to do');
    onlyRelease(repo);
  });

  it('bumps the version from the latest mlgate release for a new model', async () => {
    const repo = repository();
    await release(workspace(tinyModel(1)), repo);
    const second = await release(workspace(tinyModel(2)), repo, { bump: 'minor' });
    expect(second.exitCode, second.stdout).toBe(0);
    expect(second.outputs.tag).toBe('model-v1.1.0');
    const card = github
      .releases(repo)
      .find((r) => r.tag === 'model-v1.1.0')!
      .assets.find((a) => a.name === 'model-card.md')!
      .data.toString();
    expect(card).toContain(`| SHA-256 | ${sha256(tinyModel(2))} |`);
  });

  it.each([
    [
      'a failed gate',
      workspace(tinyModel(3), {
        gate: {
          passed: false,
          checks: [
            {
              metric: 'accuracy',
              rule: 'max-drop',
              passed: false,
              reason: 'accuracy fell by 0.05, more than the 0.02 allowed',
            },
          ],
        },
      }),
      /release model-v1\.0\.0 refused: eval-report\.json: the evaluation gate failed \(accuracy fell by 0\.05, more than the 0\.02 allowed\)/,
    ],
    [
      'a model that is not the evaluated one',
      (() => {
        const cwd = workspace(tinyModel(4));
        writeFileSync(join(cwd, 'model.onnx'), tinyModel(5));
        return cwd;
      })(),
      /model\.onnx has SHA-256 [0-9a-f]{12}… but the evaluated candidate had [0-9a-f]{12}…; release the model that was evaluated/,
    ],
    [
      'an eval-report another job wrote',
      workspace(tinyModel(6), { run: { id: 99, attempt: 1, job: 'evaluate' } }),
      /eval-report\.json was written by run 99 attempt 1 job evaluate, not by this job \(run 123456 attempt 1 job check\); evaluate the model in this job, or to release what a pull request's check run evaluated, set source: check-run/,
    ],
    [
      'an eval-report of an earlier attempt of this run',
      workspace(tinyModel(7), { run: { ...THIS_JOB, attempt: 0 } }),
      /was written by run 123456 attempt 0 job check, not by this job/,
    ],
    [
      'data that broke its contract',
      (() => {
        const cwd = workspace(tinyModel(8));
        writeFileSync(join(cwd, 'validation-report.json'), JSON.stringify(validationReport()));
        return cwd;
      })(),
      /validation-report\.json: the data broke its contract \(1 errors\)/,
    ],
  ])('refuses %s with one line saying which check failed, and publishes nothing', async (_, cwd, message) => {
    const repo = repository();
    const given: Record<string, string> = existsSync(join(cwd, 'validation-report.json'))
      ? { 'validation-report': 'validation-report.json' }
      : {};
    const result = await release(cwd, repo, given);
    expect(result.exitCode).toBe(1);
    expect(result.annotations).toHaveLength(1);
    expect(result.annotations[0]!.message).toMatch(message);
    expect(github.releases(repo)).toEqual([]);
  });

  it('fills a model card template, and names a missing one in one line', async () => {
    const cwd = workspace();
    writeFileSync(join(cwd, 'card.md'), '# Weather model\n\nOwned by the forecasting team.\n\n{{card}}');
    const repo = repository();
    const result = await release(cwd, repo, { 'model-card-template': 'card.md' });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(
      github
        .releases(repo)[0]!
        .assets.find((a) => a.name === 'model-card.md')!
        .data.toString(),
    ).toMatch(/^# Weather model\n\nOwned by the forecasting team\.\n\n# Model card: model&#45;v1&#46;0&#46;0/);
    const missing = await release(workspace(), repository(), { 'model-card-template': 'nope.md' });
    expect(missing.exitCode).toBe(1);
    expect(missing.annotations[0]!.message).toBe(
      'nope.md: model card template not found; check the model-card-template input',
    );
  });

  it("puts the team's intended use and limitations in the card (model-card-sections), and names a missing file in one line", async () => {
    const cwd = workspace();
    writeFileSync(
      join(cwd, 'use.md'),
      '## Intended use\n\nDaily rain alerts for the ops team.\n\n## Limitations\n\nNot evaluated on snowfall.\n',
    );
    const repo = repository();
    const result = await release(cwd, repo, { 'model-card-sections': 'use.md' });
    expect(result.exitCode, result.stdout).toBe(0);
    const card = github
      .releases(repo)[0]!
      .assets.find((a) => a.name === 'model-card.md')!
      .data.toString();
    expect(card).toContain(
      '## Intended use\n\nDaily rain alerts for the ops team.\n\n## Limitations\n\nNot evaluated on snowfall.',
    );
    expect(card).not.toContain('For the team to fill in');
    // Features and types from the contract.
    expect(card).toContain('| 1 | x | float |');
    const missing = await release(workspace(), repository(), { 'model-card-sections': 'nope.md' });
    expect(missing.exitCode).toBe(1);
    expect(missing.annotations[0]!.message).toBe(
      'nope.md: model card sections not found; check the model-card-sections input',
    );
  });

  it('refuses a model of 2 GiB or more before reading it', async () => {
    const cwd = workspace();
    truncateSync(join(cwd, 'model.onnx'), 2 * 1024 * 1024 * 1024);
    const result = await release(cwd, repository());
    expect(result.exitCode).toBe(1);
    expect(result.annotations[0]!.message).toMatch(
      /^model\.onnx is 2147483648 bytes; GitHub release assets must be under 2 GiB/,
    );
  });

  it.each<[string, { method: string; path: RegExp; skip?: number }]>([
    ['creating the draft', { method: 'POST', path: /\/releases$/ }],
    ['uploading the model', { method: 'POST', path: /\/releases\/\d+\/assets$/ }],
    ['uploading SHA256SUMS (the last asset)', { method: 'POST', path: /\/releases\/\d+\/assets$/, skip: 4 }],
    ['publishing', { method: 'PATCH', path: /\/releases\/\d+$/ }],
  ])(
    'a run that fails at %s leaves no published release with assets missing, and a re-run finishes it',
    async (_, step) => {
      const cwd = workspace();
      const repo = repository();
      // Let the earlier requests through, then fail this one without a retry.
      github.injectFault({ method: step.method, path: step.path, kind: '400', times: 1, after: step.skip ?? 0 });
      const failed = await release(cwd, repo);
      expect(failed.exitCode).toBe(1);
      expect(github.releases(repo).filter((r) => !r.draft)).toEqual([]);
      const rerun = await release(cwd, repo);
      expect(rerun.exitCode, rerun.stdout).toBe(0);
      onlyRelease(repo);
    },
  );

  it('recovers from an upload that arrived but whose answer was lost (the retry meets already_exists)', async () => {
    const repo = repository();
    github.injectFault({ method: 'POST', path: /\/releases\/\d+\/assets$/, kind: 'reset-after' });
    const result = await release(workspace(), repo);
    expect(result.exitCode, result.stdout).toBe(0);
    expect(github.pendingFaults()).toBe(0);
    onlyRelease(repo);
  });

  it('two runs for the same model at once end with one release', async () => {
    const repo = repository();
    const cwd = workspace();
    const results = await Promise.all([release(cwd, repo), release(cwd, repo)]);
    for (const r of results) expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    onlyRelease(repo);
  });

  it('with attest but no id-token, publishes and notes that the attestation was skipped', async () => {
    const result = await release(workspace(), repository(), { attest: 'true' });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.outputs.attestation).toBe('');
    expect(result.summary).toContain('provenance attestation skipped&#58; the job has no id&#45;token');
  });

  it('refuses a model onnxruntime cannot load, before anything is published', async () => {
    const random = seededRandom(11);
    const garbage = Buffer.from(Array.from({ length: 2000 }, () => Math.floor(random() * 256)));
    const repo = repository();
    const result = await release(workspace(garbage), repo);
    expect(result.exitCode).toBe(1);
    expect(result.annotations).toHaveLength(1);
    expect(result.annotations[0]!.message).toMatch(
      /^model\.onnx: (not an ONNX model|onnxruntime [\d.]+ cannot load the model)/,
    );
    expect(github.releases(repo)).toEqual([]);
  });

  it('requires the label on the pull request of the commit when asked', async () => {
    const repo = repository();
    // The commit being released (GITHUB_SHA) came from this pull request.
    github.addPullRequest(repo, { headSha: 'a'.repeat(40), labels: ['reviewed'] });
    const refused = await release(workspace(), repo, { 'require-label': 'approved-model' });
    expect(refused.exitCode).toBe(1);
    expect(refused.annotations[0]!.message).toContain('the pull request lacks the label approved-model');
    const accepted = await release(workspace(), repo, { 'require-label': 'reviewed' });
    expect(accepted.exitCode, accepted.stdout).toBe(0);
  });
});

describe('mlgate release --dry-run', () => {
  it('writes the files of the release into a folder, with checksums', async () => {
    const cwd = workspace();
    // Outside a workflow run there is no job to compare the report with: the person running it answers for it.
    const result = await runCli(
      ['release', '--model', 'model.onnx', '--eval-report', 'eval-report.json', '--dry-run', 'out/release'],
      { cwd },
    );
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toBe('model-v1.0.0: dry run: the files of the release are in out/release\n');
    const sums = readFileSync(join(cwd, 'out/release/SHA256SUMS'), 'utf8');
    expect(sums).toContain(`${sha256(tinyModel(1))}  model.onnx\n`);
    expect(readFileSync(join(cwd, 'out/release/model-card.md'), 'utf8')).toMatch(
      /^# Model card: model&#45;v1&#46;0&#46;0/,
    );
  });
});
