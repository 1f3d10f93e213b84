import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from '../../src/io/documents.js';
import { dataFolder } from '../support/datasets.js';
import { GitHubEmulator } from '../support/emulator/server.js';
import { pullRequestEvent, pushEvent, REPOSITORY } from '../support/events.js';
import { teacherLayers, writeClassificationCsv, writeModel } from '../support/models.js';
import { runAction } from '../support/run-action.js';

/**
 * On a pull request, the contract and the gate policy are read at the base commit: a pull request cannot loosen
 * the rules it is judged by. The head's version applies only when the base has none (a new file) or when the
 * workflow opts out with rules-from: head; other events read the file as checked out.
 */

const BASE = 'b'.repeat(40);
const HEAD = 'a'.repeat(40);
const CONTRACT = 'columns:\n  id: { type: int, unique: true }\n  temp: { type: float, max: 40 }\n';
/** The head's contract: the range widened so that the bad row passes. */
const LOOSENED_CONTRACT = 'columns:\n  id: { type: int, unique: true }\n  temp: { type: float, max: 100 }\n';
const DATA = 'id,temp\n1,12.5\n2,55\n3,20\n';
const POLICY = 'metrics:\n  accuracy: { max-drop: 0.01 }\n';
/** The head's policy: a tolerance raised so that a worse model passes. */
const LOOSENED_POLICY = 'metrics:\n  accuracy: { max-drop: 0.9 }\n';
const FEATURES = Array.from({ length: 6 }, (_, i) => `f${i}`);

let github: GitHubEmulator;
beforeAll(async () => {
  github = await new GitHubEmulator().start();
});
afterAll(async () => {
  await github.stop();
});

/** Numeric character references back to characters, to read an escaped comment as GitHub shows it. */
function shown(markdown: string): string {
  return markdown.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));
}

function contentRequests(since: number): string[] {
  return github.requests
    .slice(since)
    .filter((r) => r.path.includes('/contents/'))
    .map((r) => `${r.status} ${decodeURIComponent(r.path)}`);
}

async function readDocument(cwd: string, path: string): Promise<any> {
  return (await parseDocument<any>(readFileSync(join(cwd, path), 'utf8'), path)).document;
}

function validate(
  cwd: string,
  options: { event?: { name: string; payload: object }; token?: string; inputs?: Record<string, string> } = {},
) {
  return runAction({
    action: 'validate-data',
    cwd,
    apiUrl: github.apiUrl,
    token: options.token ?? GitHubEmulator.WRITE_TOKEN,
    event: options.event ?? pullRequestEvent(),
    inputs: { data: 'data.csv', contract: 'contract.yml', ...options.inputs },
  });
}

/** A checkout with data, a good model (the baseline) and a worse one (the candidate), and the head's policy. */
function modelProject(policy: string | undefined): string {
  const cwd = mkdtempSync(join(tmpdir(), 'mlgate-base-rules-'));
  writeClassificationCsv(join(cwd, 'data.csv'), 2000, 6, ['a', 'b', 'c'], { flip: 0.1 });
  writeModel(join(cwd, 'good.onnx'), {
    features: FEATURES,
    classes: ['a', 'b', 'c'],
    layers: teacherLayers(6, 3, 0.3),
    output: 'softmax',
  });
  writeModel(join(cwd, 'worse.onnx'), {
    features: FEATURES,
    classes: ['a', 'b', 'c'],
    layers: teacherLayers(6, 3, 2.5),
    output: 'softmax',
  });
  if (policy !== undefined) {
    writeFileSync(join(cwd, 'policy.yml'), policy);
  }
  return cwd;
}

function evaluate(
  cwd: string,
  options: { event?: { name: string; payload: object }; token?: string; inputs?: Record<string, string> } = {},
) {
  return runAction({
    action: 'evaluate',
    cwd,
    apiUrl: github.apiUrl,
    token: options.token ?? GitHubEmulator.WRITE_TOKEN,
    event: options.event ?? pullRequestEvent(),
    inputs: {
      model: 'worse.onnx',
      baseline: 'good.onnx',
      data: 'data.csv',
      label: 'label',
      policy: 'policy.yml',
      bootstrap: '200',
      ...options.inputs,
    },
  });
}

describe("validate-data reads the contract at the pull request's base commit", () => {
  it("judges a pull request that widens a range by the base's contract: it fails, and the report and the comment say so with the diff", async () => {
    const cwd = dataFolder({ 'data.csv': DATA, 'contract.yml': LOOSENED_CONTRACT });
    github.setFile(REPOSITORY, BASE, 'contract.yml', CONTRACT);
    const before = github.requests.length;
    const result = await validate(cwd);
    expect(result.exitCode, result.stdout).toBe(1);
    expect(contentRequests(before)).toEqual([`200 /repos/${REPOSITORY}/contents/contract.yml`]);
    expect(result.annotations.map((a) => a.message)).toContain(
      "This pull request changes the contract contract.yml: the base branch's version (commit bbbbbbb) was applied. The change applies once it is merged.",
    );
    const report = await readDocument(cwd, 'mlgate-reports/validation-report.json');
    expect(report.violations.map((v: any) => [v.column, v.rule])).toEqual([['temp', 'max']]);
    expect(report.contract).toMatchObject({
      path: 'contract.yml',
      applied: 'base',
      base_sha: BASE,
      head_sha: HEAD,
      head_differs: true,
      inferred: false,
    });
    expect(report.contract.sha256).toBe(report.contract.base_sha256);
    expect(report.contract.head_sha256).not.toBe(report.contract.base_sha256);
    expect(report.contract.diff).toBe(
      ' columns:\n   id: { type: int, unique: true }\n-  temp: { type: float, max: 40 }\n+  temp: { type: float, max: 100 }',
    );

    const pr = github.addPullRequest(REPOSITORY, { headSha: HEAD }).number;
    const commented = await runAction({
      action: 'pr-comment',
      apiUrl: github.apiUrl,
      token: GitHubEmulator.WRITE_TOKEN,
      event: pullRequestEvent({ number: pr }),
      inputs: { reports: join(cwd, 'mlgate-reports/validation-report.json') },
    });
    expect(commented.exitCode, commented.stdout).toBe(0);
    const body = github.comments(REPOSITORY, pr)[0]!.body;
    expect(shown(body)).toContain(
      "⚠️ This pull request changes the contract contract.yml: the base branch's version (bbbbbbb) was applied.",
    );
    expect(body).toMatch(
      /<details><summary>This pull request's changes to contract contract&#46;yml \(not applied\)<\/summary>\n\n<pre>\n/,
    );
    expect(shown(body)).toContain('-  temp: { type: float, max: 40 }\n+  temp: { type: float, max: 100 }\n</pre>');
    // Escaped: the diff's text cannot close the block or start Markdown.
    expect(body).toContain('\n&#45;  temp&#58; &#123; type&#58; float, max&#58; 40 &#125;\n');
  });

  it("applies the head's contract when the pull request adds it, and says it is new", async () => {
    const cwd = dataFolder({ 'data.csv': DATA, 'rules/new-contract.yml': CONTRACT });
    const result = await validate(cwd, {
      event: pullRequestEvent({ number: 8 }),
      inputs: { contract: 'rules/new-contract.yml' },
    });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(
      'rules/new-contract.yml is new in this pull request (the base commit bbbbbbb has no such file)',
    );
    const report = await readDocument(cwd, 'mlgate-reports/validation-report.json');
    expect(report.contract).toMatchObject({
      path: 'rules/new-contract.yml',
      applied: 'head',
      new_in_pull_request: true,
      base_sha: BASE,
    });
    expect(report.contract.head_differs).toBeUndefined();

    const pr = github.addPullRequest(REPOSITORY, { headSha: HEAD }).number;
    await runAction({
      action: 'pr-comment',
      apiUrl: github.apiUrl,
      token: GitHubEmulator.WRITE_TOKEN,
      event: pullRequestEvent({ number: pr }),
      inputs: { reports: join(cwd, 'mlgate-reports/validation-report.json') },
    });
    expect(shown(github.comments(REPOSITORY, pr)[0]!.body)).toContain(
      'ℹ️ The contract rules/new-contract.yml is new in this pull request: its version was applied, as the base branch has none.',
    );
  });

  it("with rules-from: head applies the pull request's own contract without asking GitHub", async () => {
    const cwd = dataFolder({ 'data.csv': DATA, 'contract.yml': LOOSENED_CONTRACT });
    github.setFile(REPOSITORY, BASE, 'contract.yml', CONTRACT);
    const before = github.requests.length;
    const result = await validate(cwd, { inputs: { 'rules-from': 'head' } });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(contentRequests(before)).toEqual([]);
    expect((await readDocument(cwd, 'mlgate-reports/validation-report.json')).contract).toMatchObject({
      path: 'contract.yml',
      applied: 'head',
      base_sha: BASE,
    });
  });

  it('on a push reads the contract as checked out, as before', async () => {
    const cwd = dataFolder({ 'data.csv': DATA, 'contract.yml': LOOSENED_CONTRACT });
    const before = github.requests.length;
    const result = await validate(cwd, { event: pushEvent() });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(contentRequests(before)).toEqual([]);
    const report = await readDocument(cwd, 'mlgate-reports/validation-report.json');
    expect(report.contract.applied).toBeUndefined();
    expect(report.contract.path).toBe('contract.yml');
  });

  it("works on a fork's pull request with its read-only token", async () => {
    const cwd = dataFolder({ 'data.csv': DATA, 'contract.yml': LOOSENED_CONTRACT });
    github.setFile(REPOSITORY, BASE, 'contract.yml', CONTRACT);
    const result = await validate(cwd, {
      token: GitHubEmulator.READ_TOKEN,
      event: pullRequestEvent({ number: 9, headRepo: 'mallory/models' }),
    });
    expect(result.exitCode, result.stdout).toBe(1);
    expect((await readDocument(cwd, 'mlgate-reports/validation-report.json')).contract).toMatchObject({
      applied: 'base',
      head_differs: true,
    });
  });

  it('reads a contract in a sub-folder by its repository path, and refuses one outside the repository', async () => {
    const cwd = dataFolder({ 'data.csv': DATA, 'config/contract.yml': LOOSENED_CONTRACT });
    github.setFile(REPOSITORY, BASE, 'config/contract.yml', CONTRACT);
    const before = github.requests.length;
    expect((await validate(cwd, { inputs: { contract: './config/../config/contract.yml' } })).exitCode).toBe(1);
    expect(contentRequests(before)).toEqual([`200 /repos/${REPOSITORY}/contents/config/contract.yml`]);
    const outside = await validate(cwd, { inputs: { contract: '../contract.yml' } });
    expect(outside.exitCode).toBe(1);
    expect(outside.annotations.map((a) => a.message)).toEqual([
      expect.stringMatching(
        /^input "contract" \.\.\/contract\.yml is outside the repository \(.+\): on a pull request the contract is read at the base commit by its path in the repository; move it into the repository, or set input "rules-from" to head$/,
      ),
    ]);
  });

  it("in shards: each shard reads the base's contract, and the merged report says the pull request changes it", async () => {
    const cwd = dataFolder({ 'data.csv': DATA, 'contract.yml': LOOSENED_CONTRACT });
    github.setFile(REPOSITORY, BASE, 'contract.yml', CONTRACT);
    for (const shard of ['1/2', '2/2']) {
      const part = await validate(cwd, { inputs: { shard, partial: `part-${shard[0]}.json` } });
      expect(part.exitCode, part.stdout).toBe(0);
    }
    const merged = await validate(cwd, { inputs: { data: '', merge: 'part-*.json' } });
    expect(merged.exitCode, merged.stdout).toBe(1);
    const report = await readDocument(cwd, 'mlgate-reports/validation-report.json');
    expect(report.violations.map((v: any) => [v.column, v.rule])).toEqual([['temp', 'max']]);
    expect(report.contract).toMatchObject({
      path: 'contract.yml',
      applied: 'base',
      head_differs: true,
      diff: expect.stringContaining('+  temp: { type: float, max: 100 }'),
    });
  });

  it.each([
    [
      'no token',
      { 'github-token': '' },
      /^input "contract" contract\.yml: on a pull request the contract is read at the base commit bbbbbbb, which needs input "github-token" \(contents: read\) and GITHUB_REPOSITORY; give a token, or set input "rules-from" to head$/,
    ],
    ['a wrong rules-from', { 'rules-from': 'merge' }, /^input "rules-from" must be one of base, head \(got "merge"\)$/],
  ])('%s: one error line saying how to fix it', async (_, inputs, message) => {
    const cwd = dataFolder({ 'data.csv': DATA, 'contract.yml': CONTRACT });
    const result = await validate(cwd, { inputs });
    expect(result.exitCode).toBe(1);
    expect(result.annotations.map((a) => a.message)).toEqual([expect.stringMatching(message)]);
  });
});

describe("evaluate reads the gate policy at the pull request's base commit", () => {
  it("judges a pull request that raises a tolerance by the base's policy: the worse model fails, and the report and the comment say so with the diff", async () => {
    const cwd = modelProject(LOOSENED_POLICY);
    github.setFile(REPOSITORY, BASE, 'policy.yml', POLICY);
    const result = await evaluate(cwd);
    expect(result.exitCode, result.stdout).toBe(1);
    expect(result.annotations.map((a) => a.message)).toContain(
      "This pull request changes the policy policy.yml: the base branch's version (commit bbbbbbb) was applied. The change applies once it is merged.",
    );
    const report = await readDocument(cwd, 'mlgate-reports/eval-report.json');
    expect(report.gate.passed).toBe(false);
    expect(report.gate.checks.find((c: any) => c.metric === 'accuracy' && c.rule === 'max-drop')).toMatchObject({
      threshold: 0.01,
      passed: false,
    });
    expect(report.policy).toMatchObject({
      path: 'policy.yml',
      applied: 'base',
      base_sha: BASE,
      head_sha: HEAD,
      head_differs: true,
      diff: ' metrics:\n-  accuracy: { max-drop: 0.01 }\n+  accuracy: { max-drop: 0.9 }',
    });

    const pr = github.addPullRequest(REPOSITORY, { headSha: HEAD }).number;
    const commented = await runAction({
      action: 'pr-comment',
      apiUrl: github.apiUrl,
      token: GitHubEmulator.WRITE_TOKEN,
      event: pullRequestEvent({ number: pr }),
      inputs: { reports: join(cwd, 'mlgate-reports/eval-report.json') },
    });
    expect(commented.exitCode, commented.stdout).toBe(0);
    const body = shown(github.comments(REPOSITORY, pr)[0]!.body);
    expect(body).toContain(
      "⚠️ This pull request changes the gate policy policy.yml: the base branch's version (bbbbbbb) was applied.",
    );
    expect(body).toContain(
      "<details><summary>This pull request's changes to gate policy policy.yml (not applied)</summary>",
    );
    expect(body).toContain('-  accuracy: { max-drop: 0.01 }\n+  accuracy: { max-drop: 0.9 }');
  });

  it("applies the base's policy when the pull request deletes it", async () => {
    const cwd = modelProject(undefined);
    github.setFile(REPOSITORY, BASE, 'policy.yml', POLICY);
    const result = await evaluate(cwd, {
      token: GitHubEmulator.READ_TOKEN,
      event: pullRequestEvent({ headRepo: 'mallory/models' }),
    });
    expect(result.exitCode, result.stdout).toBe(1);
    const report = await readDocument(cwd, 'mlgate-reports/eval-report.json');
    expect(report.policy).toMatchObject({
      applied: 'base',
      head_differs: true,
      diff: '-metrics:\n-  accuracy: { max-drop: 0.01 }',
    });
    expect(report.policy.head_sha256).toBeUndefined();
    expect(result.annotations.map((a) => a.message)).toContain(
      "This pull request deletes the policy policy.yml: the base branch's version (commit bbbbbbb) was applied. The change applies once it is merged.",
    );
  });

  it('with rules-from: head, and on a push, applies the policy as checked out', async () => {
    const cwd = modelProject(LOOSENED_POLICY);
    github.setFile(REPOSITORY, BASE, 'policy.yml', POLICY);
    const before = github.requests.length;
    const optedOut = await evaluate(cwd, { inputs: { 'rules-from': 'head' } });
    expect(optedOut.exitCode, optedOut.stdout).toBe(0);
    expect((await readDocument(cwd, 'mlgate-reports/eval-report.json')).policy).toMatchObject({
      applied: 'head',
      base_sha: BASE,
    });
    const pushed = await evaluate(cwd, { event: pushEvent() });
    expect(pushed.exitCode, pushed.stdout).toBe(0);
    expect((await readDocument(cwd, 'mlgate-reports/eval-report.json')).policy.applied).toBeUndefined();
    expect(contentRequests(before)).toEqual([]);
  });
});
