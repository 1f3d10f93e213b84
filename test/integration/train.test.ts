import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from '../../src/io/documents.js';
import { ResultsServiceEmulator } from '../support/emulator/results-service.js';
import { GitHubEmulator } from '../support/emulator/server.js';
import { REPOSITORY } from '../support/events.js';
import { fakeNvidiaSmi } from '../support/fake-nvidia-smi.js';
import { teacherLayers, writeModel } from '../support/models.js';
import { runAction } from '../support/run-action.js';

/**
 * A project whose "training" writes metrics.json and out/model.onnx (a real ONNX model) after a few seconds, and
 * reads data/train.csv, the cached dataset. The command runs for real in bash, as on a runner.
 */
function project(): string {
  const cwd = mkdtempSync(join(tmpdir(), 'mlgate-train-'));
  writeModel(join(cwd, 'trained.onnx'), {
    features: ['a', 'b', 'c'],
    classes: ['x', 'y', 'z'],
    layers: teacherLayers(3, 3),
    output: 'softmax',
  });
  writeFileSync(join(cwd, 'requirements.lock'), 'torch==2.11\n');
  writeFileSync(
    join(cwd, 'train.sh'),
    [
      'set -e',
      'mkdir -p data out',
      'test -f data/train.csv || echo "a,b,c,label" > data/train.csv',
      'echo "epoch 1: loss 0.9"',
      'sleep 2.2',
      'echo "epoch 2: loss 0.4"',
      'echo \'{"loss": 0.4, "val": {"accuracy": 0.91}, "note": "text"}\' > metrics.json',
      'cp trained.onnx out/model.onnx',
    ].join('\n'),
  );
  return cwd;
}

const TRAIN = {
  command: 'bash train.sh',
  'metrics-file': 'metrics.json',
  'model-path': 'out/model.onnx',
  'sample-seconds': '1',
};

async function readReport(cwd: string) {
  return (
    await parseDocument<any>(readFileSync(join(cwd, 'mlgate-reports/train-report.json'), 'utf8'), 'train-report.json')
  ).document;
}

let results: ResultsServiceEmulator;
let github: GitHubEmulator;
beforeAll(async () => {
  results = await new ResultsServiceEmulator().start();
  github = await new GitHubEmulator().start();
});
afterAll(async () => {
  await results.stop();
  await github.stop();
});

describe('train action (dist bundle) on a GPU runner', () => {
  it('checks the H100, runs the command, samples the GPU, checks the model and uploads the artifact', async () => {
    const cwd = project();
    // The run's job list says which labels the runner carries (the harness's run 123456, runner test-runner).
    github.addJob(REPOSITORY, 123456, {
      name: 'train',
      runnerName: 'other-runner',
      labels: ['self-hosted', 'linux', 'cpu'],
    });
    github.addJob(REPOSITORY, 123456, {
      name: 'train',
      runnerName: 'test-runner',
      labels: ['self-hosted', 'linux', 'gpu'],
    });
    const result = await runAction({
      action: 'train',
      cwd,
      token: GitHubEmulator.READ_TOKEN,
      apiUrl: github.apiUrl,
      env: { ...fakeNvidiaSmi('h100'), ...results.environment('run-a') },
      inputs: { ...TRAIN, 'require-gpu': 'true', 'min-gpu-memory': '40', 'artifact-name': 'model-a' },
    });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('GPU: NVIDIA H100 80GB HBM3 (80 GiB, 79 GiB free, driver 580.159.04), CUDA 13.0');
    expect(result.stdout).toMatch(
      /::group::Train: bash train\.sh\nepoch 1: loss 0\.9\nepoch 2: loss 0\.4\n::endgroup::/,
    );
    const report = await readReport(cwd);
    expect(report).toMatchObject({
      status: 'succeeded',
      exit_code: 0,
      metrics: { loss: 0.4, 'val.accuracy': 0.91 },
      model: { path: 'out/model.onnx', bytes: readFileSync(join(cwd, 'trained.onnx')).length },
      gpu: {
        devices: [{ name: 'NVIDIA H100 80GB HBM3', memory_total_mib: 81559, driver_version: '580.159.04' }],
        cuda_version: '13.0',
        utilization_percent: { mean: 87, max: 87 },
        memory_used_mib: { max: 30512 },
      },
      artifact: { name: 'model-a' },
      runner: { os: 'Linux', name: 'test-runner', labels: ['self-hosted', 'linux', 'gpu'] },
    });
    expect(report.gpu.samples.length).toBeGreaterThanOrEqual(2);
    expect(report.duration_seconds).toBeGreaterThan(2);
    expect(result.outputs).toMatchObject({
      model: 'out/model.onnx',
      'artifact-id': String(report.artifact.id),
      report: 'mlgate-reports/train-report.json',
    });
    expect(JSON.parse(result.outputs.gpu!)).toEqual([expect.objectContaining({ name: 'NVIDIA H100 80GB HBM3' })]);
    const zip = unzipSync(new Uint8Array(results.artifactBytes('model-a')!));
    expect(Object.keys(zip).sort()).toEqual(['metrics.json', 'mlgate-reports/train-report.json', 'out/model.onnx']);
    expect(Buffer.from(zip['out/model.onnx']!).equals(readFileSync(join(cwd, 'trained.onnx')))).toBe(true);
    expect(result.summary).toContain('xychart-beta');
    expect(result.summary).toMatch(/succeeded in .* on NVIDIA H100 80GB HBM3, GPU utilisation 87% mean/);
  });

  it('restores the data cache on the next run, falls back to an older entry when the key files change, and saves anew', async () => {
    const cwd = project();
    const env = { ...fakeNvidiaSmi('h100'), ...results.environment('run-cache') };
    const inputs = { ...TRAIN, 'cache-paths': 'data', 'cache-key-files': 'requirements.lock', 'artifact-name': '' };
    const first = await runAction({ action: 'train', cwd, env, inputs });
    expect(first.exitCode, first.stdout).toBe(0);
    const saved = await readReport(cwd);
    expect(saved.cache).toMatchObject({ restored_key: null, saved: true });
    expect(results.cacheKeys()).toContain(saved.cache.key);

    writeFileSync(join(cwd, 'data', 'train.csv'), 'a,b,c,label\n1,2,3,x\n');
    const fresh = mkdtempSync(join(tmpdir(), 'mlgate-train-'));
    execFileSync('cp', ['-r', `${cwd}/.`, fresh]);
    rmSync(join(fresh, 'data'), { recursive: true });
    const second = await runAction({ action: 'train', cwd: fresh, env, inputs });
    expect(second.exitCode, second.stdout).toBe(0);
    expect((await readReport(fresh)).cache).toEqual({
      key: saved.cache.key,
      restored_key: saved.cache.key,
      saved: false,
    });
    // The cached data is what the first run left, not what was written after it.
    expect(readFileSync(join(fresh, 'data', 'train.csv'), 'utf8')).toBe('a,b,c,label\n');

    writeFileSync(join(fresh, 'requirements.lock'), 'torch==2.12\n');
    const third = await runAction({ action: 'train', cwd: fresh, env, inputs });
    expect(third.exitCode, third.stdout).toBe(0);
    const changed = (await readReport(fresh)).cache;
    expect(changed.key).not.toBe(saved.cache.key);
    expect(changed).toMatchObject({ restored_key: saved.cache.key, saved: true });
  });

  it('retries a transient failure of the artifact service', async () => {
    const cwd = project();
    results.injectFault({ target: 'CreateArtifact', status: 503 });
    const result = await runAction({
      action: 'train',
      cwd,
      env: { ...fakeNvidiaSmi('h100'), ...results.environment('run-retry') },
      inputs: { ...TRAIN, 'artifact-name': 'model-retry' },
    });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(results.artifactBytes('model-retry')).toBeDefined();
  });

  it('says how to fix an artifact name already used in the run', async () => {
    const env = { ...fakeNvidiaSmi('h100'), ...results.environment('run-clash') };
    const first = await runAction({
      action: 'train',
      cwd: project(),
      env,
      inputs: { ...TRAIN, 'artifact-name': 'model' },
    });
    expect(first.exitCode).toBe(0);
    const second = await runAction({
      action: 'train',
      cwd: project(),
      env,
      inputs: { ...TRAIN, 'artifact-name': 'model' },
    });
    expect(second.exitCode).toBe(1);
    expect(second.annotations.at(-1)!.message).toMatch(
      /^artifact-name model is already used in this run; give each upload its own name/,
    );
  });
});

describe('train preflight: nothing runs on a runner that cannot do the job', () => {
  it.each([
    [
      'two A10G too small for min-gpu-memory',
      'a10g-x2',
      { 'require-gpu': 'true', 'min-gpu-memory': '30' },
      /^min-gpu-memory is 30 GiB but the largest free GPU memory here is 22\.0 GiB \(NVIDIA A10G 22\.0 GiB free of 22\.5, NVIDIA A10G 22\.0 GiB free of 22\.5\)/,
    ],
    [
      'no driver',
      'no-driver',
      { 'require-gpu': 'true' },
      /^require-gpu is true but nvidia-smi failed: NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver/,
    ],
    [
      'a driver/library mismatch',
      'mismatch',
      { 'require-gpu': 'true' },
      /^require-gpu is true but nvidia-smi failed: Failed to initialize NVML: Driver\/library version mismatch \(the kernel driver and the NVIDIA libraries differ: reboot the runner or reinstall the driver\)/,
    ],
  ] as const)('%s', async (_, profile, inputs, message) => {
    const cwd = project();
    const result = await runAction({
      action: 'train',
      cwd,
      env: fakeNvidiaSmi(profile),
      inputs: { ...TRAIN, command: 'touch ran', ...inputs },
    });
    expect(result.exitCode).toBe(1);
    expect(result.annotations).toHaveLength(1);
    expect(result.annotations[0]!.message).toMatch(message);
    expect(existsSync(join(cwd, 'ran'))).toBe(false);
  });

  it('with require-gpu auto a broken GPU is a warning, and training runs on the CPU', async () => {
    const cwd = project();
    const result = await runAction({
      action: 'train',
      cwd,
      env: fakeNvidiaSmi('mismatch'),
      inputs: { ...TRAIN, 'artifact-name': '' },
    });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.annotations[0]).toMatchObject({
      level: 'warning',
      message: expect.stringMatching(/^no usable GPU \(nvidia-smi failed: Failed to initialize NVML/),
    });
    expect((await readReport(cwd)).gpu).toBeNull();
  });

  it('takes the two A10G when they are large enough', async () => {
    const cwd = project();
    const result = await runAction({
      action: 'train',
      cwd,
      env: fakeNvidiaSmi('a10g-x2'),
      inputs: { ...TRAIN, 'require-gpu': 'true', 'min-gpu-memory': '16', 'artifact-name': '' },
    });
    expect(result.exitCode, result.stdout).toBe(0);
    expect((await readReport(cwd)).gpu).toMatchObject({
      devices: [{ name: 'NVIDIA A10G' }, { name: 'NVIDIA A10G' }],
      cuda_version: '12.2',
      utilization_percent: { mean: 61, max: 61 },
      memory_used_mib: { max: 18208 },
    });
  });
});

describe('train: how a run ends', () => {
  it('stops the whole process tree at the timeout and reports timed_out', async () => {
    const cwd = project();
    const marker = `${31 + Math.random()}`;
    const result = await runAction({
      action: 'train',
      cwd,
      inputs: {
        command: `sleep ${marker} & sleep ${marker}`,
        'timeout-minutes': '0.03',
        'require-gpu': 'false',
        'artifact-name': '',
      },
    });
    expect(result.exitCode).toBe(1);
    expect(result.annotations.at(-1)!.message).toBe(
      'The training command ran past timeout-minutes (0.03) and was stopped with every process it started',
    );
    const report = await readReport(cwd);
    expect(report.status).toBe('timed_out');
    expect(report.duration_seconds).toBeLessThan(10);
    let left = '';
    try {
      left = execFileSync('pgrep', ['-f', `sleep ${marker}`], { encoding: 'utf8' });
    } catch {
      // pgrep exits 1 when nothing matches.
    }
    expect(left).toBe('');
  });

  it("passes the command's exit code on, and uploads nothing", async () => {
    const cwd = project();
    const result = await runAction({
      action: 'train',
      cwd,
      env: results.environment('run-exit'),
      inputs: { command: 'echo "CUDA out of memory"; exit 3', 'require-gpu': 'false', 'artifact-name': 'never' },
    });
    expect(result.exitCode).toBe(3);
    expect(result.annotations.at(-1)!.message).toBe('The training command failed with exit code 3');
    expect((await readReport(cwd)).status).toBe('failed');
    expect(results.artifactBytes('never')).toBeUndefined();
  });

  it.each([
    [
      'a model that is not ONNX',
      (cwd: string) => writeFileSync(join(cwd, 'trained.onnx'), 'weights'),
      /^out\/model\.onnx: not an ONNX model/,
    ],
    [
      'no metrics file',
      (cwd: string) => writeFileSync(join(cwd, 'train.sh'), 'mkdir -p out; cp trained.onnx out/model.onnx'),
      /^metrics\.json: the command succeeded but wrote no metrics file here/,
    ],
  ])('%s is one clear error', async (_, breakIt, message) => {
    const cwd = project();
    breakIt(cwd);
    const result = await runAction({
      action: 'train',
      cwd,
      inputs: { ...TRAIN, 'require-gpu': 'false', 'artifact-name': '' },
    });
    expect(result.exitCode).toBe(1);
    expect(result.annotations.at(-1)!.message).toMatch(message);
  });
});
