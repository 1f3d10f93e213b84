import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EvalReport } from '../../../src/core/documents.js';
import type { Profile } from '../../../src/core/profile/profile.js';
import { parseDocument } from '../../../src/io/documents.js';
import { renderModelCard, type ModelCardInput } from '../../../src/render/model-card.js';
import { ROOT } from '../../support/run-action.js';

async function input(): Promise<ModelCardInput> {
  const path = join(ROOT, 'test', 'fixtures', 'reports', 'eval-report.json');
  const report = (await parseDocument<EvalReport>(readFileSync(path, 'utf8'), 'eval-report.json')).document;
  report.features = ['precipitation', 'temp_max', 'wind'];
  report.policy = { path: '.mlgate/policy.yml', applied: 'base' };
  const profile = {
    schema: 'mlgate/profile@1',
    created_at: '2026-11-22T00:00:00Z',
    dataset: { files: [{ path: 'train.csv', rows: 1096 }], rows: 1096 },
    sample: { size: 0, seed: 1, priorities: [] },
    columns: [
      {
        name: 'precipitation',
        type: 'float',
        count: 1090,
        nulls: 6,
        invalid: 0,
        numeric: {
          min: 0,
          max: 55.9,
          mean: 3.03,
          m2: 0,
          variance: 1,
          integral: false,
          quantiles: {},
          histogram: { edges: [], counts: [] },
        },
        sample: [],
      },
      {
        name: 'weather',
        type: 'string',
        count: 1096,
        nulls: 0,
        invalid: 0,
        categories: {
          counts: [
            ['sun', 500],
            ['rain', 450],
            ['<fog>', 30],
          ],
          distinct: 5,
          other: 116,
          truncated: false,
        },
        sample: [],
      },
    ],
  } as unknown as Profile;
  return {
    tag: 'model-v1.2.0',
    modelName: 'model.onnx',
    modelSha256: 'e'.repeat(64),
    modelBytes: 2048,
    commit: 'f'.repeat(40),
    runUrl: 'https://github.com/octo/weather/actions/runs/9',
    report,
    previousTag: 'model-v1.1.0',
    profile,
    checks: [{ name: 'gate', passed: true, reason: 'the gate passed' }],
  };
}

describe('the model card', () => {
  it('lists the features and their types, the classes, and the training data from the profile', async () => {
    const card = renderModelCard(await input());
    expect(card).toContain('## Inputs and outputs');
    expect(card).toContain('| 1 | precipitation | float |');
    expect(card).toContain('| 3 | wind | number |');
    expect(card).toContain(
      "Classes, in the order of the model's outputs: drizzle, fog, rain, snow, sun. The label column is weather.",
    );
    expect(card).toContain('| precipitation | float | 0.5% | 0 to 55.9, mean 3.03 |');
    expect(card).toContain(
      '| weather | string | 0.0% | 5 values; most common sun (500), rain (450), &#60;fog&#62; (30) |',
    );
  });

  it("gives metrics with intervals beside the previous release's, per-class scores, the weak-slice search, the gate and its policy", async () => {
    const card = renderModelCard(await input());
    expect(card).toContain('| Metric | This model | 95% CI | Previous | Previous 95% CI | Change |');
    expect(card).toContain('| accuracy | 0.8466 | [0.805, 0.877] | 0.8274 | [0.778, 0.858] | +0.0192 |');
    expect(card).toContain('| drizzle | 11 | 0.667 | 0.182 | 0.286 |');
    expect(card).toContain(
      'No slice was significantly worse than the previous model (16 slices searched, Holm-corrected at 0.05).',
    );
    expect(card).toContain('The gate passed under the policy &#46;mlgate/policy&#46;yml.');
    expect(card).toContain('| Evaluation run | run 7001 on 9fceb02d0ae598e95dc970b74767f19372d61af8 |');
    // The report's own address is data (a fork writes its reports): never a link in a published card.
    expect(card).not.toContain('](https://github.com/octo/weather/actions/runs/7001)');
  });

  it('says who overrode a failed gate', async () => {
    const value = await input();
    value.report.gate = {
      ...value.report.gate,
      passed: true,
      override: { label: 'mlgate-override', applied_by: 'lead' },
    };
    expect(renderModelCard(value)).toContain(
      'The gate failed and was overridden with the label mlgate&#45;override, applied by lead.',
    );
  });

  it("takes intended use and limitations from the team's sections, keeping a placeholder for what it left out", async () => {
    const value = await input();
    expect(renderModelCard(value)).toContain(
      '## Intended use\n\n_For the team to fill in (release input model-card-sections)',
    );
    value.teamSections = '## Intended use\n\nDaily rain alerts.\n';
    const card = renderModelCard(value);
    expect(card).toContain('## Intended use\n\nDaily rain alerts.');
    expect(card).not.toContain('what the model is for');
    expect(card).toContain('## Limitations\n\n_For the team to fill in');
  });
});
