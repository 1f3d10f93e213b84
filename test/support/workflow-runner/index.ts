/**
 * A test-only GitHub Actions runner: runs a workflow file's jobs the way GitHub does, as far as mlgate's
 * templates need, against the GitHub REST emulator and the results-service emulator.
 *
 * - The workflow is parsed by GitHub's own parser (@actions/workflow-parser) and every `if:` and `${{ }}` is
 *   evaluated by GitHub's own evaluator (@actions/expressions); whatever they refuse throws, as does a `uses:` the
 *   runner does not know.
 * - The event decides whether the workflow runs (`on:` with types, branches, paths and workflow_run filters); jobs
 *   run one at a time in `needs` order, with job and step `if:`, status functions, `strategy.matrix`, `env` at
 *   three levels, `with:`, step and job outputs, `continue-on-error`; `timeout-minutes`, `environment:`,
 *   `concurrency` and `runs-on` are recorded.
 * - Each job gets the emulator's read-only token unless its permissions grant a write scope; a fork's pull request
 *   always gets the read-only token and no secrets.
 * - `uses: mlgate/mlgate/actions/<name>@<ref>` runs the bundle its action.yml names, from the test run's
 *   fresh build of src/ (test/support/bundles.ts); `run:` runs in bash;
 *   actions/checkout, upload-artifact and download-artifact (at the SHAs the templates pin) have stand-ins that
 *   fetch from a fixture git repository and store artifacts in the results service.
 * - Each run is a workflow run in the GitHub emulator (GET /actions/runs/{id}, /actions/runs?head_sha=,
 *   /actions/workflows/{file}/runs), with its jobs and its artifacts (listed and downloadable as zips).
 * - Recorded output is masked as on GitHub: secrets, the token and `::add-mask::` values show as `***`.
 *
 * Where it differs from GitHub, on purpose:
 * - Jobs and matrix legs run one after another (in file order among the ready ones), so results are
 *   deterministic; fail-fast cancels the legs after a failed one.
 * - A pull request's run checks out its head commit (github.sha is the head SHA; GITHUB_REF is still
 *   refs/pull/N/merge), where GitHub checks out a test merge commit; the checkout's origin is the fixture
 *   repository, so `git fetch origin <base sha>` works in a step.
 * - A re-run is `runWorkflow({ ...same options, event: firstRun's event, runId: first.runId, runAttempt: 2 })`.
 * - A workflow without `permissions:` anywhere is refused (GitHub would apply the repository default).
 * - Per-runner setup (a recorded nvidia-smi on `[self-hosted, linux, gpu]` only) goes through `runnerEnv`.
 *
 * @example
 * const github = await new GitHubEmulator().start(); const results = await new ResultsServiceEmulator().start(); const
 * repo = createFixtureRepo({ 'contract.yml': '...', 'data/train.csv': '...' }); repo.commit('better-model', {
 * 'model.onnx': bytes }); const pull = repo.openPullRequest(github, { branch: 'better-model' }); const run = await
 * runWorkflow({   workflow: join(ROOT, 'workflow-templates', 'mlgate-pull-request.yml'),   event:
 * repo.pullRequestEvent(github, pull.number),   repo, github, results, }); expect(run.conclusion).toBe('success');
 * expect(run.jobs.check!.legs[0]!.token).toBe(GitHubEmulator.WRITE_TOKEN); // Then the comment workflow, from the
 * finished run: await runWorkflow({ workflow: '...mlgate-pr-comment.yml', event: completedRunEvent(run,
 * repo.repository), repo, github, results });
 *
 * @module
 */

export { runWorkflow, type RunWorkflowOptions } from './runner.js';
export {
  createFixtureRepo,
  FixtureRepo,
  FORK_REPOSITORY,
  type FixtureFiles,
  type FixturePullRequest,
} from './fixture-repo.js';
export { completedRunEvent } from './emulator-link.js';
export { loadWorkflow, usedActions, type WorkflowDefinition, type WorkflowSource } from './workflow.js';
export { whyNotEmulated } from './steps.js';
export { whyNotTriggered, type WorkflowEvent } from './triggers.js';
export type {
  ConcurrencyRecord,
  JobLegRecord,
  JobRecord,
  JobStatusName,
  StepRecord,
  StepStatus,
  WorkflowRunResult,
} from './types.js';
export type { Permissions } from './permissions.js';
