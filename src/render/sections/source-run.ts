import { escapeText } from '../markdown.js';
import type { ReportSection, SectionStatus } from '../section.js';

/** The workflow run whose uploaded reports a workflow_run comment shows. */
export interface SourceRun {
  id: number;
  name: string;
  /** completed runs: success, failure, cancelled, timed_out, action_required, neutral, skipped, stale. */
  conclusion: string;
  url: string;
}

/**
 * The run's own verdict, before the reports it uploaded. Those reports come from a pull request's run, which a fork
 * controls: a run that did not succeed may have uploaded a report that says "passed", so the run's conclusion,
 * which only GitHub sets, decides this section, and a failed run fails the comment whatever its reports say.
 */
export function renderSourceRunSection(run: SourceRun): ReportSection {
  const status: SectionStatus =
    run.conclusion === 'success'
      ? 'pass'
      : run.conclusion === 'neutral' || run.conclusion === 'skipped'
        ? 'warn'
        : 'fail';
  const conclusion = escapeText(run.conclusion.replace(/_/g, ' '), 40);
  const headline = `[${escapeText(run.name, 80)} #${run.id}](${run.url}) concluded **${conclusion}**`;
  const body =
    status === 'pass'
      ? `${headline}; the reports below are the ones it uploaded.`
      : `${headline}. The reports below are the ones it uploaded, shown as they are: a run that did not succeed cannot pass this check, whatever its reports say.`;
  return { kind: 'run', source: `run ${run.id}`, title: 'Checked run', status, headline, body, importance: 0 };
}
