import type { SourceLocation } from '../core/errors.js';
import { shieldCommands } from '../actions/runtime/command-shield.js';
import type { Host } from '../actions/runtime/host.js';

/**
 * The terminal: results on stdout, progress and problems on stderr (so stdout can be piped). Run from a workflow's
 * `run:` step (GITHUB_ACTIONS=true), the runner reads both streams for workflow commands, so text that could hold one
 * is shielded as the action's log is.
 */
export function createCliHost(
  stdout: NodeJS.WritableStream = process.stdout,
  stderr: NodeJS.WritableStream = process.stderr,
  debug = false,
  inWorkflow = process.env.GITHUB_ACTIONS === 'true',
): Host {
  const out = inWorkflow ? { write: (text: string) => stdout.write(shieldCommands(text)) } : stdout;
  const err = inWorkflow ? { write: (text: string) => stderr.write(shieldCommands(text)) } : stderr;
  const where = (at?: SourceLocation) =>
    at ? `${at.file}${at.line ? `:${at.line}` : ''}${at.column ? `:${at.column}` : ''}: ` : '';
  return {
    isAction: false,
    info: (message) => err.write(`${message}\n`),
    warning: (message, at) => err.write(`warning: ${where(at)}${message}\n`),
    error: (message, at) => err.write(`error: ${where(at)}${message}\n`),
    debug: (message) => {
      if (debug) err.write(`debug: ${message}\n`);
    },
    print: (text) => out.write(text.endsWith('\n') ? text : `${text}\n`),
    relay: (line) => stderr.write(`${line}\n`),
    setOutput: () => {},
    writeSummary: async () => {},
    setSecret: () => {},
    fail: (message, exitCode = 1) => {
      err.write(`error: ${message}\n`);
      process.exitCode = exitCode;
    },
    group: async (title, fn) => {
      err.write(`▸ ${title}\n`);
      return fn();
    },
  };
}
