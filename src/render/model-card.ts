import type { EvalReport } from '../core/documents.js';
import type { DataContract } from '../core/contract/contract.js';
import type { Profile } from '../core/profile/profile.js';
import type { ReleaseCheck } from '../core/release/gate.js';
import { escapeText, formatCount, formatNumber, formatPercent, formatSigned, statusIcon, table } from './markdown.js';

export interface ModelCardInput {
  tag: string;
  modelName: string;
  modelSha256: string;
  modelBytes: number;
  commit?: string;
  runUrl?: string;
  /** The check run whose model and reports a promotion released: where, on which commit, for which pull request. */
  source?: {
    runId: number;
    runUrl: string;
    workflow: string;
    commit: string;
    pullRequest: number;
    pullRequestUrl: string;
  };
  /** A gate that failed and was overridden: the label, and who applied it. */
  override?: { label: string; appliedBy?: string };
  report: EvalReport;
  previousTag?: string;
  contract?: DataContract;
  profile?: Profile;
  checks: readonly ReleaseCheck[];
  /**
   * The team's own sections (Markdown they wrote, not escaped): a `## Intended use` and a `## Limitations` section
   * replace the placeholders of the same name; any other text follows them.
   */
  teamSections?: string;
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
    facts.push([
      'Evaluated by',
      `[check run ${input.source.runId}](${input.source.runUrl}) of ${escapeText(input.source.workflow, 200)}`,
    ]);
    facts.push(['Evaluated commit', escapeText(input.source.commit, 64)]);
    facts.push(['Pull request', `[#${input.source.pullRequest}](${input.source.pullRequestUrl})`]);
  }
  if (input.override)
    facts.push([
      'Gate override',
      `the gate failed and was overridden with the label ${escapeText(input.override.label, 100)}${input.override.appliedBy ? `, applied by ${escapeText(input.override.appliedBy, 100)}` : ''}`,
    ]);
  // The report's own address is not linked (a report is data, and could name any address): the verified check run
  // is linked above from the API's answer.
  if (report.run)
    facts.push([
      'Evaluation run',
      `run ${report.run.id}${report.run.sha ? ` on ${escapeText(report.run.sha, 64)}` : ''}`,
    ]);
  if (report.data?.sha256) facts.push(['Evaluation data SHA-256', escapeText(report.data.sha256, 64)]);
  for (const file of (report.data?.files ?? []).slice(0, 10)) {
    if (file.sha256 && file.path)
      facts.push([
        `Evaluation file`,
        `${escapeText(file.path, 100)}${file.rows !== undefined ? ` (${formatCount(file.rows)} rows)` : ''}, SHA-256 ${escapeText(file.sha256, 64)}`,
      ]);
  }
  if (report.data?.rows !== undefined) facts.push(['Evaluation rows', formatCount(report.data.rows)]);
  parts.push(table(['', ''], facts));

  parts.push('## Inputs and outputs');
  parts.push(featureTable(input));
  if (report.task === 'classification' && report.classes && report.classes.length > 0) {
    parts.push(
      `Classes, in the order of the model's outputs: ${report.classes.map((c) => escapeText(c, 60)).join(', ')}.${report.data?.label ? ` The label column is ${escapeText(report.data.label, 60)}.` : ''}`,
    );
  } else if (report.task === 'regression') {
    parts.push(`A regressor${report.data?.label ? ` of ${escapeText(report.data.label, 60)}` : ''}.`);
  }

  parts.push('## Metrics');
  const against = report.baseline
    ? `against ${escapeText(input.previousTag ?? report.baseline.source ?? report.baseline.path, 100)}`
    : '(first release: no baseline)';
  parts.push(`Measured on the evaluation data ${against}, with 95% bootstrap intervals.`);
  const names = Object.keys(report.candidate.metrics);
  const interval = (m: { ci_low?: number | null; ci_high?: number | null } | undefined) =>
    m?.ci_low != null && m.ci_high != null ? `[${formatNumber(m.ci_low)}, ${formatNumber(m.ci_high)}]` : 'n/a';
  parts.push(
    table(
      ['Metric', 'This model', '95% CI', 'Previous', 'Previous 95% CI', 'Change'],
      names.map((name) => {
        const m = report.candidate.metrics[name]!;
        const previous = report.baseline?.metrics[name];
        const comparison = report.comparisons.find((c) => c.metric === name && c.slice == null);
        const change = comparison?.difference ?? null;
        return [
          escapeText(name, 60),
          formatNumber(m.value),
          interval(m),
          formatNumber(comparison?.baseline ?? previous?.value ?? null),
          interval(previous),
          change === 0 ? 'unchanged' : formatSigned(change),
        ];
      }),
      ['l', 'r', 'r', 'r', 'r', 'r'],
    ),
  );
  const perClass = report.candidate.per_class;
  if (report.classes && perClass && perClass.length === report.classes.length) {
    parts.push(
      table(
        ['Class', 'Rows', 'Precision', 'Recall', 'F1'],
        report.classes.map((c, i) => [
          escapeText(c, 60),
          formatCount(perClass[i]!.support),
          formatNumber(perClass[i]!.precision, 3),
          formatNumber(perClass[i]!.recall, 3),
          formatNumber(perClass[i]!.f1, 3),
        ]),
        ['l', 'r', 'r', 'r', 'r'],
      ),
    );
  }
  const weak = report.weak_slices;
  if (weak) {
    parts.push(
      weak.slices.length === 0
        ? `No slice was significantly worse than the previous model (${formatCount(weak.tested)} slices searched, Holm-corrected at ${formatNumber(weak.alpha)}).`
        : `Significantly worse than the previous model on: ${weak.slices.map((w) => `${w.where.map((x) => `${escapeText(x.column, 60)} ${escapeText(x.value, 60)}`).join(' and ')} (${formatCount(w.rows)} rows, ${w.metric} ${formatSigned(w.difference)})`).join('; ')}.`,
    );
  }

  parts.push('## Release checks');
  parts.push(
    table(
      ['', 'Check', 'Result'],
      input.checks.map((c) => [statusIcon(c.passed ? 'pass' : 'fail'), c.name, escapeText(c.reason, 300)]),
    ),
  );
  parts.push('## Evaluation gate');
  const gateLine = report.gate.override
    ? `The gate failed and was overridden with the label ${escapeText(report.gate.override.label, 100)}${report.gate.override.applied_by ? `, applied by ${escapeText(report.gate.override.applied_by, 100)}` : ''}.`
    : report.gate.passed
      ? `The gate passed${report.policy?.path ? ` under the policy ${escapeText(report.policy.path, 100)}` : ' under the default policy'}.`
      : 'The gate failed.';
  parts.push(gateLine);
  if (report.gate.checks.length > 0) {
    parts.push(
      table(
        ['', 'Metric', 'Slice', 'Rule', 'Reason'],
        report.gate.checks.map((c) => [
          statusIcon(c.passed ? 'pass' : 'fail'),
          escapeText(c.metric, 60),
          c.slice ? escapeText(c.slice, 60) : 'all',
          escapeText(c.rule, 40),
          escapeText(c.reason, 200),
        ]),
      ),
    );
  }

  if (input.contract || input.profile) {
    parts.push('## Data');
    if (input.profile) {
      parts.push(
        `Profiled on ${formatCount(input.profile.dataset.rows)} rows from ${input.profile.dataset.files.map((f) => escapeText(f.path, 80)).join(', ')}.`,
      );
      parts.push(profileTable(input.profile));
    }
    const columns = input.contract ? Object.entries(input.contract.columns) : [];
    if (columns.length > 0) {
      parts.push(
        table(
          ['Column', 'Type', 'Rules'],
          columns.map(([name, c]) => [
            escapeText(name, 60),
            c.type,
            escapeText(
              [
                c.nullable === false ? 'not null' : '',
                c.min !== undefined ? `min ${c.min}` : '',
                c.max !== undefined ? `max ${c.max}` : '',
                c.allowed ? `${c.allowed.length} allowed values` : '',
                c.unique ? 'unique' : '',
                c.pattern ? 'pattern' : '',
              ]
                .filter(Boolean)
                .join(', ') || '—',
              200,
            ),
          ]),
        ),
      );
    }
  }

  parts.push(...teamSections(input.teamSections));
  return `${parts.join('\n\n')}\n`;
}

const PLACEHOLDERS = {
  'Intended use':
    '_For the team to fill in (release input model-card-sections): what the model is for, who uses it, and the decisions it may inform._',
  Limitations:
    '_For the team to fill in (release input model-card-sections): data it was not evaluated on, known failure modes, and fairness considerations._',
} as const;

/**
 * Intended use and limitations: the team's sections where it wrote them (its own Markdown, as written), the
 * placeholders where it did not; the team's other text follows.
 */
function teamSections(text: string | undefined): string[] {
  const own = (text ?? '').replace(/\r\n?/g, '\n').trim();
  const headings = [...own.matchAll(/^##[ \t]+(.+?)[ \t]*$/gm)].map((m) => m[1]!.trim().toLowerCase());
  const parts: string[] = [];
  for (const [name, placeholder] of Object.entries(PLACEHOLDERS)) {
    if (!headings.includes(name.toLowerCase())) parts.push(`## ${name}`, placeholder);
  }
  if (own) parts.unshift(own);
  return parts;
}

/** The model's features with their types: from the contract, else the profile of the data. */
function featureTable(input: ModelCardInput): string {
  const { report } = input;
  const label = report.data?.label;
  const fromContract = input.contract
    ? Object.entries(input.contract.columns).map(([name, c]) => ({ name, type: String(c.type) }))
    : undefined;
  const fromProfile = input.profile?.columns.map((c) => ({ name: c.name, type: String(c.type) }));
  const known = fromContract ?? fromProfile ?? [];
  const features = report.features ?? known.map((c) => c.name).filter((name) => name !== label);
  if (features.length === 0) return '_The features are not recorded: give release a contract or a profile._';
  const typeOf = new Map(known.map((c) => [c.name, c.type]));
  const shown = features.slice(0, MAX_CARD_ROWS);
  const rows = shown.map((name, i) => [
    String(i + 1),
    escapeText(name, 60),
    escapeText(typeOf.get(name) ?? 'number', 30),
  ]);
  const more =
    features.length > shown.length ? `\n\n…and ${formatCount(features.length - shown.length)} more features.` : '';
  return `${table(['#', 'Feature', 'Type'], rows, ['r', 'l', 'l'])}${more}`;
}

const MAX_CARD_ROWS = 200;

/** The training or reference data, column by column: type, missing values, and range or commonest values. */
function profileTable(profile: Profile): string {
  const columns = profile.columns.slice(0, MAX_CARD_ROWS);
  return table(
    ['Column', 'Type', 'Missing', 'Summary'],
    columns.map((c) => {
      const rows = c.count + c.nulls + c.invalid;
      const missing = rows > 0 ? formatPercent(c.nulls / rows) : 'n/a';
      const summary = c.numeric
        ? `${formatNumber(c.numeric.min)} to ${formatNumber(c.numeric.max)}, mean ${formatNumber(c.numeric.mean)}`
        : c.categories
          ? `${formatCount(c.categories.distinct)} values; most common ${c.categories.counts
              .slice(0, 3)
              .map(([v, n]) => `${escapeText(v, 40)} (${formatCount(n)})`)
              .join(', ')}`
          : '—';
      return [escapeText(c.name, 60), escapeText(String(c.type), 30), missing, summary];
    }),
    ['l', 'l', 'r', 'l'],
  );
}
