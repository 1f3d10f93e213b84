import { readFile, stat } from 'node:fs/promises';
import { cpus } from 'node:os';
import { dirname, relative, resolve } from 'node:path';
import { glob } from 'tinyglobby';
import type { TrainReport } from '../../core/documents.js';
import { ConfigurationError } from '../../core/errors.js';
import { summarizeGpuUsage } from '../../core/train/gpu-usage.js';
import { commandEnvironment } from '../../core/train/command-environment.js';
import { checkPreflight, type GpuProbe } from '../../core/train/preflight.js';
import { redactCommand, secretValues } from '../../core/train/redact-command.js';
import { flattenTrainingMetrics } from '../../core/train/training-metrics.js';
import { documentValidator } from '../../io/document-schemas.js';
import { RunReports } from '../../io/run-reports.js';
import { loadOnnxruntime } from '../../io/onnx/load-onnxruntime.js';
import { openModel } from '../../io/onnx/onnx-model.js';
import { sha256File, sha256Hex } from '../../io/sha256.js';
import { GpuSampler, probeGpu } from '../../io/train/gpu-probe.js';
import { runCommand, type CommandResult } from '../../io/train/run-command.js';
import { renderReport, SUMMARY_LIMIT_BYTES } from '../../render/report.js';
import { renderTrainingSection } from '../../render/sections/training.js';
import type { ActionEnvironment } from '../runtime/host.js';
import { parseTrainOptions, type TrainOptions } from './inputs.js';

/**
 * Runs the team's training command on this runner: preflight, cache, the run itself, its outputs checked and uploaded.
 */
export async function train(env: ActionEnvironment): Promise<void> {
  const options = parseTrainOptions(env.inputs);
  const reports = await RunReports.claim([resolve(env.cwd, options.report)]);
  await reports.guard(() => trainWith(env, options, reports));
}

async function trainWith(env: ActionEnvironment, options: TrainOptions, reports: RunReports): Promise<void> {
  const { host } = env;
  if (options.token) host.setSecret(options.token);
  const createdAt = new Date().toISOString();
  const cwd = resolve(env.cwd, options.workingDirectory);
  if (!(await stat(cwd).catch(() => undefined))?.isDirectory())
    throw new ConfigurationError(
      `${env.inputs.label('working-directory')} ${options.workingDirectory} is not a folder`,
    );

  // Preflight: fail before anything runs on a runner that cannot do the job.
  const probe: GpuProbe =
    options.requireGpu === 'false' ? { found: false, problem: 'not looked for' } : await probeGpu();
  const preflight = checkPreflight(probe, { require: options.requireGpu, minMemoryGiB: options.minGpuMemoryGiB });
  if (!preflight.ok) throw new ConfigurationError(preflight.reason);
  if (preflight.note) host.warning(preflight.note);
  const gpu = preflight.gpu;
  if (gpu)
    host.info(
      `GPU: ${gpu.devices.map((d) => `${d.name} (${Math.round(d.memory_total_mib / 1024)} GiB, ${Math.round(d.memory_free_mib / 1024)} GiB free, driver ${d.driver_version})`).join(', ')}${gpu.cudaVersion ? `, CUDA ${gpu.cudaVersion}` : ''}`,
    );

  const cacheKey = options.cachePaths.length > 0 ? await cacheKeyOf(env, options) : undefined;
  let restored: string | null = null;
  if (cacheKey && host.isAction) {
    const { restoreDatasetCache } = await import('../../github/train-cache.js');
    restored = await host.group('Restore the data cache', () =>
      restoreDatasetCache(options.cachePaths, cacheKey.key, cacheKey.prefix, host),
    );
  }

  // The command may run a pull request's code and its dependencies: it starts with what a run: step would get, and
  // the code this step runs after it is loaded before it, so that the command cannot change it on disk first.
  await Promise.all([
    documentValidator('train-report'),
    ...(cacheKey && host.isAction ? [import('../../github/train-cache.js')] : []),
    ...(options.artifactName && host.isAction ? [import('../../github/train-artifact.js')] : []),
  ]);
  const commandEnv = commandEnvironment(process.env);
  if (commandEnv.removed.length > 0)
    host.debug(`Left out of the training command's environment: ${commandEnv.removed.join(', ')}`);
  const shownCommand = redactCommand(options.command, [
    ...(options.token ? [options.token] : []),
    ...secretValues(process.env),
  ]);
  const sampler = gpu ? new GpuSampler() : undefined;
  sampler?.start(options.sampleSeconds * 1000);
  let result: CommandResult;
  try {
    result = await host.group(`Train: ${shownCommand.split('\n')[0]!.slice(0, 120)}`, () =>
      runCommand({
        command: options.command,
        cwd,
        env: commandEnv.env,
        timeoutMs: options.timeoutMinutes * 60_000,
        onLine: (line) => host.relay(line),
      }),
    );
  } finally {
    await sampler?.stop();
  }
  const status: TrainReport['status'] = result.timedOut ? 'timed_out' : result.exitCode === 0 ? 'succeeded' : 'failed';
  const usage = sampler ? summarizeGpuUsage(sampler.samples) : undefined;

  const report: TrainReport = {
    schema: 'mlgate/train-report@1',
    created_at: createdAt,
    command: shownCommand,
    status,
    exit_code: result.exitCode,
    duration_seconds: Math.round(result.durationSeconds * 1000) / 1000,
    timeout_minutes: options.timeoutMinutes,
    runner: await runnerFacts(env, options),
    gpu: gpu
      ? {
          devices: gpu.devices.map((d) => ({
            name: d.name,
            memory_total_mib: d.memory_total_mib,
            driver_version: d.driver_version,
          })),
          cuda_version: gpu.cudaVersion,
          ...(usage ?? {}),
        }
      : null,
    metrics: {},
    model: null,
    artifact: null,
    ...(cacheKey ? { cache: { key: cacheKey.key, restored_key: restored, saved: false } } : {}),
  };
  const files: string[] = [];
  if (status === 'succeeded') {
    if (options.metricsFile) {
      const { metrics, ignored } = await readMetrics(resolve(cwd, options.metricsFile), options.metricsFile);
      report.metrics = metrics;
      if (ignored.length > 0) host.info(`${options.metricsFile}: not numbers, left out: ${ignored.join(', ')}`);
      files.push(resolve(cwd, options.metricsFile));
    }
    if (options.modelPath) {
      report.model = await checkModel(env, options, resolve(cwd, options.modelPath));
      files.push(resolve(cwd, options.modelPath));
    }
    if (cacheKey && host.isAction && report.cache) {
      const { saveDatasetCache } = await import('../../github/train-cache.js');
      report.cache.saved = await host.group('Save the data cache', () =>
        saveDatasetCache(options.cachePaths, cacheKey.key, restored, host),
      );
    }
  }
  const reportPath = resolve(env.cwd, options.report);
  await reports.write(reportPath, report);
  if (options.artifactName && host.isAction && status === 'succeeded') {
    const { uploadTrainingArtifact } = await import('../../github/train-artifact.js');
    const uploaded = await uploadTrainingArtifact(
      options.artifactName,
      [...files, reportPath],
      commonRoot([...files, reportPath]),
      options.retentionDays,
    );
    report.artifact = { name: options.artifactName, id: uploaded.id ?? null };
    await reports.write(reportPath, report);
    host.info(`Uploaded artifact ${options.artifactName}${uploaded.id ? ` (id ${uploaded.id})` : ''}`);
  }

  host.setOutput('model', report.model?.path ?? '');
  host.setOutput('metrics', JSON.stringify(report.metrics));
  host.setOutput('artifact-id', report.artifact?.id ?? '');
  host.setOutput('gpu', JSON.stringify(report.gpu?.devices ?? null));
  host.setOutput('duration-seconds', report.duration_seconds);
  host.setOutput('report', options.report);
  if (host.isAction)
    await host.writeSummary(
      renderReport([renderTrainingSection(report, options.report)], {
        limit: SUMMARY_LIMIT_BYTES,
        measure: (t) => Buffer.byteLength(t),
      }).markdown,
    );
  host.print(
    `${status === 'succeeded' ? '✓' : '✗'} training ${status.replace('_', ' ')} in ${report.duration_seconds.toFixed(1)} s${usage ? `, GPU utilisation ${usage.utilization_percent.mean}% mean, ${usage.utilization_percent.max}% max` : ''}\nreport  ${options.report}`,
  );
  if (status === 'timed_out')
    host.fail(
      `The training command ran past timeout-minutes (${options.timeoutMinutes}) and was stopped with every process it started`,
    );
  else if (status === 'failed')
    host.fail(
      `The training command failed with exit code ${result.exitCode ?? `signal ${result.signal}`}`,
      result.exitCode ?? 1,
    );
}

/**
 * The cache key: a prefix per OS, then the hash of the key files' contents; the prefix alone restores older entries.
 */
async function cacheKeyOf(env: ActionEnvironment, options: TrainOptions): Promise<{ key: string; prefix: string }> {
  const files = (await glob(options.cacheKeyFiles, { cwd: env.cwd, onlyFiles: true, absolute: true })).sort();
  if (files.length === 0)
    throw new ConfigurationError(
      `${env.inputs.label('cache-key-files')} matches no file (${options.cacheKeyFiles.join(', ')})`,
    );
  const hashes = await Promise.all(files.map((f) => sha256File(f)));
  const prefix = `mlgate-train-${env.context.runner.os ?? process.platform}-`;
  return { key: `${prefix}${sha256Hex(hashes.join('\n')).slice(0, 32)}`, prefix };
}

async function readMetrics(path: string, name: string): Promise<ReturnType<typeof flattenTrainingMetrics>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new ConfigurationError(
      `${name}: the command succeeded but wrote no metrics file here; check metrics-file (relative to working-directory)`,
      { file: name },
    );
  }
  try {
    return flattenTrainingMetrics(JSON.parse(text));
  } catch (error) {
    throw new ConfigurationError(
      `${name}: not valid JSON (${(error as Error).message}); the metrics file must be one JSON object of numbers`,
      { file: name },
    );
  }
}

/** The model the command wrote, loaded in onnxruntime to prove it is a model mlgate can evaluate. */
async function checkModel(
  env: ActionEnvironment,
  options: TrainOptions,
  path: string,
): Promise<NonNullable<TrainReport['model']>> {
  const info = await stat(path).catch(() => undefined);
  if (!info)
    throw new ConfigurationError(
      `${options.modelPath}: the command succeeded but wrote no model here; check model-path (relative to working-directory)`,
      { file: options.modelPath },
    );
  const ort = await loadOnnxruntime({
    path: options.onnxruntimePath ? resolve(env.cwd, options.onnxruntimePath) : undefined,
    cacheRoot: env.context.toolCache,
    registry: env.context.npmRegistry,
    logger: env.host,
  });
  const model = await openModel(ort, path, options.modelPath);
  await model.release();
  env.host.info(
    `Model ${options.modelPath}: ${model.facts.bytes} bytes, input ${model.facts.inputName}${model.facts.width ? ` [rows, ${model.facts.width}]` : ''}, loads in onnxruntime ${ort.version}`,
  );
  return { path: options.modelPath, sha256: model.facts.sha256, bytes: model.facts.bytes };
}

async function runnerFacts(env: ActionEnvironment, options: TrainOptions): Promise<NonNullable<TrainReport['runner']>> {
  const cpu = cpus();
  const { runner, owner, repo, runId } = env.context;
  let labels: string[] | undefined;
  if (env.host.isAction && options.token && owner && repo && runId !== undefined && runner.name) {
    const { runnerLabels } = await import('../../github/runner-labels.js');
    labels = await runnerLabels(await env.createClient(options.token), { owner, repo }, runId, runner.name, env.host);
  }
  return {
    ...(runner.name ? { name: runner.name } : {}),
    os: runner.os ?? process.platform,
    arch: runner.arch ?? process.arch,
    ...(cpu.length > 0 ? { cpu: `${cpu.length} × ${cpu[0]!.model.trim()}` } : {}),
    ...(runner.environment ? { environment: runner.environment } : {}),
    ...(labels ? { labels } : {}),
  };
}

/** The deepest folder holding every file, the root the artifact's paths are relative to. */
function commonRoot(paths: string[]): string {
  let root = dirname(resolve(paths[0]!));
  while (!paths.every((p) => !relative(root, resolve(p)).startsWith('..')) && dirname(root) !== root)
    root = dirname(root);
  return root;
}
