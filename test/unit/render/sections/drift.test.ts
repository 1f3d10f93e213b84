import { describe, expect, it } from 'vitest';
import type { DriftReport, FeatureDrift } from '../../../../src/core/documents.js';
import { renderReport } from '../../../../src/render/report.js';
import { renderDriftSection } from '../../../../src/render/sections/drift.js';

const rendered = (markdown: string) =>
  markdown.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));

function report(features: FeatureDrift[], extra: Partial<DriftReport> = {}): DriftReport {
  return {
    schema: 'mlgate/drift-report@1',
    created_at: 'now',
    reference: { rows: 600 },
    current: { rows: 15 },
    dataset_drift: false,
    drift_share: 0,
    features,
    ...extra,
  };
}

describe('the drift section', () => {
  it('is neutral, not a pass, when nothing could be tested, and says so', () => {
    const untested = report(
      [
        {
          column: 'x',
          kind: 'numeric',
          test: 'ks',
          status: 'insufficient_data',
          reason: '600 reference and 15 current values; at least 20 are needed on each side',
        },
        { column: 'id', test: 'none', status: 'skipped', role: 'id', reason: 'identifier' },
      ],
      { verdict: 'not_tested' },
    );
    const section = renderDriftSection(untested, 'drift-report.json');
    expect(section.status).toBe('neutral');
    expect(section.headline).toBe('Nothing could be tested: of 2 features, 1 had too little data and 1 were skipped');
    const { markdown, status } = renderReport([section], { limit: 65_000 });
    expect(markdown).not.toContain('✅');
    expect(markdown).toContain('### ➖ Drift');
    expect(status).toBe('warn');
  });

  it('says which p-value it shows, names a distance with its significance test, and gives every reason', () => {
    const drifted = report(
      [
        {
          column: 'x',
          kind: 'numeric',
          test: 'wasserstein',
          significance_test: 'ks',
          statistic: 0.4,
          p_value: 1e-9,
          p_adjusted: 2e-9,
          threshold: 0.1,
          status: 'drift',
          reason: 'wasserstein 0.4 ≥ 0.1, confirmed by ks BH-adjusted p-value 2e-9 < 0.05 (raw 1e-9)',
        },
        {
          column: 'y',
          kind: 'binary',
          role: 'label',
          test: 'ztest',
          statistic: 3,
          p_value: 0.001,
          threshold: 0.05,
          status: 'drift',
          reason: 'ztest p-value 0.001 < 0.05',
        },
      ],
      { dataset_drift: true, verdict: 'drift', correction: 'bh' },
    );
    const section = renderDriftSection(drifted, 'drift-report.json');
    expect(section.headline).toBe('1 of 1 features drifted (dataset drift); label drifted');
    const text = rendered(section.body);
    expect(text).toContain('| Feature | Test | Statistic | p-value (BH-adjusted) | Threshold | Result | Reason |');
    expect(text).toContain('| x | wasserstein + ks | 0.4 | 2.00e-9 | 0.1 | **drift** |');
    expect(text).toContain('confirmed by ks BH-adjusted p-value');
    expect(text).toContain('| y (label) | ztest |');
  });
});
