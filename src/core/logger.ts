import type { SourceLocation } from './errors.js';

/**
 * Where library code reports progress and problems. The action passes one that writes workflow commands
 * (annotations, groups), the CLI one that writes to stderr, tests one that records.
 */
export interface Logger {
  info(message: string): void;
  /** Shown as a warning annotation on the run, on a file's line when `at` is given. */
  warning(message: string, at?: SourceLocation): void;
  /** Shown as an error annotation; does not by itself fail the run. */
  error(message: string, at?: SourceLocation): void;
  debug(message: string): void;
}
