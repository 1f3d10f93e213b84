import type { EvalReport, GateCheck, MetricComparison, SliceResult, WeakSliceReport } from '../../core/documents.js';
import { details, escapeText, formatCount, formatNumber, formatSigned, statusIcon, table } from '../markdown.js';
import { metricChart } from '../mermaid.js';
import type { ReportSection } from '../section.js';
import { renderImportanceDetails } from './permutation-importance.js';
import { renderRulesFileNote } from './rules-file.js';

/** Scores on a 0 to 1 scale where higher is better, charted when both models have them. */
const HEADLINE_METRICS = ['accuracy', 'f1_macro', 'f1_weighted', 'roc_auc', 'pr_auc'];

/** The evaluation section: candidate against baseline, metric by metric, and the gate's decision. */
export function renderEvaluationSection(report: EvalReport, source: string): ReportSection {
  const { gate } = report;
  const failed = gate.checks.filter((c) => !c.passed);
  const underpowered = gate.checks.filter((c) => c.status === 'underpowered');
  const status = !gate.passed
    ? 'fail'
    : gate.override || failed.length > 0 || underpowered.length > 0 || (report.warnings?.length ?? 0) > 0
      ? 'warn'
      : 'pass';
  const headline = gate.passed
    ? gate.override
      ? `gate failed, passed by override (label ${escapeText(gate.override.label, 60)}${gate.override.applied_by ? ` by ${escapeText(gate.override.applied_by, 60)}` : ''})`
      : `gate passed, ${gate.checks.length} ${gate.checks.length === 1 ? 'check' : 'checks'}${underpowered.length > 0 ? `, ${underpowered.length} underpowered` : ''}`
    : `gate failed: ${failed
        .slice(0, 2)
        .map((c) => escapeText(c.reason, 120))
        .join('; ')}${failed.length > 2 ? ` (and ${failed.length - 2} more)` : ''}`;

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
  // Cost metrics (latency, size) are in the main table only when a policy rule holds them down: their run-to-run
  // noise would otherwise read as a change on every pull request.
  const gated = new Set(gate.checks.map((c) => c.metric));
  const overall = report.comparisons.filter((c) => c.slice == null);
  const main = overall.filter((c) => !COST_METRICS.includes(c.metric) || gated.has(c.metric));
  const costs = overall.filter((c) => COST_METRICS.includes(c.metric) && !gated.has(c.metric));
  if (overall.length > 0) lines.push(comparisonTable(main, gate.checks, report));
  else lines.push(metricTable(report));
  const mcnemar = report.tests?.mcnemar;
  if (mcnemar) lines.push(mcnemarLine(mcnemar));
  if (underpowered.length > 0) lines.push(underpoweredNote(underpowered, report.data?.rows));
  if (report.weak_slices) lines.push(weakSliceNote(report.weak_slices));
  const perClass = perClassTable(report);
  const manyClasses = (report.classes?.length ?? 0) > MAX_OPEN_CLASSES;
  if (perClass && !manyClasses) lines.push(perClass);
  // The headline scores side by side; the table above holds the same numbers for readers without Mermaid.
  const charted = HEADLINE_METRICS.map((m) => overall.find((c) => c.metric === m)).filter(
    (c): c is MetricComparison => c != null && c.candidate !== null && c.baseline !== null,
  );
  if (charted.length >= 2)
    lines.push(
      metricChart(
        'candidate (blue bars) and baseline (orange line)',
        charted.map((c) => c.metric),
        charted.map((c) => c.candidate!),
        charted.map((c) => c.baseline!),
      ),
    );
  lines.push(legend(report));
  const provenance = provenanceLine(report);
  if (provenance) lines.push(provenance);

  const collapsed: string[] = [];
  if (perClass && manyClasses)
    collapsed.push(details(`Per-class precision, recall and F1 (${report.classes!.length} classes)`, perClass));
  const confusion = confusionMatrices(report);
  if (confusion) collapsed.push(details('Confusion matrices (rows: true class, columns: predicted)', confusion));
  if (costs.length > 0)
    collapsed.push(details('Latency and size (no policy rule uses them)', comparisonTable(costs, gate.checks, report)));
  if (report.permutation_importance) collapsed.push(renderImportanceDetails(report.permutation_importance));
  const parts: string[] = [];
  if (gate.checks.length > 0) parts.push(checkTable(gate.checks));
  if (report.slices && report.slices.length > 0) parts.push(sliceTable(report));
  if (parts.length > 0)
    collapsed.push(
      details(
        `Gate checks (${gate.checks.length})${report.slices?.length ? ` and slices (${report.slices.length})` : ''}`,
        parts.join('\n\n'),
      ),
    );
  const section: ReportSection = {
    kind: 'eval-report',
    source,
    title: 'Evaluation',
    status,
    headline,
    body: lines.join('\n\n'),
    importance: 1,
  };
  if (rules.diff) collapsed.push(rules.diff);
  if (collapsed.length > 0) section.details = collapsed.join('\n\n');
  return section;
}

/** Latency and size: measured, not scored; in the main table only when the policy gates them. */
const COST_METRICS = ['latency_p50_ms', 'latency_p95_ms', 'latency_per_row_us', 'model_bytes'];
/** Past this many classes the per-class table is collapsed. */
const MAX_OPEN_CLASSES = 10;
/** Past this many classes the confusion matrices are left to the report. */
const MAX_MATRIX_CLASSES = 30;
/** Slice columns shown per task: the headline metric, and one more. */
const SLICE_METRICS = { classification: ['accuracy', 'f1_macro', 'roc_auc'], regression: ['mae', 'rmse'] } as const;

/** A metric's name with its unit, for a table (the report keeps the bare name). */
export function metricLabel(metric: string): string {
  const label = METRIC_LABELS[metric];
  return label ?? escapeText(metric, 60);
}

const METRIC_LABELS: Record<string, string> = {
  latency_p50_ms: 'latency p50 (ms)',
  latency_p95_ms: 'latency p95 (ms)',
  latency_per_row_us: 'latency per row (µs)',
  model_bytes: 'model size (bytes)',
  mape: 'MAPE (%)',
};

/** A metric's value in the unit its label names: MAPE, a fraction in the report, as a percentage. */
function inUnit(metric: string, value: number | null | undefined): number | null | undefined {
  return metric === 'mape' && value != null ? value * 100 : value;
}

/** A change for people: "unchanged" when there is none (not "+0"), else signed. */
function formatChange(metric: string, difference: number | null | undefined, digits = 4): string {
  if (difference === 0) return 'unchanged';
  return formatSigned(inUnit(metric, difference), digits);
}

/** McNemar's test of the two classifiers, in a sentence. */
function mcnemarLine(test: NonNullable<NonNullable<EvalReport['tests']>['mcnemar']>): string {
  const discordant = test.baseline_only + test.candidate_only;
  const method = test.method === 'exact' ? 'exact binomial' : 'chi-square with continuity correction';
  return `McNemar's test (${method}) on the ${formatCount(discordant)} rows only one model classified right (candidate only ${formatCount(test.candidate_only)}, baseline only ${formatCount(test.baseline_only)}): p = ${formatP(test.p_value)}.`;
}

/** A p-value: 3 significant digits, and "< 1e-16" below double precision's resolution. */
function formatP(p: number): string {
  if (p < 1e-16) return '< 1e-16';
  if (p < 0.001) return p.toExponential(1);
  return Number(p.toPrecision(2)).toString();
}

/**
 * Where the candidate is significantly worse: the slices the search found, or that it found none, and what it searched.
 */
function weakSliceNote(search: WeakSliceReport): string {
  const method = search.method === 'mcnemar' ? "McNemar's test" : 'a paired z-test of the absolute errors';
  const scope = `${formatCount(search.tested)} slices of ${formatCount(search.columns.length)} ${search.columns.length === 1 ? 'column' : 'columns'}${search.pairs ? ' and their pairs' : ''} with at least ${formatCount(search.min_rows)} rows, ${method} per slice, Holm-corrected at ${formatNumber(search.alpha)}`;
  if (search.slices.length === 0)
    return `**Where the candidate is worse:** no slice is significantly worse (${scope}).`;
  const items = search.slices.slice(0, MAX_LISTED_WEAK_SLICES).map((s) => {
    const where = s.where
      .map(
        (w) =>
          `${escapeText(w.column, 60)} ${w.value.startsWith('<') || w.value.startsWith('≥') || w.value.startsWith('[') ? escapeText(w.value, 60) : `= ${escapeText(w.value, 60)}`}`,
      )
      .join(' and ');
    return `- ${where}: ${formatCount(s.rows)} rows, ${s.metric} ${formatNumber(s.baseline)} → ${formatNumber(s.candidate)} (${formatChange(s.metric, s.difference)}), adjusted p = ${formatP(s.p_adjusted)}`;
  });
  const more =
    search.slices.length > MAX_LISTED_WEAK_SLICES
      ? `\n- … and ${search.slices.length - MAX_LISTED_WEAK_SLICES} more in the report`
      : '';
  return `**Where the candidate is worse** (${scope}):\n\n${items.join('\n')}${more}`;
}

/** Weak slices listed in the comment; the report holds the rest. */
const MAX_LISTED_WEAK_SLICES = 10;

/** Precision, recall and F1 of every class, both models and the change (the candidate alone without a baseline). */
function perClassTable(report: EvalReport): string | undefined {
  const candidate = report.candidate.per_class;
  const classes = report.classes;
  if (!candidate || !classes || candidate.length !== classes.length) return undefined;
  const baseline = report.baseline?.per_class?.length === classes.length ? report.baseline.per_class : undefined;
  const scores = ['precision', 'recall', 'f1'] as const;
  const cell = (c: number, name: (typeof scores)[number]) => {
    const value = candidate[c]![name];
    if (!baseline) return formatNumber(value, 3);
    const before = baseline[c]![name];
    return `${formatNumber(before, 3)} → ${formatNumber(value, 3)} (${formatChange(name, value - before, 3)})`;
  };
  return table(
    [
      'Class',
      'Rows',
      ...scores.map((s) => (baseline ? `${s === 'f1' ? 'F1' : s}: baseline → candidate` : s === 'f1' ? 'F1' : s)),
    ],
    classes.map((name, c) => [
      escapeText(name, 60),
      formatCount(candidate[c]!.support),
      ...scores.map((s) => cell(c, s)),
    ]),
    ['l', 'r', 'r', 'r', 'r'],
  );
}

/** Both models' confusion matrices, rows the true class and columns the predicted one. */
function confusionMatrices(report: EvalReport): string | undefined {
  const classes = report.classes;
  if (!classes) return undefined;
  // A matrix of more classes is too wide to read in a comment (and grows as their square): the report holds it.
  if (classes.length > MAX_MATRIX_CLASSES)
    return `${formatCount(classes.length)} classes: too many to show as a table; the matrices are in the eval report (confusion_matrix).`;
  const one = (title: string, matrix: number[][] | undefined) => {
    if (!matrix || matrix.length !== classes.length) return undefined;
    const names = classes.map((c) => escapeText(c, 30));
    return `**${title}**\n\n${table(
      ['true ↓ / predicted →', ...names],
      matrix.map((row, t) => [names[t]!, ...row.map(formatCount)]),
      ['l', ...names.map(() => 'r' as const)],
    )}`;
  };
  const parts = [
    one('Candidate', report.candidate.confusion_matrix),
    one('Baseline', report.baseline?.confusion_matrix),
  ].filter((p): p is string => p !== undefined);
  return parts.length > 0 ? parts.join('\n\n') : undefined;
}

/** Every slice: rows, each model's headline metrics and their change, and the paired test's p-value. */
function sliceTable(report: EvalReport): string {
  const slices = report.slices!;
  const names = SLICE_METRICS[report.task].filter((n) => slices.some((s) => n in s.candidate));
  const paired = slices.some((s) => s.baseline);
  const cell = (s: SliceResult, name: string) => {
    const c = s.candidate[name]?.value;
    if (!s.baseline) return formatNumber(inUnit(name, c));
    const b = s.baseline[name]?.value;
    return `${formatNumber(inUnit(name, b))} → ${formatNumber(inUnit(name, c))} (${b == null || c == null ? 'n/a' : formatChange(name, c - b)})`;
  };
  return table(
    [
      'Slice',
      'Rows',
      ...names.map((n) => (paired ? `${metricLabel(n)}: baseline → candidate (change)` : metricLabel(n))),
      ...(paired ? ['p-value'] : []),
    ],
    slices.map((s) => [
      `${escapeText(s.column, 60)} = ${escapeText(s.value, 60)}`,
      formatCount(s.rows),
      ...names.map((n) => cell(s, n)),
      ...(paired ? [s.test ? `${formatP(s.test.p_value)}${s.test.p_value < 0.05 ? ' *' : ''}` : 'n/a'] : []),
    ]),
    ['l', 'r', ...names.map(() => 'r' as const), ...(paired ? ['r' as const] : [])],
  );
}

/** What every mark in the section means. */
function legend(report: EvalReport): string {
  const items = [
    "`*` significant: the change's 95% bootstrap interval excludes 0 (in slices: the paired test's p < 0.05, uncorrected)",
    "✅ / ❌ / ⚠️ the policy's check passed / failed / is underpowered",
    '`n/a` not defined on these rows (e.g. ROC AUC where a class is absent) or not measured',
    '`unchanged` exactly the same value',
  ];
  if (Object.values(report.candidate.metrics).some((m) => m.bound))
    items.push(
      "`±` a rank metric merged from the shards' score histograms: the most it can differ from the exact value",
    );
  if (report.baseline) items.push('`→` baseline → candidate');
  return `<sub>${items.join(' · ')}.</sub>`;
}

/**
 * What was evaluated, so that a reviewer can check it: the data files (rows, SHA-256), both models' SHA-256, the commit
 * and the run.
 */
function provenanceLine(report: EvalReport): string | undefined {
  const facts: string[] = [];
  const files = report.data?.files ?? [];
  const shown = files
    .slice(0, MAX_PROVENANCE_FILES)
    .map(
      (f) =>
        `${escapeText(f.path, 80)}${f.rows !== undefined ? ` (${formatCount(f.rows)} rows)` : ''}${f.sha256 ? ` ${hash(f.sha256)}` : ''}`,
    );
  if (files.length > MAX_PROVENANCE_FILES)
    shown.push(`and ${formatCount(files.length - MAX_PROVENANCE_FILES)} more files`);
  if (shown.length > 0) facts.push(`data ${shown.join(', ')}`);
  else if (report.data?.sha256) facts.push(`data ${hash(report.data.sha256)}`);
  if (report.candidate.sha256) facts.push(`candidate ${hash(report.candidate.sha256)}`);
  if (report.baseline?.sha256) facts.push(`baseline ${hash(report.baseline.sha256)}`);
  if (report.run?.sha) facts.push(`commit ${code(report.run.sha)}`);
  // Named, never linked: the report may come from a fork's artifact, and its address could point anywhere. The run
  // that produced the reports is linked by the comment from the API (see source-run), not from the report.
  if (report.run) facts.push(`run ${report.run.id}`);
  return facts.length > 0 ? `<sub>**Provenance** (SHA-256): ${facts.join(' · ')}.</sub>` : undefined;
}

const MAX_PROVENANCE_FILES = 5;

/** A SHA-256 in a code span (hex only: anything else is escaped). */
function hash(value: string): string {
  return code(value);
}

function code(value: string): string {
  return /^[0-9a-fA-F]{1,64}$/.test(value) ? `\`${value}\`` : escapeText(value, 64);
}

/** A value, with the bound of its binned estimate when it has one. */
function withBound(value: number | null | undefined, bound: number | undefined): string {
  return bound ? `${formatNumber(value)} ±${formatNumber(bound)}` : formatNumber(value);
}

function comparisonTable(
  comparisons: readonly MetricComparison[],
  checks: readonly GateCheck[],
  report: EvalReport,
): string {
  return table(
    ['Metric', 'Baseline', 'Candidate', 'Change', '95% CI of change', 'Check'],
    comparisons.map((c) => {
      const own = checks.filter((k) => k.metric === c.metric && k.slice == null);
      const mark =
        own.length === 0
          ? ''
          : statusIcon(
              !own.every((k) => k.passed) ? 'fail' : own.some((k) => k.status === 'underpowered') ? 'warn' : 'pass',
            );
      const interval =
        c.ci_low != null && c.ci_high != null
          ? `[${formatSigned(inUnit(c.metric, c.ci_low))}, ${formatSigned(inUnit(c.metric, c.ci_high))}]${c.significant ? ' *' : ''}`
          : 'n/a';
      return [
        metricLabel(c.metric),
        withBound(inUnit(c.metric, c.baseline), report.baseline?.metrics[c.metric]?.bound),
        withBound(inUnit(c.metric, c.candidate), report.candidate.metrics[c.metric]?.bound),
        formatChange(c.metric, c.difference),
        interval,
        mark,
      ];
    }),
    ['l', 'r', 'r', 'r', 'r', 'c'],
  );
}

function metricTable(report: EvalReport): string {
  const entries = Object.entries(report.candidate.metrics);
  if (entries.length === 0) return '_No metrics._';
  return table(
    ['Metric', 'Candidate', '95% CI'],
    entries.map(([name, m]) => [
      metricLabel(name),
      withBound(inUnit(name, m.value), m.bound),
      m.ci_low != null && m.ci_high != null
        ? `[${formatNumber(inUnit(name, m.ci_low))}, ${formatNumber(inUnit(name, m.ci_high))}]`
        : 'n/a',
    ]),
    ['l', 'r', 'r'],
  );
}

function checkTable(checks: readonly GateCheck[]): string {
  return table(
    ['', 'Metric', 'Slice', 'Rule', 'Reason'],
    checks.map((c) => [
      statusIcon(!c.passed ? 'fail' : c.status === 'underpowered' ? 'warn' : 'pass'),
      escapeText(c.metric, 60),
      c.slice ? escapeText(c.slice, 60) : 'all',
      escapeText(c.rule, 40),
      escapeText(c.reason, 200),
    ]),
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
    const needed =
      c.rows_needed !== undefined ? `; about ${formatCount(roundRows(c.rows_needed))} rows would be needed` : '';
    return `- ${statusIcon('warn')} ${escapeText(c.metric, 60)}: this holdout${rows !== undefined ? ` (${formatCount(rows)} rows)` : ''} can detect ${drops} of ${formatNumber(c.detectable)} or more; the policy tolerates ${formatNumber(c.threshold)}${needed}.`;
  });
  return `**Underpowered:** this holdout is too small to see a change as large as the policy tolerates.\n\n${items.join('\n')}`;
}

/** Rows rounded up to two significant figures: an estimate should not read as exact. */
function roundRows(rows: number): number {
  const unit = 10 ** Math.max(0, Math.floor(Math.log10(rows)) - 1);
  return Math.ceil(rows / unit) * unit;
}
