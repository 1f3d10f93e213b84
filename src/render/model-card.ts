import type { EvalReport } from '../core/documents.js';
import type { DataContract } from '../core/contract/contract.js';
import type { Profile } from '../core/profile/profile.js';
import type { ReleaseCheck } from '../core/release/gate.js';
import { escapeText, formatCount, formatNumber, formatSigned, statusIcon, table } from './markdown.js';

export interface ModelCardInput {
  tag: string;
  modelName: string;
  modelSha256: string;
  modelBytes: number;
  commit?: string;
  runUrl?: string;
  /** The check run whose model and reports a promotion released: where, on which commit, for which pull request. */
  source?: { runId: number; runUrl: string; workflow: string; commit: string; pullRequest: number; pullRequestUrl: string };
  /** A gate that failed and was overridden: the label, and who applied it. */
  override?: { label: string; appliedBy?: string };
  report: EvalReport;
  previousTag?: string;
  contract?: DataContract;
  profile?: Profile;
  checks: readonly ReleaseCheck[];
}

/**
 * The model card published with a release: what the model is (hash, commit, run), what it was evaluated on, how it
 * compares with the previous release, the gate, the data contract, and a section for the team on intended use.
 */
export function renderModelCard(input: ModelCardInput): string {
  const { report } = input;
  const parts: string[] = [`# Model card: ${escapeText(input.tag, 100)}`];
  const facts = [
    ['Model file', `${escapeText(input.modelName, 100)} (${formatCount(input.modelBytes)} bytes)`],
    ['SHA-256', input.modelSha256],
    ['Task', report.task],
  ];
  if (input.commit) facts.push(['Commit', input.commit]);
  if (input.runUrl) facts.push(['Built by', `[workflow run](${input.runUrl})`]);
  if (input.source) {
    facts.push(['Evaluated by', `[check run ${input.source.runId}](${input.source.runUrl}) of ${escapeText(input.source.workflow, 200)}`]);
    facts.push(['Evaluated commit', escapeText(input.source.commit, 64)]);
    facts.push(['Pull request', `[#${input.source.pullRequest}](${input.source.pullRequestUrl})`]);
  }
  if (input.override) facts.push(['Gate override', `the gate failed and was overridden with the label ${escapeText(input.override.label, 100)}${input.override.appliedBy ? `, applied by ${escapeText(input.override.appliedBy, 100)}` : ''}`]);
  if (report.data?.sha256) facts.push(['Evaluation data SHA-256', report.data.sha256]);
  if (report.data?.rows !== undefined) facts.push(['Evaluation rows', formatCount(report.data.rows)]);
  parts.push(table(['', ''], facts));

  parts.push('## Metrics');
  const against = report.baseline ? `against ${escapeText(input.previousTag ?? report.baseline.source ?? report.baseline.path, 100)}` : '(first release: no baseline)';
  parts.push(`Measured on the evaluation data ${against}, with 95% bootstrap intervals.`);
  const names = Object.keys(report.candidate.metrics);
  parts.push(
    table(
      ['Metric', 'This model', '95% CI', 'Previous', 'Change'],
      names.map((name) => {
        const m = report.candidate.metrics[name]!;
        const comparison = report.comparisons.find((c) => c.metric === name && c.slice == null);
        return [
          escapeText(name, 60),
          formatNumber(m.value),
          m.ci_low != null && m.ci_high != null ? `[${formatNumber(m.ci_low)}, ${formatNumber(m.ci_high)}]` : 'n/a',
          formatNumber(comparison?.baseline ?? report.baseline?.metrics[name]?.value ?? null),
          formatSigned(comparison?.difference ?? null),
        ];
      }),
      ['l', 'r', 'r', 'r', 'r'],
    ),
  );

  parts.push('## Release checks');
  parts.push(table(['', 'Check', 'Result'], input.checks.map((c) => [statusIcon(c.passed ? 'pass' : 'fail'), c.name, escapeText(c.reason, 300)])));
  if (report.gate.checks.length > 0) {
    parts.push(table(['', 'Metric', 'Rule', 'Reason'], report.gate.checks.map((c) => [statusIcon(c.passed ? 'pass' : 'fail'), escapeText(c.metric, 60), escapeText(c.rule, 40), escapeText(c.reason, 200)])));
  }

  if (input.contract || input.profile) {
    parts.push('## Data');
    if (input.profile) parts.push(`Profiled on ${formatCount(input.profile.dataset.rows)} rows from ${input.profile.dataset.files.map((f) => escapeText(f.path, 80)).join(', ')}.`);
    const columns = input.contract ? Object.entries(input.contract.columns) : [];
    if (columns.length > 0) {
      parts.push(
        table(
          ['Column', 'Type', 'Rules'],
          columns.map(([name, c]) => [
            escapeText(name, 60),
            c.type,
            escapeText(
              [c.nullable === false ? 'not null' : '', c.min !== undefined ? `min ${c.min}` : '', c.max !== undefined ? `max ${c.max}` : '', c.allowed ? `${c.allowed.length} allowed values` : '', c.unique ? 'unique' : '', c.pattern ? 'pattern' : '']
                .filter(Boolean)
                .join(', ') || '—',
              200,
            ),
          ]),
        ),
      );
    }
  }

  parts.push('## Intended use', '_For the team to fill in: what the model is for, who uses it, and the decisions it may inform._');
  parts.push('## Limitations', '_For the team to fill in: data it was not evaluated on, known failure modes, and fairness considerations._');
  return `${parts.join('\n\n')}\n`;
}
