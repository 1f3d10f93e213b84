import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import type { EvalReport } from '../../core/documents.js';
import { ConfigurationError } from '../../core/errors.js';
import type { Profile } from '../../core/profile/profile.js';
import { renderChecksums } from '../../core/release/checksums.js';
import { checkRelease, MAX_ASSET_BYTES } from '../../core/release/gate.js';
import { bumpVersion, explicitVersion, formatVersion, latestVersion } from '../../core/release/version.js';
import { runUrl } from '../../github/context.js';
import { publishModelRelease, releaseMarker, type ReleaseAsset } from '../../github/publish-release.js';
import { labelsOfCommitPullRequest } from '../../github/pull-requests.js';
import { listReleases, type ReleaseInfo } from '../../github/releases.js';
import { readContract } from '../../io/contract-file.js';
import { readDocumentOfKind } from '../../io/documents.js';
import { sha256Hex } from '../../io/sha256.js';
import { renderModelCard } from '../../render/model-card.js';
import { renderReleaseSummary } from '../../render/release-summary.js';
import type { ActionEnvironment } from '../runtime/host.js';
import { parseReleaseOptions, type ReleaseOptions } from './inputs.js';

/** Publishes an approved model as a GitHub Release (or, as a dry run, writes the release's files to a folder). */
export async function release(env: ActionEnvironment): Promise<void> {
  const { host, context, cwd } = env;
  const options = parseReleaseOptions(env.inputs);
  if (options.token) host.setSecret(options.token);

  const report = await readDocumentOfKind<EvalReport>(resolve(cwd, options.evalReport), options.evalReport, 'eval-report');
  const profile = options.profile ? await readDocumentOfKind<Profile>(resolve(cwd, options.profile), options.profile, 'profile') : undefined;
  const contract = options.contract ? await readContract(resolve(cwd, options.contract), options.contract) : undefined;
  const model = await modelFile(cwd, options.model);

  const client = !options.dryRun && options.token && context.owner && context.repo ? await env.createClient(options.token) : undefined;
  if (!options.dryRun && !client) throw new ConfigurationError(`${env.inputs.label('github-token')} and GITHUB_REPOSITORY are needed to publish; or set ${env.inputs.label('dry-run')} to a folder`);
  const repo = { owner: context.owner ?? '', repo: context.repo ?? '' };
  const releases = client ? await listReleases(client, repo) : [];
  const { tag, version, previousTag } = chooseTag(options, releases, model.sha256, env.inputs.label('version'));
  const labels = options.requireLabel && client && context.sha ? await labelsOfCommitPullRequest(client, repo.owner, repo.repo, context.sha) : undefined;

  // The files of the release, SHA256SUMS last: it lists all the others.
  const files: { name: string; data: Buffer; contentType: string }[] = [{ name: 'model.onnx', data: model.data, contentType: 'application/octet-stream' }];
  const evalBytes = await readFile(resolve(cwd, options.evalReport));
  const extras = [
    { name: 'eval-report.json', data: evalBytes, contentType: 'application/json' },
    ...(options.contract ? [{ name: `contract${extname(options.contract) || '.yml'}`, data: await readFile(resolve(cwd, options.contract)), contentType: 'text/yaml' }] : []),
    ...(options.profile ? [{ name: 'profile.json', data: await readFile(resolve(cwd, options.profile)), contentType: 'application/json' }] : []),
  ];
  const checks = checkRelease({
    report,
    reportPath: options.evalReport,
    modelPath: options.model,
    modelSha256: model.sha256,
    assets: [{ name: options.model, bytes: model.data.length }, ...extras.map((e) => ({ name: e.name, bytes: e.data.length }))],
    requiredLabel: options.requireLabel || undefined,
    labels,
  });
  const card = renderModelCard({ tag, modelName: basename(options.model), modelSha256: model.sha256, modelBytes: model.data.length, commit: context.sha, runUrl: runUrl(context), report, previousTag, contract, profile, checks });
  const cardText = options.modelCardTemplate ? (await readTemplate(cwd, options.modelCardTemplate)).split('{{card}}').join(card) : card;
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
      { tag, name: options.name || tag, body: card, target: context.sha, modelSha256: model.sha256, assets, draft: options.draft, makeLatest: options.makeLatest },
      host,
    );
    url = result.url;
    action = { created: 'published', resumed: 'finished a release a failed run had started', unchanged: 'already published: nothing to do' }[result.action];
    if (options.draft) action = 'left as a draft';
  }
  const attestation = options.attest && !options.dryRun ? await attestModel(env, options.token, model.sha256) : undefined;
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
async function attestModel(env: ActionEnvironment, token: string, sha256: string): Promise<{ url?: string; note?: string }> {
  const { context, host } = env;
  if (!context.idToken) {
    const note = 'provenance attestation skipped: the job has no id-token (give it permissions id-token: write and attestations: write)';
    host.info(note);
    return { note };
  }
  const { attestProvenance } = await import('@actions/attest');
  const attestation = await attestProvenance({ subjects: [{ name: 'model.onnx', digest: { sha256 } }], token });
  const url = attestation.attestationID ? `${context.serverUrl}/${context.owner}/${context.repo}/attestations/${attestation.attestationID}` : undefined;
  host.info(`Attested the provenance of model.onnx${url ? `: ${url}` : ''}`);
  return { url, note: 'provenance attested' };
}

async function readTemplate(cwd: string, path: string): Promise<string> {
  try {
    return await readFile(resolve(cwd, path), 'utf8');
  } catch {
    throw new ConfigurationError(`${path}: model card template not found; check the model-card-template input`);
  }
}


/** The model file's bytes and SHA-256; too large a file is refused before it is read. */
async function modelFile(cwd: string, path: string): Promise<{ data: Buffer; sha256: string }> {
  const full = resolve(cwd, path);
  const info = await stat(full).catch(() => undefined);
  if (!info?.isFile()) throw new ConfigurationError(`${path}: model file not found; check the model input`);
  if (info.size >= MAX_ASSET_BYTES) throw new ConfigurationError(`${path} is ${info.size} bytes; GitHub release assets must be under 2 GiB (compress it, or store the model elsewhere)`);
  const data = await readFile(full);
  return { data, sha256: sha256Hex(data) };
}

/**
 * The release's tag: the tag of this model's release if a run already made one (a re-run publishes the same
 * release), else the version asked for, or the latest mlgate release bumped.
 */
function chooseTag(options: ReleaseOptions, releases: readonly ReleaseInfo[], modelSha256: string, label: string): { tag: string; version: string; previousTag?: string } {
  const existing = releases.find((r) => r.body.includes(releaseMarker(modelSha256)) && r.tag.startsWith(options.tagPrefix));
  // The release before this model's: the same whether this is the first run or a re-run.
  const published = releases.filter((r) => !r.draft && !r.prerelease && r.id !== existing?.id).map((r) => r.tag);
  const latest = latestVersion(published, options.tagPrefix);
  const previousTag = latest ? `${options.tagPrefix}${formatVersion(latest)}` : undefined;
  if (existing) return { tag: existing.tag, version: existing.tag.slice(options.tagPrefix.length), previousTag };
  const version = formatVersion(options.version === 'auto' ? bumpVersion(latest, options.bump) : explicitVersion(options.version, label));
  return { tag: `${options.tagPrefix}${version}`, version, previousTag };
}


