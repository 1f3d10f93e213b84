import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from '../../src/io/documents.js';
import { writePipelineProject } from '../support/converter-models.js';
import { GitHubEmulator } from '../support/emulator/server.js';
import { pullRequestEvent, REPOSITORY } from '../support/events.js';
import { seededRandom, teacherLayers, writeClassificationCsv, writeModel } from '../support/models.js';
import { runAction } from '../support/run-action.js';
import { writeGraphModel } from '../../src/io/onnx/model-writer.js';

const FEATURES = Array.from({ length: 6 }, (_, i) => `f${i}`);
const CLASSES = ['a', 'b', 'c'];

/** data.csv (3,000 rows labelled by the teacher), a good model of all six features and a worse one of five. */
function project(): string {
  const cwd = mkdtempSync(join(tmpdir(), 'mlgate-importance-'));
  writeClassificationCsv(join(cwd, 'data.csv'), 3000, 6, CLASSES, { flip: 0.1 });
  writeModel(join(cwd, 'good.onnx'), {
    features: FEATURES,
    classes: CLASSES,
    layers: teacherLayers(6, 3, 0.3),
    output: 'softmax',
  });
  writeModel(join(cwd, 'five.onnx'), {
    features: FEATURES.slice(0, 5),
    classes: CLASSES,
    layers: teacherLayers(5, 3, 1.5),
    output: 'softmax',
  });
  return cwd;
}

async function readReport(cwd: string) {
  const path = 'mlgate-reports/eval-report.json';
  return (await parseDocument<any>(readFileSync(join(cwd, path), 'utf8'), path)).document;
}

const inputs = { model: 'good.onnx', baseline: 'five.onnx', data: 'data.csv', label: 'label' };

let github: GitHubEmulator;
beforeAll(async () => {
  github = await new GitHubEmulator().start();
});
afterAll(async () => {
  await github.stop();
});

describe('evaluate permutation importance (dist bundle)', () => {
  it('measures both models on the same shuffles of every row when the sample holds them all, and reports it', async () => {
    const cwd = project();
    const result = await runAction({
      action: 'evaluate',
      cwd,
      inputs: { ...inputs, 'permutation-importance': 'true', 'importance-rows': '5000', 'importance-repeats': '3' },
    });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      /Permutation importance \(in [\d.]+ s\): 3000 sampled rows, 6 features × 3 repeats, both models on the same shuffles/,
    );
    const report = await readReport(cwd);
    const importance = report.permutation_importance;
    expect([importance.rows, importance.repeats, importance.seed, importance.score]).toEqual([
      3000,
      3,
      20240101,
      'accuracy',
    ]);
    // Every row in the sample: its scores are the models' accuracy on the whole data, row for row.
    expect(importance.candidate_score).toBeCloseTo(report.candidate.metrics.accuracy.value, 12);
    expect(importance.baseline_score).toBeCloseTo(report.baseline.metrics.accuracy.value, 12);
    const byName = Object.fromEntries(importance.features.map((f: any) => [f.feature, f]));
    expect(Object.keys(byName).sort()).toEqual(FEATURES);
    expect(byName.f5.baseline).toBeNull();
    // The teacher labels by every feature: shuffling any of them costs the good model accuracy.
    for (const name of FEATURES) expect(byName[name].candidate.mean, name).toBeGreaterThan(0.02);
    const larger = importance.features.map((f: any) => Math.max(f.candidate?.mean ?? -1, f.baseline?.mean ?? -1));
    expect(larger).toEqual([...larger].sort((a, b) => b - a));
    expect(result.summary).toContain('<summary>Feature importance (permutation, 3,000 rows, 3 repeats)</summary>');
    expect(result.summary).toMatch(/\| f5 \| [\d.]+ ± [\d.]+ \| n\/a \(not an input\) \| n\/a \|/);
  }, 120_000);

  it('folds the table into the pull-request comment', async () => {
    const cwd = project();
    const evaluated = await runAction({
      action: 'evaluate',
      cwd,
      inputs: { ...inputs, 'permutation-importance': 'true', 'importance-repeats': '2' },
    });
    expect(evaluated.exitCode, evaluated.stdout + evaluated.stderr).toBe(0);
    const pr = github.addPullRequest(REPOSITORY, { headSha: 'e'.repeat(40) }).number;
    const commented = await runAction({
      action: 'pr-comment',
      inputs: { reports: join(cwd, 'mlgate-reports', 'eval-report.json') },
      token: GitHubEmulator.WRITE_TOKEN,
      apiUrl: github.apiUrl,
      event: pullRequestEvent({ number: pr }),
    });
    expect(commented.exitCode, commented.stdout + commented.stderr).toBe(0);
    const body = github.comments(REPOSITORY, pr)[0]!.body;
    expect(body).toContain(
      '<details><summary>Feature importance (permutation, 3,000 rows, 2 repeats)</summary>\n\nThe drop in accuracy',
    );
    expect(body).toContain('| Feature | Candidate | Baseline | Change |');
  }, 120_000);

  it('samples importance-rows of the rows, and gives the same numbers again for the same seed', async () => {
    const cwd = project();
    const run = async () => {
      const result = await runAction({
        action: 'evaluate',
        cwd,
        inputs: { ...inputs, 'permutation-importance': 'true', 'importance-rows': '1000' },
      });
      expect(result.exitCode, result.stdout + result.stderr).toBe(0);
      return (await readReport(cwd)).permutation_importance;
    };
    const first = await run();
    expect([first.rows, first.repeats]).toEqual([1000, 5]);
    expect(first.candidate_score).not.toBe((await readReport(cwd)).candidate.metrics.accuracy.value);
    expect(await run()).toEqual(first);
  }, 120_000);

  it('is off by default: no field in the report, no section in the summary', async () => {
    const cwd = project();
    const result = await runAction({ action: 'evaluate', cwd, inputs });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(await readReport(cwd)).not.toHaveProperty('permutation_importance');
    expect(result.summary).not.toContain('Feature importance');
    expect(result.stdout).not.toContain('Permutation importance');
  }, 120_000);

  it('scores a regressor by R²: a feature the model gives no weight has importance exactly 0', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'mlgate-importance-'));
    const random = seededRandom(3);
    const lines = Array.from({ length: 800 }, () => {
      const x = [random(), random(), random()].map((v) => Math.round((v * 2 - 1) * 1000) / 1000);
      return [...x, (2 * x[0]! - x[1]! + (random() - 0.5) * 0.2).toFixed(4)].join(',');
    });
    writeFileSync(join(cwd, 'data.csv'), `x0,x1,x2,y\n${lines.join('\n')}\n`);
    writeModel(join(cwd, 'linear.onnx'), {
      features: ['x0', 'x1', 'x2'],
      layers: [
        {
          inputs: 3,
          outputs: 1,
          activation: 'none',
          weights: Float32Array.from([2, -1, 0]),
          bias: new Float32Array(1),
        },
      ],
      output: 'none',
    });
    const result = await runAction({
      action: 'evaluate',
      cwd,
      inputs: {
        model: 'linear.onnx',
        baseline: 'none',
        data: 'data.csv',
        label: 'y',
        task: 'regression',
        'permutation-importance': 'true',
      },
    });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    const report = await readReport(cwd);
    const importance = report.permutation_importance;
    expect([importance.score, importance.baseline_score]).toEqual(['r2', null]);
    expect(importance.candidate_score).toBeCloseTo(report.candidate.metrics.r2.value, 12);
    expect(importance.features.map((f: any) => f.feature)).toEqual(['x0', 'x1', 'x2']);
    expect(importance.features[2]).toEqual({ feature: 'x2', candidate: { mean: 0, std: 0 }, baseline: null });
    expect(importance.features[0].candidate.mean).toBeGreaterThan(importance.features[1].candidate.mean);
    expect(result.summary).toContain('| Feature | Candidate |');
  }, 120_000);

  it('feeds a model of one typed input per column (a text one too) shuffled as it feeds one matrix: the same importances', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'mlgate-importance-'));
    writePipelineProject(cwd);
    const result = await runAction({
      action: 'evaluate',
      cwd,
      inputs: {
        model: 'pipeline.onnx',
        baseline: 'matrix.onnx',
        data: 'data.csv',
        label: 'label',
        'batch-size': '128',
        'permutation-importance': 'true',
      },
    });
    expect(result.exitCode, result.stdout).toBe(0);
    const importance = (await readReport(cwd)).permutation_importance;
    const byName = Object.fromEntries(importance.features.map((f: any) => [f.feature, f]));
    expect(Object.keys(byName).sort()).toEqual(['age', 'income', 'member', 'plan', 'plan_code', 'region', 'visits']);
    // The text column is the candidate's alone, its code the baseline's: each shuffled with an order of its own.
    expect([byName.plan.baseline, byName.plan_code.candidate]).toEqual([null, null]);
    expect(byName.plan.candidate.mean).toBeGreaterThan(0);
    expect(importance.candidate_score).toBeCloseTo(importance.baseline_score, 12);
    // The same function of the shared columns, fed the same shuffles: the same drops.
    const shared = ['age', 'income', 'visits', 'region', 'member'];
    expect(Math.max(...shared.map((name) => byName[name].candidate.mean))).toBeGreaterThan(0.01);
    for (const name of shared) {
      expect(byName[name].candidate.mean, name).toBeCloseTo(byName[name].baseline.mean, 12);
      expect(byName[name].candidate.std, name).toBeCloseTo(byName[name].baseline.std, 12);
    }
  }, 120_000);

  it('feeds an int64 input past 2^24 exactly, as the scoring does: the sample scores what the report does', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'mlgate-importance-'));
    // Class 1 exactly when the count is above 2^24: float32 holds 2^24 + 1 as 2^24, and the class would flip.
    const lines = ['count,other,label'];
    const random = seededRandom(9);
    for (let r = 0; r < 400; r++) {
      const above = random() < 0.5;
      lines.push(`${above ? 16_777_217 : 16_777_216},${Math.floor(random() * 5)},${above === random() < 0.9 ? 1 : 0}`);
    }
    writeFileSync(join(cwd, 'data.csv'), `${lines.join('\n')}\n`);
    writeFileSync(
      join(cwd, 'count.onnx'),
      writeGraphModel({
        inputs: [
          { name: 'count', type: 'int64', shape: ['N', 1] },
          { name: 'other', type: 'int64', shape: ['N', 1] },
        ],
        outputs: [
          { name: 'label', type: 'int64', shape: ['N'] },
          { name: 'probabilities', type: 'float', shape: ['N', 2] },
        ],
        nodes: [
          { opType: 'Sub', inputs: ['count', 'threshold'], outputs: ['above'] },
          { opType: 'Mul', inputs: ['other', 'zero'], outputs: ['unused'] },
          { opType: 'Add', inputs: ['above', 'unused'], outputs: ['shifted'] },
          { opType: 'Cast', inputs: ['shifted'], outputs: ['shifted_float'], attributes: { to: { i: 1 } } },
          {
            opType: 'LinearClassifier',
            domain: 'ai.onnx.ml',
            inputs: ['shifted_float'],
            outputs: ['label', 'probabilities'],
            attributes: {
              classlabels_ints: { ints: [0, 1] },
              coefficients: { floats: [-4, 4] },
              intercepts: { floats: [2, -2] },
              multi_class: { i: 1 },
              post_transform: { s: 'SOFTMAX' },
            },
          },
        ],
        initializers: [
          { name: 'threshold', dims: [1], values: BigInt64Array.of(16_777_216n) },
          { name: 'zero', dims: [1], values: BigInt64Array.of(0n) },
        ],
      }),
    );
    const result = await runAction({
      action: 'evaluate',
      cwd,
      inputs: { model: 'count.onnx', data: 'data.csv', label: 'label', 'permutation-importance': 'true' },
    });
    expect(result.exitCode, result.stdout).toBe(0);
    const report = await readReport(cwd);
    expect(report.candidate.metrics.accuracy.value).toBeGreaterThan(0.85);
    // Every row is in the sample (400 < importance-rows): its score is the report's accuracy.
    expect(report.permutation_importance.candidate_score).toBe(report.candidate.metrics.accuracy.value);
    const count = report.permutation_importance.features.find((f: any) => f.feature === 'count');
    expect(count.candidate.mean).toBeGreaterThan(0.2);
  }, 120_000);
});
