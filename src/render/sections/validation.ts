import type { ValidationReport, Violation } from '../../core/documents.js';
import { details, escapeText, escapeValue, formatCount, formatPercent, statusIcon, table } from '../markdown.js';
import type { ReportSection } from '../section.js';
import { renderRulesFileNote } from './rules-file.js';

/** Violations shown in the section's body; the rest are in its details. */
const BODY_ROWS = 10;
/** Violations listed in the details at most; a report with more says how many were left out. */
const DETAIL_ROWS = 1000;
const EXAMPLES_PER_VIOLATION = 5;

/** The data-validation section: how many rows broke which rule, and where. */
export function renderValidationSection(report: ValidationReport, source: string): ReportSection {
  const { errors, warnings } = report.summary;
  const size = `${formatCount(report.dataset.rows)} rows × ${formatCount(report.dataset.columns)} columns`;
  const status = !report.passed ? 'fail' : warnings > 0 || errors > 0 ? 'warn' : 'pass';
  const headline =
    errors === 0 && warnings === 0
      ? `${size}, no violations`
      : `${plural(errors, 'error')}, ${plural(warnings, 'warning')} in ${size}`;
  const sorted = [...report.violations].sort((a, b) => severityRank(a) - severityRank(b) || b.count - a.count);
  const contract = report.contract?.path
    ? ` against ${escapeText(report.contract.path)}${report.contract.inferred ? ' (inferred)' : ''}`
    : '';
  const lines = [`${headline}${contract}.`];
  const rules = renderRulesFileNote(report.contract, 'contract');
  if (rules.note) lines.push(rules.note);
  if (sorted.length > 0) lines.push(violationTable(sorted.slice(0, BODY_ROWS), report.dataset.rows, 1));
  const section: ReportSection = {
    kind: 'validation-report',
    source,
    title: 'Data validation',
    status,
    headline,
    body: lines.join('\n\n'),
    importance: 2,
  };
  const parts: string[] = [];
  if (sorted.length > BODY_ROWS) {
    const shown = sorted.slice(0, DETAIL_ROWS);
    const more =
      sorted.length > DETAIL_ROWS
        ? `\n\n${formatCount(sorted.length - DETAIL_ROWS)} more violations are in the report file.`
        : '';
    parts.push(
      details(
        `All ${formatCount(sorted.length)} violations`,
        violationTable(shown, report.dataset.rows, EXAMPLES_PER_VIOLATION) + more,
      ),
    );
  }
  if (rules.diff) parts.push(rules.diff);
  if (parts.length > 0) section.details = parts.join('\n\n');
  return section;
}

function violationTable(violations: readonly Violation[], rows: number, examples: number): string {
  return table(
    ['', 'Column', 'Rule', 'Rows', 'Share', 'First rows'],
    violations.map((v) => [
      statusIcon(v.severity === 'error' ? 'fail' : 'warn'),
      v.column == null ? '_dataset_' : escapeText(v.column),
      escapeText(v.rule, 40),
      formatCount(v.count),
      formatPercent(v.fraction ?? (rows > 0 ? v.count / rows : null)),
      (v.examples ?? [])
        .slice(0, examples)
        .map((e) => `${escapeText(e.file, 80)}${e.line ? `:${e.line}` : ''} ${escapeValue(e.value)}`)
        .join('<br>') || escapeText(v.message, 120),
    ]),
    ['c', 'l', 'l', 'r', 'r', 'l'],
  );
}

function severityRank(v: Violation): number {
  return v.severity === 'error' ? 0 : 1;
}

function plural(count: number, noun: string): string {
  return `${formatCount(count)} ${noun}${count === 1 ? '' : 's'}`;
}
