import type { SourceLocation } from '../core/errors.js';
import type { Host } from '../actions/runtime/host.js';

/** The terminal: results on stdout, progress and problems on stderr (so stdout can be piped). */
export function createCliHost(stdout: NodeJS.WritableStream = process.stdout, stderr: NodeJS.WritableStream = process.stderr, debug = false): Host {
  const where = (at?: SourceLocation) => (at ? `${at.file}${at.line ? `:${at.line}` : ''}${at.column ? `:${at.column}` : ''}: ` : '');
  return {
    isAction: false,
    info: (message) => stderr.write(`${message}\n`),
    warning: (message, at) => stderr.write(`warning: ${where(at)}${message}\n`),
    error: (message, at) => stderr.write(`error: ${where(at)}${message}\n`),
    debug: (message) => {
      if (debug) stderr.write(`debug: ${message}\n`);
    },
    print: (text) => stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    setOutput: () => {},
    writeSummary: async () => {},
    setSecret: () => {},
    fail: (message, exitCode = 1) => {
      stderr.write(`error: ${message}\n`);
      process.exitCode = exitCode;
    },
    group: async (title, fn) => {
      stderr.write(`▸ ${title}\n`);
      return fn();
    },
  };
}
