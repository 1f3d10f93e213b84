import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from '../../../src/io/documents.js';
import { overallStatus, renderReport } from '../../../src/render/report.js';
import type { ReportSection } from '../../../src/render/section.js';
import { renderSection } from '../../../src/render/sections/index.js';
import { ROOT } from '../../support/run-action.js';

function section(
  title: string,
  importance: number,
  size: number,
  status: ReportSection['status'] = 'pass',
): ReportSection {
  return {
    kind: 'eval-report',
    source: `${title}.json`,
    title,
    status,
    headline: `${title} headline`,
    body: `${title} body ${'b'.repeat(size)}`,
    details: `<details><summary>more</summary>\n\n${'d'.repeat(size * 4)}\n\n</details>`,
    importance,
  };
}

describe('renderReport', () => {
  it('puts a verdict first and sections by importance', () => {
    const { markdown, status } = renderReport([section('Low', 3, 10, 'warn'), section('High', 1, 10, 'fail')], {
      limit: 10_000,
      marker: '<!-- m -->',
    });
    expect(status).toBe('fail');
    expect(markdown.split('\n')[0]).toBe('<!-- m -->');
    expect(markdown).toContain('## ❌ mlgate: 1 of 2 checks failed');
    expect(markdown.indexOf('### ❌ High')).toBeLessThan(markdown.indexOf('### ⚠️ Low'));
  });

  it('drops the details of the least important section first, then bodies, and says so', () => {
    const sections = [section('A', 1, 1000), section('B', 2, 1000), section('C', 3, 1000)];
    const full = renderReport(sections, { limit: 1_000_000 }).markdown.length;
    const oneTrim = renderReport(sections, { limit: full - 100, fullReportUrl: 'https://x/run' });
    expect(oneTrim.trimmed).toEqual(['C']);
    expect(oneTrim.markdown).toContain(
      "less detail for C. The full report is in the [workflow run's job summary](https://x/run).",
    );
    expect(oneTrim.markdown).toContain('A body');
    const tight = renderReport(sections, { limit: 2500 });
    expect(tight.markdown.length).toBeLessThanOrEqual(2500);
    expect(tight.markdown).toContain('A headline');
    expect(tight.trimmed).toContain('C');
  });

  it('measures in bytes when asked (the job summary limit is in bytes)', () => {
    const wide: ReportSection = { ...section('W', 1, 10), body: 'é'.repeat(1000) };
    const bytes = renderReport([wide], { limit: 1500, measure: (t) => Buffer.byteLength(t) });
    expect(Buffer.byteLength(bytes.markdown)).toBeLessThanOrEqual(1500);
  });

  it('says so when there are no reports', () => {
    expect(overallStatus([])).toBe('empty');
    expect(renderReport([], { limit: 1000 }).markdown).toContain('No mlgate reports were found');
  });
});

describe('the report of the example documents (golden file)', () => {
  it('renders exactly as test/fixtures/golden/example-report.md (UPDATE_GOLDEN=1 rewrites it)', async () => {
    const names = ['eval-report.json', 'validation-report.json', 'drift-report.json', 'train-report.json'];
    const documents = await Promise.all(
      names.map((name) => parseDocument(readFileSync(join(ROOT, 'test', 'fixtures', 'reports', name), 'utf8'), name)),
    );
    const sections = documents.map((document) => renderSection(document)!);
    const { markdown } = renderReport(sections, {
      limit: 65_000,
      marker: '<!-- mlgate:golden -->',
      footer: 'mlgate · golden',
    });
    const golden = join(ROOT, 'test', 'fixtures', 'golden', 'example-report.md');
    if (process.env.UPDATE_GOLDEN) writeFileSync(golden, markdown);
    expect(markdown).toBe(readFileSync(golden, 'utf8'));
  });
});
