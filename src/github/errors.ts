// Kept apart from client.ts so that code which only inspects errors does not load octokit at start-up.

/** The HTTP status of an octokit error, if it has one. */
export function httpStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

/** True when a write was refused because the token may only read (a fork's GITHUB_TOKEN, or missing permissions). */
export function isReadOnlyTokenError(error: unknown): boolean {
  if (httpStatus(error) !== 403) return false;
  const message = (error as { message?: string }).message ?? '';
  return /Resource not accessible by integration|Must have admin rights|permission/i.test(message);
}
