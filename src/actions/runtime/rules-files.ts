import { readFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { RulesFile } from '../../core/documents.js';
import { ConfigurationError } from '../../core/errors.js';
import { chooseRulesVersion } from '../../core/rules/compare-rules.js';
import { readFileAtCommit } from '../../github/file-at-commit.js';
import { sha256Hex } from '../../io/sha256.js';
import type { ActionEnvironment } from './host.js';
import type { InputSpec } from './inputs.js';

/** Where a pull request's rules (the data contract, the gate policy) are read: its base commit, or its head. */
export const RULES_FROM = ['base', 'head'] as const;
export type RulesFrom = (typeof RULES_FROM)[number];

/** The events whose payload names a pull request's base commit. */
const PULL_REQUEST_EVENTS = new Set(['pull_request', 'pull_request_target']);

/** The `rules-from` input, shared by the actions that read rules files; `what` names the file(s) it governs. */
export function rulesFromInput(what: string): InputSpec {
  return {
    description: `On pull_request and pull_request_target events, read ${what} as it is at the pull request's base commit (base), so that a pull request cannot loosen the rules it is judged by, or as checked out (head). With base, a file the base commit lacks is new in the pull request and the head's applies; the report and the comment say when the pull request changes the file. Other events, and the CLI, read the file as checked out.`,
    default: 'base',
  };
}

/** One rules file to read: its input, the path given, and how. */
export interface RulesFileRequest {
  /** The input that names the file, for messages. */
  input: string;
  /** The path as the input gave it, relative to the working directory. */
  path: string;
  rulesFrom: RulesFrom;
  /** A token with contents: read, for the file at the base commit. */
  token: string;
  /** What the file is, for messages: `contract`, `policy`. */
  kind: string;
}

/** A rules file's text to apply (undefined when there is none, to be reported by the caller) and the record of it. */
export interface LoadedRulesFile {
  text: string | undefined;
  /** The name to give the text in messages: the path, or the path at the base commit. */
  name: string;
  record: RulesFile;
}

/**
 * Reads a rules file: on a pull request (with rules-from base) the version at the base commit, through GitHub's
 * contents API; otherwise the file as checked out. The base commit's version is read from GitHub rather than from
 * git because actions/checkout fetches a single commit by default, and the API needs only contents: read, which a
 * fork's read-only token has.
 */
export async function readRulesFile(env: ActionEnvironment, request: RulesFileRequest): Promise<LoadedRulesFile> {
  const { host, context, inputs } = env;
  const local = await readLocal(resolve(env.cwd, request.path));
  const pull =
    host.isAction && context.eventName && PULL_REQUEST_EVENTS.has(context.eventName)
      ? pullRequestCommits(context.payload)
      : undefined;
  if (!pull)
    return {
      text: local?.text,
      name: request.path,
      record: { path: request.path, ...(local ? { sha256: local.sha256 } : {}) },
    };
  if (request.rulesFrom === 'head') {
    host.info(
      `${request.path}: ${inputs.label('rules-from')} is head, so the pull request's own ${request.kind} applies`,
    );
    return {
      text: local?.text,
      name: request.path,
      record: {
        path: request.path,
        ...(local ? { sha256: local.sha256 } : {}),
        applied: 'head',
        base_sha: pull.base,
        ...(pull.head ? { head_sha: pull.head } : {}),
      },
    };
  }

  const repositoryPath = repositoryRelative(env, request);
  const short = pull.base.slice(0, 7);
  if (!request.token || !context.owner || !context.repo) {
    throw new ConfigurationError(
      `${inputs.label(request.input)} ${request.path}: on a pull request the ${request.kind} is read at the base commit ${short}, which needs ${inputs.label('github-token')} (contents: read) and GITHUB_REPOSITORY; give a token, or set ${inputs.label('rules-from')} to head`,
    );
  }
  const client = await env.createClient(request.token);
  const baseText = await readFileAtCommit(client, {
    owner: context.owner,
    repo: context.repo,
    ref: pull.base,
    path: repositoryPath,
  });
  const base = baseText === undefined ? undefined : { text: baseText, sha256: sha256Hex(baseText) };
  const chosen = chooseRulesVersion({ path: request.path, baseSha: pull.base, headSha: pull.head, base, head: local });
  if (chosen.record.new_in_pull_request) {
    if (local)
      host.info(
        `${request.path} is new in this pull request (the base commit ${short} has no such file): the pull request's version applies`,
      );
  } else if (chosen.record.head_differs) {
    host.warning(
      `This pull request ${local ? 'changes' : 'deletes'} the ${request.kind} ${request.path}: the base branch's version (commit ${short}) was applied. The change applies once it is merged.`,
    );
  } else {
    host.info(
      `${request.path}: the base commit's ${request.kind} (${short}) applies; this pull request does not change it`,
    );
  }
  return {
    text: chosen.text,
    name:
      chosen.record.applied === 'base' && chosen.record.head_differs
        ? `${request.path} (at base ${short})`
        : request.path,
    record: chosen.record,
  };
}

/** The base and head commits of the pull request in an event payload; undefined without a well-formed base SHA. */
// biome-ignore lint/suspicious/noExplicitAny: see GitHubContext.payload.
function pullRequestCommits(payload: Record<string, any>): { base: string; head: string | undefined } | undefined {
  const sha = (value: unknown) =>
    typeof value === 'string' && /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(value) ? value : undefined;
  const base = sha(payload.pull_request?.base?.sha);
  return base ? { base, head: sha(payload.pull_request?.head?.sha) } : undefined;
}

/** The file's path in the repository (forward slashes), refused when it lies outside the checked-out repository. */
function repositoryRelative(env: ActionEnvironment, request: RulesFileRequest): string {
  const workspace = resolve(env.context.workspace ?? env.cwd);
  const path = relative(workspace, resolve(env.cwd, request.path));
  if (path === '' || path === '..' || path.startsWith(`..${sep}`) || isAbsolute(path)) {
    throw new ConfigurationError(
      `${env.inputs.label(request.input)} ${request.path} is outside the repository (${workspace}): on a pull request the ${request.kind} is read at the base commit by its path in the repository; move it into the repository, or set ${env.inputs.label('rules-from')} to head`,
    );
  }
  return path.split(sep).join('/');
}

async function readLocal(path: string): Promise<{ text: string; sha256: string } | undefined> {
  try {
    const text = await readFile(path, 'utf8');
    return { text, sha256: sha256Hex(text) };
  } catch {
    return undefined;
  }
}
