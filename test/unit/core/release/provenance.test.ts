import { describe, expect, it } from 'vitest';
import { checkReportProvenance, checkSourceRun, type SourceRunFacts } from '../../../../src/core/release/provenance.js';

const H = 'a'.repeat(40);

/** A promotion whose every check passes, to be varied one fact at a time. */
function facts(overrides: Partial<SourceRunFacts> = {}): SourceRunFacts {
  return {
    workflowFile: 'mlgate.yml',
    run: { id: 42, path: '.github/workflows/mlgate.yml', headSha: H, conclusion: 'success' },
    pullRequest: { number: 7, headSha: H, labels: [] },
    validation: { passed: true, summary: { errors: 0, warnings: 0 } },
    validationPath: 'validation-report.json',
    reportRun: { id: 42, attempt: 1, job: 'check' },
    reportPath: 'eval-report.json',
    overrideLabel: undefined,
    overrideAppliedBy: undefined,
    ...overrides,
  };
}

describe('checkSourceRun', () => {
  it('passes a successful run of the named workflow on the pull request head, with valid data', () => {
    expect(checkSourceRun(facts()).every((c) => c.passed)).toBe(true);
  });

  it.each<[string, Partial<SourceRunFacts>, RegExp]>([
    [
      'a run that failed',
      { run: { id: 42, path: '.github/workflows/mlgate.yml', headSha: H, conclusion: 'failure' } },
      /^check run 42 concluded failure, not success; re-run the check workflow on pull request #7/,
    ],
    [
      'a run on another commit',
      { run: { id: 42, path: '.github/workflows/mlgate.yml', headSha: 'b'.repeat(40), conclusion: 'success' } },
      /^check run 42 ran on bbbbbbbbbbbb, but pull request #7's head is aaaaaaaaaaaa; run the check workflow on the head that was merged$/,
    ],
    [
      'a run of another workflow',
      { run: { id: 42, path: '.github/workflows/other.yml', headSha: H, conclusion: 'success' } },
      /^check run 42 is a run of \.github\/workflows\/other\.yml, not \.github\/workflows\/mlgate\.yml; set check-workflow/,
    ],
    [
      'a report another run wrote',
      { reportRun: { id: 41, attempt: 1, job: 'check' } },
      /^eval-report\.json was written by run 41, not by check run 42 whose artifact holds it/,
    ],
    [
      'no validation report',
      { validation: undefined },
      /^check run 42's artifact holds no validation-report\.json; upload validate-data's report/,
    ],
    [
      'data that broke the contract',
      { validation: { passed: false, summary: { errors: 3, warnings: 0 } } },
      /^validation-report\.json: the data broke its contract \(3 errors\)/,
    ],
    [
      'an override whose label is gone',
      { overrideLabel: 'mlgate-override', overrideAppliedBy: 'octocat' },
      /^the gate was overridden with the label mlgate-override, but pull request #7 no longer carries it/,
    ],
    [
      'an override no event vouches for',
      { overrideLabel: 'mlgate-override', pullRequest: { number: 7, headSha: H, labels: ['mlgate-override'] } },
      /no labeled event of pull request #7 says who applied it/,
    ],
  ])('refuses %s, saying what did not match and how to fix it', (_, overrides, message) => {
    const failed = checkSourceRun(facts(overrides)).filter((c) => !c.passed);
    expect(failed).toHaveLength(1);
    expect(failed[0]!.reason).toMatch(message);
  });

  it('records who applied the override label', () => {
    const checks = checkSourceRun(
      facts({
        overrideLabel: 'mlgate-override',
        overrideAppliedBy: 'octocat',
        pullRequest: { number: 7, headSha: H, labels: ['mlgate-override'] },
      }),
    );
    expect(checks.find((c) => c.name === 'override')).toEqual({
      name: 'override',
      passed: true,
      reason: 'the label mlgate-override was applied to pull request #7 by octocat',
    });
  });
});

describe('checkReportProvenance', () => {
  const job = { runId: 100, attempt: 2, job: 'release' };
  it('accepts a report this job wrote', () => {
    expect(checkReportProvenance({ id: 100, attempt: 2, job: 'release' }, job, 'r.json').passed).toBe(true);
  });
  it.each([
    ['no run', undefined, /^r\.json records no workflow run, so no step of this job wrote it;.*set source: check-run/],
    [
      'another run',
      { id: 99, attempt: 2, job: 'release' },
      /^r\.json was written by run 99 attempt 2 job release, not by this job \(run 100 attempt 2 job release\)/,
    ],
    ['another attempt', { id: 100, attempt: 1, job: 'release' }, /attempt 1 job release, not by this job/],
    ['another job', { id: 100, attempt: 2, job: 'check' }, /job check, not by this job/],
  ])('refuses a report with %s', (_, run, message) => {
    const check = checkReportProvenance(run, job, 'r.json');
    expect(check.passed).toBe(false);
    expect(check.reason).toMatch(message);
  });
});
