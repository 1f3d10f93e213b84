import type { EvalReport, GateCheck, MetricComparison } from '../../core/documents.js';
import { details, escapeText, formatCount, formatNumber, formatSigned, statusIcon, table } from '../markdown.js';
import { metricChart } from '../mermaid.js';
import type { ReportSection } from '../section.js';
import { renderRulesFileNote } from './rules-file.js';

/** Scores on a 0 to 1 scale where higher is better, charted when both models have them. */
const HEADLINE_METRICS = ['accuracy', 'f1_macro', 'f1_weighted', 'roc_auc', 'pr_auc'];

/** The evaluation section: candidate against baseline, metric by metric, and the gate's decision. */
export function renderEvaluationSection(report: EvalReport, source: string): ReportSection {
  const { gate } = report;
  const failed = gate.checks.filter((c) => !c.passed);
  const underpowered = gate.checks.filter((c) => c.status === 'underpowered');
  const status = !gate.passed ? 'fail' : gate.override || failed.length > 0 || underpowered.length > 0 || (report.warnings?.length ?? 0) > 0 ? 'warn' : 'pass';
  const headline = gate.passed
    ? gate.override
      ? `gate failed, passed by override (label ${escapeText(gate.override.label, 60)}${gate.override.applied_by ? ` by ${escapeText(gate.override.applied_by, 60)}` : ''})`
      : `gate passed, ${gate.checks.length} ${gate.checks.length === 1 ? 'check' : 'checks'}${underpowered.length > 0 ? `, ${underpowered.length} underpowered` : ''}`
    : `gate failed: ${failed.slice(0, 2).map((c) => escapeText(c.reason, 120)).join('; ')}${failed.length > 2 ? ` (and ${failed.length - 2} more)` : ''}`;

  const lines: string[] = [];
  const shards = report.data?.shards ? ` (${report.data.shards} shards merged)` : '';
  const rows = report.data?.rows !== undefined ? ` on ${formatCount(report.data.rows)} rows${shards}` : '';
  lines.push(
    report.baseline
      ? `Candidate ${escapeText(report.candidate.path, 80)} against baseline ${escapeText(report.baseline.source ?? report.baseline.path, 80)}${rows}.`
      : `Candidate ${escapeText(report.candidate.path, 80)}${rows}. No baseline: only value thresholds were checked.`,
  );
  const rules = renderRulesFileNote(report.policy, 'gate policy');
  if (rules.note) lines.push(rules.note);
  if (report.warnings?.length) lines.push(report.warnings.map((w) => `- ⚠️ ${escapeText(w, 600)}`).join('\n'));
  const overall = report.comparisons.filter((c) => c.slice == null);
  if (overall.length > 0) lines.push(comparisonTable(overall, gate.checks, report));
  else lines.push(metricTable(report));
  if (underpowered.length > 0) lines.push(underpoweredNote(underpowered, report.data?.rows));
  if (Object.values(report.candidate.metrics).some((m) => m.bound)) {
    lines.push('± marks a rank metric merged from the shards\' score histograms: the most it can differ from the exact value.');
  }
  // The headline scores side by side; the table above holds the same numbers for readers without Mermaid.
  const charted = HEADLINE_METRICS.map((m) => overall.find((c) => c.metric === m)).filter((c): c is MetricComparison => c != null && c.candidate !== null && c.baseline !== null);
  if (charted.length >= 2) lines.push(metricChart('candidate (bars) and baseline (line)', charted.map((c) => c.metric), charted.map((c) => c.candidate!), charted.map((c) => c.baseline!)));

  const parts: string[] = [];
  if (gate.checks.length > 0) parts.push(checkTable(gate.checks));
  if (report.slices && report.slices.length > 0) {
    const names = Object.keys(report.slices[0]!.candidate).slice(0, 4);
    parts.push(
      table(
        ['Slice', 'Rows', ...names.map((n) => escapeText(n, 40))],
        report.slices.map((s) => [`${escapeText(s.column, 60)} = ${escapeText(s.value, 60)}`, formatCount(s.rows), ...names.map((n) => formatNumber(s.candidate[n]?.value))]),
        ['l', 'r', ...names.map(() => 'r' as const)],
      ),
    );
  }
  const section: ReportSection = { kind: 'eval-report', source, title: 'Evaluation', status, headline, body: lines.join('\n\n'), importance: 1 };
  const collapsed = parts.length > 0 ? [details(`Gate checks (${gate.checks.length}) and slices`, parts.join('\n\n'))] : [];
  if (rules.diff) collapsed.push(rules.diff);
  if (collapsed.length > 0) section.details = collapsed.join('\n\n');
  return section;
}

/** A value, with the bound of its binned estimate when it has one. */
function withBound(value: number | null | undefined, bound: number | undefined): string {
  return bound ? `${formatNumber(value)} ±${formatNumber(bound)}` : formatNumber(value);
}

function comparisonTable(comparisons: readonly MetricComparison[], checks: readonly GateCheck[], report: EvalReport): string {
  return table(
    ['Metric', 'Baseline', 'Candidate', 'Change', '95% CI of change', 'Check'],
    comparisons.map((c) => {
      const own = checks.filter((k) => k.metric === c.metric && k.slice == null);
      const mark = own.length === 0 ? '' : statusIcon(!own.every((k) => k.passed) ? 'fail' : own.some((k) => k.status === 'underpowered') ? 'warn' : 'pass');
      const interval = c.ci_low != null && c.ci_high != null ? `[${formatSigned(c.ci_low)}, ${formatSigned(c.ci_high)}]${c.significant ? ' *' : ''}` : 'n/a';
      return [escapeText(c.metric, 60), withBound(c.baseline, report.baseline?.metrics[c.metric]?.bound), withBound(c.candidate, report.candidate.metrics[c.metric]?.bound), formatSigned(c.difference), interval, mark];
    }),
    ['l', 'r', 'r', 'r', 'r', 'c'],
  );
}

function metricTable(report: EvalReport): string {
  const entries = Object.entries(report.candidate.metrics);
  if (entries.length === 0) return '_No metrics._';
  return table(
    ['Metric', 'Candidate', '95% CI'],
    entries.map(([name, m]) => [escapeText(name, 60), withBound(m.value, m.bound), m.ci_low != null && m.ci_high != null ? `[${formatNumber(m.ci_low)}, ${formatNumber(m.ci_high)}]` : 'n/a']),
    ['l', 'r', 'r'],
  );
}

function checkTable(checks: readonly GateCheck[]): string {
  return table(
    ['', 'Metric', 'Slice', 'Rule', 'Reason'],
    checks.map((c) => [statusIcon(!c.passed ? 'fail' : c.status === 'underpowered' ? 'warn' : 'pass'), escapeText(c.metric, 60), c.slice ? escapeText(c.slice, 60) : 'all', escapeText(c.rule, 40), escapeText(c.reason, 200)]),
    ['c', 'l', 'l', 'l', 'l'],
  );
}

/**
 * What the holdout could not see, in words a reviewer acts on: per underpowered change rule, the smallest change it
 * detects (80% power), the tolerance, and the rows a holdout would need.
 */
function underpoweredNote(checks: readonly GateCheck[], rows: number | undefined): string {
  const items = checks.map((c) => {
    const drops = c.rule === 'max-rise' ? 'rises' : 'drops';
    const needed = c.rows_needed !== undefined ? `; about ${formatCount(roundRows(c.rows_needed))} rows would be needed` : '';
    return `- ${statusIcon('warn')} ${escapeText(c.metric, 60)}: this holdout${rows !== undefined ? ` (${formatCount(rows)} rows)` : ''} can detect ${drops} of ${formatNumber(c.detectable)} or more; the policy tolerates ${formatNumber(c.threshold)}${needed}.`;
  });
  return `**Underpowered:** this holdout is too small to see a change as large as the policy tolerates.\n\n${items.join('\n')}`;
}

/** Rows rounded up to two significant figures: an estimate should not read as exact. */
function roundRows(rows: number): number {
  const unit = 10 ** Math.max(0, Math.floor(Math.log10(rows)) - 1);
  return Math.ceil(rows / unit) * unit;
}
