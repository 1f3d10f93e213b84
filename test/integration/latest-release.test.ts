import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitHubClient } from '../../src/github/client.js';
import { latestReleaseAsset } from '../../src/github/latest-release.js';
import { GitHubEmulator } from '../support/emulator/server.js';

const silent = { info: () => {}, warning: () => {}, error: () => {}, debug: () => {} };
const sha256 = (data: string) => createHash('sha256').update(data).digest('hex');
let github: GitHubEmulator;

beforeAll(async () => {
  github = await new GitHubEmulator().start();
});
afterAll(async () => {
  await github.stop();
});

/** Publishes a release in the emulator through its API, as the release action would. */
async function publish(repo: string, tag: string, assets: Record<string, string>, draft = false) {
  const api = async (method: string, url: string, body?: string | object, contentType = 'application/json') =>
    (
      await fetch(url, {
        method,
        headers: { authorization: `token ${GitHubEmulator.WRITE_TOKEN}`, 'content-type': contentType },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      })
    ).json() as Promise<any>;
  const release = await api('POST', `${github.apiUrl}/repos/${repo}/releases`, { tag_name: tag, draft: true });
  for (const [name, data] of Object.entries(assets))
    await api(
      'POST',
      `${String(release.upload_url).replace(/\{.*$/, '')}?name=${name}`,
      data,
      'application/octet-stream',
    );
  if (!draft) await api('PATCH', `${github.apiUrl}/repos/${repo}/releases/${release.id}`, { draft: false });
}

describe('release:latest', () => {
  const client = () => createGitHubClient({ token: GitHubEmulator.WRITE_TOKEN, apiUrl: github.apiUrl, logger: silent });

  it('downloads the asset of the highest published version, checked against SHA256SUMS, and caches it', async () => {
    const repo = 'acme/latest-1';
    await publish(repo, 'model-v1.9.0', { 'profile.json': 'old', SHA256SUMS: `${sha256('old')}  profile.json\n` });
    await publish(repo, 'model-v1.10.0', { 'profile.json': 'new', SHA256SUMS: `${sha256('new')}  profile.json\n` });
    await publish(repo, 'model-v2.0.0', { 'profile.json': 'draft' }, true);
    await publish(repo, 'other-v9.0.0', { 'profile.json': 'not ours' });
    const cacheDir = mkdtempSync(join(tmpdir(), 'mlgate-cache-'));
    const result = await latestReleaseAsset(
      client(),
      { owner: 'acme', repo: 'latest-1' },
      { tagPrefix: 'model-v', asset: 'profile.json', cacheDir },
    );
    expect(result.tag).toBe('model-v1.10.0');
    expect(readFileSync(result.path, 'utf8')).toBe('new');
    const downloads = github.requests.filter((r) => r.path.startsWith('/_blobs/')).length;
    await latestReleaseAsset(
      client(),
      { owner: 'acme', repo: 'latest-1' },
      { tagPrefix: 'model-v', asset: 'profile.json', cacheDir },
    );
    // The second time only SHA256SUMS is fetched; the asset comes from the cache.
    expect(github.requests.filter((r) => r.path.startsWith('/_blobs/')).length).toBe(downloads + 1);
  });

  it.each([
    ['no release yet', {}, /^release:latest: no published release with a tag starting model-v yet/],
    [
      'an altered asset',
      { 'model.onnx': 'tampered', SHA256SUMS: `${sha256('original')}  model.onnx\n` },
      /model\.onnx has SHA-256 [0-9a-f]{12}… but SHA256SUMS says [0-9a-f]{12}…; the asset was altered or damaged/,
    ],
    ['no SHA256SUMS', { 'model.onnx': 'x' }, /has no SHA256SUMS, so its model\.onnx cannot be checked/],
    [
      'no such asset',
      { 'profile.json': 'x', SHA256SUMS: `${sha256('x')}  profile.json\n` },
      /has no asset model\.onnx \(it has profile\.json, SHA256SUMS\)/,
    ],
  ])('refuses %s with a clear message', async (name, assets, message) => {
    const repo = `acme/latest-${name.replace(/\W/g, '')}`;
    if (Object.keys(assets).length > 0) await publish(repo, 'model-v1.0.0', assets);
    const [owner, short] = repo.split('/') as [string, string];
    await expect(
      latestReleaseAsset(
        client(),
        { owner, repo: short },
        { tagPrefix: 'model-v', asset: 'model.onnx', cacheDir: mkdtempSync(join(tmpdir(), 'c-')) },
      ),
    ).rejects.toThrow(message);
  });
});
