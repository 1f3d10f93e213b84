/** Where in a user's file a problem sits; used for messages and for annotations on that line. */
export interface SourceLocation {
  file: string;
  line?: number;
  column?: number;
}

/**
 * A mistake the user can fix (a wrong input, a missing file, an invalid document).
 * The message is shown as it is, on one line, with no stack trace: it must say what is wrong and how to fix it.
 */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
  constructor(
    message: string,
    readonly location?: SourceLocation,
  ) {
    super(message);
  }
}

/** The data broke a rule that the user cares about; the message names the file and line. */
export class DataError extends Error {
  override readonly name = 'DataError';
  constructor(
    message: string,
    readonly location?: SourceLocation,
  ) {
    super(message);
  }
}

/** True for the errors that are the user's to fix, which are reported without a stack trace. */
export function isUserError(error: unknown): error is ConfigurationError | DataError {
  return error instanceof ConfigurationError || error instanceof DataError;
}

/** A plain message for any thrown value. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
