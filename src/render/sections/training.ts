import type { TrainReport } from '../../core/documents.js';
import { details, escapeText, formatDuration, formatNumber, table } from '../markdown.js';
import { lineChart } from '../mermaid.js';
import type { ReportSection } from '../section.js';

/** The training section: how the run ended, on which GPU, and the metrics the script wrote. */
export function renderTrainingSection(report: TrainReport, source: string): ReportSection {
  const gpu = report.gpu?.devices[0];
  const where = gpu
    ? ` on ${report.gpu!.devices.length > 1 ? `${report.gpu!.devices.length} × ` : ''}${escapeText(gpu.name, 60)}`
    : ' on CPU';
  const utilization =
    report.gpu?.utilization_percent?.mean !== undefined
      ? `, GPU utilisation ${formatNumber(report.gpu.utilization_percent.mean, 0)}% mean`
      : '';
  const outcome = {
    succeeded: 'succeeded',
    failed: `failed with exit code ${report.exit_code ?? 'n/a'}`,
    timed_out: 'timed out',
  }[report.status];
  const headline = `${outcome} in ${formatDuration(report.duration_seconds)}${where}${utilization}`;
  const metrics = Object.entries(report.metrics ?? {});
  const parts = [
    metrics.length > 0
      ? table(
          ['Metric', 'Value'],
          metrics.map(([k, v]) => [escapeText(k, 60), formatNumber(v)]),
          ['l', 'r'],
        )
      : '_The training command wrote no metrics._',
  ];
  const samples = report.gpu?.samples ?? [];
  if (samples.length >= 2)
    parts.push(
      lineChart(
        'GPU utilisation over the run',
        samples.map((s) => `${Math.round(s.seconds)}s`),
        'utilisation (percent)',
        samples.map((s) => s.utilization_percent),
        100,
      ),
    );
  const body = parts.join('\n\n');
  const facts: string[][] = [['Command', escapeText(report.command, 200)]];
  if (report.runner?.os)
    facts.push([
      'Runner',
      escapeText(
        [report.runner.name, report.runner.os, report.runner.arch, report.runner.cpu].filter(Boolean).join(', '),
        200,
      ),
    ]);
  if (report.runner?.labels?.length) facts.push(['Runner labels', escapeText(report.runner.labels.join(', '), 200)]);
  if (report.gpu) {
    facts.push([
      'GPU',
      escapeText(
        report.gpu.devices
          .map((d) => `${d.name}${d.memory_total_mib ? ` (${Math.round(d.memory_total_mib / 1024)} GiB)` : ''}`)
          .join(', '),
        200,
      ),
    ]);
    if (report.gpu.memory_used_mib?.max !== undefined)
      facts.push(['GPU memory used (max)', `${formatNumber(report.gpu.memory_used_mib.max, 0)} MiB`]);
  }
  if (report.model) facts.push(['Model', escapeText(report.model.path, 120)]);
  if (report.artifact) facts.push(['Artifact', escapeText(report.artifact.name, 120)]);
  return {
    kind: 'train-report',
    source,
    title: 'Training',
    status: report.status === 'succeeded' ? 'pass' : 'fail',
    headline,
    body,
    details: details('Run details', table(['', ''], facts)),
    importance: 4,
  };
}
