import * as core from '@actions/core';
import { errorMessage, isUserError } from '../../core/errors.js';
import type { SourceLocation } from '../../core/errors.js';
import { httpStatus } from '../../github/errors.js';
import { readGitHubContext } from '../../github/context.js';
import { shieldCommands } from './command-shield.js';
import type { ActionEnvironment, Host } from './host.js';
import type { InputReader } from './inputs.js';

/** The only module that talks to the runner through @actions/core. */
function annotation(at?: SourceLocation): core.AnnotationProperties | undefined {
  return at ? { file: at.file, startLine: at.line, startColumn: at.column } : undefined;
}

const actionHost: Host = {
  isAction: true,
  // core.info writes the text raw; annotations, debug lines and group titles are escaped by @actions/core itself.
  info: (message) => core.info(shieldCommands(message)),
  warning: (message, at) => core.warning(message, annotation(at)),
  error: (message, at) => core.error(message, annotation(at)),
  debug: (message) => core.debug(message),
  print: (text) => core.info(shieldCommands(text)),
  relay: (line) => core.info(line),
  setOutput: (name, value) => core.setOutput(name, String(value)),
  writeSummary: async (markdown) => {
    if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(markdown, true).write();
  },
  setSecret: (value) => core.setSecret(value),
  fail: (message, exitCode) => {
    core.setFailed(message);
    if (exitCode !== undefined) process.exitCode = exitCode;
  },
  group: (title, fn) => core.group(title, fn),
};

const actionInputs: InputReader = {
  get: (name) => core.getInput(name),
  label: (name) => `input "${name}"`,
};

/**
 * Runs an action's entry as a step. A user's mistake becomes one error annotation (on the file and line when
 * known) and exit code 1, with no stack trace; anything else is a bug and says so.
 */
export async function runAction(entry: (env: ActionEnvironment) => Promise<void>): Promise<void> {
  const context = readGitHubContext();
  const env: ActionEnvironment = {
    host: actionHost,
    inputs: actionInputs,
    context,
    cwd: process.cwd(),
    // Loaded on first use: octokit and its HTTP stack are most of the bundle, and many runs never call GitHub.
    createClient: async (token) =>
      (await import('../../github/client.js')).createGitHubClient({
        token,
        apiUrl: context.apiUrl,
        logger: actionHost,
      }),
  };
  try {
    await entry(env);
  } catch (error) {
    process.exitCode = 1;
    if (isUserError(error)) {
      core.error(error.message, annotation(error.location));
    } else if (httpStatus(error) !== undefined) {
      // GitHub still failing after the client's retries: the service's trouble, not a bug to report.
      core.error(`GitHub API request failed with status ${httpStatus(error)}: ${errorMessage(error)}`);
    } else {
      core.debug(error instanceof Error && error.stack ? error.stack : String(error));
      core.error(
        `mlgate failed unexpectedly: ${errorMessage(error)}. This is a bug in mlgate; please report it with this log (re-run with debug logging for the stack trace).`,
      );
    }
  }
}
