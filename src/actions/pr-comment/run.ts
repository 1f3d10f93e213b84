import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { REPORT_KINDS } from '../../core/documents.js';
import { ConfigurationError } from '../../core/errors.js';
import type { GitHubClient } from '../../github/client.js';
import { isReadOnlyTokenError } from '../../github/errors.js';
import { runUrl, type GitHubContext } from '../../github/context.js';
import { findPullRequestByHeadSha } from '../../github/pull-requests.js';
import { downloadRunArtifact } from '../../github/run-artifacts.js';
import { resolveOwnLogin, writtenBy } from '../../github/own-author.js';
import { commentMarker, upsertStickyComment } from '../../github/sticky-comment.js';
import type { LoadedDocument } from '../../io/documents.js';
import { loadReports } from '../../io/report-files.js';
import { unpackArchive, writeArchiveEntries } from '../../io/zip-archive.js';
import { escapeText } from '../../render/markdown.js';
import { COMMENT_LIMIT, renderReport, SUMMARY_LIMIT_BYTES } from '../../render/report.js';
import { renderSection } from '../../render/sections/index.js';
import { renderSourceRunSection, type SourceRun } from '../../render/sections/source-run.js';
import type { ActionEnvironment } from '../runtime/host.js';
import { parsePrCommentOptions, type PrCommentOptions } from './inputs.js';

/** Reports downloaded from another run are untrusted: this much and no more is unpacked. */
const ARTIFACT_LIMITS = { maxBytes: 64 * 1024 * 1024, maxEntries: 200 };
const FORK_SAFE_TEMPLATE = 'workflow-templates/mlgate-pr-comment.yml';

/** Renders the reports into one sticky pull-request comment and the job summary. */
export async function prComment(env: ActionEnvironment): Promise<void> {
  const { host, context } = env;
  const options = parsePrCommentOptions(env.inputs, context);
  if (options.token) host.setSecret(options.token);
  const client =
    options.token && context.owner && context.repo && needsGitHub(options, context)
      ? await env.createClient(options.token)
      : undefined;

  const source =
    options.mode === 'workflow_run'
      ? await fetchTriggeringRunReports(env, options, client)
      : { root: env.cwd, label: '', sha: context.sha };
  const documents = (await loadReports(options.reports, source.root, host, source.label)).filter((d) =>
    (REPORT_KINDS as readonly string[]).includes(d.kind),
  );
  if (documents.length === 0)
    host.warning(`No mlgate reports found for ${options.reports.join(', ')}; the comment says so.`);

  const sections = [
    ...(source.run ? [renderSourceRunSection(source.run)] : []),
    ...documents.map(renderSection).filter((s) => s !== undefined),
  ];
  const footer = renderFooter(context, source.sha, documents);
  const comment = renderReport(sections, {
    limit: COMMENT_LIMIT,
    marker: commentMarker(options.key),
    fullReportUrl: runUrl(context),
    footer,
    limitName: "GitHub's 65,536-character comment limit",
  });
  host.setOutput('status', comment.status);
  if (options.summary && host.isAction) {
    const summary = renderReport(sections, {
      limit: SUMMARY_LIMIT_BYTES,
      measure: (t) => Buffer.byteLength(t),
      footer,
      limitName: "GitHub's 1 MiB job summary limit",
    });
    await host.writeSummary(summary.markdown);
  }
  if (options.output) {
    await mkdir(dirname(options.output), { recursive: true });
    await writeFile(options.output, comment.markdown);
  } else if (!host.isAction) {
    host.print(comment.markdown);
  }

  const target = await findTarget(env, options, client, source.sha);
  if (!client || !target.number) {
    if (host.isAction) host.info(target.why);
    return;
  }
  if (target.fork) {
    host.warning(forkWarning(target.number, `it comes from the fork ${target.fork}, whose GITHUB_TOKEN may only read`));
    return;
  }
  try {
    const result = await upsertStickyComment(
      client,
      { owner: context.owner!, repo: context.repo!, issueNumber: target.number },
      commentMarker(options.key),
      comment.markdown,
      writtenBy(await resolveOwnLogin(client, options.commentAuthor)),
    );
    host.setOutput('comment-id', result.id);
    host.setOutput('comment-url', result.url);
    const removed =
      result.removedDuplicates > 0
        ? ` (removed ${result.removedDuplicates} duplicate${result.removedDuplicates === 1 ? '' : 's'} from concurrent runs)`
        : '';
    host.info(`Comment ${result.action} on pull request #${target.number}: ${result.url}${removed}`);
    if (result.writtenAs)
      host.warning(
        `The comment was written as ${result.writtenAs}, not as the author mlgate looks for; set comment-author: ${result.writtenAs} so that later runs update it instead of writing another`,
      );
  } catch (error) {
    if (!isReadOnlyTokenError(error)) throw error;
    host.warning(
      forkWarning(
        target.number,
        'the token may not write to pull requests (give the job `permissions: pull-requests: write`)',
      ),
    );
  }
}

/** Whether this run talks to GitHub at all: outside pull requests and workflow runs it only writes the summary. */
function needsGitHub(options: PrCommentOptions, context: GitHubContext): boolean {
  return (
    options.mode === 'workflow_run' || options.pullRequest !== undefined || context.payload.pull_request !== undefined
  );
}

interface ReportSource {
  root: string;
  /** How report paths are shown: prefixed with the artifact they came from. */
  label: string;
  sha: string | undefined;
  /** In workflow_run mode, the run the reports came from. */
  run?: SourceRun;
}

/** In workflow_run mode: the reports artifact of the run that triggered this one, unpacked with limits. */
async function fetchTriggeringRunReports(
  env: ActionEnvironment,
  options: PrCommentOptions,
  client: GitHubClient | undefined,
): Promise<ReportSource> {
  const run = env.context.payload.workflow_run as
    | { id?: number; head_sha?: string; name?: string; conclusion?: string | null }
    | undefined;
  if (!run?.id) {
    throw new ConfigurationError(
      `${env.inputs.label('mode')} is workflow_run, but this run was triggered by "${env.context.eventName ?? 'no event'}"; use it in a workflow started by on: workflow_run`,
    );
  }
  if (!client)
    throw new ConfigurationError(
      `${env.inputs.label('github-token')} is required in workflow_run mode, to download the reports artifact`,
    );
  const bytes = await downloadRunArtifact(client, {
    owner: env.context.owner!,
    repo: env.context.repo!,
    runId: run.id,
    name: options.artifactName,
    maxBytes: ARTIFACT_LIMITS.maxBytes,
  });
  const label = `artifact ${options.artifactName}`;
  const entries = unpackArchive(bytes, label, { ...ARTIFACT_LIMITS, keep: (path) => path.endsWith('.json') });
  const root = join(env.context.runnerTemp ?? tmpdir(), `mlgate-reports-${run.id}`);
  await rm(root, { recursive: true, force: true });
  await writeArchiveEntries(entries, root);
  env.host.info(`Read ${entries.size} JSON file(s) from the artifact "${options.artifactName}" of run ${run.id}`);
  const { context } = env;
  const url = `${context.serverUrl}/${context.owner}/${context.repo}/actions/runs/${run.id}`;
  return {
    root,
    label,
    sha: run.head_sha,
    run: { id: run.id, name: run.name ?? 'workflow', conclusion: run.conclusion ?? 'unknown', url },
  };
}

interface CommentTargetChoice {
  number?: number;
  /** The fork a pull_request event's pull request comes from. */
  fork?: string;
  /** Why there is nothing to comment on. */
  why: string;
}

/** The pull request to comment on: the one named, the event's, or in workflow_run mode the one with the head SHA. */
async function findTarget(
  env: ActionEnvironment,
  options: PrCommentOptions,
  client: GitHubClient | undefined,
  sha: string | undefined,
): Promise<CommentTargetChoice> {
  if (options.pullRequest) return { number: options.pullRequest, why: '' };
  const { context } = env;
  if (options.mode === 'pull_request') {
    const pr = context.payload.pull_request as
      | { number?: number; head?: { repo?: { full_name?: string } | null }; base?: { repo?: { full_name?: string } } }
      | undefined;
    if (!pr?.number)
      return {
        why: `Not a pull request (event ${context.eventName ?? 'none'}): the report is in the job summary only.`,
      };
    const head = pr.head?.repo?.full_name;
    const base = pr.base?.repo?.full_name ?? `${context.owner}/${context.repo}`;
    return {
      number: pr.number,
      fork: head !== base && context.eventName === 'pull_request' ? (head ?? 'a deleted fork') : undefined,
      why: '',
    };
  }
  if (!client || !sha) return { why: 'No head SHA to find the pull request by.' };
  const number = await findPullRequestByHeadSha(client, context.owner!, context.repo!, sha);
  return number
    ? { number, why: '' }
    : { why: `No open pull request has head ${sha}; the report is in the job summary only.` };
}

function forkWarning(number: number, reason: string): string {
  return `Could not comment on pull request #${number}: ${reason}. The report is in the job summary. To comment on pull requests from forks, add the fork-safe workflow ${FORK_SAFE_TEMPLATE}, which comments from a workflow_run using the reports artifact.`;
}

function renderFooter(context: GitHubContext, sha: string | undefined, documents: readonly LoadedDocument[]): string {
  const parts = ['mlgate'];
  if (sha && /^[0-9a-f]{7,64}$/i.test(sha)) parts.push(`commit ${sha.slice(0, 7)}`);
  const url = runUrl(context);
  if (url) parts.push(`[run ${context.runId}](${url})`);
  parts.push(
    `${documents.length} report${documents.length === 1 ? '' : 's'}: ${documents.map((d) => escapeText(d.path, 80)).join(', ') || 'none'}`,
  );
  return parts.join(' · ');
}
