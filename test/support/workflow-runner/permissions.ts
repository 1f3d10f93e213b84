import { GitHubEmulator } from '../emulator/server.js';

/** A job's GITHUB_TOKEN scopes: `read-all`, `write-all`, or scope → read | write | none. */
export type Permissions = 'read-all' | 'write-all' | Record<string, 'read' | 'write' | 'none'>;

/**
 * The permissions a job's token gets: the job's `permissions:` when it has them, else the workflow's. (GitHub's
 * repository default applies when neither sets any; mlgate's templates always set them, so a missing block is an
 * error here rather than a guess.)
 */
export function effectivePermissions(workflow: unknown, job: unknown, where: string): Permissions {
  const chosen = job ?? workflow;
  if (chosen === undefined) throw new Error(`${where}: no permissions at the job or workflow level`);
  if (chosen === 'read-all' || chosen === 'write-all') return chosen;
  if (chosen === null || chosen === '') return {};
  if (typeof chosen !== 'object' || Array.isArray(chosen))
    throw new Error(`${where}: permissions must be read-all, write-all or a mapping`);
  return chosen as Record<string, 'read' | 'write' | 'none'>;
}

/** Whether the permissions grant any write scope. */
export function grantsWrite(permissions: Permissions): boolean {
  if (typeof permissions === 'string') return permissions === 'write-all';
  return Object.values(permissions).includes('write');
}

/** Whether an event is a pull request from a fork, whose runs GitHub gives a read-only token and no secrets. */
export function isForkPullRequest(eventName: string, payload: Record<string, any>, repository: string): boolean {
  if (!eventName.startsWith('pull_request') || eventName === 'pull_request_target') return false;
  const head = payload.pull_request?.head?.repo?.full_name;
  return head !== undefined && head !== repository;
}

/**
 * The emulator token a job runs with: read-only when its permissions grant no write scope or the run is a fork's
 * pull request, else the write token.
 */
export function jobToken(permissions: Permissions, fork: boolean): string {
  return !fork && grantsWrite(permissions) ? GitHubEmulator.WRITE_TOKEN : GitHubEmulator.READ_TOKEN;
}
