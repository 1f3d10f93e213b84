import type { Annotation } from '../run-action.js';
import type { Permissions } from './permissions.js';

/** A step's outcome (before continue-on-error) or conclusion (after). */
export type StepStatus = 'success' | 'failure' | 'skipped' | 'cancelled';

/** A job's result, as `needs.<job>.result` says it. */
export type JobStatusName = 'success' | 'failure' | 'skipped' | 'cancelled';

/** One step of a job leg, as it ran (or did not). */
export interface StepRecord {
  /** The step's `id:`, else the parser's generated id. */
  id: string;
  name: string;
  uses?: string;
  run?: string;
  outcome: StepStatus;
  conclusion: StepStatus;
  exitCode: number | null;
  outputs: Record<string, string>;
  stdout: string;
  stderr: string;
  summary: string;
  annotations: Annotation[];
  /** The inputs it got (`with:`, evaluated). */
  with: Record<string, string>;
  timeoutMinutes?: number;
  /** How long it ran. */
  durationMs: number;
}

/** One leg of a job (the job itself when it has no matrix). */
export interface JobLegRecord {
  job: string;
  /** The name GitHub shows: `name:` evaluated, else the id, with the matrix values for a leg. */
  name: string;
  matrix: Record<string, unknown>;
  result: JobStatusName;
  outputs: Record<string, string>;
  /** The GITHUB_TOKEN it ran with: GitHubEmulator.READ_TOKEN or WRITE_TOKEN. */
  token: string;
  permissions: Permissions;
  /** `runs-on`, as labels. */
  runsOn: string[];
  environment?: { name: string; url?: string };
  concurrency?: ConcurrencyRecord;
  timeoutMinutes?: number;
  continueOnError: boolean;
  /** Whether the run had secrets besides GITHUB_TOKEN (a fork's pull request gets none). */
  secrets: string[];
  steps: StepRecord[];
  /** The folder the job ran in (GITHUB_WORKSPACE), kept for assertions. */
  workspace: string;
}

/** A job of the run: its result over all legs. */
export interface JobRecord {
  id: string;
  result: JobStatusName;
  /** The job's outputs (from its last leg that set them, as GitHub does for a matrix). */
  outputs: Record<string, string>;
  legs: JobLegRecord[];
}

/** `concurrency:` as evaluated. */
export interface ConcurrencyRecord {
  group: string;
  cancelInProgress: boolean;
}

/** What runWorkflow returns. */
export interface WorkflowRunResult {
  /** False when the event does not trigger the workflow (then no run exists). */
  triggered: boolean;
  /** Why it did not trigger. */
  reason?: string;
  runId: number;
  runAttempt: number;
  /** The workflow's name and its path `.github/workflows/<file>`. */
  workflow: string;
  path: string;
  event: string;
  sha: string;
  headBranch: string;
  headRepository: string;
  conclusion: 'success' | 'failure' | 'cancelled' | 'skipped' | null;
  concurrency?: ConcurrencyRecord;
  jobs: Record<string, JobRecord>;
}
