/**
 * Variables the runner gives a JavaScript action but not a `run:` step: the results and cache services' token and
 * URLs and OIDC token requests, and the action's own file commands (its outputs and state, which the command must
 * not set). GITHUB_ENV, GITHUB_PATH and GITHUB_STEP_SUMMARY stay: a `run:` step has them too.
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
]);

export interface CommandEnvironment {
  env: Record<string, string>;
  /** The names left out, sorted, for the log. */
  removed: string[];
}

/**
 * The environment the training command starts with: the action's own, less the runner's tokens and service URLs,
 * the action's outputs and state, and every `INPUT_*` (the action's inputs, the GitHub token among them). What the
 * workflow set with `env:` stays, as it would for a `run:` step. This keeps the tokens from tools and libraries that
 * read them from the environment; it does not isolate the command, which runs as the same user as the action and
 * can read the action's own environment through /proc.
 *
 * @example commandEnvironment({ PATH: '/bin', 'INPUT_GITHUB-TOKEN': 'ghs_x' }).env // { PATH: '/bin' }
 */
export function commandEnvironment(env: Readonly<Record<string, string | undefined>>): CommandEnvironment {
  const kept: Record<string, string> = {};
  const removed: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (
      RUNNER_ONLY.has(name.toUpperCase()) ||
      name.toUpperCase().startsWith('INPUT_') ||
      name.toUpperCase().startsWith('STATE_')
    )
      removed.push(name);
    else kept[name] = value;
  }
  return { env: kept, removed: removed.sort() };
}
