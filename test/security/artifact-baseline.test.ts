import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitHubEmulator } from '../support/emulator/server.js';
import { pullRequestEvent, REPOSITORY } from '../support/events.js';
import { teacherLayers, writeClassificationCsv, writeModel } from '../support/models.js';
import { runAction } from '../support/run-action.js';

const FEATURES = Array.from({ length: 4 }, (_, i) => `f${i}`);
const CLASSES = ['a', 'b'];

let github: GitHubEmulator;
let cwd: string;
/** A model that loses to everything: as a baseline, any candidate passes a "no worse than the baseline" gate. */
let weak: Uint8Array;

beforeAll(async () => {
  github = await new GitHubEmulator().start();
  cwd = mkdtempSync(join(tmpdir(), 'mlgate-artifact-baseline-'));
  writeClassificationCsv(join(cwd, 'data.csv'), 400, 4, CLASSES, { flip: 0.1 });
  writeModel(join(cwd, 'model.onnx'), {
    features: FEATURES,
    classes: CLASSES,
    layers: teacherLayers(4, 2, 0.3),
    output: 'softmax',
  });
  weak = new Uint8Array(
    readFileSync(
      writeModel(join(cwd, 'weak.onnx'), {
        features: FEATURES,
        classes: CLASSES,
        layers: teacherLayers(4, 2, 5),
        output: 'softmax',
      }),
    ),
  );
});
afterAll(async () => {
  await github.stop();
});

/** Evaluates model.onnx against artifact:<runId>/mlgate-model in a pull request's run (#7, acme/models:feature). */
function evaluate(
  runId: number,
  event: { name: string; payload: object } = pullRequestEvent({ number: 7, headRef: 'feature' }),
) {
  return runAction({
    action: 'evaluate',
    cwd,
    event,
    token: GitHubEmulator.READ_TOKEN,
    apiUrl: github.apiUrl,
    inputs: { model: 'model.onnx', baseline: `artifact:${runId}/mlgate-model`, data: 'data.csv', label: 'label' },
  });
}

function addRunWithModel(run: Parameters<GitHubEmulator['addRun']>[1]): void {
  github.addRun(REPOSITORY, run);
  github.addArtifact(REPOSITORY, run.id, 'mlgate-model', zipSync({ 'model.onnx': weak }));
}

const downloads = (runId: number) =>
  github.requests.filter((r) => r.path.includes(`/actions/runs/${runId}/artifacts`)).length;

describe('evaluate takes artifact: baselines only from trusted runs (dist bundle)', () => {
  it("refuses the artifact of a fork's run, before downloading it", async () => {
    // A fork's pull request whose head branch is named like the default branch: its run is no run of main.
    addRunWithModel({ id: 6601, event: 'pull_request', headBranch: 'main', headRepo: 'mallory/models' });
    const result = await evaluate(6601);
    expect(result.exitCode).toBe(1);
    expect(result.annotations.at(-1)!.message).toBe(
      'input "baseline" artifact:6601/mlgate-model: workflow run 6601 is a pull_request run of mallory/models:main; a baseline artifact is taken only from runs of main in acme/models (push, schedule or workflow_dispatch) or of this pull request (#7, acme/models:feature), so that no other branch or fork supplies the model to beat',
    );
    expect(downloads(6601)).toBe(0);
  });

  it("refuses a run of another branch of the repository, and a pull request's run outside that pull request", async () => {
    addRunWithModel({ id: 6602, event: 'pull_request', headBranch: 'other-feature' });
    expect((await evaluate(6602)).annotations.at(-1)!.message).toMatch(
      /^input "baseline" artifact:6602\/mlgate-model: workflow run 6602 is a pull_request run of acme\/models:other-feature; a baseline artifact is taken only from/,
    );
    addRunWithModel({ id: 6603, event: 'pull_request', headBranch: 'feature' });
    const onPush = await evaluate(6603, { name: 'push', payload: {} });
    expect(onPush.annotations.at(-1)!.message).toMatch(
      /^input "baseline" artifact:6603\/mlgate-model: workflow run 6603 is a pull_request run of acme\/models:feature; a baseline artifact is taken only from runs of main in acme\/models \(push, schedule or workflow_dispatch\), so that/,
    );
  });

  it('takes the artifact of a default-branch run, and of a run of the same pull request', async () => {
    addRunWithModel({ id: 6604, event: 'push', headBranch: 'main' });
    const main = await evaluate(6604);
    expect(main.exitCode, main.stdout + main.stderr).toBe(0);
    expect(main.stdout).toContain('Baseline: model.onnx from artifact mlgate-model of run 6604');
    addRunWithModel({ id: 6605, event: 'pull_request', headBranch: 'feature' });
    const same = await evaluate(6605);
    expect(same.exitCode, same.stdout + same.stderr).toBe(0);
  });
});
