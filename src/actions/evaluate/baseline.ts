import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigurationError } from '../../core/errors.js';
import { LATEST_RELEASE, latestReleaseAsset, NoReleaseError } from '../../github/latest-release.js';
import { checkBaselineRun, downloadRunArtifact, type PullRequestHead } from '../../github/run-artifacts.js';
import { unpackArchive, writeArchiveEntries } from '../../io/zip-archive.js';
import type { ActionEnvironment } from '../runtime/host.js';
import { NO_BASELINE, type EvaluateOptions } from './inputs.js';

/** The baseline's file: a path, the model of the latest release, or none (also before the first release). */
export async function baselinePath(
  env: ActionEnvironment,
  options: EvaluateOptions,
): Promise<{ path: string; name: string; source: string } | undefined> {
  if (options.baseline === NO_BASELINE) return undefined;
  const fromArtifact = ARTIFACT_BASELINE.exec(options.baseline);
  if (fromArtifact) return artifactBaseline(env, options, Number(fromArtifact[1]), fromArtifact[2]!, fromArtifact[3]);
  if (options.baseline !== LATEST_RELEASE)
    return { path: resolve(env.cwd, options.baseline), name: options.baseline, source: options.baseline };
  const { context, host } = env;
  if (!options.token || !context.owner || !context.repo) {
    host.warning(
      `${env.inputs.label('baseline')} release:latest needs a github-token and GITHUB_REPOSITORY; evaluating the candidate alone (set baseline: none to silence this)`,
    );
    return undefined;
  }
  const client = await env.createClient(options.token);
  try {
    const asset = await latestReleaseAsset(
      client,
      { owner: context.owner, repo: context.repo },
      { tagPrefix: options.tagPrefix, asset: 'model.onnx', cacheDir: context.runnerTemp ?? env.cwd },
    );
    host.info(`Baseline: model.onnx of ${asset.tag}`);
    return { path: asset.path, name: `${asset.tag}/model.onnx`, source: `release ${asset.tag}` };
  } catch (error) {
    // The first model has nothing to beat: only value thresholds apply, and the report says so.
    if (error instanceof NoReleaseError) {
      host.info(`No mlgate release yet (tags ${options.tagPrefix}*): evaluating the candidate alone`);
      return undefined;
    }
    throw error;
  }
}

/** `artifact:<run id>/<artifact name>[/<path of the model in it>]`: a model uploaded by another workflow run. */
const ARTIFACT_BASELINE = /^artifact:(\d+)\/([^/]+)(?:\/(.+))?$/;
/** Models are larger than reports, but an artifact is still untrusted: bounded. */
const MODEL_ARTIFACT_LIMITS = { maxBytes: 2 * 1024 * 1024 * 1024, maxEntries: 1000 };

/** The baseline from an artifact of another run (e.g. the model the train workflow uploaded), unpacked with limits. */
async function artifactBaseline(
  env: ActionEnvironment,
  options: EvaluateOptions,
  runId: number,
  name: string,
  inside: string | undefined,
): Promise<{ path: string; name: string; source: string }> {
  const { context } = env;
  if (!options.token || !context.owner || !context.repo)
    throw new ConfigurationError(
      `${env.inputs.label('baseline')} ${options.baseline} needs a github-token (actions: read) and GITHUB_REPOSITORY`,
    );
  const client = await env.createClient(options.token);
  await checkBaselineRun(client, {
    owner: context.owner,
    repo: context.repo,
    runId,
    pullRequest: pullRequestHead(context.payload),
    label: `${env.inputs.label('baseline')} ${options.baseline}`,
  });
  const bytes = await downloadRunArtifact(client, {
    owner: context.owner,
    repo: context.repo,
    runId,
    name,
    maxBytes: MODEL_ARTIFACT_LIMITS.maxBytes,
  });
  const label = `artifact ${name} of run ${runId}`;
  const entries = unpackArchive(bytes, label, {
    ...MODEL_ARTIFACT_LIMITS,
    keep: (path) => (inside ? path === inside : path.endsWith('.onnx')),
  });
  if (entries.size !== 1) {
    throw new ConfigurationError(
      inside
        ? `${label} has no file ${inside}`
        : `${label} holds ${entries.size} .onnx files; name the one to use: artifact:${runId}/${name}/<path>`,
    );
  }
  const [path] = [...entries.keys()];
  const folder = join(context.runnerTemp ?? tmpdir(), `mlgate-baseline-${runId}`);
  await writeArchiveEntries(entries, folder);
  env.host.info(`Baseline: ${path} from ${label}`);
  return { path: join(folder, path!), name: `${label}/${path}`, source: label };
}

/** The pull request this run belongs to, from its event payload (pull_request and pull_request_target events). */
// biome-ignore lint/suspicious/noExplicitAny: see GitHubContext.payload.
function pullRequestHead(payload: Record<string, any>): PullRequestHead | undefined {
  const pull = payload.pull_request as
    | { number?: unknown; head?: { ref?: unknown; repo?: { full_name?: unknown } | null } }
    | undefined;
  const [number, ref, repository] = [pull?.number, pull?.head?.ref, pull?.head?.repo?.full_name];
  return typeof number === 'number' && typeof ref === 'string' && typeof repository === 'string'
    ? { number, ref, repository }
    : undefined;
}
