import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataFolder } from '../support/datasets.js';
import { GitHubEmulator } from '../support/emulator/server.js';
import { pullRequestEvent, REPOSITORY } from '../support/events.js';
import { teacherLayers, writeClassificationCsv, writeModel } from '../support/models.js';
import { runAction } from '../support/run-action.js';

/**
 * A pull request must not be judged by rules it wrote itself. Before, validate-data and evaluate read the contract
 * and the gate policy from the pull request's own checkout: a pull request that widened a range or raised a
 * tolerance passed its own check. Now the base commit's versions apply, read through the contents API.
 */
const BASE = 'b'.repeat(40);
const DATA = 'id,temp\n1,12.5\n2,55\n3,20\n';
const CONTRACT = 'columns:\n  id: { type: int, unique: true }\n  temp: { type: float, max: 40 }\n';
const FEATURES = Array.from({ length: 6 }, (_, i) => `f${i}`);

let github: GitHubEmulator;
beforeAll(async () => {
  github = await new GitHubEmulator().start();
  github.setFile(REPOSITORY, BASE, 'contract.yml', CONTRACT);
  github.setFile(REPOSITORY, BASE, '.github/mlgate-policy.yml', 'metrics:\n  accuracy: { max-drop: 0.01 }\n');
});
afterAll(async () => {
  await github.stop();
});

const asTarget = (event: ReturnType<typeof pullRequestEvent>) => ({ ...event, name: 'pull_request_target' });

describe('a pull request that loosens the rules it is judged by', () => {
  it.each([
    [
      'widens a range',
      'columns:\n  id: { type: int, unique: true }\n  temp: { type: float, max: 1000 }\n',
      pullRequestEvent(),
    ],
    ['drops the rule', 'columns:\n  id: { type: int, unique: true }\n  temp: { type: float }\n', pullRequestEvent()],
    [
      'widens a range, from a fork (read-only token)',
      'columns:\n  id: { type: int }\n  temp: { type: float, max: 1000 }\n',
      pullRequestEvent({ headRepo: 'mallory/models' }),
    ],
    [
      'widens a range, on pull_request_target',
      'columns:\n  id: { type: int }\n  temp: { type: float, max: 1000 }\n',
      asTarget(pullRequestEvent()),
    ],
  ])("in the contract (%s): the base's contract applies and the data fails", async (_, loosened, event) => {
    const cwd = dataFolder({ 'data.csv': DATA, 'contract.yml': loosened });
    const fork = JSON.stringify(event).includes('mallory/models');
    const result = await runAction({
      action: 'validate-data',
      cwd,
      apiUrl: github.apiUrl,
      token: fork ? GitHubEmulator.READ_TOKEN : GitHubEmulator.WRITE_TOKEN,
      event,
      inputs: { data: 'data.csv', contract: 'contract.yml' },
    });
    expect(result.exitCode, result.stdout).toBe(1);
    expect(result.outputs.passed).toBe('false');
    expect(JSON.parse(readFileSync(join(cwd, 'mlgate-reports/validation-report.json'), 'utf8')).contract).toMatchObject(
      { applied: 'base', head_differs: true },
    );
  });

  it("in the gate policy (raises a tolerance): the base's policy applies and the worse model fails", async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'mlgate-loosened-'));
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
    mkdirSync(join(cwd, '.github'));
    writeFileSync(join(cwd, '.github/mlgate-policy.yml'), 'metrics:\n  accuracy: { max-drop: 1 }\n');
    const result = await runAction({
      action: 'evaluate',
      cwd,
      apiUrl: github.apiUrl,
      token: GitHubEmulator.WRITE_TOKEN,
      event: pullRequestEvent(),
      inputs: {
        model: 'worse.onnx',
        baseline: 'good.onnx',
        data: 'data.csv',
        label: 'label',
        policy: '.github/mlgate-policy.yml',
        bootstrap: '200',
      },
    });
    expect(result.exitCode, result.stdout).toBe(1);
    expect(result.outputs.passed).toBe('false');
    expect(result.annotations.at(-1)!.message).toMatch(/^The evaluation gate failed: accuracy/);
  });

  it('cannot break out of the comment through the diff of its change', async () => {
    const hostile = `${CONTRACT}# </pre></details>@everyone [win](https://evil.example) <img src=x onerror=alert(1)>\n`;
    const cwd = dataFolder({ 'data.csv': DATA, 'contract.yml': hostile });
    await runAction({
      action: 'validate-data',
      cwd,
      apiUrl: github.apiUrl,
      token: GitHubEmulator.WRITE_TOKEN,
      event: pullRequestEvent(),
      inputs: { data: 'data.csv', contract: 'contract.yml' },
    });
    const pr = github.addPullRequest(REPOSITORY, { headSha: 'a'.repeat(40) }).number;
    await runAction({
      action: 'pr-comment',
      apiUrl: github.apiUrl,
      token: GitHubEmulator.WRITE_TOKEN,
      event: pullRequestEvent({ number: pr }),
      inputs: { reports: join(cwd, 'mlgate-reports/validation-report.json') },
    });
    const body = github.comments(REPOSITORY, pr)[0]!.body;
    expect(body).toContain('&#43;&#35; &#60;/pre&#62;&#60;/details&#62;&#64;everyone');
    expect(body).not.toMatch(/@everyone|<img|\]\(https:\/\/evil|<\/pre><\/details>/);
    expect(body.match(/<details>/g)!.length).toBe(body.match(/<\/details>/g)!.length);
  });
});
