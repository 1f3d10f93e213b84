import type { DriftReport, FeatureDrift } from '../../core/documents.js';
import { details, escapeText, formatCount, formatNumber, formatPercent, table } from '../markdown.js';
import { distributionChart } from '../mermaid.js';
import type { ReportSection } from '../section.js';

const BODY_ROWS = 10;
/** Charts of the most drifted features in the body. */
const CHARTS = 3;

/** The drift section: which features moved, by which test, and whether the dataset as a whole drifted. */
export function renderDriftSection(report: DriftReport, source: string): ReportSection {
  // A model's predictions and the label are reported beside the features, not counted among them.
  const prediction = report.features.find((f) => f.kind === 'prediction');
  const label = report.features.find((f) => f.role === 'label');
  const features = report.features.filter((f) => f.kind !== 'prediction' && f.role !== 'label');
  const checked = features.filter((f) => f.status === 'ok' || f.status === 'drift');
  const drifted = report.features.filter((f) => f.status === 'drift');
  const insufficient = features.filter((f) => f.status === 'insufficient_data').length;
  const skipped = features.filter((f) => f.status === 'skipped').length;
  const untested = report.verdict === 'not_tested' || (report.verdict === undefined && checked.length === 0);
  const rule =
    report.drift_share > 0
      ? `dataset drift: at least ${formatPercent(report.drift_share, 0)} of features`
      : 'dataset drift';
  const featuresLine = untested
    ? `Nothing could be tested: of ${formatCount(features.length)} features, ${[insufficient > 0 ? `${formatCount(insufficient)} had too little data` : '', skipped > 0 ? `${formatCount(skipped)} were skipped` : ''].filter(Boolean).join(' and ') || 'none were compared'}`
    : `${features.filter((f) => f.status === 'drift').length} of ${checked.length} features drifted${report.dataset_drift ? ` (${rule})` : ''}${insufficient > 0 ? `, ${insufficient} with too little data` : ''}`;
  const headline =
    featuresLine +
    (label ? `; label ${stateOf(label)}` : '') +
    (prediction ? `; predictions ${prediction.status === 'ok' ? 'stable' : stateOf(prediction)}` : '');
  const sizes =
    report.reference?.rows !== undefined && report.current?.rows !== undefined
      ? `Reference ${formatCount(report.reference.rows)} rows, current ${formatCount(report.current.rows)} rows.`
      : '';
  const ranked = [...report.features].sort((a, b) => rank(a) - rank(b) || (b.statistic ?? 0) - (a.statistic ?? 0));
  const charted = ranked.filter((f) => f.status === 'drift' && f.distribution).slice(0, CHARTS);
  const charts = charted.map((f) =>
    distributionChart(
      `${f.column}: reference (bars) and current (line)`,
      f.distribution!.labels,
      f.distribution!.reference,
      f.distribution!.current,
    ),
  );
  const adjusted = report.correction === 'bh';
  const body = [
    sizes,
    drifted.length > 0
      ? featureTable(ranked.filter((f) => f.status === 'drift').slice(0, BODY_ROWS), adjusted)
      : untested
        ? 'No feature could be tested: see the reasons below.'
        : 'No feature drifted.',
    ...charts,
  ]
    .filter(Boolean)
    .join('\n\n');
  const section: ReportSection = {
    kind: 'drift-report',
    source,
    title: 'Drift',
    // Nothing tested is no pass: it is said as neutral, never as a green check.
    status: report.dataset_drift || drifted.length > 0 ? 'warn' : untested ? 'neutral' : 'pass',
    headline,
    body,
    importance: 3,
  };
  // The charts' numbers as tables too, for readers whose Markdown does not draw Mermaid.
  const fallback = charted.map((f) => distributionTable(f));
  if (report.features.length > 0)
    section.details = details(
      `All ${formatCount(report.features.length)} features`,
      [featureTable(ranked, adjusted), ...fallback].join('\n\n'),
    );
  return section;
}

/** The feature's reason; a report written before reasons were recorded gets one from its numbers. */
function reasonOf(f: FeatureDrift): string {
  if (f.reason) return f.reason;
  if (f.status !== 'drift' || f.threshold == null) return '';
  if (f.p_value != null) return `${f.test} p-value ${formatNumber(f.p_value)} < ${formatNumber(f.threshold)}`;
  return f.statistic != null ? `${f.test} ${formatNumber(f.statistic)} ≥ ${formatNumber(f.threshold)}` : '';
}

function stateOf(f: FeatureDrift): string {
  return f.status === 'drift'
    ? 'drifted'
    : f.status === 'ok'
      ? 'did not drift'
      : f.status === 'insufficient_data'
        ? 'had too little data'
        : 'skipped';
}

/** The features' table; under a correction, the p-value shown is the adjusted one, and the header says so. */
function featureTable(features: readonly FeatureDrift[], adjusted: boolean): string {
  return table(
    ['Feature', 'Test', 'Statistic', adjusted ? 'p-value (BH-adjusted)' : 'p-value', 'Threshold', 'Result', 'Reason'],
    features.map((f) => {
      const p = adjusted && f.p_adjusted != null ? f.p_adjusted : f.p_value;
      return [
        escapeText(f.column, 80) + (f.role === 'label' ? ' (label)' : f.kind === 'prediction' ? ' (predictions)' : ''),
        // A distance's p-value is its significance test's: the cell names both.
        escapeText(f.significance_test ? `${f.test} + ${f.significance_test}` : f.test, 40),
        formatNumber(f.statistic),
        p == null ? '—' : formatNumber(p),
        formatNumber(f.threshold),
        { ok: 'ok', drift: '**drift**', insufficient_data: 'too little data', skipped: 'skipped' }[f.status],
        escapeText(reasonOf(f), 300),
      ];
    }),
    ['l', 'l', 'r', 'r', 'r', 'l', 'l'],
  );
}

function distributionTable(f: FeatureDrift): string {
  const d = f.distribution!;
  return `**${escapeText(f.column, 80)}**\n\n${table(
    ['Bin or category', 'Reference', 'Current'],
    d.labels.map((label, i) => [escapeText(label, 40), formatPercent(d.reference[i]), formatPercent(d.current[i])]),
    ['l', 'r', 'r'],
  )}`;
}

function rank(f: FeatureDrift): number {
  return { drift: 0, ok: 1, insufficient_data: 2, skipped: 3 }[f.status];
}
