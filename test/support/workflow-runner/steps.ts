import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { buildSync } from 'esbuild';
import { actionBundle } from '../bundles.js';
import { inputEnvironment, ROOT } from '../run-action.js';
import type { FixtureRepo } from './fixture-repo.js';
import { collectStepResult, runStepProcess, type StepFiles, type StepProcessResult } from './step-process.js';

/** Everything a step needs to run: what it is, its inputs, its process environment and where it runs. */
export interface StepInvocation {
  uses?: string;
  run?: string;
  shell?: string;
  with: Record<string, string>;
  /** The step's whole process environment: runner variables, then workflow, job, GITHUB_ENV and step env. */
  env: Record<string, string>;
  workspace: string;
  /** Where a `run:` step starts: the workspace, or its `working-directory`. */
  workingDirectory: string;
  files: StepFiles;
  /** The job's GITHUB_TOKEN. */
  token: string;
  /** `github.sha`: what checkout checks out when given no ref. */
  sha: string;
  repository: string;
  fixture: FixtureRepo | undefined;
  timeoutMs: number;
}

/**
 * `uses: mlgate/mlgate/actions/<name>@<ref>`: the bundle actions/<name>/action.yml names, as this test run built it.
 */
const FIRST_PARTY = /^mlgate\/mlgate\/actions\/([a-z0-9-]+)@[\w.\-/]+$/;

/** A third-party action as the runner emulates it: its inputs with their defaults, and what it does. */
interface StandIn {
  inputs: Record<string, string | undefined>;
  run: (step: StepInvocation, inputs: Record<string, string>) => Promise<StepProcessResult>;
}

/**
 * Third-party actions, keyed by the exact `uses:` the templates pin (a new pin needs a reviewed stand-in here).
 * Their input defaults follow each version's action.yml; `${{ github.token }}` stands for the job's token.
 */
const STAND_INS: Record<string, StandIn> = {
  'actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683': {
    inputs: {
      repository: undefined,
      ref: undefined,
      token: '${{ github.token }}',
      path: undefined,
      'fetch-depth': '1',
      'persist-credentials': 'true',
      clean: 'true',
      lfs: 'false',
      submodules: 'false',
      'fetch-tags': 'false',
    },
    run: async (step, inputs) => checkout(step, inputs),
  },
  'actions/upload-artifact@ea165f8d65b6e75b540449e92b4886f43607fa02': {
    inputs: {
      name: 'artifact',
      path: undefined,
      'if-no-files-found': 'warn',
      'retention-days': undefined,
      'compression-level': '6',
      overwrite: 'false',
      'include-hidden-files': 'false',
    },
    run: (step, inputs) => nodeStandIn('upload-artifact.mjs', step, inputs),
  },
  'actions/download-artifact@fa0a91b85d4f404e444e00e005971372dc801d16': {
    inputs: {
      name: undefined,
      path: undefined,
      pattern: undefined,
      'merge-multiple': 'false',
      'github-token': undefined,
      repository: '${{ github.repository }}',
      'run-id': '${{ github.run_id }}',
    },
    run: (step, inputs) => nodeStandIn('download-artifact.mjs', step, inputs),
  },
};

/**
 * Runs one step: `run:` in bash, a first-party action from its bundle (this run's build), a pinned third-party action
 * through its stand-in. Any other `uses:` throws, so a template that adds an action nobody emulates fails its test.
 */
export async function runStep(step: StepInvocation): Promise<StepProcessResult> {
  if (step.run !== undefined) {
    if (step.shell !== undefined && step.shell !== 'bash')
      throw new Error(`shell: ${step.shell} is not emulated (bash only)`);
    mkdirSync(step.workingDirectory, { recursive: true });
    return runStepProcess('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run], {
      cwd: step.workingDirectory,
      env: step.env,
      files: step.files,
      timeoutMs: step.timeoutMs,
    });
  }
  const uses = step.uses ?? '';
  const firstParty = FIRST_PARTY.exec(uses);
  if (firstParty) {
    const action = firstParty[1]!;
    const refused = whyNotEmulated(uses);
    if (refused) throw new Error(refused);
    const bundle = actionBundle(action);
    const env = { ...step.env, ...inputEnvironment(action, step.with, step.token) };
    return runStepProcess(process.execPath, [bundle], {
      cwd: step.workspace,
      env,
      files: step.files,
      timeoutMs: step.timeoutMs,
    });
  }
  const refused = whyNotEmulated(uses);
  if (refused) throw new Error(refused);
  const standIn = STAND_INS[uses]!;
  for (const name of Object.keys(step.with))
    if (!(name in standIn.inputs)) throw new Error(`uses: ${uses} has no input "${name}"`);
  const inputs: Record<string, string> = {};
  for (const [name, fallback] of Object.entries(standIn.inputs)) {
    const value =
      name in step.with
        ? step.with[name]
        : fallback
            ?.replace('${{ github.token }}', step.token)
            .replace('${{ github.repository }}', step.repository)
            .replace('${{ github.run_id }}', step.env.GITHUB_RUN_ID ?? '');
    if (value !== undefined) inputs[name] = value;
  }
  return standIn.run(step, inputs);
}

/** Why the runner cannot run `uses:` (undefined when it can): no such mlgate action, or no stand-in at that pin. */
export function whyNotEmulated(uses: string): string | undefined {
  const firstParty = FIRST_PARTY.exec(uses);
  if (firstParty) {
    const action = firstParty[1]!;
    const present = existsSync(join(ROOT, 'actions', action, 'action.yml')) && existsSync(actionBundle(action));
    return present
      ? undefined
      : `uses: ${uses}: there is no action ${action} (actions/${action}/action.yml and dist/${action}/index.js)`;
  }
  if (STAND_INS[uses]) return undefined;
  return `uses: ${uses} is not emulated: only mlgate/mlgate/actions/<name>@<ref> and ${Object.keys(STAND_INS).join(', ')}`;
}

function nodeStandIn(script: string, step: StepInvocation, inputs: Record<string, string>): Promise<StepProcessResult> {
  const env = { ...step.env };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  return runStepProcess(process.execPath, [bundledStandIn(script)], {
    cwd: step.workspace,
    env,
    files: step.files,
    timeoutMs: step.timeoutMs,
  });
}

/**
 * The stand-in bundled into one file, as the real action ships: loading @actions/artifact's module tree takes
 * most of a second per step, a bundle a fraction of that. Built once per content into the temporary folder (written
 * aside and renamed, so parallel test files never read half a bundle).
 */
function bundledStandIn(script: string): string {
  const source = join(import.meta.dirname, 'stand-ins', script);
  const hash = createHash('sha256')
    .update(readFileSync(source))
    .update(readFileSync(join(ROOT, 'package-lock.json')))
    .digest('hex')
    .slice(0, 16);
  const bundle = join(tmpdir(), 'mlgate-stand-ins', `${script.replace(/\.mjs$/, '')}-${hash}.mjs`);
  if (existsSync(bundle)) return bundle;
  mkdirSync(dirname(bundle), { recursive: true });
  const partial = `${bundle}.${process.pid}.tmp`;
  buildSync({
    entryPoints: [source],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: partial,
    logLevel: 'error',
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
  });
  renameSync(partial, bundle);
  return bundle;
}

/**
 * actions/checkout: fetches one commit (or `fetch-depth` of history, 0 for all) of the fixture repository into the
 * workspace and checks it out detached, as checkout does for a SHA. With persist-credentials (the default) the token
 * stays in the repository's git config, as on GitHub; templates turn that off.
 */
function checkout(step: StepInvocation, inputs: Record<string, string>): StepProcessResult {
  const fixture = step.fixture;
  if (!fixture) throw new Error('actions/checkout needs a fixture repository: pass repo to runWorkflow');
  const repository = inputs.repository ?? step.repository;
  if (repository !== fixture.repository && repository !== 'someone/models')
    throw new Error(`actions/checkout of ${repository}: only the fixture repository ${fixture.repository} exists`);
  const target = resolve(step.workspace, inputs.path ?? '.');
  mkdirSync(target, { recursive: true });
  let sha = step.sha;
  let log = '';
  try {
    if (inputs.ref) sha = fixture.git('rev-parse', `${inputs.ref}^{commit}`);
    const depth = Number(inputs['fetch-depth'] ?? '1');
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'protocol.file.allow=always', ...args], {
        cwd: target,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    if (!existsSync(join(target, '.git'))) log += git('init', '--quiet');
    git('config', 'remote.origin.url', `https://github.com/${repository}`);
    git('config', 'remote.origin.fetch', '+refs/heads/*:refs/remotes/origin/*');
    // `git fetch origin` in a later step reaches the fixture repository, as it would reach GitHub.
    git('config', `url.file://${fixture.dir}.insteadOf`, `https://github.com/${repository}`);
    log += git(
      'fetch',
      '--quiet',
      '--no-tags',
      ...(depth > 0 ? [`--depth=${depth}`] : []),
      `file://${fixture.dir}`,
      sha,
    );
    log += git('checkout', '--quiet', '--force', '--detach', sha);
    if (inputs.clean !== 'false') log += git('clean', '-ffdxq');
    if (inputs['persist-credentials'] === 'true') {
      git(
        'config',
        '--local',
        'http.https://github.com/.extraheader',
        `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${inputs.token ?? ''}`).toString('base64')}`,
      );
    }
  } catch (error) {
    // A ref that does not exist fails the step, as it does on GitHub.
    const stderr = String((error as { stderr?: unknown }).stderr ?? (error as Error).message);
    return collectStepResult(step.files, 1, `${log}::error::The checkout of ${inputs.ref ?? sha} failed\n`, stderr);
  }
  writeOutputs(step.files, { ref: inputs.ref ?? '', commit: sha });
  return collectStepResult(step.files, 0, `${log}Checked out ${repository} at ${sha}\n`, '');
}

function writeOutputs(files: StepFiles, outputs: Record<string, string>): void {
  appendFileSync(
    files.GITHUB_OUTPUT,
    Object.entries(outputs)
      .map(([name, value]) => `${name}=${value}\n`)
      .join(''),
  );
}
