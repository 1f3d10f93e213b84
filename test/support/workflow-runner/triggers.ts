import { matchesGlob } from 'node:path';
import type { WorkflowDefinition } from './workflow.js';

/** An event as the runner receives it: its name and its webhook payload. */
export interface WorkflowEvent {
  name: string;
  payload: Record<string, any>;
}

/** What a trigger decision needs beyond the payload: the files the push or pull request changes. */
export interface TriggerFacts {
  changedFiles?: string[];
}

/**
 * Decides, as GitHub does, whether a workflow runs for an event: the event is in `on:`, and its `types`,
 * `branches`/`branches-ignore`, `paths`/`paths-ignore` and (for workflow_run) `workflows` filters let it through.
 * Returns the reason it does not, or undefined when it runs.
 */
export function whyNotTriggered(
  workflow: WorkflowDefinition,
  event: WorkflowEvent,
  facts: TriggerFacts = {},
): string | undefined {
  const config = workflow.events[event.name] as Record<string, string[] | undefined> | undefined;
  if (config === undefined) return `${workflow.file} has no ${event.name} trigger`;
  const types = config.types ?? DEFAULT_TYPES[event.name];
  if (types && event.payload.action !== undefined && !types.includes(event.payload.action))
    return `activity type ${event.payload.action} is not in types ${types.join(', ')}`;
  const branch = filteredBranch(event);
  if (branch !== undefined) {
    if (config.branches && !matchesAny(branch, config.branches)) return `branch ${branch} is not in branches`;
    if (config['branches-ignore'] && matchesAny(branch, config['branches-ignore']))
      return `branch ${branch} is in branches-ignore`;
  }
  if (
    event.name === 'push' &&
    String(event.payload.ref ?? '').startsWith('refs/tags/') &&
    config.branches &&
    !config.tags
  )
    return 'a tag push, and only branches are filtered';
  if (event.name === 'workflow_run' && config.workflows && !config.workflows.includes(event.payload.workflow_run?.name))
    return `workflow ${event.payload.workflow_run?.name} is not in workflows`;
  if ((config.paths || config['paths-ignore']) && (event.name === 'push' || event.name.startsWith('pull_request'))) {
    const changed = facts.changedFiles;
    if (changed === undefined)
      throw new Error(
        `${workflow.file} filters ${event.name} by paths: pass the changed files (or a fixture repository to compute them)`,
      );
    if (config.paths && !changed.some((file) => pathIncluded(file, config.paths!)))
      return 'no changed file matches paths';
    if (config['paths-ignore'] && changed.every((file) => matchesAny(file, config['paths-ignore']!)))
      return 'every changed file matches paths-ignore';
  }
  return undefined;
}

/** The activity types GitHub triggers on when a workflow names none. */
const DEFAULT_TYPES: Record<string, string[]> = {
  pull_request: ['opened', 'synchronize', 'reopened'],
  pull_request_target: ['opened', 'synchronize', 'reopened'],
  workflow_run: ['completed', 'requested'],
};

/** The branch a `branches:` filter looks at: the base branch of a pull request, the pushed branch, the run's head. */
function filteredBranch(event: WorkflowEvent): string | undefined {
  if (event.name.startsWith('pull_request')) return event.payload.pull_request?.base?.ref;
  if (event.name === 'push') return String(event.payload.ref ?? '').replace(/^refs\/heads\//, '');
  if (event.name === 'workflow_run') return event.payload.workflow_run?.head_branch;
  return undefined;
}

function matchesAny(value: string, patterns: string[]): boolean {
  return patterns.some((pattern) => matchesGlob(value, pattern));
}

/** `paths:` with `!` negations: the last pattern that matches decides. */
function pathIncluded(file: string, patterns: string[]): boolean {
  let included = false;
  for (const pattern of patterns) {
    if (pattern.startsWith('!')) {
      if (matchesGlob(file, pattern.slice(1))) included = false;
    } else if (matchesGlob(file, pattern)) included = true;
  }
  return included;
}
