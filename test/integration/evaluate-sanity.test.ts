import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { teacherLayers, writeClassificationCsv, writeModel } from '../support/models.js';
import { runAction } from '../support/run-action.js';

const FEATURES = Array.from({ length: 4 }, (_, i) => `f${i}`);

function report(cwd: string) {
  return JSON.parse(readFileSync(join(cwd, 'mlgate-reports/eval-report.json'), 'utf8'));
}

describe('evaluate sanity checks (dist bundle)', () => {
  it("warns when the labels read in another order than the model's classes give accuracy below the majority rate and ROC AUC below 0.5", async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'mlgate-sanity-'));
    // Output 0 is "yes", output 1 "no"; without the model saying so, the labels sort as no, yes: every class swapped.
    writeClassificationCsv(join(cwd, 'data.csv'), 600, 4, ['yes', 'no'], { flip: 0.05 });
    writeModel(join(cwd, 'model.onnx'), { features: FEATURES, layers: teacherLayers(4, 2, 0.2), output: 'softmax' });
    const result = await runAction({
      action: 'evaluate',
      cwd,
      inputs: { model: 'model.onnx', baseline: 'model.onnx', data: 'data.csv', label: 'label' },
    });
    expect(result.exitCode, result.stdout).toBe(0);
    const warnings: string[] = report(cwd).warnings;
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(
      /^candidate: accuracy 0\.\d+ is below the 0\.\d+ of always predicting the most common class "(no|yes)" and ROC AUC 0\.\d+ is below chance \(0\.5\): the classes are likely in another order than the model's outputs; set classes to the model's classes in its output order \(read now as "no", "yes"\)$/,
    );
    expect(warnings[1]).toMatch(/^baseline: accuracy/);
    expect(result.annotations.filter((a) => a.level === 'warning').map((a) => a.message)).toEqual(warnings);
    expect(result.summary).toContain('- ⚠️ candidate&#58; accuracy');
    // With the classes in the model's order, no warning.
    const fixed = await runAction({
      action: 'evaluate',
      cwd,
      inputs: { model: 'model.onnx', baseline: 'model.onnx', data: 'data.csv', label: 'label', classes: 'yes,no' },
    });
    expect(fixed.exitCode, fixed.stdout).toBe(0);
    expect(report(cwd).warnings).toBeUndefined();
    expect(fixed.annotations.filter((a) => a.level === 'warning')).toEqual([]);
  });

  it('warns when output: logits names rows that already sum to 1, or output: probabilities rows that do not', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'mlgate-sanity-'));
    writeClassificationCsv(join(cwd, 'data.csv'), 400, 4, ['a', 'b'], { flip: 0.05 });
    writeModel(join(cwd, 'softmax.onnx'), {
      features: FEATURES,
      classes: ['a', 'b'],
      layers: teacherLayers(4, 2, 0.2),
      output: 'softmax',
    });
    writeModel(join(cwd, 'logits.onnx'), {
      features: FEATURES,
      classes: ['a', 'b'],
      layers: teacherLayers(4, 2, 0.2),
      output: 'none',
    });
    const twice = await runAction({
      action: 'evaluate',
      cwd,
      inputs: { model: 'softmax.onnx', baseline: 'none', data: 'data.csv', label: 'label', output: 'logits' },
    });
    expect(twice.exitCode, twice.stdout).toBe(0);
    expect(report(cwd).warnings).toEqual([
      "candidate: output is logits, but every row of the model's output is already a distribution (in [0, 1], summing to 1), so softmax is applied twice; set output to probabilities (or auto)",
    ]);
    const raw = await runAction({
      action: 'evaluate',
      cwd,
      inputs: {
        model: 'logits.onnx',
        baseline: 'softmax.onnx',
        data: 'data.csv',
        label: 'label',
        output: 'probabilities',
      },
    });
    expect(report(cwd).warnings[0]).toMatch(
      /^candidate: output is probabilities, but the model's output for row data\.csv:\d+ is not a distribution \(in \[0, 1\], summing to 1\); set output to logits \(or auto\) if the model outputs scores$/,
    );
    expect(
      raw.annotations.some((a) => a.level === 'warning' && a.message.startsWith('candidate: output is probabilities')),
    ).toBe(true);
    const auto = await runAction({
      action: 'evaluate',
      cwd,
      inputs: { model: 'logits.onnx', baseline: 'softmax.onnx', data: 'data.csv', label: 'label' },
    });
    expect(auto.exitCode, auto.stdout).toBe(0);
    expect(report(cwd).warnings).toBeUndefined();
  });
});
