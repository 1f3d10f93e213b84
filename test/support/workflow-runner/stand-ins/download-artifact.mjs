// A stand-in for actions/download-artifact v4 (fa0a91b8, v4.1.8): by name or pattern, from this run through the
// results service, or from another run (run-id with github-token) through the REST API at GITHUB_API_URL.
import { join, matchesGlob, resolve } from 'node:path';
import { DefaultArtifactClient } from '@actions/artifact';
import * as core from '@actions/core';

try {
  const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd();
  const name = core.getInput('name');
  const pattern = core.getInput('pattern');
  const path = resolve(workspace, core.getInput('path') || '.');
  const merge = core.getInput('merge-multiple') === 'true';
  const token = core.getInput('github-token');
  const [owner, repo] = (core.getInput('repository') || process.env.GITHUB_REPOSITORY).split('/');
  const runId = Number(core.getInput('run-id') || process.env.GITHUB_RUN_ID);
  const options = token
    ? { findBy: { token, workflowRunId: runId, repositoryOwner: owner, repositoryName: repo } }
    : {};
  const client = new DefaultArtifactClient();
  let artifacts;
  if (name) {
    artifacts = [(await client.getArtifact(name, options)).artifact];
  } else {
    artifacts = (await client.listArtifacts({ latest: true, ...options })).artifacts;
    if (pattern) artifacts = artifacts.filter((a) => matchesGlob(a.name, pattern));
    core.info(`Found ${artifacts.length} artifact(s)`);
  }
  for (const artifact of artifacts) {
    const target = name || merge ? path : join(path, artifact.name);
    await client.downloadArtifact(artifact.id, { ...options, path: target, expectedHash: artifact.digest });
    core.info(`Artifact ${artifact.name} downloaded to ${target}`);
  }
  core.setOutput('download-path', path);
} catch (error) {
  core.setFailed(error instanceof Error ? error.message : String(error));
}
