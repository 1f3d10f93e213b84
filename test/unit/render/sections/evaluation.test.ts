import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EvalReport } from '../../../../src/core/documents.js';
import { parseDocument } from '../../../../src/io/documents.js';
import { renderEvaluationSection } from '../../../../src/render/sections/evaluation.js';
import { renderImportanceDetails } from '../../../../src/render/sections/permutation-importance.js';
import { ROOT } from '../../../support/run-action.js';

async function example(): Promise<EvalReport> {
  const path = join(ROOT, 'test', 'fixtures', 'reports', 'eval-report.json');
  return (await parseDocument<EvalReport>(readFileSync(path, 'utf8'), 'eval-report.json')).document;
}

describe('the evaluation section: what the holdout could see', () => {
  it('says when a change rule is underpowered: the detectable drop, the tolerance, and the rows a holdout would need', async () => {
    const report = await example();
    report.data = { ...report.data, rows: 900 };
    report.gate.checks = [
      {
        metric: 'accuracy',
        rule: 'max-drop',
        threshold: 0.01,
        observed: 0.004,
        passed: true,
        reason: 'accuracy fell by 0.004; not significantly beyond the allowed 0.01',
        decision: 'lenient',
        status: 'underpowered',
        detectable: 0.035,
        rows_needed: 11025,
      },
    ];
    const section = renderEvaluationSection(report, 'eval-report.json');
    expect(section.status).toBe('warn');
    expect(section.headline).toBe('gate passed, 1 check, 1 underpowered');
    expect(section.body).toContain(
      '- ⚠️ accuracy: this holdout (900 rows) can detect drops of 0.035 or more; the policy tolerates 0.01; about 12,000 rows would be needed.',
    );
  });

  it('says nothing of power when every tolerance is within reach', async () => {
    const report = await example();
    report.gate.checks = report.gate.checks.map((c) => ({
      ...c,
      status: 'passed',
      detectable: 0.004,
      rows_needed: 400,
    }));
    const section = renderEvaluationSection(report, 'eval-report.json');
    expect(section.body).not.toContain('Underpowered');
    expect(section.headline).toBe('gate passed, 1 check');
  });
});

/** The example with what evaluate now records: classes, per-class counts, McNemar, slices, provenance, costs. */
async function fullExample(): Promise<EvalReport> {
  const report = await example();
  report.classes = ['sun', 'rain', '<b>fog</b>'];
  report.candidate.sha256 = 'a'.repeat(64);
  report.baseline!.sha256 = 'b'.repeat(64);
  report.candidate.confusion_matrix = [
    [50, 5, 0],
    [4, 40, 1],
    [0, 2, 8],
  ];
  report.baseline!.confusion_matrix = [
    [48, 7, 0],
    [6, 38, 1],
    [0, 2, 8],
  ];
  report.candidate.per_class = [
    { precision: 0.926, recall: 0.909, f1: 0.917, support: 55 },
    { precision: 0.851, recall: 0.889, f1: 0.87, support: 45 },
    { precision: 0.889, recall: 0.8, f1: 0.842, support: 10 },
  ];
  report.baseline!.per_class = [
    { precision: 0.889, recall: 0.873, f1: 0.881, support: 55 },
    { precision: 0.809, recall: 0.844, f1: 0.826, support: 45 },
    { precision: 0.889, recall: 0.8, f1: 0.842, support: 10 },
  ];
  report.data = {
    rows: 110,
    files: [{ path: 'holdout.csv', rows: 110, sha256: 'c'.repeat(64) }],
    sha256: 'c'.repeat(64),
  };
  report.run = {
    repository: 'o/r',
    id: 42,
    attempt: 1,
    job: 'evaluate',
    sha: 'd'.repeat(40),
    url: 'https://github.com/o/r/actions/runs/42',
  };
  report.tests = { mcnemar: { baseline_only: 3, candidate_only: 8, p_value: 0.2266, method: 'exact' } };
  report.comparisons.push(
    { metric: 'roc_auc', higher_is_better: true, baseline: 0.91, candidate: 0.91, difference: 0 },
    { metric: 'latency_p95_ms', higher_is_better: false, baseline: 0.2, candidate: 0.25, difference: 0.05 },
    { metric: 'model_bytes', higher_is_better: false, baseline: 1000, candidate: 1200, difference: 200 },
  );
  report.slices = [
    {
      column: 'region',
      value: 'north',
      rows: 60,
      candidate: { accuracy: { value: 0.9 }, roc_auc: { value: null } },
      baseline: { accuracy: { value: 0.85 }, roc_auc: { value: null } },
      test: { method: 'mcnemar', p_value: 0.03 },
    },
    {
      column: 'region',
      value: 'south',
      rows: 50,
      candidate: { accuracy: { value: 0.8 }, roc_auc: { value: 0.88 } },
      baseline: { accuracy: { value: 0.8 }, roc_auc: { value: 0.87 } },
      test: { method: 'mcnemar', p_value: 1 },
    },
  ];
  report.weak_slices = {
    method: 'mcnemar',
    correction: 'holm',
    alpha: 0.05,
    min_rows: 30,
    columns: ['region', 'temp'],
    pairs: false,
    tested: 6,
    slices: [
      {
        where: [{ column: 'temp', value: '≥ 20' }],
        rows: 40,
        metric: 'accuracy',
        baseline: 0.9,
        candidate: 0.7,
        difference: -0.2,
        p_value: 0.001,
        p_adjusted: 0.006,
      },
    ],
  };
  return report;
}

describe('the evaluation section: what a reviewer acts on', () => {
  it('shows per-class precision, recall and F1 of both models with the change, and both confusion matrices collapsed', async () => {
    const section = renderEvaluationSection(await fullExample(), 'eval-report.json');
    expect(section.body).toContain(
      '| Class | Rows | precision: baseline → candidate | recall: baseline → candidate | F1: baseline → candidate |',
    );
    expect(section.body).toContain(
      '| sun | 55 | 0.889 → 0.926 (+0.037) | 0.873 → 0.909 (+0.036) | 0.881 → 0.917 (+0.036) |',
    );
    // A class name from the data is escaped; an identical score reads "unchanged".
    expect(section.body).toContain('| &#60;b&#62;fog&#60;/b&#62; | 10 | 0.889 → 0.889 (unchanged) |');
    expect(section.details).toContain(
      '<details><summary>Confusion matrices (rows: true class, columns: predicted)</summary>',
    );
    expect(section.details).toContain('| true ↓ / predicted → | sun | rain | &#60;b&#62;fog&#60;/b&#62; |');
    expect(section.details).toContain('| sun | 50 | 5 | 0 |');
    expect(section.details).toContain('| sun | 48 | 7 | 0 |');
  });

  it('collapses the per-class table past 10 classes', async () => {
    const report = await fullExample();
    report.classes = Array.from({ length: 11 }, (_, c) => `c${c}`);
    const score = { precision: 0.5, recall: 0.5, f1: 0.5, support: 10 };
    report.candidate.per_class = report.classes.map(() => score);
    report.baseline!.per_class = report.classes.map(() => score);
    const section = renderEvaluationSection(report, 'eval-report.json');
    expect(section.body).not.toContain('| Class |');
    expect(section.details).toContain('<details><summary>Per-class precision, recall and F1 (11 classes)</summary>');
  });

  it('leaves the confusion matrices of many classes to the report', async () => {
    const report = await fullExample();
    report.classes = Array.from({ length: 31 }, (_, c) => `c${c}`);
    report.candidate.confusion_matrix = report.classes.map(() => report.classes!.map(() => 1));
    const section = renderEvaluationSection(report, 'eval-report.json');
    expect(section.details).toContain(
      '31 classes: too many to show as a table; the matrices are in the eval report (confusion_matrix).',
    );
    expect(section.details).not.toContain('true ↓ / predicted →');
  });

  it('shows McNemar, a legend for every mark, "unchanged", and provenance with rows and hashes', async () => {
    const section = renderEvaluationSection(await fullExample(), 'eval-report.json');
    expect(section.body).toContain(
      "McNemar's test (exact binomial) on the 11 rows only one model classified right (candidate only 8, baseline only 3): p = 0.23.",
    );
    expect(section.body).toMatch(/`\*` significant: the change's 95% bootstrap interval excludes 0/);
    expect(section.body).toContain('`n/a` not defined on these rows');
    expect(section.body).toContain('| roc&#95;auc | 0.91 | 0.91 | unchanged | n/a |  |');
    expect(section.body).toContain(
      `**Provenance** (SHA-256): data holdout&#46;csv (110 rows) \`${'c'.repeat(64)}\` · candidate \`${'a'.repeat(64)}\` · baseline \`${'b'.repeat(64)}\` · commit \`${'d'.repeat(40)}\` · run 42`,
    );
  });

  it.each(['javascript:alert(1)', 'https://evil.example/login', 'https://github.com.evil.io/o/r/actions/runs/42'])(
    'never links the run address a report holds (%s): a fork writes its own reports',
    async (url) => {
      const report = await fullExample();
      report.run!.url = url;
      const section = renderEvaluationSection(report, 'eval-report.json');
      expect(section.body).not.toContain('evil');
      expect(section.body).not.toContain('javascript');
      expect(section.body).not.toContain('](');
      expect(section.body).toContain('run 42');
    },
  );

  it('keeps latency and size out of the main table unless a policy rule uses them, with their units', async () => {
    const report = await fullExample();
    let section = renderEvaluationSection(report, 'eval-report.json');
    expect(section.body).not.toContain('latency');
    expect(section.details).toContain('<details><summary>Latency and size (no policy rule uses them)</summary>');
    expect(section.details).toContain('| latency p95 (ms) | 0.2 | 0.25 | +0.05 | n/a |  |');
    expect(section.details).toContain('| model size (bytes) | 1,000 | 1,200 | +200 | n/a |  |');
    report.gate.checks.push({
      metric: 'latency_p95_ms',
      rule: 'max-rise',
      threshold: 0.1,
      observed: 0.05,
      passed: true,
      reason: 'latency_p95_ms rose by 0.05, within the allowed 0.1',
    });
    section = renderEvaluationSection(report, 'eval-report.json');
    expect(section.body).toContain('| latency p95 (ms) | 0.2 | 0.25 | +0.05 | n/a | ✅ |');
    expect(section.details).toContain('| model size (bytes) |');
  });

  it('shows MAPE in percent', async () => {
    const report = await fullExample();
    report.task = 'regression';
    report.comparisons = [
      {
        metric: 'mape',
        higher_is_better: false,
        baseline: 0.125,
        candidate: 0.1,
        difference: -0.025,
        ci_low: -0.03,
        ci_high: -0.02,
        significant: true,
      },
    ];
    const section = renderEvaluationSection(report, 'eval-report.json');
    expect(section.body).toContain('| MAPE (%) | 12.5 | 10 | −2.5 | [−3, −2] * |  |');
  });

  it('shows slices with baseline, candidate, change and the paired test, n/a where a metric is undefined', async () => {
    const section = renderEvaluationSection(await fullExample(), 'eval-report.json');
    expect(section.details).toContain(
      '| Slice | Rows | accuracy: baseline → candidate (change) | roc&#95;auc: baseline → candidate (change) | p-value |',
    );
    expect(section.details).toContain('| region = north | 60 | 0.85 → 0.9 (+0.05) | n/a → n/a (n/a) | 0.03 * |');
    expect(section.details).toContain('| region = south | 50 | 0.8 → 0.8 (unchanged) | 0.87 → 0.88 (+0.01) | 1 |');
  });

  it('lists the slices where the candidate is significantly worse, with their size and change, and what was searched', async () => {
    const report = await fullExample();
    let section = renderEvaluationSection(report, 'eval-report.json');
    expect(section.body).toContain(
      "**Where the candidate is worse** (6 slices of 2 columns with at least 30 rows, McNemar's test per slice, Holm-corrected at 0.05):",
    );
    expect(section.body).toContain('- temp ≥ 20: 40 rows, accuracy 0.9 → 0.7 (−0.2), adjusted p = 0.006');
    report.weak_slices!.slices = [];
    section = renderEvaluationSection(report, 'eval-report.json');
    expect(section.body).toContain(
      '**Where the candidate is worse:** no slice is significantly worse (6 slices of 2 columns',
    );
  });

  it('charts in colours that read on light and dark backgrounds', async () => {
    const section = renderEvaluationSection(await fullExample(), 'eval-report.json');
    expect(section.body).toContain('"plotColorPalette":"#1f6feb, #e16f24"');
    expect(section.body).not.toMatch(/#ECECFF/i);
  });
});

describe('the evaluation section: permutation importance', () => {
  /** 17 features, the most important last in input order, one named to break Markdown and mention a team. */
  function withImportance(report: EvalReport): EvalReport {
    const features = Array.from({ length: 17 }, (_, i) => ({
      feature: i === 16 ? '<img src=x>|@org/team' : `f${i}`,
      candidate: i === 3 ? null : { mean: 0.01 * i, std: 0.001 * i },
      baseline: i === 5 ? null : { mean: 0.012 * i - (i === 8 ? 0.024 : 0), std: 0.002 },
    }));
    // In the report's order: the larger of the two importances first.
    const larger = (f: (typeof features)[number]) => Math.max(f.candidate?.mean ?? -1, f.baseline?.mean ?? -1);
    features.sort((a, b) => larger(b) - larger(a));
    report.permutation_importance = {
      rows: 10_000,
      repeats: 5,
      seed: 20240101,
      score: 'accuracy',
      candidate_score: 0.9132,
      baseline_score: 0.9021,
      features,
    };
    return report;
  }

  it('collapses a table of the features either model relies on most, as test/fixtures/golden/permutation-importance.md', async () => {
    const report = withImportance(await fullExample());
    // The document is one the schema accepts.
    await parseDocument<EvalReport>(JSON.stringify(report), 'eval-report.json');
    const rendered = renderImportanceDetails(report.permutation_importance!);
    const golden = join(ROOT, 'test', 'fixtures', 'golden', 'permutation-importance.md');
    if (process.env.UPDATE_GOLDEN) writeFileSync(golden, `${rendered}\n`);
    expect(`${rendered}\n`).toBe(readFileSync(golden, 'utf8'));
    expect(rendered).toContain('<summary>Feature importance (permutation, 10,000 rows, 5 repeats)</summary>');
    expect(rendered).toContain('&#60;img src&#61;x&#62;&#124;&#64;org/team');
    expect(rendered).not.toContain('<img');
    expect(rendered).toContain('… and 2 more features in the eval report (permutation_importance).');
    const details = renderEvaluationSection(report, 'eval-report.json').details!;
    expect(details).toContain(rendered);
    // Where the other collapsed sections are: after latency and size, before the gate checks.
    expect(details.indexOf('Latency and size')).toBeLessThan(details.indexOf('Feature importance'));
    expect(details.indexOf('Feature importance')).toBeLessThan(details.indexOf('Gate checks'));
  });

  it('shows the candidate alone without a baseline, and nothing when it was not measured', async () => {
    const report = withImportance(await fullExample());
    report.permutation_importance!.baseline_score = null;
    report.permutation_importance!.features = [{ feature: 'x', candidate: { mean: 0.5, std: 0.25 }, baseline: null }];
    const rendered = renderImportanceDetails(report.permutation_importance!);
    expect(rendered).toContain('| Feature | Candidate |\n| --- | ---: |\n| x | 0.5 ± 0.25 |');
    expect(rendered).not.toContain('more feature');
    expect(renderEvaluationSection(await fullExample(), 'eval-report.json').details).not.toContain(
      'Feature importance',
    );
  });
});
