import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PIPELINE_COLUMNS, writePipelineProject, writeTf2onnxModel } from '../support/converter-models.js';
import { teacherLayers, writeClassificationCsv, writeModel } from '../support/models.js';
import { runAction } from '../support/run-action.js';

function report(cwd: string) {
  return JSON.parse(readFileSync(join(cwd, 'mlgate-reports/eval-report.json'), 'utf8'));
}

/** Every metric of the candidate within `tolerance` of the baseline's (latency and size aside). */
function expectSameMetrics(
  r: {
    candidate: { metrics: Record<string, { value: number }> };
    baseline: { metrics: Record<string, { value: number }> };
  },
  tolerance: number,
) {
  for (const [name, { value }] of Object.entries(r.candidate.metrics)) {
    if (name.startsWith('latency') || name === 'model_bytes') continue;
    expect(Math.abs(value - r.baseline.metrics[name]!.value), name).toBeLessThanOrEqual(tolerance);
  }
}

describe('evaluate: model inputs as exporters write them (dist bundle)', () => {
  it('feeds a pipeline with one input per column, each from the column of its name in its own type, as the same model with one matrix input', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'mlgate-inputs-'));
    const lines = writePipelineProject(cwd);
    const result = await runAction({
      action: 'evaluate',
      cwd,
      inputs: {
        model: 'pipeline.onnx',
        baseline: 'matrix.onnx',
        data: 'data.csv',
        label: 'label',
        'batch-size': '128',
      },
    });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.stdout).toContain(
      'pipeline.onnx: the ZipMap output output_probability is read as the probability tensor behind it, probabilities',
    );
    const r = report(cwd);
    expect(r.candidate.metrics.log_loss.value).toBeGreaterThan(0);
    expect(r.candidate.metrics.accuracy.value).toBeGreaterThan(0.6);
    expectSameMetrics(r, 1e-6);
    expect(PIPELINE_COLUMNS.map((c) => c.type)).toEqual(['float', 'double', 'int64', 'int32', 'bool', 'string']);
    // A value an integer input cannot hold is refused, naming the input.
    writeFileSync(
      join(cwd, 'bad.csv'),
      `${lines.map((line, i) => (i === 3 ? line.replace(/^([^,]+,[^,]+,)(\d+)/, '$11.5') : line)).join('\n')}\n`,
    );
    const bad = await runAction({
      action: 'evaluate',
      cwd,
      inputs: { model: 'pipeline.onnx', baseline: 'none', data: 'bad.csv', label: 'label' },
    });
    expect(bad.exitCode).toBe(1);
    expect(bad.annotations.at(-1)!.message).toBe(
      'pipeline.onnx: the input visits takes integers (int64), but was given 1.5; give that column whole numbers, or export the input as a float',
    );
  });

  it('scores a classifier as tf2onnx writes it (MatMul, Add, Softmax; a named unknown batch dimension) as the same dense model', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'mlgate-inputs-'));
    writeClassificationCsv(join(cwd, 'data.csv'), 300, 6, ['0', '1', '2'], { flip: 0.1 });
    const [layer] = teacherLayers(6, 3, 0.3);
    writeFileSync(join(cwd, 'tf.onnx'), writeTf2onnxModel(6, layer!.weights, layer!.bias));
    writeModel(join(cwd, 'dense.onnx'), {
      features: Array.from({ length: 6 }, (_, i) => `f${i}`),
      layers: [layer!],
      output: 'softmax',
    });
    const result = await runAction({
      action: 'evaluate',
      cwd,
      inputs: {
        model: 'tf.onnx',
        baseline: 'dense.onnx',
        data: 'data.csv',
        label: 'label',
        features: 'f0,f1,f2,f3,f4,f5',
      },
    });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.stdout).toContain('Classes in output order: 0, 1, 2');
    expectSameMetrics(report(cwd), 1e-6);
  });

  it.each([1, 16])(
    'scores a model with a fixed batch dimension of %i in batches of that size, noted in the report',
    async (batch) => {
      const cwd = mkdtempSync(join(tmpdir(), 'mlgate-inputs-'));
      writeClassificationCsv(join(cwd, 'data.csv'), 300, 6, ['a', 'b', 'c'], { flip: 0.1 });
      const spec = {
        features: Array.from({ length: 6 }, (_, i) => `f${i}`),
        classes: ['a', 'b', 'c'],
        layers: teacherLayers(6, 3, 0.3),
        output: 'softmax' as const,
      };
      writeModel(join(cwd, 'fixed.onnx'), { ...spec, batchSize: batch });
      writeModel(join(cwd, 'free.onnx'), spec);
      // 300 rows in scoring batches of 64: the last call of each batch filled up.
      const result = await runAction({
        action: 'evaluate',
        cwd,
        inputs: { model: 'fixed.onnx', baseline: 'free.onnx', data: 'data.csv', label: 'label', 'batch-size': '64' },
      });
      expect(result.exitCode, result.stdout).toBe(0);
      const note = `its batch dimension is fixed: scored ${batch} ${batch === 1 ? 'row' : 'rows'} a call`;
      expect(result.stdout).toContain(`fixed.onnx: ${note}`);
      const r = report(cwd);
      expect(r.notes).toEqual([`candidate: ${note}`]);
      expectSameMetrics(r, 1e-6);
    },
  );
});
