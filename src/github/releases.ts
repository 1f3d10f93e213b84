import { sha256Hex } from '../io/sha256.js';
import type { GitHubClient } from './client.js';
import { httpStatus } from './errors.js';

export interface AssetInfo {
  id: number;
  name: string;
  size: number;
  /** `sha256:<hex>`, where GitHub reports it. */
  digest?: string | null;
}

export interface ReleaseInfo {
  id: number;
  tag: string;
  draft: boolean;
  prerelease: boolean;
  body: string;
  url: string;
  uploadUrl: string;
  assets: AssetInfo[];
}

export interface Repo {
  owner: string;
  repo: string;
}

type RawRelease = {
  id: number;
  tag_name: string;
  draft: boolean;
  prerelease: boolean;
  body?: string | null;
  html_url: string;
  upload_url: string;
  assets: AssetInfo[];
};

function toInfo(r: RawRelease): ReleaseInfo {
  return {
    id: r.id,
    tag: r.tag_name,
    draft: r.draft,
    prerelease: r.prerelease,
    body: r.body ?? '',
    url: r.html_url,
    uploadUrl: r.upload_url,
    assets: r.assets.map((a) => ({ id: a.id, name: a.name, size: a.size, digest: a.digest })),
  };
}

/** Every release, drafts included (only a token that can write sees drafts), newest first. */
export async function listReleases(client: GitHubClient, repo: Repo): Promise<ReleaseInfo[]> {
  const releases: RawRelease[] = await client.paginate(client.rest.repos.listReleases, { ...repo, per_page: 100 });
  return releases.map(toInfo);
}

export async function getRelease(client: GitHubClient, repo: Repo, id: number): Promise<ReleaseInfo> {
  const { data } = await client.rest.repos.getRelease({ ...repo, release_id: id });
  return toInfo(data as RawRelease);
}

export async function createDraftRelease(
  client: GitHubClient,
  repo: Repo,
  release: { tag: string; name: string; body: string; target?: string },
): Promise<ReleaseInfo> {
  const { data } = await client.rest.repos.createRelease({
    ...repo,
    tag_name: release.tag,
    name: release.name,
    body: release.body,
    draft: true,
    ...(release.target ? { target_commitish: release.target } : {}),
  });
  return toInfo(data as RawRelease);
}

/** Publishes a draft (which creates its tag) and marks it the latest release or not. */
export async function publishRelease(
  client: GitHubClient,
  repo: Repo,
  id: number,
  makeLatest: boolean,
): Promise<ReleaseInfo> {
  const { data } = await client.rest.repos.updateRelease({
    ...repo,
    release_id: id,
    draft: false,
    make_latest: makeLatest ? 'true' : 'false',
  });
  return toInfo(data as RawRelease);
}

/** Deletes a release; one already gone counts as deleted. */
export async function deleteRelease(client: GitHubClient, repo: Repo, id: number): Promise<void> {
  try {
    await client.rest.repos.deleteRelease({ ...repo, release_id: id });
  } catch (error) {
    if (httpStatus(error) !== 404) throw error;
  }
}

/** Uploads an asset to the release's own upload address (right for github.com and GitHub Enterprise alike). */
export async function uploadAsset(
  client: GitHubClient,
  release: ReleaseInfo,
  name: string,
  data: Buffer,
  contentType: string,
): Promise<AssetInfo> {
  const { data: asset } = await client.request({
    method: 'POST',
    url: release.uploadUrl,
    name,
    data,
    headers: { 'content-type': contentType, 'content-length': data.length },
  });
  const a = asset as AssetInfo;
  return { id: a.id, name: a.name, size: a.size, digest: a.digest };
}

export async function deleteAsset(client: GitHubClient, repo: Repo, id: number): Promise<void> {
  try {
    await client.rest.repos.deleteReleaseAsset({ ...repo, asset_id: id });
  } catch (error) {
    if (httpStatus(error) !== 404) throw error;
  }
}

/** An asset's bytes (GitHub answers with a redirect to storage, which the client follows). */
export async function downloadAsset(client: GitHubClient, repo: Repo, id: number): Promise<Buffer> {
  const response = await client.rest.repos.getReleaseAsset({
    ...repo,
    asset_id: id,
    headers: { accept: 'application/octet-stream' },
  });
  return Buffer.from(response.data as unknown as ArrayBuffer);
}

/** The SHA-256 of an asset: from GitHub's digest when it gives one, else by downloading it. */
export async function assetSha256(client: GitHubClient, repo: Repo, asset: AssetInfo): Promise<string> {
  if (asset.digest?.startsWith('sha256:')) return asset.digest.slice('sha256:'.length);
  return sha256Hex(await downloadAsset(client, repo, asset.id));
}
