import { basename, resolve } from 'node:path';
import type {
  EvalReport,
  MetricComparison,
  ModelResult,
  PartialModel,
  PermutationImportanceReport,
  SliceResult,
} from '../../core/documents.js';
import type { ModelComparison } from '../../core/evaluate/compare-models.js';
import { addCostMetrics, costComparisons } from '../../core/evaluate/cost-metrics.js';
import type { WeakSliceSearch } from '../../core/evaluate/weak-slices.js';
import { evaluateGate } from '../../core/gate/evaluate-gate.js';
import { runUrl } from '../../github/context.js';
import type { RunReports } from '../../io/run-reports.js';
import { renderReport, SUMMARY_LIMIT_BYTES } from '../../render/report.js';
import { renderEvaluationSection } from '../../render/sections/evaluation.js';
import type { ActionEnvironment } from '../runtime/host.js';
import { loadPolicy, overrideContext } from './gate-context.js';
import type { EvaluateOptions } from './inputs.js';

/** What the report needs once the rows are scored: from one run, or merged from the shards' partial reports. */
export interface Scored {
  createdAt: string;
  task: 'classification' | 'regression';
  data: NonNullable<EvalReport['data']>;
  candidate: PartialModel;
  baseline: PartialModel | null;
  compared: ModelComparison;
  slices: SliceResult[];
  /** Results that look like a setup mistake rather than a model's (see classificationSanityWarnings). */
  warnings?: string[];
  /** How the models were run where mlgate adapted to them (a ZipMap read as its tensor, a fixed batch size). */
  notes?: string[];
  /** Classification: the class names in output order. */
  classes: string[];
  weakSlices?: WeakSliceSearch;
  /** The candidate's input columns, in order (one run only). */
  features?: string[];
  /** Both models' permutation importance (one run only, with permutation-importance on). */
  importance?: PermutationImportanceReport;
}

/** Adds the cost metrics, applies the gate, writes the report and reports the outcome. */
export async function finishEvaluation(
  env: ActionEnvironment,
  reports: RunReports,
  options: EvaluateOptions,
  scored: Scored,
): Promise<void> {
  const { compared, candidate, baseline, task } = scored;
  addCostMetrics(compared.candidate, candidate);
  if (baseline && compared.baseline) addCostMetrics(compared.baseline, baseline);
  const comparisons: MetricComparison[] = [
    ...compared.comparisons,
    ...costComparisons(compared.candidate, compared.baseline, [candidate, baseline]),
  ];
  const { policy, origin } = await loadPolicy(env, options, task);
  const gate = evaluateGate(
    comparisons,
    policy,
    { ...overrideContext(env, options), rows: scored.data.rows },
    scored.slices,
  );
  const report: EvalReport = {
    schema: 'mlgate/eval-report@1',
    created_at: scored.createdAt,
    task,
    data: scored.data,
    candidate: {
      path: candidate.path,
      source: candidate.source,
      sha256: candidate.sha256,
      bytes: candidate.bytes,
      metrics: compared.candidate,
      ...classBreakdown(compared, 0),
    },
    baseline:
      baseline && compared.baseline
        ? {
            path: baseline.path,
            source: baseline.source,
            sha256: baseline.sha256,
            bytes: baseline.bytes,
            metrics: compared.baseline,
            ...classBreakdown(compared, 1),
          }
        : null,
    comparisons,
    ...(scored.slices.length > 0 ? { slices: scored.slices } : {}),
    ...(scored.features ? { features: scored.features } : {}),
    ...(task === 'classification' && scored.classes.length > 0 ? { classes: scored.classes } : {}),
    ...(scored.weakSlices ? { weak_slices: scored.weakSlices } : {}),
    ...(scored.importance ? { permutation_importance: scored.importance } : {}),
    ...(compared.mcnemar
      ? {
          tests: {
            mcnemar: {
              baseline_only: compared.mcnemar.baselineOnly,
              candidate_only: compared.mcnemar.candidateOnly,
              p_value: compared.mcnemar.pValue,
              method: compared.mcnemar.method,
            },
          },
        }
      : {}),
    ...(origin ? { policy: origin } : {}),
    ...reportProvenance(env.context),
    ...(scored.warnings?.length ? { warnings: scored.warnings } : {}),
    ...(scored.notes?.length ? { notes: scored.notes } : {}),
    gate,
  };
  for (const warning of scored.warnings ?? []) env.host.warning(warning);
  await reports.write(resolve(env.cwd, options.report), report);
  await reportResults(env, options, report);
}

/** Model `m`'s confusion matrix and per-class scores, for the report. */
function classBreakdown(compared: ModelComparison, m: number): Pick<ModelResult, 'confusion_matrix' | 'per_class'> {
  const breakdown = compared.classes[m];
  return breakdown ? { confusion_matrix: breakdown.confusion, per_class: breakdown.perClass } : {};
}

/**
 * Where the report is written: the run, its attempt and the job, so that release can tell a report this job
 * produced from one that was committed or handed in. Outside a workflow run (the CLI on a laptop) there is none.
 */
function reportProvenance(context: ActionEnvironment['context']): Pick<EvalReport, 'run'> {
  if (context.runId === undefined || !context.job) return {};
  const repository = context.owner && context.repo ? `${context.owner}/${context.repo}` : undefined;
  const url = runUrl(context);
  return {
    run: {
      ...(repository ? { repository } : {}),
      id: context.runId,
      attempt: context.runAttempt ?? 1,
      job: context.job,
      ...(context.sha ? { sha: context.sha } : {}),
      ...(url ? { url } : {}),
    },
  };
}

/** The outputs, the printed summary, the job summary, and the failure when the gate failed and fails the step. */
async function reportResults(env: ActionEnvironment, options: EvaluateOptions, report: EvalReport): Promise<void> {
  const { host } = env;
  const values = Object.fromEntries(Object.entries(report.candidate.metrics).map(([n, m]) => [n, m.value]));
  host.setOutput('passed', report.gate.passed);
  host.setOutput('report', options.report);
  host.setOutput('metrics', JSON.stringify(values));
  const headline = report.comparisons.filter((c) => !c.metric.startsWith('latency') && c.metric !== 'model_bytes');
  const fmt = (v: number | null | undefined) => (v == null ? 'n/a' : Number(v.toPrecision(4)).toString());
  host.print(
    [
      `${report.gate.passed ? (report.gate.override ? '✓ gate overridden' : '✓ gate passed') : '✗ gate failed'}: ${basename(report.candidate.path)} on ${report.data?.rows} rows${report.data?.shards ? ` (${report.data.shards} shards)` : ''}${report.baseline ? ` against ${report.baseline.source}` : ', no baseline'}`,
      ...headline.map((c) => {
        const bound = report.candidate.metrics[c.metric]?.bound;
        return `  ${c.metric.padEnd(20)} ${fmt(c.candidate).padStart(10)}${bound ? ` ±${fmt(bound)}` : ''}${c.baseline !== null ? `  baseline ${fmt(c.baseline).padStart(10)}  change ${fmt(c.difference)}${c.ci_low != null ? ` [${fmt(c.ci_low)}, ${fmt(c.ci_high)}]${c.significant ? ' significant' : ''}` : ''}` : ''}`;
      }),
      ...(headline.some((c) => report.candidate.metrics[c.metric]?.bound)
        ? ["  (± the most a rank metric merged from the shards' score histograms can differ from the exact value)"]
        : []),
      ...report.gate.checks.filter((c) => !c.passed).map((c) => `  ✗ ${c.reason}`),
      `report  ${options.report}`,
    ].join('\n'),
  );
  if (host.isAction)
    await host.writeSummary(
      renderReport([renderEvaluationSection(report, options.report)], {
        limit: SUMMARY_LIMIT_BYTES,
        measure: (t) => Buffer.byteLength(t),
      }).markdown,
    );
  const failed = report.gate.checks.filter((c) => !c.passed);
  if (!report.gate.passed && options.failOnGate)
    host.fail(`The evaluation gate failed: ${failed.map((c) => c.reason).join('; ')}`);
}
