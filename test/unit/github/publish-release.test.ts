import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitHubClient } from '../../../src/github/client.js';
import {
  publishModelRelease,
  releaseMarker,
  type PublishRequest,
  type ReleaseAsset,
} from '../../../src/github/publish-release.js';
import { GitHubEmulator } from '../../support/emulator/server.js';

const quiet = { info: () => {}, warning: () => {}, error: () => {}, debug: () => {} };
let github: GitHubEmulator;

beforeAll(async () => {
  github = await new GitHubEmulator().start();
});
afterAll(async () => {
  await github.stop();
});

const client = () => createGitHubClient({ token: GitHubEmulator.WRITE_TOKEN, apiUrl: github.apiUrl, logger: quiet });

function asset(name: string, text: string): ReleaseAsset {
  const data = Buffer.from(text);
  return {
    name,
    data,
    sha256: createHash('sha256').update(data).digest('hex'),
    contentType: 'application/octet-stream',
  };
}

function request(tag: string, model: string, overrides: Partial<PublishRequest> = {}): PublishRequest {
  const onnx = asset('model.onnx', model);
  return {
    tag,
    name: tag,
    body: 'the model card',
    modelSha256: onnx.sha256,
    assets: [onnx, asset('SHA256SUMS', `${onnx.sha256}  model.onnx\n`)],
    draft: false,
    makeLatest: true,
    ...overrides,
  };
}

/** What the repository's releases hold, as names and texts. */
function releasesOf(repo: string) {
  return github.releases(repo).map((r) => ({
    tag: r.tag,
    draft: r.draft,
    assets: Object.fromEntries(r.assets.map((a) => [a.name, Buffer.from(a.data).toString('utf8')])),
  }));
}

// octokit's throttling spaces writes a second apart (in the whole process), which sets the pace of these tests.
describe('publishModelRelease (against the emulator)', () => {
  it('creates, uploads and publishes; run again it finds the release by its marker and changes nothing', async () => {
    const repo = { owner: 'acme', repo: 'publish-twice' };
    const first = await publishModelRelease(client(), repo, request('model-v1.0.0', 'weights'), quiet);
    expect(first).toMatchObject({ tag: 'model-v1.0.0', action: 'created', uploaded: ['model.onnx', 'SHA256SUMS'] });
    const again = await publishModelRelease(client(), repo, request('model-v1.0.0', 'weights'), quiet);
    expect(again).toMatchObject({ tag: 'model-v1.0.0', action: 'unchanged', uploaded: [] });
    expect(releasesOf('acme/publish-twice')).toEqual([
      {
        tag: 'model-v1.0.0',
        draft: false,
        assets: { 'model.onnx': 'weights', SHA256SUMS: expect.stringContaining('  model.onnx') },
      },
    ]);
    expect(github.releases('acme/publish-twice')[0]!.body).toBe(
      `${releaseMarker(request('model-v1.0.0', 'weights').modelSha256)}\nthe model card`,
    );
  });

  it('finishes the draft a failed run left: keeps the assets already there, uploads the rest, publishes', async () => {
    const repo = { owner: 'acme', repo: 'publish-resume' };
    const full = request('model-v1.0.0', 'weights');
    // The failed run: a draft with the model but not yet its SHA256SUMS.
    await publishModelRelease(client(), repo, { ...full, assets: full.assets.slice(0, 1), draft: true }, quiet);
    expect(releasesOf('acme/publish-resume')).toEqual([
      { tag: 'model-v1.0.0', draft: true, assets: { 'model.onnx': 'weights' } },
    ]);
    const resumed = await publishModelRelease(client(), repo, full, quiet);
    expect(resumed).toMatchObject({ action: 'resumed', uploaded: ['SHA256SUMS'] });
    expect(releasesOf('acme/publish-resume')).toMatchObject([
      { tag: 'model-v1.0.0', draft: false, assets: { 'model.onnx': 'weights' } },
    ]);
  });

  it('replaces an asset of the release whose content changed, and only that one', async () => {
    const repo = { owner: 'acme', repo: 'publish-replace' };
    const original = request('model-v1.0.0', 'weights');
    await publishModelRelease(client(), repo, original, quiet);
    const changed = { ...original, assets: [original.assets[0]!, asset('SHA256SUMS', 'rewritten\n')] };
    const result = await publishModelRelease(client(), repo, changed, quiet);
    expect(result).toMatchObject({ action: 'resumed', uploaded: ['SHA256SUMS'] });
    expect(releasesOf('acme/publish-replace')).toEqual([
      { tag: 'model-v1.0.0', draft: false, assets: { 'model.onnx': 'weights', SHA256SUMS: 'rewritten\n' } },
    ]);
  });

  it('refuses a tag already published for another model', async () => {
    const repo = { owner: 'acme', repo: 'publish-clash' };
    await publishModelRelease(client(), repo, request('model-v1.0.0', 'weights'), quiet);
    await expect(publishModelRelease(client(), repo, request('model-v1.0.0', 'other weights'), quiet)).rejects.toThrow(
      'the release model-v1.0.0 already exists and holds another model; choose another version, or delete that release',
    );
    expect(github.releases('acme/publish-clash')).toHaveLength(1);
  });
});
