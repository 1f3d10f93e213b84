import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { actionBundle } from './bundles.js';
import { REPOSITORY } from './events.js';

export const ROOT = resolve(import.meta.dirname, '..', '..');

export interface RunActionOptions {
  /** The folder name under actions/. */
  action: string;
  inputs?: Record<string, string>;
  event?: { name: string; payload: object };
  /** The value of `${{ github.token }}`. */
  token?: string;
  apiUrl?: string;
  cwd?: string;
  /** Extra environment (e.g. ACTIONS_RESULTS_URL); wins over the runner's. */
  env?: Record<string, string>;
  /** Another copy of the bundle to run instead of this run's build of dist/<action>/index.js. */
  bundle?: string;
  timeoutMs?: number;
}

export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  message: string;
  file?: string;
  line?: number;
}

export interface ActionResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  annotations: Annotation[];
  /** Lines written to GITHUB_ENV. */
  env: string;
}

/**
 * Runs an action's bundle (as this test run built it from src/; see bundles.ts) in a child process the way GitHub's
 * runner runs a node action: INPUT_* for every input given or defaulted in action.yml, the runner's file commands, the
 * event payload file, and the context variables. Only PATH and HOME are taken from this process, so the test machine's
 * own GITHUB_* never leak in.
 */
export async function runAction(options: RunActionOptions): Promise<ActionResult> {
  const temp = mkdtempSync(join(tmpdir(), 'mlgate-runner-'));
  const files = {
    output: join(temp, 'output'),
    summary: join(temp, 'summary.md'),
    env: join(temp, 'env'),
    path: join(temp, 'path'),
    state: join(temp, 'state'),
    event: join(temp, 'event.json'),
  };
  for (const f of [files.output, files.summary, files.env, files.path, files.state]) writeFileSync(f, '');
  const event = options.event ?? { name: 'push', payload: {} };
  writeFileSync(files.event, JSON.stringify(event.payload));

  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? temp,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_NAME: 'test-runner',
    RUNNER_TEMP: join(temp, 'runner-temp'),
    RUNNER_TOOL_CACHE: join(temp, 'tool-cache'),
    GITHUB_WORKSPACE: options.cwd ?? ROOT,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_ENV: files.env,
    GITHUB_PATH: files.path,
    GITHUB_STATE: files.state,
    GITHUB_EVENT_NAME: event.name,
    GITHUB_EVENT_PATH: files.event,
    GITHUB_REPOSITORY: REPOSITORY,
    GITHUB_REPOSITORY_OWNER: REPOSITORY.split('/')[0]!,
    GITHUB_SHA: 'a'.repeat(40),
    GITHUB_REF: 'refs/pull/7/merge',
    GITHUB_RUN_ID: '123456',
    GITHUB_RUN_NUMBER: '12',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_WORKFLOW: 'mlgate',
    GITHUB_JOB: 'check',
    GITHUB_ACTOR: 'contributor',
    GITHUB_API_URL: options.apiUrl ?? 'http://127.0.0.1:9',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_GRAPHQL_URL: `${options.apiUrl ?? 'http://127.0.0.1:9'}/graphql`,
  };
  for (const [name, value] of Object.entries(
    inputEnvironment(options.action, options.inputs ?? {}, options.token ?? ''),
  ))
    env[name] = value;
  Object.assign(env, options.env);

  const bundle = options.bundle ?? actionBundle(options.action);
  const { code, stdout, stderr } = await spawnNode(bundle, options.cwd ?? ROOT, env, options.timeoutMs ?? 60_000);
  return {
    exitCode: code,
    stdout,
    stderr,
    outputs: parseOutputFile(readFileSync(files.output, 'utf8')),
    summary: readFileSync(files.summary, 'utf8'),
    annotations: parseAnnotations(stdout),
    env: readFileSync(files.env, 'utf8'),
  };
}

/** INPUT_<NAME> for each input given, else for each default in action.yml, as the runner sets them. */
export function inputEnvironment(action: string, given: Record<string, string>, token: string): Record<string, string> {
  const manifest = parseYaml(readFileSync(join(ROOT, 'actions', action, 'action.yml'), 'utf8')) as {
    inputs?: Record<string, { default?: unknown }>;
  };
  const declared = manifest.inputs ?? {};
  for (const name of Object.keys(given))
    if (!(name in declared)) throw new Error(`actions/${action}/action.yml has no input "${name}"`);
  const env: Record<string, string> = {};
  for (const [name, spec] of Object.entries(declared)) {
    const value =
      name in given
        ? given[name]!
        : spec.default === undefined
          ? undefined
          : evaluateDefault(String(spec.default), token);
    if (value !== undefined) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  }
  return env;
}

function evaluateDefault(text: string, token: string): string {
  return text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, expression: string) => {
    if (expression === 'github.token') return token;
    throw new Error(`the harness does not evaluate the expression ${expression}`);
  });
}

/** Parses GITHUB_OUTPUT: `name<<DELIMITER` blocks, or `name=value` lines. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const block = /^([^=<]+)<<(.+)$/.exec(line);
    if (block) {
      const value: string[] = [];
      while (++i < lines.length && lines[i] !== block[2]) value.push(lines[i]!);
      outputs[block[1]!] = value.join('\n');
    } else if (line.includes('=')) {
      outputs[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return outputs;
}

/** Reads `::error file=..,line=..::message` workflow commands from stdout. */
export function parseAnnotations(stdout: string): Annotation[] {
  const annotations: Annotation[] = [];
  for (const line of stdout.split('\n')) {
    const match = /^::(error|warning|notice)(?: ([^:]*))?::(.*)$/.exec(line);
    if (!match) continue;
    const props = Object.fromEntries(
      (match[2] ?? '')
        .split(',')
        .filter(Boolean)
        .map((p) => [p.slice(0, p.indexOf('=')), unescapeProperty(p.slice(p.indexOf('=') + 1))]),
    );
    annotations.push({
      level: match[1] as Annotation['level'],
      message: unescapeData(match[3]!),
      ...(props.file ? { file: props.file } : {}),
      ...(props.line ? { line: Number(props.line) } : {}),
    });
  }
  return annotations;
}

function unescapeData(text: string): string {
  return text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}

function unescapeProperty(text: string): string {
  return unescapeData(text).replace(/%3A/g, ':').replace(/%2C/g, ',');
}

function spawnNode(
  script: string,
  cwd: string,
  env: Record<string, string>,
  timeoutMs: number,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}
