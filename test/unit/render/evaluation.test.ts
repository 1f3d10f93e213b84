import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EvalReport } from '../../../src/core/documents.js';
import { parseDocument } from '../../../src/io/documents.js';
import { renderEvaluationSection } from '../../../src/render/sections/evaluation.js';
import { ROOT } from '../../support/run-action.js';

async function example(): Promise<EvalReport> {
  const path = join(ROOT, 'test', 'fixtures', 'reports', 'eval-report.json');
  return (await parseDocument<EvalReport>(readFileSync(path, 'utf8'), 'eval-report.json')).document;
}

describe('the evaluation section: what the holdout could see', () => {
  it('says when a change rule is underpowered: the detectable drop, the tolerance, and the rows a holdout would need', async () => {
    const report = await example();
    report.data = { ...report.data, rows: 900 };
    report.gate.checks = [{ metric: 'accuracy', rule: 'max-drop', threshold: 0.01, observed: 0.004, passed: true, reason: 'accuracy fell by 0.004; not significantly beyond the allowed 0.01', decision: 'lenient', status: 'underpowered', detectable: 0.035, rows_needed: 11025 }];
    const section = renderEvaluationSection(report, 'eval-report.json');
    expect(section.status).toBe('warn');
    expect(section.headline).toBe('gate passed, 1 check, 1 underpowered');
    expect(section.body).toContain('- ⚠️ accuracy: this holdout (900 rows) can detect drops of 0.035 or more; the policy tolerates 0.01; about 12,000 rows would be needed.');
  });

  it('says nothing of power when every tolerance is within reach', async () => {
    const report = await example();
    report.gate.checks = report.gate.checks.map((c) => ({ ...c, status: 'passed', detectable: 0.004, rows_needed: 400 }));
    const section = renderEvaluationSection(report, 'eval-report.json');
    expect(section.body).not.toContain('Underpowered');
    expect(section.headline).toBe('gate passed, 1 check');
  });
});
