import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, extname, join, resolve } from 'node:path';
import type { EvalReport, ValidationReport } from '../../core/documents.js';
import { ConfigurationError } from '../../core/errors.js';
import type { Profile } from '../../core/profile/profile.js';
import { renderChecksums } from '../../core/release/checksums.js';
import { checkRelease, MAX_ASSET_BYTES, type ReleaseCheck } from '../../core/release/gate.js';
import { checkReportProvenance, checkSourceRun, checkValidation } from '../../core/release/provenance.js';
import { bumpVersion, explicitVersion, formatVersion, latestVersion } from '../../core/release/version.js';
import {
  findMergedPullRequest,
  labelAppliedBy,
  lastSuccessfulRun,
  type MergedPullRequest,
  type SourceRun,
} from '../../github/check-run-source.js';
import type { GitHubClient } from '../../github/client.js';
import { runUrl } from '../../github/context.js';
import { publishModelRelease, releaseMarker, type ReleaseAsset } from '../../github/publish-release.js';
import { labelsOfCommitPullRequest } from '../../github/pull-requests.js';
import { listReleases, type ReleaseInfo, type Repo } from '../../github/releases.js';
import { downloadRunArtifact } from '../../github/run-artifacts.js';
import { readContract } from '../../io/contract-file.js';
import { readDocumentOfKind } from '../../io/documents.js';
import { loadOnnxruntime } from '../../io/onnx/load-onnxruntime.js';
import { checkModelLoads } from '../../io/onnx/onnx-model.js';
import { sha256Hex } from '../../io/sha256.js';
import { unpackArchive, writeArchiveEntries } from '../../io/zip-archive.js';
import { renderModelCard } from '../../render/model-card.js';
import { renderReleaseSummary } from '../../render/release-summary.js';
import type { ActionEnvironment } from '../runtime/host.js';
import { parseReleaseOptions, type ReleaseOptions } from './inputs.js';

/** Publishes an approved model as a GitHub Release (or, as a dry run, writes the release's files to a folder). */
export async function release(env: ActionEnvironment): Promise<void> {
  const { host, context, cwd } = env;
  const options = parseReleaseOptions(env.inputs);
  if (options.token) host.setSecret(options.token);

  const needsClient = !options.dryRun || options.source === 'check-run';
  const client =
    needsClient && options.token && context.owner && context.repo ? await env.createClient(options.token) : undefined;
  if (!options.dryRun && !client)
    throw new ConfigurationError(
      `${env.inputs.label('github-token')} and GITHUB_REPOSITORY are needed to publish; or set ${env.inputs.label('dry-run')} to a folder`,
    );
  if (options.source === 'check-run' && !client)
    throw new ConfigurationError(
      `${env.inputs.label('source')} check-run needs ${env.inputs.label('github-token')} (actions: read, pull-requests: read) and GITHUB_REPOSITORY`,
    );
  const repo = { owner: context.owner ?? '', repo: context.repo ?? '' };

  // With source check-run the model and its reports come from the merged pull request's check run, unpacked here.
  const source = options.source === 'check-run' ? await fetchSource(env, options, client!, repo) : undefined;
  const root = source?.folder ?? cwd;
  if (source) {
    const needed = [
      ['model', options.model],
      ['eval-report', options.evalReport],
      ...(options.profile ? [['profile', options.profile]] : []),
    ] as const;
    for (const [input, path] of needed) await requireInArtifact(root, path, env.inputs.label(input), source, options);
  }

  const report = await readDocumentOfKind<EvalReport>(
    resolve(root, options.evalReport),
    options.evalReport,
    'eval-report',
  );
  const validation =
    options.validationReport && (!source || (await exists(resolve(root, options.validationReport))))
      ? await readDocumentOfKind<ValidationReport>(
          resolve(root, options.validationReport),
          options.validationReport,
          'validation-report',
        )
      : undefined;
  const profile = options.profile
    ? await readDocumentOfKind<Profile>(resolve(root, options.profile), options.profile, 'profile')
    : undefined;
  const contract = options.contract ? await readContract(resolve(cwd, options.contract), options.contract) : undefined;
  const model = await modelFile(root, options.model);

  const releases = client && !options.dryRun ? await listReleases(client, repo) : [];
  const { tag, version, previousTag } = chooseTag(options, releases, model.sha256, env.inputs.label('version'));
  const labels =
    options.requireLabel && client && context.sha
      ? source
        ? source.pullRequest.labels
        : await labelsOfCommitPullRequest(client, repo.owner, repo.repo, context.sha)
      : undefined;
  const overrideLabel = report.gate.override?.label;
  const overrideAppliedBy =
    source && overrideLabel ? await labelAppliedBy(client!, repo, source.pullRequest.number, overrideLabel) : undefined;

  // The files of the release, SHA256SUMS last: it lists all the others.
  const files: { name: string; data: Buffer; contentType: string }[] = [
    { name: 'model.onnx', data: model.data, contentType: 'application/octet-stream' },
  ];
  const evalBytes = await readFile(resolve(root, options.evalReport));
  const extras = [
    { name: 'eval-report.json', data: evalBytes, contentType: 'application/json' },
    ...(options.contract
      ? [
          {
            name: `contract${extname(options.contract) || '.yml'}`,
            data: await readFile(resolve(cwd, options.contract)),
            contentType: 'text/yaml',
          },
        ]
      : []),
    ...(options.profile
      ? [
          {
            name: 'profile.json',
            data: await readFile(resolve(root, options.profile)),
            contentType: 'application/json',
          },
        ]
      : []),
  ];
  const checks: ReleaseCheck[] = [];
  // Without a source run, only a report that evaluate wrote in this very job is released (outside a workflow run,
  // as with the CLI on a laptop, the person publishing answers for the files).
  if (!source && !options.dryRun && context.runId !== undefined && context.job) {
    checks.push(
      checkReportProvenance(
        report.run,
        { runId: context.runId, attempt: context.runAttempt ?? 1, job: context.job },
        options.evalReport,
      ),
    );
  }
  if (source) {
    checks.push(
      ...checkSourceRun({
        workflowFile: options.checkWorkflow,
        run: source.run,
        pullRequest: source.pullRequest,
        validation,
        validationPath: options.validationReport,
        reportRun: report.run,
        reportPath: options.evalReport,
        overrideLabel: report.gate.passed ? overrideLabel : undefined,
        overrideAppliedBy,
      }),
    );
  } else if (validation) {
    checks.push(checkValidation(validation, options.validationReport));
  }
  checks.push(
    ...checkRelease({
      report,
      reportPath: options.evalReport,
      modelPath: options.model,
      modelSha256: model.sha256,
      assets: [
        { name: options.model, bytes: model.data.length },
        ...extras.map((e) => ({ name: e.name, bytes: e.data.length })),
      ],
      requiredLabel: options.requireLabel || undefined,
      labels,
      overrideAppliedBy,
    }),
  );
  const sourceFacts = source
    ? {
        runId: source.run.id,
        runUrl: `${context.serverUrl}/${repo.owner}/${repo.repo}/actions/runs/${source.run.id}`,
        workflow: source.run.path,
        commit: source.run.headSha,
        pullRequest: source.pullRequest.number,
        pullRequestUrl: `${context.serverUrl}/${repo.owner}/${repo.repo}/pull/${source.pullRequest.number}`,
      }
    : undefined;
  const override =
    report.gate.passed && overrideLabel
      ? { label: overrideLabel, appliedBy: overrideAppliedBy ?? report.gate.override?.applied_by }
      : undefined;
  const teamSections = options.modelCardSections
    ? await readTeamFile(cwd, options.modelCardSections, 'model card sections', 'model-card-sections')
    : undefined;
  const card = renderModelCard({
    tag,
    modelName: basename(options.model),
    modelSha256: model.sha256,
    modelBytes: model.data.length,
    commit: context.sha,
    runUrl: runUrl(context),
    source: sourceFacts,
    override,
    report,
    previousTag,
    contract,
    profile,
    checks,
    teamSections,
  });
  const cardText = options.modelCardTemplate
    ? (await readTemplate(cwd, options.modelCardTemplate)).split('{{card}}').join(card)
    : card;
  files.push({ name: 'model-card.md', data: Buffer.from(cardText), contentType: 'text/markdown' }, ...extras);
  const assets: ReleaseAsset[] = files.map((f) => ({ ...f, sha256: sha256Hex(f.data) }));
  const sums = Buffer.from(renderChecksums(assets));
  assets.push({ name: 'SHA256SUMS', data: sums, sha256: sha256Hex(sums), contentType: 'text/plain' });
  const listed = assets.map((a) => ({ name: a.name, size: a.data.length, sha256: a.sha256 }));

  const failed = checks.filter((c) => !c.passed);
  if (failed.length > 0) {
    if (host.isAction) await host.writeSummary(renderReleaseSummary({ tag, action: 'refused', checks, assets: [] }));
    throw new ConfigurationError(`release ${tag} refused: ${failed.map((c) => c.reason).join('; ')}`);
  }

  // A file no one can run is not a release: onnxruntime must load it before anything is published.
  const ort = await loadOnnxruntime({
    path: options.onnxruntimePath ? resolve(cwd, options.onnxruntimePath) : undefined,
    cacheRoot: context.toolCache,
    registry: context.npmRegistry,
    logger: host,
  });
  await checkModelLoads(ort, model.data, options.model);
  host.info(`${options.model} loads in onnxruntime-node ${ort.version}`);

  let url: string | undefined;
  let action: string;
  if (options.dryRun) {
    const folder = resolve(cwd, options.dryRun);
    await mkdir(folder, { recursive: true });
    for (const asset of assets) await writeFile(join(folder, asset.name), asset.data);
    action = `dry run: the files of the release are in ${options.dryRun}`;
  } else {
    const result = await publishModelRelease(
      client!,
      repo,
      {
        tag,
        name: options.name || tag,
        body: card,
        target: context.sha,
        modelSha256: model.sha256,
        assets,
        draft: options.draft,
        makeLatest: options.makeLatest,
      },
      host,
    );
    url = result.url;
    action = {
      created: 'published',
      resumed: 'finished a release a failed run had started',
      unchanged: 'already published: nothing to do',
    }[result.action];
    if (options.draft) action = 'left as a draft';
  }
  const attestation =
    options.attest && !options.dryRun ? await attestModel(env, options.token, model.sha256) : undefined;
  if (attestation?.note) action += `; ${attestation.note}`;
  host.setOutput('attestation', attestation?.url ?? '');
  host.setOutput('tag', tag);
  host.setOutput('version', version);
  host.setOutput('release-url', url ?? '');
  host.setOutput('assets', JSON.stringify(listed));
  if (host.isAction) await host.writeSummary(renderReleaseSummary({ tag, url, action, checks, assets: listed }));
  host.print(`${tag}: ${action}${url ? ` (${url})` : ''}`);
}

/**
 * A signed SLSA provenance attestation of the model, through @actions/attest (Sigstore, stored by GitHub).
 * Without an OIDC token the job cannot have one: that is noted, not failed.
 */
async function attestModel(
  env: ActionEnvironment,
  token: string,
  sha256: string,
): Promise<{ url?: string; note?: string }> {
  const { context, host } = env;
  if (!context.idToken) {
    const note =
      'provenance attestation skipped: the job has no id-token (give it permissions id-token: write and attestations: write)';
    host.info(note);
    return { note };
  }
  const { attestProvenance } = await import('@actions/attest');
  const attestation = await attestProvenance({ subjects: [{ name: 'model.onnx', digest: { sha256 } }], token });
  const url = attestation.attestationID
    ? `${context.serverUrl}/${context.owner}/${context.repo}/attestations/${attestation.attestationID}`
    : undefined;
  host.info(`Attested the provenance of model.onnx${url ? `: ${url}` : ''}`);
  return { url, note: 'provenance attested' };
}

async function readTemplate(cwd: string, path: string): Promise<string> {
  return readTeamFile(cwd, path, 'model card template', 'model-card-template');
}

/** A file of the team's for the model card, or one line naming the input to fix. */
async function readTeamFile(cwd: string, path: string, what: string, input: string): Promise<string> {
  try {
    return await readFile(resolve(cwd, path), 'utf8');
  } catch {
    throw new ConfigurationError(`${path}: ${what} not found; check the ${input} input`);
  }
}

/** The merged pull request, the check run on its head, and the folder its artifacts were unpacked into. */
interface ReleaseSource {
  folder: string;
  pullRequest: MergedPullRequest;
  run: SourceRun;
}

/** Artifacts are untrusted: unpacked within limits (a model under GitHub's 2 GiB asset limit, and its reports). */
const SOURCE_ARTIFACT_LIMITS = { maxBytes: MAX_ASSET_BYTES, maxEntries: 1000 };

/**
 * Finds what a promotion releases: the merged pull request of the pushed commit, the last successful run of the
 * check workflow on that pull request's head, and that run's artifacts, unpacked into the runner's temporary folder.
 * What they hold is verified afterwards (checkSourceRun, checkRelease), before anything is published.
 */
async function fetchSource(
  env: ActionEnvironment,
  options: ReleaseOptions,
  client: GitHubClient,
  repo: Repo,
): Promise<ReleaseSource> {
  const { context, host } = env;
  const sha = context.sha;
  if (!sha)
    throw new ConfigurationError(
      `${env.inputs.label('source')} check-run needs GITHUB_SHA, the pushed commit: run it on push to the default branch`,
    );
  const pullRequest = await findMergedPullRequest(client, repo, sha);
  if (!pullRequest) {
    throw new ConfigurationError(
      `commit ${sha.slice(0, 12)} came from no merged pull request, so there is no reviewed check run to release; run source check-run on push to the default branch after a pull request is merged`,
    );
  }
  const run = await lastSuccessfulRun(client, repo, options.checkWorkflow, pullRequest);
  if (!run) {
    throw new ConfigurationError(
      `no successful pull_request run of ${options.checkWorkflow} on pull request #${pullRequest.number}'s head ${pullRequest.headSha.slice(0, 12)} (${pullRequest.headRepository}:${pullRequest.headRef}); re-run that workflow on the pull request until it passes, then re-run this release`,
    );
  }
  host.info(
    `Releasing what check run ${run.id} (${run.path}, attempt ${run.attempt}) evaluated on pull request #${pullRequest.number}'s head ${pullRequest.headSha}`,
  );
  const entries = new Map<string, Uint8Array>();
  const from = new Map<string, string>();
  for (const name of options.artifactNames) {
    const bytes = await downloadRunArtifact(client, {
      ...repo,
      runId: run.id,
      name,
      maxBytes: SOURCE_ARTIFACT_LIMITS.maxBytes,
    });
    for (const [path, data] of unpackArchive(bytes, `artifact ${name} of check run ${run.id}`, {
      ...SOURCE_ARTIFACT_LIMITS,
      keep: () => true,
    })) {
      if (entries.has(path))
        throw new ConfigurationError(
          `artifacts ${from.get(path)} and ${name} of check run ${run.id} both hold ${path}; upload each file once, or list only one of them in artifact-name`,
        );
      entries.set(path, data);
      from.set(path, name);
    }
  }
  const folder = join(context.runnerTemp ?? tmpdir(), `mlgate-release-run-${run.id}`);
  await rm(folder, { recursive: true, force: true });
  await writeArchiveEntries(entries, folder);
  return { folder, pullRequest, run };
}

/** A file the promotion needs must be in the check run's artifacts: say which and how to fix it if not. */
async function requireInArtifact(
  root: string,
  path: string,
  inputLabel: string,
  source: ReleaseSource,
  options: ReleaseOptions,
): Promise<void> {
  if (await exists(resolve(root, path))) return;
  throw new ConfigurationError(
    `check run ${source.run.id}'s artifact ${options.artifactNames.join(', ')} holds no ${path}; upload it there in ${options.checkWorkflow}, or set ${inputLabel} to its path in the artifact`,
  );
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

/** The model file's bytes and SHA-256; too large a file is refused before it is read. */
async function modelFile(cwd: string, path: string): Promise<{ data: Buffer; sha256: string }> {
  const full = resolve(cwd, path);
  const info = await stat(full).catch(() => undefined);
  if (!info?.isFile()) throw new ConfigurationError(`${path}: model file not found; check the model input`);
  if (info.size >= MAX_ASSET_BYTES)
    throw new ConfigurationError(
      `${path} is ${info.size} bytes; GitHub release assets must be under 2 GiB (compress it, or store the model elsewhere)`,
    );
  const data = await readFile(full);
  return { data, sha256: sha256Hex(data) };
}

/**
 * The release's tag: the tag of this model's release if a run already made one (a re-run publishes the same
 * release), else the version asked for, or the latest mlgate release bumped.
 */
function chooseTag(
  options: ReleaseOptions,
  releases: readonly ReleaseInfo[],
  modelSha256: string,
  label: string,
): { tag: string; version: string; previousTag?: string } {
  const existing = releases.find(
    (r) => r.body.includes(releaseMarker(modelSha256)) && r.tag.startsWith(options.tagPrefix),
  );
  // The release before this model's: the same whether this is the first run or a re-run.
  const published = releases.filter((r) => !r.draft && !r.prerelease && r.id !== existing?.id).map((r) => r.tag);
  const latest = latestVersion(published, options.tagPrefix);
  const previousTag = latest ? `${options.tagPrefix}${formatVersion(latest)}` : undefined;
  if (existing) return { tag: existing.tag, version: existing.tag.slice(options.tagPrefix.length), previousTag };
  const version = formatVersion(
    options.version === 'auto' ? bumpVersion(latest, options.bump) : explicitVersion(options.version, label),
  );
  return { tag: `${options.tagPrefix}${version}`, version, previousTag };
}
