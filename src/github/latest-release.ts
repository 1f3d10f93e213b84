import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseChecksums } from '../core/release/checksums.js';
import { latestVersion, formatVersion } from '../core/release/version.js';
import { ConfigurationError, DataError } from '../core/errors.js';
import { sha256Hex } from '../io/sha256.js';
import type { GitHubClient } from './client.js';
import { downloadAsset, listReleases, type Repo } from './releases.js';

/**
 * No mlgate release exists yet: the first model of a repository. Steps that compare against the latest release
 * treat it as "nothing to compare with", not as a mistake.
 */
export class NoReleaseError extends ConfigurationError {
  constructor(readonly tagPrefix: string) {
    super(
      `release:latest: no published release with a tag starting ${tagPrefix} yet; publish one with the release action, or name the file instead`,
    );
  }
}

/** Inputs such as `baseline: release:latest` name an asset of the latest mlgate release. */
export const LATEST_RELEASE = 'release:latest';

export interface LatestAssetRequest {
  tagPrefix: string;
  /** The asset's name in the release (model.onnx, profile.json, ...). */
  asset: string;
  /** Where downloads are kept for the rest of the run (RUNNER_TEMP). */
  cacheDir: string;
}

export interface LatestAsset {
  path: string;
  tag: string;
  sha256: string;
}

/**
 * Downloads an asset of the latest published mlgate release (the highest version among tags with the prefix),
 * checks it against the release's SHA256SUMS, and keeps it for the rest of the run: a second request is served
 * from the cache after checking the hash again.
 */
export async function latestReleaseAsset(
  client: GitHubClient,
  repo: Repo,
  request: LatestAssetRequest,
): Promise<LatestAsset> {
  const releases = (await listReleases(client, repo)).filter(
    (r) => !r.draft && !r.prerelease && r.tag.startsWith(request.tagPrefix),
  );
  const latest = latestVersion(
    releases.map((r) => r.tag),
    request.tagPrefix,
  );
  const release = latest && releases.find((r) => r.tag === `${request.tagPrefix}${formatVersion(latest)}`);
  if (!release) {
    throw new NoReleaseError(request.tagPrefix);
  }
  const sumsAsset = release.assets.find((a) => a.name === 'SHA256SUMS');
  if (!sumsAsset)
    throw new DataError(
      `release ${release.tag} has no SHA256SUMS, so its ${request.asset} cannot be checked; re-publish it with the release action`,
    );
  const wanted = release.assets.find((a) => a.name === request.asset);
  if (!wanted)
    throw new ConfigurationError(
      `release ${release.tag} has no asset ${request.asset} (it has ${release.assets.map((a) => a.name).join(', ')})`,
    );
  const sums = parseChecksums(
    (await downloadAsset(client, repo, sumsAsset.id)).toString('utf8'),
    `${release.tag}/SHA256SUMS`,
  );
  const expected = sums.get(request.asset);
  if (!expected)
    throw new DataError(
      `release ${release.tag}: SHA256SUMS does not list ${request.asset}; re-publish it with the release action`,
    );

  const path = join(request.cacheDir, 'mlgate-releases', release.tag, request.asset);
  const cached = await readFile(path).catch(() => undefined);
  if (cached && sha256Hex(cached) === expected) return { path, tag: release.tag, sha256: expected };
  const data = await downloadAsset(client, repo, wanted.id);
  const actual = sha256Hex(data);
  if (actual !== expected) {
    throw new DataError(
      `release ${release.tag}: ${request.asset} has SHA-256 ${actual.slice(0, 12)}… but SHA256SUMS says ${expected.slice(0, 12)}…; the asset was altered or damaged, so it is not used`,
    );
  }
  await mkdir(dirname(path), { recursive: true });
  await writeFile(`${path}.tmp`, data);
  await rename(`${path}.tmp`, path);
  return { path, tag: release.tag, sha256: actual };
}
