/**
 * Variables the runner gives a JavaScript action but not a `run:` step, or that let a process act as the action
 * itself: the results and cache services' token and URLs (with them, a dependency of the training code could write
 * to the Actions cache that the default branch restores), OIDC token requests, and the action's file commands
 * (outputs and state are the action's; GITHUB_ENV and GITHUB_PATH would reach every later step of the job).
 */
const RUNNER_ONLY = new Set([
  'ACTIONS_RUNTIME_TOKEN',
  'ACTIONS_RUNTIME_URL',
  'ACTIONS_RESULTS_URL',
  'ACTIONS_CACHE_URL',
  'ACTIONS_CACHE_SERVICE_V2',
  'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
  'ACTIONS_ID_TOKEN_REQUEST_URL',
  'GITHUB_OUTPUT',
  'GITHUB_STATE',
  'GITHUB_ENV',
  'GITHUB_PATH',
]);

export interface CommandEnvironment {
  env: Record<string, string>;
  /** The names left out, sorted, for the log. */
  removed: string[];
}

/**
 * The environment the training command starts with: the action's own, less the runner's tokens and service URLs,
 * its file commands, and every `INPUT_*` (the action's inputs, the GitHub token among them). What the workflow set
 * with `env:` stays, as it would for a `run:` step.
 *
 * @example commandEnvironment({ PATH: '/bin', 'INPUT_GITHUB-TOKEN': 'ghs_x' }).env // { PATH: '/bin' }
 */
export function commandEnvironment(env: Readonly<Record<string, string | undefined>>): CommandEnvironment {
  const kept: Record<string, string> = {};
  const removed: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (RUNNER_ONLY.has(name.toUpperCase()) || name.toUpperCase().startsWith('INPUT_') || name.toUpperCase().startsWith('STATE_')) removed.push(name);
    else kept[name] = value;
  }
  return { env: kept, removed: removed.sort() };
}
