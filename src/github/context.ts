import { readFileSync } from 'node:fs';

/** What the runner tells a step about the workflow run, read once from the environment at the edge. */
export interface GitHubContext {
  eventName: string | undefined;
  /** The webhook payload of the triggering event; `{}` outside GitHub Actions. */
  // biome-ignore lint/suspicious/noExplicitAny: webhook payloads are untyped JSON, as @actions/github types them.
  payload: Record<string, any>;
  owner: string | undefined;
  repo: string | undefined;
  sha: string | undefined;
  runId: number | undefined;
  runAttempt: number | undefined;
  workflow: string | undefined;
  /** The job's id in the workflow file (GITHUB_JOB). */
  job: string | undefined;
  serverUrl: string;
  apiUrl: string;
  /** GITHUB_WORKSPACE: the folder the repository is checked out in, which repository paths are relative to. */
  workspace: string | undefined;
  /** The runner's temporary folder, emptied after each job. */
  runnerTemp: string | undefined;
  /** The runner this step runs on, as it describes itself (RUNNER_NAME, RUNNER_OS, RUNNER_ARCH, RUNNER_ENVIRONMENT). */
  runner: { name?: string; os?: string; arch?: string; environment?: string };
  /** The runner's tool cache (RUNNER_TOOL_CACHE), kept between jobs on a self-hosted runner. */
  toolCache: string | undefined;
  /** The npm registry the runner is set up to use (npm_config_registry), for tools fetched at run time. */
  npmRegistry: string | undefined;
  /** Whether the job may ask for an OIDC token (permissions: id-token: write), as attestations need. */
  idToken: boolean;
}

/** Reads the GitHub Actions context from environment variables and the event payload file. */
export function readGitHubContext(env: NodeJS.ProcessEnv = process.env): GitHubContext {
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
  // biome-ignore lint/suspicious/noExplicitAny: see GitHubContext.payload.
  let payload: Record<string, any> = {};
  if (env.GITHUB_EVENT_PATH) {
    try {
      payload = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8'));
    } catch {
      payload = {};
    }
  }
  const number = (value: string | undefined) => (value && /^\d+$/.test(value) ? Number(value) : undefined);
  return {
    eventName: env.GITHUB_EVENT_NAME || undefined,
    payload,
    owner: owner || undefined,
    repo: repo || undefined,
    sha: env.GITHUB_SHA || undefined,
    runId: number(env.GITHUB_RUN_ID),
    runAttempt: number(env.GITHUB_RUN_ATTEMPT),
    workflow: env.GITHUB_WORKFLOW || undefined,
    job: env.GITHUB_JOB || undefined,
    serverUrl: (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, ''),
    apiUrl: (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, ''),
    workspace: env.GITHUB_WORKSPACE || undefined,
    runnerTemp: env.RUNNER_TEMP || undefined,
    runner: {
      name: env.RUNNER_NAME || undefined,
      os: env.RUNNER_OS || undefined,
      arch: env.RUNNER_ARCH || undefined,
      environment: env.RUNNER_ENVIRONMENT || undefined,
    },
    toolCache: env.RUNNER_TOOL_CACHE || undefined,
    npmRegistry: env.npm_config_registry || env.NPM_CONFIG_REGISTRY || undefined,
    idToken: Boolean(env.ACTIONS_ID_TOKEN_REQUEST_URL && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN),
  };
}

/** The web address of this workflow run, where its job summaries are shown. */
export function runUrl(context: GitHubContext): string | undefined {
  if (!context.owner || !context.repo || context.runId === undefined) return undefined;
  return `${context.serverUrl}/${context.owner}/${context.repo}/actions/runs/${context.runId}`;
}
