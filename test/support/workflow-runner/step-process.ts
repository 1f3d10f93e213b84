import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAnnotations, parseOutputFile, type Annotation } from '../run-action.js';

/** The runner's file commands of one step. */
export interface StepFiles {
  GITHUB_OUTPUT: string;
  GITHUB_STEP_SUMMARY: string;
  GITHUB_ENV: string;
  GITHUB_PATH: string;
  GITHUB_STATE: string;
}

/** What a step left behind: its exit, streams and file commands. */
export interface StepProcessResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  annotations: Annotation[];
  /** Variables the step wrote to GITHUB_ENV, for the steps after it. */
  exportedEnv: Record<string, string>;
  /** Folders the step wrote to GITHUB_PATH, for the steps after it. */
  addedPath: string[];
}

/** Creates the empty file-command files of step `index` in `dir`. */
export function createStepFiles(dir: string, index: number): StepFiles {
  const files: StepFiles = {
    GITHUB_OUTPUT: join(dir, `output-${index}`),
    GITHUB_STEP_SUMMARY: join(dir, `summary-${index}.md`),
    GITHUB_ENV: join(dir, `env-${index}`),
    GITHUB_PATH: join(dir, `path-${index}`),
    GITHUB_STATE: join(dir, `state-${index}`),
  };
  for (const file of Object.values(files)) writeFileSync(file, '');
  return files;
}

/** Reads a step's file commands and its workflow-command annotations into a result. */
export function collectStepResult(
  files: StepFiles,
  exitCode: number | null,
  stdout: string,
  stderr: string,
): StepProcessResult {
  return {
    exitCode,
    stdout,
    stderr,
    outputs: parseOutputFile(readFileSync(files.GITHUB_OUTPUT, 'utf8')),
    summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
    annotations: parseAnnotations(stdout),
    exportedEnv: parseOutputFile(readFileSync(files.GITHUB_ENV, 'utf8')),
    addedPath: readFileSync(files.GITHUB_PATH, 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean),
  };
}

/**
 * Runs a step's process (bash for `run:`, node for an action) with exactly `env`, in `cwd`, killed after
 * `timeoutMs`, and collects what it left in its file commands.
 */
export function runStepProcess(
  command: string,
  args: string[],
  options: { cwd: string; env: Record<string, string>; files: StepFiles; timeoutMs: number },
): Promise<StepProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...options.env, ...options.files },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve(collectStepResult(options.files, code, stdout, stderr));
    });
  });
}
