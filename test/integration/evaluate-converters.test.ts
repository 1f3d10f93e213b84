import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeConverterModel, type ConverterCase } from '../support/converter-models.js';
import { ROOT, runAction } from '../support/run-action.js';

const fixtures = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'converters', 'fixtures.json'), 'utf8')) as {
  features: number;
  cases: ConverterCase[];
};
const FEATURES = Array.from({ length: fixtures.features }, (_, i) => `f${i}`);

/** A folder with the case's model (in its converter's layout) and its holdout as data.csv. */
function project(c: ConverterCase): string {
  const cwd = mkdtempSync(join(tmpdir(), 'mlgate-converter-'));
  mkdirSync(cwd, { recursive: true });
  writeFileSync(join(cwd, 'model.onnx'), writeConverterModel(c, fixtures.features));
  writeFileSync(
    join(cwd, 'data.csv'),
    `${[[...FEATURES, 'label'].join(','), ...c.rows.map((row, r) => [...row, c.labels[r]].join(','))].join('\n')}\n`,
  );
  return cwd;
}

describe('evaluate on models as converters write them (dist bundle)', () => {
  it.each(fixtures.cases)(
    '$name: scored from its probability tensor, metrics as scikit-learn computes them on its outputs',
    async (c) => {
      const cwd = project(c);
      // The multi-class cases score on the scoring thread, which prepares the graph on its own.
      const env: Record<string, string> =
        c.classes && c.classes.length > 2 ? { MLGATE_SCORE_MIN_BYTES: '1' } : { MLGATE_THREADS: '1' };
      const result = await runAction({
        action: 'evaluate',
        cwd,
        env,
        inputs: {
          model: 'model.onnx',
          baseline: 'none',
          data: 'data.csv',
          label: 'label',
          features: FEATURES.join(','),
          bootstrap: '0',
        },
      });
      expect(result.exitCode, result.stdout).toBe(0);
      const report = JSON.parse(readFileSync(join(cwd, 'mlgate-reports/eval-report.json'), 'utf8'));
      expect(report.task).toBe(c.task);
      if (c.task === 'classification') {
        expect(result.stdout).toContain(`Classes in output order: ${c.classes!.join(', ')}`);
        const zipMap = c.layout === 'skl2onnx-forest' ? 'output_probability' : 'probabilities';
        const tensor = c.layout === 'skl2onnx-forest' ? 'probabilities' : 'probability_tensor';
        expect(result.stdout).toContain(
          `model.onnx: the ZipMap output ${zipMap} is read as the probability tensor behind it, ${tensor}`,
        );
      }
      // The model computes in float32 and the reference emulates it: the same outputs within a float32 rounding.
      for (const [name, expected] of Object.entries(c.metrics)) {
        const actual = report.candidate.metrics[name]?.value;
        expect(Math.abs(actual - expected), `${name}: ${actual} vs scikit-learn ${expected}`).toBeLessThanOrEqual(
          1e-6 * Math.max(1, Math.abs(expected)),
        );
      }
    },
  );
});
