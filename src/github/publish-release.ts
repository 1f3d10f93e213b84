import { ConfigurationError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { GitHubClient } from './client.js';
import { httpStatus } from './errors.js';
import {
  assetSha256,
  createDraftRelease,
  deleteAsset,
  deleteRelease,
  getRelease,
  listReleases,
  publishRelease,
  uploadAsset,
  type ReleaseInfo,
  type Repo,
} from './releases.js';

export interface ReleaseAsset {
  name: string;
  data: Buffer;
  sha256: string;
  contentType: string;
}

export interface PublishRequest {
  tag: string;
  name: string;
  /** The release notes (the model card); a hidden marker naming the model is added at the top. */
  body: string;
  target?: string;
  modelSha256: string;
  /** Uploaded in this order; put SHA256SUMS last. */
  assets: ReleaseAsset[];
  draft: boolean;
  makeLatest: boolean;
}

export interface PublishResult {
  tag: string;
  url: string;
  /** created: a new release; resumed: finished one a failed run had started; unchanged: it was already complete. */
  action: 'created' | 'resumed' | 'unchanged';
  uploaded: string[];
}

/** The hidden line that ties a release to the model it holds, so a re-run finds it whatever its tag. */
export function releaseMarker(modelSha256: string): string {
  return `<!-- mlgate:release model-sha256=${modelSha256} -->`;
}

/**
 * Publishes a model's release idempotently. The release is made as a draft, filled, and only then published, so
 * no one sees a published release with assets missing. A re-run after a failure at any point finds the release by
 * its marker and finishes it: assets with the same checksum are kept, others replaced. Concurrent runs for the same
 * model converge on the oldest draft, each deleting the drafts it made.
 */
export async function publishModelRelease(
  client: GitHubClient,
  repo: Repo,
  request: PublishRequest,
  logger: Logger,
): Promise<PublishResult> {
  const marker = releaseMarker(request.modelSha256);
  const body = `${marker}\n${request.body}`;
  const releases = await listReleases(client, repo);
  let release = pickRelease(releases, marker);
  let action: PublishResult['action'] = release ? 'resumed' : 'created';
  if (!release) {
    const clash = releases.find((r) => r.tag === request.tag && !r.draft);
    if (clash)
      throw new ConfigurationError(
        `the release ${request.tag} already exists and holds another model; choose another version, or delete that release`,
      );
    const created = await createDraftRelease(client, repo, {
      tag: request.tag,
      name: request.name,
      body,
      target: request.target,
    });
    release = await converge(client, repo, marker, created, logger);
    if (release.id !== created.id) action = 'resumed';
  }
  logger.info(
    `${action === 'created' ? 'Created' : 'Resuming'} release ${release.tag}${release.draft ? ' (draft)' : ''}`,
  );

  const uploaded: string[] = [];
  for (const asset of request.assets) {
    if (await ensureAsset(client, repo, release, asset, logger)) uploaded.push(asset.name);
    release = await getRelease(client, repo, release.id);
  }
  if (release.draft && !request.draft) {
    try {
      release = await publishRelease(client, repo, release.id, request.makeLatest);
    } catch (error) {
      // Another run for this model published its copy first: keep that one, drop ours.
      const published = (await listReleases(client, repo)).find((r) => !r.draft && r.body.includes(marker));
      if (httpStatus(error) !== 422 || !published) throw error;
      await deleteRelease(client, repo, release.id);
      release = published;
    }
  }
  if (action === 'resumed' && uploaded.length === 0 && !release.draft) action = 'unchanged';
  return { tag: release.tag, url: release.url, action, uploaded };
}

/** This model's release: a published one if there is one, else the oldest draft. */
function pickRelease(releases: readonly ReleaseInfo[], marker: string): ReleaseInfo | undefined {
  const mine = releases.filter((r) => r.body.includes(marker)).sort((a, b) => a.id - b.id);
  return mine.find((r) => !r.draft) ?? mine[0];
}

/** After creating a draft: if concurrent runs made others, keep the oldest and delete the other drafts. */
async function converge(
  client: GitHubClient,
  repo: Repo,
  marker: string,
  created: ReleaseInfo,
  logger: Logger,
): Promise<ReleaseInfo> {
  const releases = await listReleases(client, repo);
  const keep = pickRelease(releases, marker) ?? created;
  for (const r of releases) {
    if (r.id !== keep.id && r.draft && r.body.includes(marker)) {
      logger.info(`Removing a duplicate draft of ${r.tag} left by a concurrent run`);
      await deleteRelease(client, repo, r.id);
    }
  }
  return keep;
}

/** Makes the release hold this asset with this content. Returns whether it uploaded. */
async function ensureAsset(
  client: GitHubClient,
  repo: Repo,
  release: ReleaseInfo,
  asset: ReleaseAsset,
  logger: Logger,
): Promise<boolean> {
  const existing = release.assets.find((a) => a.name === asset.name);
  if (existing) {
    if ((await assetSha256(client, repo, existing)) === asset.sha256) return false;
    logger.info(`Replacing ${asset.name}: its content changed`);
    await deleteAsset(client, repo, existing.id);
  }
  try {
    await uploadAsset(client, release, asset.name, asset.data, asset.contentType);
    return true;
  } catch (error) {
    if (httpStatus(error) !== 422) throw error;
    // already_exists: a retried upload that had in fact arrived, or a concurrent run's. Same content is fine.
    const fresh = (await getRelease(client, repo, release.id)).assets.find((a) => a.name === asset.name);
    if (fresh && (await assetSha256(client, repo, fresh)) === asset.sha256) return false;
    if (fresh) await deleteAsset(client, repo, fresh.id);
    await uploadAsset(client, release, asset.name, asset.data, asset.contentType);
    return true;
  }
}
