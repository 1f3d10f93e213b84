import type { Logger } from '../../core/logger.js';
import type { GitHubClient } from '../../github/client.js';
import type { GitHubContext } from '../../github/context.js';
import type { InputReader } from './inputs.js';

/**
 * The output channels of one step, each with exactly one writer. The action's host writes workflow commands,
 * GITHUB_OUTPUT and GITHUB_STEP_SUMMARY; the CLI's writes to the terminal.
 */
export interface Host extends Logger {
  /** True on a GitHub runner, false in the CLI. */
  readonly isAction: boolean;
  /** The step's main human-readable result (the CLI's stdout). */
  print(text: string): void;
  /**
   * One line of the team's own command's output, written as a `run:` step's would be: workflow commands in it are
   * carried out. Text built from data goes through `info` or `print` instead, which never carry out a command.
   */
  relay(line: string): void;
  setOutput(name: string, value: string | number | boolean): void;
  /** Appends Markdown to the job summary (no-op in the CLI, which prints instead). */
  writeSummary(markdown: string): Promise<void>;
  /** Registers a value the runner must mask in every log line. */
  setSecret(value: string): void;
  /** Marks the step failed with one error line, after its results were reported; exit code 1 unless given. */
  fail(message: string, exitCode?: number): void;
  /** Runs `fn` inside a collapsible log group. */
  group<T>(title: string, fn: () => Promise<T>): Promise<T>;
}

/** Everything an action's entry needs from the outside world, so the same entry serves the action and the CLI. */
export interface ActionEnvironment {
  host: Host;
  inputs: InputReader;
  context: GitHubContext;
  /** The working directory the paths in inputs are relative to. */
  cwd: string;
  /** The GitHub client, loaded on first use. */
  createClient(token: string): Promise<GitHubClient>;
}
