import type { ReportProvenance, ValidationReport } from '../documents.js';
import type { ReleaseCheck } from './gate.js';

/** The job a release runs in (GITHUB_RUN_ID, GITHUB_RUN_ATTEMPT, GITHUB_JOB). */
export interface CurrentJob {
  runId: number;
  attempt: number;
  job: string;
}

/** How to release what a pull request's check run evaluated instead of files in the workspace. */
export const PROMOTION_HINT =
  "to release what a pull request's check run evaluated, set source: check-run and check-workflow: <the pull-request workflow file>";

/**
 * Whether the eval-report was written in this very job: evaluate records its run, attempt and job, and release
 * compares them with its own. A report committed to the repository, or downloaded from elsewhere, records another
 * job or none, and is refused with a pointer to the promotion mode, where the source run is verified instead.
 */
export function checkReportProvenance(
  run: ReportProvenance | undefined,
  current: CurrentJob,
  reportPath: string,
): ReleaseCheck {
  const name = 'provenance';
  if (!run)
    return {
      name,
      passed: false,
      reason: `${reportPath} records no workflow run, so no step of this job wrote it; release only publishes a report that evaluate wrote in this job, or ${PROMOTION_HINT}`,
    };
  if (run.id !== current.runId || run.attempt !== current.attempt || run.job !== current.job) {
    return {
      name,
      passed: false,
      reason: `${reportPath} was written by run ${run.id} attempt ${run.attempt} job ${run.job}, not by this job (run ${current.runId} attempt ${current.attempt} job ${current.job}); evaluate the model in this job, or ${PROMOTION_HINT}`,
    };
  }
  return {
    name,
    passed: true,
    reason: `${reportPath} was written in this job (run ${run.id} attempt ${run.attempt}, job ${run.job})`,
  };
}

/** What a promotion learned about its source: the merged pull request and the check run on its head. */
export interface SourceRunFacts {
  workflowFile: string;
  run: { id: number; path: string; headSha: string; conclusion: string | null };
  pullRequest: { number: number; headSha: string; labels: readonly string[]; author?: string | undefined };
  /** The validation report found in the run's artifact, or undefined when there was none. */
  validation: Pick<ValidationReport, 'passed' | 'summary'> | undefined;
  validationPath: string;
  /** The run the eval-report records, and its path (for messages). */
  reportRun: ReportProvenance | undefined;
  reportPath: string;
  /** The override label the eval-report records, if the gate was overridden. */
  overrideLabel: string | undefined;
  /** Who applied that label, from the pull request's events. */
  overrideAppliedBy: string | undefined;
}

/**
 * The checks of a promotion's source: the run concluded successfully, on the pull request's head commit, from the
 * named workflow file; the data passed validation; an override is backed by the label on the pull request and a
 * person who applied it. Each failed check says what did not match and how to fix it.
 */
export function checkSourceRun(facts: SourceRunFacts): ReleaseCheck[] {
  const { run, pullRequest: pr } = facts;
  const checks: ReleaseCheck[] = [];
  const expectedPath = `.github/workflows/${facts.workflowFile}`;
  checks.push(
    run.conclusion === 'success'
      ? { name: 'source run', passed: true, reason: `check run ${run.id} concluded success` }
      : {
          name: 'source run',
          passed: false,
          reason: `check run ${run.id} concluded ${run.conclusion ?? 'nothing yet'}, not success; re-run the check workflow on pull request #${pr.number} until it passes`,
        },
  );
  checks.push(
    run.headSha === pr.headSha
      ? {
          name: 'source commit',
          passed: true,
          reason: `check run ${run.id} ran on the pull request's head ${pr.headSha.slice(0, 12)}`,
        }
      : {
          name: 'source commit',
          passed: false,
          reason: `check run ${run.id} ran on ${run.headSha.slice(0, 12)}, but pull request #${pr.number}'s head is ${pr.headSha.slice(0, 12)}; run the check workflow on the head that was merged`,
        },
  );
  checks.push(
    run.path === expectedPath
      ? { name: 'source workflow', passed: true, reason: `check run ${run.id} is a run of ${expectedPath}` }
      : {
          name: 'source workflow',
          passed: false,
          reason: `check run ${run.id} is a run of ${run.path}, not ${expectedPath}; set check-workflow to the pull-request workflow's file`,
        },
  );
  // The report must record this run: otherwise the run uploaded a report it did not write (or one written where no
  // run was recorded, by hand or outside GitHub Actions).
  if (!facts.reportRun || facts.reportRun.id !== run.id) {
    const writer = facts.reportRun ? `run ${facts.reportRun.id}` : 'no workflow run (it records none)';
    checks.push({
      name: 'source report',
      passed: false,
      reason: `${facts.reportPath} was written by ${writer}, not by check run ${run.id} whose artifact holds it; upload the eval-report that the check run's evaluate step wrote`,
    });
  }
  checks.push(
    facts.validation
      ? checkValidation(facts.validation, facts.validationPath)
      : {
          name: 'validation',
          passed: false,
          reason: `check run ${run.id}'s artifact holds no ${facts.validationPath}; upload validate-data's report with the model and the eval-report, or set validation-report to its path there`,
        },
  );
  if (facts.overrideLabel) {
    const label = facts.overrideLabel;
    checks.push(
      !pr.labels.includes(label)
        ? {
            name: 'override',
            passed: false,
            reason: `the gate was overridden with the label ${label}, but pull request #${pr.number} no longer carries it; apply the label again and re-run the check, or improve the model`,
          }
        : !facts.overrideAppliedBy
          ? {
              name: 'override',
              passed: false,
              reason: `the gate was overridden with the label ${label}, but no labeled event of pull request #${pr.number} says who applied it; remove and apply the label again, then re-run the check`,
            }
          : facts.overrideAppliedBy === pr.author || facts.overrideAppliedBy.endsWith('[bot]')
            ? {
                name: 'override',
                passed: false,
                reason: `the label ${label} on pull request #${pr.number} was applied by ${facts.overrideAppliedBy}, ${facts.overrideAppliedBy === pr.author ? "the pull request's author" : 'a bot'}; an override needs another person's review: have a maintainer apply it`,
              }
            : {
                name: 'override',
                passed: true,
                reason: `the label ${label} was applied to pull request #${pr.number} by ${facts.overrideAppliedBy}`,
              },
    );
  }
  return checks;
}

/** Whether the data the model was trained and evaluated on passed its contract. */
export function checkValidation(validation: Pick<ValidationReport, 'passed' | 'summary'>, path: string): ReleaseCheck {
  return validation.passed
    ? { name: 'validation', passed: true, reason: `${path}: the data passed its contract` }
    : {
        name: 'validation',
        passed: false,
        reason: `${path}: the data broke its contract (${validation.summary.errors} errors); fix the data and run the check again`,
      };
}
