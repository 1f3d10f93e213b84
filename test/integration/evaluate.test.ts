import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import onnxProto from 'onnx-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from '../../src/io/documents.js';
import { actionBundleFolder } from '../support/bundles.js';
import { GitHubEmulator } from '../support/emulator/server.js';
import { pullRequestEvent } from '../support/events.js';
import { seededRandom, teacherLayers, writeClassificationCsv, writeModel } from '../support/models.js';
import { BUILD_PIN, fillToolCache } from '../support/onnxruntime-cache.js';
import { ROOT, runAction } from '../support/run-action.js';

const { onnx } = onnxProto;
const FEATURES = Array.from({ length: 6 }, (_, i) => `f${i}`);
const CLASSES = ['a', 'b', 'c'];

/** A folder with data.csv (labelled by the teacher, 10% noise), a good model and a noisier one. */
function project(rows = 3000): string {
  const cwd = mkdtempSync(join(tmpdir(), 'mlgate-eval-'));
  writeClassificationCsv(join(cwd, 'data.csv'), rows, 6, CLASSES, {
    flip: 0.1,
    extra: (r) => ({ region: ['north', 'south'][r % 2]! }),
  });
  writeModel(join(cwd, 'good.onnx'), {
    features: FEATURES,
    classes: CLASSES,
    layers: teacherLayers(6, 3, 0.3),
    output: 'softmax',
  });
  writeModel(join(cwd, 'worse.onnx'), {
    features: FEATURES,
    classes: CLASSES,
    layers: teacherLayers(6, 3, 2.5),
    output: 'softmax',
  });
  return cwd;
}

async function readReport(cwd: string, path = 'mlgate-reports/eval-report.json') {
  return (await parseDocument<any>(readFileSync(join(cwd, path), 'utf8'), path)).document;
}

let github: GitHubEmulator;
beforeAll(async () => {
  github = await new GitHubEmulator().start();
});
afterAll(async () => {
  await github.stop();
});

describe('evaluate action (dist bundle)', () => {
  it.skipIf(availableParallelism() < 2)(
    'scores, sums and ranks on other threads with the same results as on one, for text labels and class indices',
    async () => {
      const cwd = project();
      // The same rows with each class written as its index: those labels are summed as the rows are scored.
      const [header, ...lines] = readFileSync(join(cwd, 'data.csv'), 'utf8').trimEnd().split('\n');
      const at = header!.split(',').indexOf('label');
      const indexed = lines.map((line) =>
        line
          .split(',')
          .map((cell, i) => (i === at ? String(CLASSES.indexOf(cell)) : cell))
          .join(','),
      );
      writeFileSync(join(cwd, 'indexed.csv'), [header, ...indexed, ''].join('\n'));
      const metrics = async (name: string) => {
        const report = await readReport(cwd, name);
        const perModel = [report.candidate.metrics, report.baseline.metrics].map((m: Record<string, unknown>) =>
          Object.fromEntries(Object.entries(m).filter(([n]) => !n.startsWith('latency'))),
        );
        // The counts per class, summed as scored or after, on one thread or several: part of what must agree.
        return [...perModel, [report.candidate.confusion_matrix, report.baseline.confusion_matrix]];
      };
      const runs: Record<string, unknown>[] = [];
      for (const [data, extra] of [
        ['data.csv', {}],
        ['indexed.csv', { classes: '0,1,2' }],
      ] as const) {
        const inputs = {
          model: 'good.onnx',
          baseline: 'worse.onnx',
          data,
          label: 'label',
          'batch-size': '700',
          ...extra,
        };
        const env = { MLGATE_RANK_MIN_ROWS: '1', MLGATE_SCORE_MIN_BYTES: '1' };
        const threaded = await runAction({
          action: 'evaluate',
          cwd,
          inputs: { ...inputs, report: `threaded-${data}.json` },
          env,
        });
        const single = await runAction({
          action: 'evaluate',
          cwd,
          inputs: { ...inputs, report: `single-${data}.json` },
          env: { ...env, MLGATE_THREADS: '1' },
        });
        expect(threaded.stdout).toContain('::debug::ROC AUC and PR AUC are ranked on another thread');
        expect(threaded.stdout).toContain('::debug::The models score on another thread while the data is read');
        expect(single.stdout).not.toContain('on another thread');
        for (const run of [threaded, single]) {
          if (data === 'indexed.csv')
            expect(run.stdout).toContain('::debug::The additive metrics were summed as the rows were scored');
          else expect(run.stdout).not.toContain('summed as the rows were scored');
        }
        // Scored here, ranked on a thread of its own, which then shares the bootstrap.
        const ranked = await runAction({
          action: 'evaluate',
          cwd,
          inputs: { ...inputs, report: `ranked-${data}.json` },
          env: { MLGATE_RANK_MIN_ROWS: '1' },
        });
        expect(ranked.stdout).toContain('::debug::ROC AUC and PR AUC are ranked on another thread');
        expect(ranked.stdout).not.toContain('score on another thread');
        for (const name of [`threaded-${data}.json`, `single-${data}.json`, `ranked-${data}.json`]) {
          expect((await readReport(cwd, name)).candidate.metrics.latency_p50_ms.value).toBeGreaterThan(0);
          // Hashed as read: on the scoring thread (threaded), or on this one.
          expect((await readReport(cwd, name)).data.sha256).toBe(
            createHash('sha256')
              .update(readFileSync(join(cwd, data)))
              .digest('hex'),
          );
          runs.push({ name, metrics: await metrics(name) });
        }
      }
      // On one thread, two or three: the same numbers.
      for (const same of [1, 2]) expect(runs[same]!.metrics).toEqual(runs[0]!.metrics);
      for (const same of [4, 5]) expect(runs[same]!.metrics).toEqual(runs[3]!.metrics);
      // Summed as scored (indices) or after (text): the same values. The intervals differ, as the bootstrap's buckets
      // hash each row's file and place.
      expect((runs[3]!.metrics as unknown[])[2]).toEqual((runs[0]!.metrics as unknown[])[2]);
      const values = (run: Record<string, unknown>) =>
        (run.metrics as Record<string, { value: number }>[])
          .slice(0, 2)
          .map((m) => Object.entries(m).map(([name, { value }]) => [name, value]));
      const [fromText, fromIndices] = [values(runs[0]!), values(runs[3]!)];
      fromIndices.forEach((model, m) =>
        model.forEach(([name, value], i) => expect(value, String(name)).toBeCloseTo(fromText[m]![i]![1] as number, 12)),
      );
    },
  );

  it.skipIf(availableParallelism() < 2)(
    'one-column binary models (a probability, and a logit) on 0/1 labels: summed as scored, the same on one thread or two',
    async () => {
      const cwd = mkdtempSync(join(tmpdir(), 'mlgate-eval-binary-'));
      writeClassificationCsv(join(cwd, 'binary.csv'), 3000, 6, ['0', '1'], { flip: 0.1 });
      // Class 1's score minus class 0's, as the teacher labels the rows.
      const layers = (skew: number) => [
        {
          inputs: 6,
          outputs: 1,
          activation: 'none' as const,
          weights: Float32Array.from({ length: 6 }, (_, f) => (f % 2 === 1 ? 3 : -3) + skew * f),
          bias: new Float32Array(1),
        },
      ];
      writeModel(join(cwd, 'probability.onnx'), { features: FEATURES, layers: layers(0), output: 'sigmoid' });
      writeModel(join(cwd, 'logit.onnx'), { features: FEATURES, layers: layers(0.5), output: 'none' });
      const inputs = {
        model: 'probability.onnx',
        baseline: 'logit.onnx',
        data: 'binary.csv',
        label: 'label',
        'batch-size': '500',
      };
      const env = { MLGATE_RANK_MIN_ROWS: '1', MLGATE_SCORE_MIN_BYTES: '1' };
      const threaded = await runAction({
        action: 'evaluate',
        cwd,
        inputs: { ...inputs, report: 'threaded.json' },
        env,
      });
      const single = await runAction({
        action: 'evaluate',
        cwd,
        inputs: { ...inputs, report: 'single.json' },
        env: { ...env, MLGATE_THREADS: '1' },
      });
      for (const run of [threaded, single]) {
        expect(run.exitCode, run.stdout + run.stderr).toBe(0);
        expect(run.stdout).toContain('::debug::The additive metrics were summed as the rows were scored');
      }
      expect(threaded.stdout).toContain('::debug::The models score on another thread while the data is read');
      const metrics = async (name: string) => {
        const report = await readReport(cwd, name);
        return [report.candidate.metrics, report.baseline.metrics].map((m: Record<string, unknown>) =>
          Object.fromEntries(Object.entries(m).filter(([n]) => !n.startsWith('latency'))),
        );
      };
      const [candidate, baseline] = await metrics('threaded.json');
      expect(await metrics('single.json')).toEqual([candidate, baseline]);
      expect((candidate as any).roc_auc.value).toBeGreaterThan(0.9);
      expect((baseline as any).roc_auc.value).toBeGreaterThan(0.5);
    },
  );

  it('passes a better candidate, with intervals on the paired differences, slices, and a summary', async () => {
    const cwd = project();
    const result = await runAction({
      action: 'evaluate',
      cwd,
      inputs: { model: 'good.onnx', baseline: 'worse.onnx', data: 'data.csv', label: 'label', slices: 'region' },
    });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.outputs.passed).toBe('true');
    const metrics = JSON.parse(result.outputs.metrics!);
    expect(metrics.accuracy).toBeGreaterThan(0.85);
    const report = await readReport(cwd);
    expect(report.task).toBe('classification');
    expect(report.data.rows).toBe(3000);
    expect(report.candidate.sha256).toBe(
      createHash('sha256')
        .update(readFileSync(join(cwd, 'good.onnx')))
        .digest('hex'),
    );
    expect(report.data.sha256).toBe(
      createHash('sha256')
        .update(readFileSync(join(cwd, 'data.csv')))
        .digest('hex'),
    );
    const accuracy = report.comparisons.find((c: any) => c.metric === 'accuracy');
    expect(accuracy.difference).toBeGreaterThan(0.1);
    expect(accuracy.ci_low).toBeLessThan(accuracy.difference);
    expect(accuracy.ci_high).toBeGreaterThan(accuracy.difference);
    expect(accuracy.significant).toBe(true);
    expect(report.tests.mcnemar.candidate_only).toBeGreaterThan(report.tests.mcnemar.baseline_only);
    expect(report.slices.map((s: any) => [s.column, s.value, s.rows])).toEqual([
      ['region', 'north', 1500],
      ['region', 'south', 1500],
    ]);
    expect(Object.keys(report.candidate.metrics)).toEqual(
      expect.arrayContaining(['roc_auc', 'pr_auc', 'log_loss', 'brier', 'ece', 'latency_p50_ms', 'model_bytes']),
    );
    expect(result.summary).toContain('Evaluation');
    expect(result.summary).toMatch(/gate passed/);
  });

  it('the same bytes give the same report however the path is spelled, and whatever the file is called', async () => {
    const cwd = project(900);
    mkdirSync(join(cwd, 'det'));
    cpSync(join(cwd, 'data.csv'), join(cwd, 'det', 'h04.csv'));
    cpSync(join(cwd, 'data.csv'), join(cwd, 'holdout-renamed.csv'));
    // A baseline about as good as the candidate, so that the holdout's 900 rows leave a drop of one point open.
    writeModel(join(cwd, 'peer.onnx'), {
      features: FEATURES,
      classes: CLASSES,
      layers: teacherLayers(6, 3, 0.3, seededRandom(8)),
      output: 'softmax',
    });
    // A report without what may differ between runs of the same data: when it was written, the timings and the paths.
    const comparable = async (report: string) => {
      const value = await readReport(cwd, report);
      delete value.created_at;
      for (const model of [value.candidate, value.baseline]) {
        delete model.path;
        for (const name of Object.keys(model.metrics)) if (name.startsWith('latency')) delete model.metrics[name];
      }
      value.comparisons = value.comparisons.filter((c: { metric: string }) => !c.metric.startsWith('latency'));
      for (const file of value.data.files) delete file.path;
      return JSON.stringify(value);
    };
    const reports: string[] = [];
    const summaries: string[] = [];
    for (const [i, data] of [join(cwd, 'det', 'h04.csv'), 'det/./h04.csv', 'holdout-renamed.csv'].entries()) {
      const result = await runAction({
        action: 'evaluate',
        cwd,
        inputs: { model: 'good.onnx', baseline: 'peer.onnx', data, label: 'label', report: `spelled-${i}.json` },
      });
      expect(result.exitCode, result.stdout + result.stderr).toBe(0);
      reports.push(await comparable(`spelled-${i}.json`));
      summaries.push(result.summary);
    }
    // 900 rows cannot see a drop of one point: the report and the summary say so, with the rows it would take.
    const check = (await readReport(cwd, 'spelled-0.json')).gate.checks[0];
    expect(check).toMatchObject({ metric: 'accuracy', decision: 'lenient', status: 'underpowered', passed: true });
    expect(check.detectable).toBeGreaterThan(0.01);
    expect(check.rows_needed).toBeGreaterThan(900);
    expect(summaries[0]).toMatch(
      /accuracy: this holdout \(900 rows\) can detect drops of 0\.\d+ or more; the policy tolerates 0\.01; about [\d,]+ rows would be needed/,
    );
    expect(reports[0]).toContain('"ci_low"');
    expect(reports[1]).toBe(reports[0]);
    expect(reports[2]).toBe(reports[0]);
  });

  it('fails the step when the candidate is significantly worse, naming the check', async () => {
    const cwd = project();
    const result = await runAction({
      action: 'evaluate',
      cwd,
      inputs: { model: 'worse.onnx', baseline: 'good.onnx', data: 'data.csv', label: 'label' },
    });
    expect(result.exitCode).toBe(1);
    expect(result.outputs.passed).toBe('false');
    expect(result.annotations.at(-1)!.message).toMatch(
      /^The evaluation gate failed: accuracy fell by 0\.\d+ \(95% interval of the change/,
    );
    const report = await readReport(cwd);
    expect(report.gate.passed).toBe(false);
    // Which class got worse: both models' confusion matrices and per-class scores, classes in output order.
    const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
    expect(report.classes).toEqual(CLASSES);
    for (const side of [report.candidate, report.baseline]) {
      expect(sum(side.confusion_matrix.flat())).toBe(3000);
      expect(side.per_class.map((c: any) => c.support)).toEqual(side.confusion_matrix.map(sum));
    }
    expect(report.candidate.per_class.map((c: any) => c.recall)).toEqual(
      report.candidate.confusion_matrix.map((row: number[], t: number) => row[t]! / sum(row)),
    );
    // Provenance: each file with its rows and digest.
    expect(report.data.files).toEqual([
      {
        path: 'data.csv',
        rows: 3000,
        sha256: createHash('sha256')
          .update(readFileSync(join(cwd, 'data.csv')))
          .digest('hex'),
      },
    ]);
    // Where it is worse: searched over the text column not used as a feature and the features' quartiles (3,000
    // rows: no pairs), Holm over every slice; the worse model is worse nearly everywhere.
    expect(report.weak_slices).toMatchObject({
      method: 'mcnemar',
      correction: 'holm',
      alpha: 0.05,
      pairs: false,
      columns: ['region', ...FEATURES],
    });
    // At most 2 regions and 4 quartiles of 6 features (a quartile under min-slice-rows rows is not tested).
    expect(report.weak_slices.tested).toBeGreaterThan(20);
    expect(report.weak_slices.tested).toBeLessThanOrEqual(2 + 4 * 6);
    expect(report.weak_slices.slices.length).toBeGreaterThan(0);
    // Both regions (1,500 rows each) are among them: the text column is read from the first row on.
    const regions = report.weak_slices.slices.filter(
      (s: any) => s.where.length === 1 && s.where[0].column === 'region',
    );
    expect(regions.map((s: any) => [s.where[0].value, s.rows]).sort()).toEqual([
      ['north', 1500],
      ['south', 1500],
    ]);
    for (const slice of report.weak_slices.slices) {
      expect(slice.difference).toBeLessThan(0);
      expect(slice.p_adjusted).toBeLessThanOrEqual(0.05);
    }
    const off = await runAction({
      action: 'evaluate',
      cwd,
      inputs: {
        model: 'worse.onnx',
        baseline: 'good.onnx',
        data: 'data.csv',
        label: 'label',
        'weak-slices': 'false',
        report: 'off.json',
      },
    });
    expect(off.exitCode).toBe(1);
    expect((await readReport(cwd, 'off.json')).weak_slices).toBeUndefined();
  });

  it('an override label on the pull request records a pass, with who applied it', async () => {
    const cwd = project();
    const event = pullRequestEvent({ action: 'labeled', labels: ['mlgate-override'] });
    (event.payload as Record<string, unknown>).label = { name: 'mlgate-override' };
    (event.payload as Record<string, unknown>).sender = { login: 'lead', type: 'User' };
    const result = await runAction({
      action: 'evaluate',
      cwd,
      event,
      inputs: { model: 'worse.onnx', baseline: 'good.onnx', data: 'data.csv', label: 'label' },
    });
    expect(result.exitCode, result.stdout).toBe(0);
    const report = await readReport(cwd);
    expect(report.gate).toMatchObject({ passed: true, override: { label: 'mlgate-override', applied_by: 'lead' } });
    expect(result.summary).toContain('passed by override');
  });

  it('with no baseline only value thresholds apply, and the report says so', async () => {
    const cwd = project();
    writeFileSync(join(cwd, 'policy.yml'), 'metrics:\n  accuracy: { min: 0.95, max-drop: 0.01 }\n');
    const result = await runAction({
      action: 'evaluate',
      cwd,
      inputs: { model: 'good.onnx', baseline: 'none', data: 'data.csv', label: 'label', policy: 'policy.yml' },
    });
    expect(result.exitCode).toBe(1);
    const report = await readReport(cwd);
    expect(report.baseline).toBeNull();
    expect(report.gate.baseline_missing).toBe(true);
    expect(report.gate.checks.map((c: any) => [c.rule, c.passed])).toEqual([
      ['min', false],
      ['max-drop', true],
    ]);
    expect(result.annotations.at(-1)!.message).toMatch(/accuracy is 0\.\d+, below the minimum 0\.95/);
  });

  it("holds every slice to the policy's slice rules, naming the slice that fails", async () => {
    const cwd = project();
    // The second half of the rows has the label scrambled for one region: the model is poor there.
    const lines = readFileSync(join(cwd, 'data.csv'), 'utf8').trim().split('\n');
    writeFileSync(
      join(cwd, 'data.csv'),
      `${[lines[0], ...lines.slice(1).map((line, i) => (line.endsWith('south') && i % 4 === 1 ? line.replace(/,(a|b|c),south$/, (_, c) => `,${c === 'a' ? 'b' : c === 'b' ? 'c' : 'a'},south`) : line))].join('\n')}\n`,
    );
    writeFileSync(join(cwd, 'policy.yml'), 'metrics:\n  accuracy: { min: 0.5 }\nslices:\n  accuracy: { min: 0.8 }\n');
    const result = await runAction({
      action: 'evaluate',
      cwd,
      inputs: {
        model: 'good.onnx',
        baseline: 'none',
        data: 'data.csv',
        label: 'label',
        slices: 'region',
        policy: 'policy.yml',
      },
    });
    expect(result.exitCode, result.stdout).toBe(1);
    const report = await readReport(cwd);
    expect(report.gate.checks.map((c: any) => [c.slice ?? null, c.rule, c.passed])).toEqual([
      [null, 'min', true],
      ['region = north', 'min', true],
      ['region = south', 'min', false],
    ]);
    expect(result.annotations.at(-1)!.message).toMatch(
      /^The evaluation gate failed: slice region = south: accuracy is 0\.\d+, below the minimum 0\.8/,
    );
  });

  it('takes the baseline from the latest release (release:latest), and evaluates alone before the first one', async () => {
    const cwd = project();
    const repository = 'acme/eval-baseline';
    const run = () =>
      runAction({
        action: 'evaluate',
        cwd,
        token: GitHubEmulator.WRITE_TOKEN,
        apiUrl: github.apiUrl,
        env: { GITHUB_REPOSITORY: repository },
        inputs: { model: 'good.onnx', data: 'data.csv', label: 'label' },
      });
    const first = await run();
    expect(first.exitCode, first.stdout).toBe(0);
    expect(first.stdout).toContain('No mlgate release yet');
    expect((await readReport(cwd)).baseline).toBeNull();

    const model = readFileSync(join(cwd, 'worse.onnx'));
    const api = (method: string, url: string, body: string | Buffer, type = 'application/json') =>
      fetch(url, {
        method,
        headers: { authorization: `token ${GitHubEmulator.WRITE_TOKEN}`, 'content-type': type },
        body,
      }).then((r) => r.json() as Promise<any>);
    const release = await api(
      'POST',
      `${github.apiUrl}/repos/${repository}/releases`,
      JSON.stringify({ tag_name: 'model-v1.0.0' }),
    );
    const upload = String(release.upload_url).replace(/\{.*$/, '');
    await api('POST', `${upload}?name=model.onnx`, model, 'application/octet-stream');
    await api(
      'POST',
      `${upload}?name=SHA256SUMS`,
      `${createHash('sha256').update(model).digest('hex')}  model.onnx\n`,
      'text/plain',
    );
    const second = await run();
    expect(second.exitCode, second.stdout).toBe(0);
    expect(second.stdout).toContain('Baseline: model.onnx of model-v1.0.0');
    expect((await readReport(cwd)).baseline).toMatchObject({
      source: 'release model-v1.0.0',
      sha256: createHash('sha256').update(model).digest('hex'),
    });
  });

  it('scores a model exported by PyTorch (logits, no metadata) when its features are named', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'mlgate-eval-'));
    for (const file of ['torch-mlp-20-256-256-3.onnx', 'torch-holdout.csv'])
      cpSync(join(ROOT, 'test', 'fixtures', 'models', file), join(cwd, file));
    const features = Array.from({ length: 20 }, (_, i) => `f${i}`).join(',');
    const result = await runAction({
      action: 'evaluate',
      cwd,
      inputs: {
        model: 'torch-mlp-20-256-256-3.onnx',
        baseline: 'none',
        data: 'torch-holdout.csv',
        label: 'label',
        features,
      },
    });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.stdout).toContain('Classes in output order: 0, 1, 2');
    expect(JSON.parse(result.outputs.metrics!).accuracy).toBeGreaterThan(0.9);
    const missing = await runAction({
      action: 'evaluate',
      cwd,
      inputs: { model: 'torch-mlp-20-256-256-3.onnx', baseline: 'none', data: 'torch-holdout.csv', label: 'label' },
    });
    expect(missing.annotations[0]!.message).toBe(
      'torch-mlp-20-256-256-3.onnx does not name its features (no metadata mlgate.features); set input "features" to its input columns, in order, or input "contract" to a contract that lists them',
    );
    // A data contract lists the columns: in its order and without the label, they are the model's features.
    writeFileSync(
      join(cwd, 'contract.yml'),
      `columns:\n${Array.from({ length: 20 }, (_, i) => `  f${i}: { type: float }\n`).join('')}  label: { type: int }\n`,
    );
    const fromContract = await runAction({
      action: 'evaluate',
      cwd,
      inputs: {
        model: 'torch-mlp-20-256-256-3.onnx',
        baseline: 'none',
        data: 'torch-holdout.csv',
        label: 'label',
        contract: 'contract.yml',
      },
    });
    expect(fromContract.exitCode, fromContract.stdout).toBe(0);
    expect(JSON.parse(fromContract.outputs.metrics!).accuracy).toBe(JSON.parse(result.outputs.metrics!).accuracy);
  });

  it('takes the baseline from an artifact of another run (artifact:<run>/<name>), unpacked with limits', async () => {
    const cwd = project();
    const repository = 'acme/eval-artifact';
    // A run of the default branch: artifact baselines are taken only from those or from the same pull request.
    github.addRun(repository, { id: 4242, event: 'push', headBranch: 'main' });
    github.addArtifact(
      repository,
      4242,
      'mlgate-model',
      zipSync({
        'out/model.onnx': new Uint8Array(readFileSync(join(cwd, 'worse.onnx'))),
        'out/metrics.json': new TextEncoder().encode('{}'),
      }),
    );
    const run = (baseline: string) =>
      runAction({
        action: 'evaluate',
        cwd,
        token: GitHubEmulator.WRITE_TOKEN,
        apiUrl: github.apiUrl,
        env: { GITHUB_REPOSITORY: repository },
        inputs: { model: 'good.onnx', baseline, data: 'data.csv', label: 'label' },
      });
    const result = await run('artifact:4242/mlgate-model');
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.stdout).toContain('Baseline: out/model.onnx from artifact mlgate-model of run 4242');
    expect((await readReport(cwd)).baseline).toMatchObject({
      source: 'artifact mlgate-model of run 4242',
      sha256: createHash('sha256')
        .update(readFileSync(join(cwd, 'worse.onnx')))
        .digest('hex'),
    });
    const missing = await run('artifact:4242/other-name');
    expect(missing.annotations.at(-1)!.message).toMatch(/^no artifact named "other-name" in workflow run 4242/);
  });

  it('runs from a copy of dist/evaluate with no node_modules above it, loading onnxruntime from the tool cache', async () => {
    const cwd = project(500);
    const isolated = mkdtempSync(join(tmpdir(), 'mlgate-isolated-'));
    cpSync(actionBundleFolder('evaluate'), join(isolated, 'evaluate'), { recursive: true });
    // The layout installOnnxruntime leaves in RUNNER_TOOL_CACHE (files and manifest), made here from this repository's
    // copy.
    const pin = BUILD_PIN.node.version;
    const toolCache = mkdtempSync(join(tmpdir(), 'mlgate-toolcache-'));
    const installed = fillToolCache(toolCache);
    // The scoring thread loads the same copy.
    const result = await runAction({
      action: 'evaluate',
      cwd,
      bundle: join(isolated, 'evaluate', 'index.js'),
      env: { RUNNER_TOOL_CACHE: toolCache, MLGATE_SCORE_MIN_BYTES: '1' },
      inputs: { model: 'good.onnx', baseline: 'none', data: 'data.csv', label: 'label' },
    });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain(`onnxruntime-node ${pin} from tool cache ${installed}`);
    if (availableParallelism() >= 2)
      expect(result.stdout).toContain('::debug::The models score on another thread while the data is read');
    expect(Number(JSON.parse(result.outputs.metrics!).accuracy)).toBeGreaterThan(0.85);

    const preinstalled = await runAction({
      action: 'evaluate',
      cwd,
      bundle: join(isolated, 'evaluate', 'index.js'),
      inputs: {
        model: 'good.onnx',
        baseline: 'none',
        data: 'data.csv',
        label: 'label',
        'onnxruntime-path': join(installed, 'node_modules', 'onnxruntime-node'),
      },
    });
    expect(preinstalled.exitCode, preinstalled.stdout).toBe(0);
  });
});

/** A model that flattens its [n, 3] input to [3n]: not one output row per input row. */
function flatOutputModel(path: string): void {
  const tensor = (name: string, dim: { dimParam?: string; dimValue?: number }[]) =>
    onnx.ValueInfoProto.create({
      name,
      type: onnx.TypeProto.create({
        tensorType: onnx.TypeProto.Tensor.create({ elemType: 1, shape: onnx.TensorShapeProto.create({ dim }) }),
      }),
    });
  const shape = onnx.TensorProto.create({ name: 'shape', dataType: 7, dims: [1], int64Data: [-1] });
  const graph = onnx.GraphProto.create({
    name: 'flat',
    node: [onnx.NodeProto.create({ opType: 'Reshape', input: ['x', 'shape'], output: ['z'] })],
    initializer: [shape],
    input: [tensor('x', [{ dimParam: 'n' }, { dimValue: 3 }])],
    output: [tensor('z', [{ dimParam: 'm' }])],
  });
  writeFileSync(
    path,
    onnx.ModelProto.encode(
      onnx.ModelProto.create({ irVersion: 8, opsetImport: [{ domain: '', version: 13 }], graph }),
    ).finish(),
  );
}

/** A model with two inputs, which mlgate cannot feed from one feature matrix. */
function twoInputModel(path: string): void {
  const info = (name: string) =>
    onnx.ValueInfoProto.create({
      name,
      type: onnx.TypeProto.create({
        tensorType: onnx.TypeProto.Tensor.create({
          elemType: 1,
          shape: onnx.TensorShapeProto.create({ dim: [{ dimParam: 'n' }, { dimValue: 3 }] }),
        }),
      }),
    });
  const graph = onnx.GraphProto.create({
    name: 'two',
    node: [onnx.NodeProto.create({ opType: 'Add', input: ['x', 'y'], output: ['z'] })],
    input: [info('x'), info('y')],
    output: [info('z')],
  });
  writeFileSync(
    path,
    onnx.ModelProto.encode(
      onnx.ModelProto.create({ irVersion: 8, opsetImport: [{ domain: '', version: 13 }], graph }),
    ).finish(),
  );
}

describe('evaluate: bad input gets one clear error', () => {
  it.each([
    [
      'a file that is not a model',
      (cwd: string) => writeFileSync(join(cwd, 'm.onnx'), 'this is not a model'),
      {},
      /^m\.onnx: (not an ONNX model|onnxruntime 1\.\d+\.\d+ cannot load the model)/,
    ],
    ['a missing model', () => undefined, { model: 'nope.onnx' }, /^nope\.onnx: model file not found/],
    [
      'a model with two inputs',
      (cwd: string) => twoInputModel(join(cwd, 'm.onnx')),
      { features: 'f0,f1,f2' },
      /^m\.onnx: mlgate feeds a model one numeric tensor \[rows, features\], or one input per column named as the column \(\[rows, 1\] or \[rows\] of float, double, int64, int32, bool or string\), but this model takes x \(float32 \[n, 3\]\), y \(float32 \[n, 3\]\); export it with one of those$/,
    ],
    [
      'a feature list of the wrong width',
      () => undefined,
      { model: 'good.onnx', features: 'f0,f1' },
      /^good\.onnx: the input input takes float32 \[batch, 6\], 6 features a row, but 2 are listed \(f0, f1\), which would feed \[rows, 2\]; list exactly its input columns, in order, in input "features"$/,
    ],
    [
      'a missing label column',
      () => undefined,
      { model: 'good.onnx', label: 'target' },
      /^data\.csv: no column "target"; it has f0, f1, f2, f3, f4, f5, label, region/,
    ],
    [
      'labels the model does not know',
      (cwd: string) => writeClassificationCsv(join(cwd, 'other.csv'), 50, 6, ['a', 'b', 'z']),
      { model: 'good.onnx', data: 'other.csv' },
      /^other\.csv:\d+: the label label is "z", which is not one of the model's classes \(a, b, c\)/,
    ],
    [
      'a model that outputs NaN',
      (cwd: string) =>
        writeModel(join(cwd, 'm.onnx'), {
          features: FEATURES,
          classes: CLASSES,
          layers: [{ ...teacherLayers(6, 3)[0]!, bias: new Float32Array([Number.NaN, 0, 0]) }],
          output: 'none',
        }),
      {},
      /^m\.onnx: the model's output is NaN for row data\.csv:2; a model must give finite values/,
    ],
    [
      'a text feature',
      (cwd: string) => writeFileSync(join(cwd, 'text.csv'), `${FEATURES.join(',')},label\n1,2,3,4,5,six,a\n`),
      { model: 'good.onnx', data: 'text.csv' },
      /^text\.csv:2: feature f5 is "six", not a number/,
    ],
    [
      'a model whose output is not one row per row',
      (cwd: string) => flatOutputModel(join(cwd, 'm.onnx')),
      { features: 'f0,f1,f2' },
      /^m\.onnx: the output z has 600 values for 200 rows; mlgate expects \[rows, classes\] or \[rows\]/,
    ],
    [
      'a broken policy',
      (cwd: string) => writeFileSync(join(cwd, 'p.yml'), 'metrics:\n  log_loss: { max-drop: 0.1 }\n'),
      { model: 'good.onnx', policy: 'p.yml' },
      /^p\.yml: metrics\.log_loss\.max-drop: log_loss is better when lower, so its change rule is max-rise/,
    ],
  ])('%s', async (_, prepare, inputs, message) => {
    const cwd = project(200);
    prepare(cwd);
    const result = await runAction({
      action: 'evaluate',
      cwd,
      inputs: { model: 'm.onnx', baseline: 'none', data: 'data.csv', label: 'label', ...inputs },
    });
    expect(result.exitCode).toBe(1);
    expect(result.annotations, result.stdout).toHaveLength(1);
    expect(result.annotations[0]!.message).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it.skipIf(availableParallelism() < 2)(
    'reports a model failing on the scoring thread, and a bad row read while it scores, the same way',
    async () => {
      const cwd = project(3000);
      flatOutputModel(join(cwd, 'flat.onnx'));
      writeFileSync(
        join(cwd, 'late-text.csv'),
        `${readFileSync(join(cwd, 'data.csv'), 'utf8')}1,2,3,4,5,six,a,north\n`,
      );
      const env = { MLGATE_SCORE_MIN_BYTES: '1' };
      const flat = await runAction({
        action: 'evaluate',
        cwd,
        env,
        inputs: { model: 'flat.onnx', baseline: 'none', features: 'f0,f1,f2', data: 'data.csv', label: 'label' },
      });
      const text = await runAction({
        action: 'evaluate',
        cwd,
        env,
        inputs: {
          model: 'good.onnx',
          baseline: 'worse.onnx',
          data: 'late-text.csv',
          label: 'label',
          'batch-size': '64',
        },
      });
      for (const result of [flat, text]) {
        expect(result.stdout).toContain('::debug::The models score on another thread while the data is read');
        expect(result.exitCode).toBe(1);
        expect(result.annotations, result.stdout).toHaveLength(1);
        expect(result.stderr).not.toMatch(/\n\s+at /);
      }
      expect(flat.annotations[0]!.message).toMatch(
        /^flat\.onnx: the output z has 9000 values for 3000 rows; mlgate expects \[rows, classes\] or \[rows\]/,
      );
      expect(text.annotations[0]!.message).toMatch(/^late-text\.csv:3002: feature f5 is "six", not a number/);
    },
  );
});

describe('evaluate reads data as validate-data does', () => {
  it("reads a ;-separated decimal-comma file with delimiter and decimal (or the contract's), with the metrics of the same rows in plain CSV", async () => {
    const cwd = project(600);
    // The same rows, as a spreadsheet in a decimal-comma locale writes them.
    const european = readFileSync(join(cwd, 'data.csv'), 'utf8')
      .replace(/,/g, ';')
      .replace(/(\d)\.(\d)/g, '$1,$2');
    writeFileSync(join(cwd, 'data-eu.csv'), european);
    writeFileSync(
      join(cwd, 'contract.yml'),
      `dataset: { delimiter: ';', decimal: ',' }\ncolumns:\n${FEATURES.map((f) => `  ${f}: { type: float }\n`).join('')}`,
    );
    const inputs = { model: 'good.onnx', baseline: 'none', label: 'label', bootstrap: '0' };
    const plain = await runAction({
      action: 'evaluate',
      cwd,
      inputs: { ...inputs, data: 'data.csv', report: 'plain.json' },
    });
    const told = await runAction({
      action: 'evaluate',
      cwd,
      inputs: { ...inputs, data: 'data-eu.csv', delimiter: ';', decimal: ',', report: 'told.json' },
    });
    const contract = await runAction({
      action: 'evaluate',
      cwd,
      inputs: { ...inputs, data: 'data-eu.csv', contract: 'contract.yml', report: 'contract.json' },
    });
    for (const result of [plain, told, contract]) expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    const quality = (result: typeof plain) =>
      Object.entries(JSON.parse(result.outputs.metrics!)).filter(([name]) => !name.startsWith('latency'));
    expect(quality(told)).toEqual(quality(plain));
    expect(quality(contract)).toEqual(quality(plain));
    const unset = await runAction({ action: 'evaluate', cwd, inputs: { ...inputs, data: 'data-eu.csv' } });
    expect(unset.exitCode).toBe(1);
    expect(unset.annotations[0]!.message).toMatch(
      /^data-eu\.csv:1: the header is one column that contains semicolons; the file looks ";"-separated: set delimiter: ';'$/,
    );
  });

  it('hands a feature written inf to the model as a float, and stops at a NaN feature as a missing value', async () => {
    const cwd = project(300);
    const lines = readFileSync(join(cwd, 'data.csv'), 'utf8').split('\n');
    lines[4] = lines[4]!.replace(/^[^,]*,/, 'inf,');
    writeFileSync(join(cwd, 'inf.csv'), lines.join('\n'));
    lines[7] = lines[7]!.replace(/^[^,]*,/, 'NaN,');
    writeFileSync(join(cwd, 'nan.csv'), lines.join('\n'));
    const inputs = { model: 'good.onnx', baseline: 'none', label: 'label', bootstrap: '0' };
    // Read as a number (it was "not a number" before), scored, and this softmax model's answer to it is NaN.
    const scored = await runAction({ action: 'evaluate', cwd, inputs: { ...inputs, data: 'inf.csv' } });
    expect(scored.annotations[0]!.message).toMatch(
      /^good\.onnx: the model's output is NaN for row inf\.csv:5; a model must give finite values/,
    );
    const stopped = await runAction({ action: 'evaluate', cwd, inputs: { ...inputs, data: 'nan.csv' } });
    expect(stopped.annotations[0]!.message).toMatch(/^nan\.csv:8: feature f0 is missing \(empty, NaN or a null text\)/);
  });

  it('fails on a stray quote at its line and leaves no earlier eval report behind', async () => {
    const cwd = project(300);
    const inputs = { model: 'good.onnx', baseline: 'none', label: 'label', bootstrap: '0', data: 'data.csv' };
    expect((await runAction({ action: 'evaluate', cwd, inputs })).exitCode).toBe(0);
    const lines = readFileSync(join(cwd, 'data.csv'), 'utf8').split('\n');
    lines[5] = lines[5]!.replace(/^([^,]*),/, '"$1"x,');
    writeFileSync(join(cwd, 'data.csv'), lines.join('\n'));
    const failed = await runAction({ action: 'evaluate', cwd, inputs });
    expect(failed.exitCode).toBe(1);
    expect(failed.annotations[0]).toMatchObject({
      file: 'data.csv',
      line: 6,
      message: expect.stringMatching(/^data\.csv:6: text after the closing quote/),
    });
    expect(existsSync(join(cwd, 'mlgate-reports/eval-report.json'))).toBe(false);
  });
});
