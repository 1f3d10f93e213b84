import type { GitHubContext } from '../../github/context.js';
import {
  parseBoolean,
  parseChoice,
  parseInteger,
  parseList,
  withDefaults,
  type InputReader,
  type InputSpecs,
  type OutputSpecs,
} from '../runtime/inputs.js';

/** The inputs of the pr-comment action, which are also the options of `mlgate pr-comment`. */
export const INPUTS = {
  reports: {
    description:
      'Paths or globs of mlgate reports (validation, evaluation, drift, training), one per line or comma-separated.',
    default: '**/*-report.json',
  },
  key: {
    description:
      'Identifies this comment among others on the pull request. Every workflow that comments with the same key updates the same comment, so a pull request checked by several mlgate workflows gets one comment.',
    default: 'mlgate',
  },
  'github-token': {
    description: 'Token used to comment. Needs pull-requests: write (and actions: read in workflow_run mode).',
    default: '${{ github.token }}',
  },
  'comment-author': {
    description:
      "The login whose comment is updated; anyone else's comment with the same marker is left alone. Default: the token's user for a personal token, else github-actions[bot]; for a GitHub App's token, its <app-slug>[bot].",
    default: '',
  },
  mode: {
    description:
      'pull_request: comment on the pull request of this run; workflow_run: comment from the report artifact of the run that triggered this one; auto: by event.',
    default: 'auto',
  },
  summary: { description: 'Also write the report to the job summary.', default: 'true' },
  'artifact-name': {
    description: 'In workflow_run mode, the artifact of the triggering run that holds the reports.',
    default: 'mlgate-reports',
  },
  'pull-request': {
    description: 'Comment on this pull request number instead of the one found from the event.',
    default: '',
  },
  output: { description: 'Write the Markdown to this file instead of printing it.', default: '', cliOnly: true },
} satisfies InputSpecs;

export const OUTPUTS = {
  status: { description: 'The overall verdict of the reports: pass, warn, fail or empty.' },
  'comment-id': { description: 'The id of the sticky comment, when one was written.' },
  'comment-url': { description: 'The address of the sticky comment, when one was written.' },
} satisfies OutputSpecs;

export type CommentMode = 'pull_request' | 'workflow_run';

export interface PrCommentOptions {
  reports: string[];
  key: string;
  token: string;
  /** The login whose comment is mlgate's; empty: found from the token. */
  commentAuthor: string;
  mode: CommentMode;
  summary: boolean;
  artifactName: string;
  pullRequest: number | undefined;
  output: string;
}

/** Turns the inputs into options, checking every value; an empty input means its default (see withDefaults). */
export function parsePrCommentOptions(given: InputReader, context: GitHubContext): PrCommentOptions {
  const inputs = withDefaults(given, INPUTS);
  const mode = parseChoice(inputs, 'mode', ['auto', 'pull_request', 'workflow_run'] as const);
  // Separators alone (",") name no report either: the default pattern then, as for an empty input.
  const reports = parseList(inputs, 'reports');
  return {
    reports: reports.length > 0 ? reports : [INPUTS.reports.default],
    key: inputs.get('key').trim(),
    token: inputs.get('github-token').trim(),
    commentAuthor: inputs.get('comment-author').trim(),
    mode: mode === 'auto' ? (context.eventName === 'workflow_run' ? 'workflow_run' : 'pull_request') : mode,
    summary: parseBoolean(inputs, 'summary'),
    artifactName: inputs.get('artifact-name').trim(),
    pullRequest:
      inputs.get('pull-request').trim() === ''
        ? undefined
        : parseInteger(inputs, 'pull-request', 1, Number.MAX_SAFE_INTEGER),
    output: inputs.get('output').trim(),
  };
}
