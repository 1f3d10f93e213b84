import type { DriftReport, FeatureDrift } from '../../core/documents.js';
import { details, escapeText, formatCount, formatNumber, formatPercent, table } from '../markdown.js';
import { distributionChart } from '../mermaid.js';
import type { ReportSection } from '../section.js';

const BODY_ROWS = 10;
/** Charts of the most drifted features in the body. */
const CHARTS = 3;

/** The drift section: which features moved, by which test, and whether the dataset as a whole drifted. */
export function renderDriftSection(report: DriftReport, source: string): ReportSection {
  // A model's predictions are reported beside the features, not counted among them.
  const prediction = report.features.find((f) => f.kind === 'prediction');
  const features = report.features.filter((f) => f.kind !== 'prediction');
  const checked = features.filter((f) => f.status === 'ok' || f.status === 'drift');
  const drifted = report.features.filter((f) => f.status === 'drift');
  const insufficient = features.filter((f) => f.status === 'insufficient_data').length;
  const headline =
    `${drifted.filter((f) => f.kind !== 'prediction').length} of ${checked.length} features drifted` +
    (report.dataset_drift ? ` (dataset drift: at least ${formatPercent(report.drift_share, 0)} of features)` : '') +
    (insufficient > 0 ? `, ${insufficient} with too little data` : '') +
    (prediction ? `; predictions ${prediction.status === 'drift' ? 'drifted' : prediction.status === 'ok' ? 'stable' : prediction.status.replace('_', ' ')}` : '');
  const sizes =
    report.reference?.rows !== undefined && report.current?.rows !== undefined
      ? `Reference ${formatCount(report.reference.rows)} rows, current ${formatCount(report.current.rows)} rows.`
      : '';
  const ranked = [...report.features].sort((a, b) => rank(a) - rank(b) || (b.statistic ?? 0) - (a.statistic ?? 0));
  const charted = ranked.filter((f) => f.status === 'drift' && f.distribution).slice(0, CHARTS);
  const charts = charted.map((f) => distributionChart(`${f.column}: reference (bars) and current (line)`, f.distribution!.labels, f.distribution!.reference, f.distribution!.current));
  const body = [sizes, drifted.length > 0 ? featureTable(ranked.filter((f) => f.status === 'drift').slice(0, BODY_ROWS)) : 'No feature drifted.', ...charts]
    .filter(Boolean)
    .join('\n\n');
  const section: ReportSection = {
    kind: 'drift-report',
    source,
    title: 'Drift',
    status: report.dataset_drift || drifted.length > 0 ? 'warn' : 'pass',
    headline,
    body,
    importance: 3,
  };
  // The charts' numbers as tables too, for readers whose Markdown does not draw Mermaid.
  const fallback = charted.map((f) => distributionTable(f));
  if (report.features.length > 0) section.details = details(`All ${formatCount(report.features.length)} features`, [featureTable(ranked), ...fallback].join('\n\n'));
  return section;
}

function featureTable(features: readonly FeatureDrift[]): string {
  return table(
    ['Feature', 'Test', 'Statistic', 'p-value', 'Threshold', 'Result'],
    features.map((f) => [
      escapeText(f.column, 80),
      escapeText(f.test, 30),
      formatNumber(f.statistic),
      f.p_value == null ? '—' : formatNumber(f.p_value),
      formatNumber(f.threshold),
      { ok: 'ok', drift: '**drift**', insufficient_data: 'too little data', skipped: 'skipped' }[f.status],
    ]),
    ['l', 'l', 'r', 'r', 'r', 'l'],
  );
}

function distributionTable(f: FeatureDrift): string {
  const d = f.distribution!;
  return `**${escapeText(f.column, 80)}**\n\n${table(['Bin or category', 'Reference', 'Current'], d.labels.map((label, i) => [escapeText(label, 40), formatPercent(d.reference[i]), formatPercent(d.current[i])]), ['l', 'r', 'r'])}`;
}

function rank(f: FeatureDrift): number {
  return { drift: 0, ok: 1, insufficient_data: 2, skipped: 3 }[f.status];
}
