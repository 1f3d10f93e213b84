import type { ValidationReport } from '../core/documents.js';

/** Plain text for the terminal: the validation result and its violations with file:line, no Markdown. */
export function renderValidationText(report: ValidationReport, paths: { report: string; profile: string }): string {
  const { errors, warnings } = report.summary;
  const mark = report.passed ? (warnings > 0 ? '!' : '✓') : '✗';
  const lines = [
    `${mark} ${report.passed ? 'passed' : 'failed'}: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'} in ${report.dataset.rows} rows × ${report.dataset.columns} columns`,
  ];
  for (const v of report.violations) {
    const where = v.examples?.[0]
      ? ` (first at ${v.examples[0].file}${v.examples[0].line ? `:${v.examples[0].line}` : ''})`
      : '';
    lines.push(
      `  ${v.severity === 'error' ? 'error  ' : 'warning'} ${v.column ? `${v.column}: ` : ''}${v.rule}: ${v.count} row${v.count === 1 ? '' : 's'}, ${v.message}${where}`,
    );
  }
  lines.push(`report  ${paths.report}`, `profile ${paths.profile}`);
  return lines.join('\n');
}
