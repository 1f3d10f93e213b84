import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { teacherLayers, writeClassificationCsv, writeModel } from '../support/models.js';
import { runAction } from '../support/run-action.js';

const FEATURES = Array.from({ length: 6 }, (_, i) => `f${i}`);

describe('evaluate latency (dist bundle)', () => {
  it('one model as candidate and baseline never fails a 20% p95 rule: warm-up left out, calls interleaved, enough of them', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'mlgate-latency-'));
    // A small holdout: below one scoring batch, where p50 and p95 were one cold call.
    writeClassificationCsv(join(cwd, 'data.csv'), 300, 6, ['a', 'b', 'c'], { flip: 0.1 });
    writeModel(join(cwd, 'model.onnx'), {
      features: FEATURES,
      classes: ['a', 'b', 'c'],
      layers: teacherLayers(6, 3, 0.3),
      output: 'softmax',
    });
    writeFileSync(
      join(cwd, 'policy.yml'),
      'metrics:\n  latency_p95_ms: { max-rise: 20% }\n  latency_p50_ms: { max-rise: 20% }\n',
    );
    const ratios: number[] = [];
    for (let i = 0; i < 6; i++) {
      const result = await runAction({
        action: 'evaluate',
        cwd,
        inputs: { model: 'model.onnx', baseline: 'model.onnx', data: 'data.csv', label: 'label', policy: 'policy.yml' },
      });
      const report = JSON.parse(readFileSync(join(cwd, 'mlgate-reports/eval-report.json'), 'utf8'));
      const p95 = report.comparisons.find((c: { metric: string }) => c.metric === 'latency_p95_ms');
      ratios.push(p95.candidate / p95.baseline);
      expect(result.exitCode, `${result.stdout}\np95 ${p95.candidate} ms vs ${p95.baseline} ms`).toBe(0);
      expect(result.stdout).toMatch(
        /Latency \(measured in [\d.]+ s\): \d+ timed calls of 1024 rows per model after 5 warm-up calls, the models in turn( \(\d+ rounds timed again: the process was off the CPU\))?; candidate p50 [\d.]+ ms, p95 [\d.]+ ms; baseline p50 [\d.]+ ms, p95 [\d.]+ ms/,
      );
    }
    // The raw p95 ratios are printed, not bounded: on a busy machine one model's p95 differs from its own by 25%,
    // which is what the interval of the change (and so the gate) takes into account.
    console.log(`p95 candidate / baseline, one model: ${ratios.map((r) => r.toFixed(3)).join(', ')}`);
  }, 120_000);
});
