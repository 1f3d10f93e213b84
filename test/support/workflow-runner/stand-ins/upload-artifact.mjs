// A stand-in for actions/upload-artifact v4 (ea165f8d, v4.6.2): the same inputs, globbing and search-root rules,
// uploading through @actions/artifact to the runner's results service (ACTIONS_RESULTS_URL).
import { statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { DefaultArtifactClient } from '@actions/artifact';
import * as core from '@actions/core';
import { glob } from 'tinyglobby';

const GLOB = /[*?[\]{}!]/;

try {
  const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd();
  const name = core.getInput('name') || 'artifact';
  const lines = core
    .getInput('path', { required: true })
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const ifNoFilesFound = core.getInput('if-no-files-found') || 'warn';
  const retention = core.getInput('retention-days');
  const hidden = core.getInput('include-hidden-files') === 'true';
  const include = lines.filter((l) => !l.startsWith('!'));
  const ignore = lines.filter((l) => l.startsWith('!')).map((l) => l.slice(1));
  // A folder means everything under it; the search root of a pattern is the part before its first wildcard.
  const patterns = include.map((p) => {
    const absolute = resolve(workspace, p);
    return !GLOB.test(p) && isDirectory(absolute) ? join(absolute, '**') : absolute;
  });
  const roots = include.map((p) => {
    const absolute = resolve(workspace, p);
    if (!GLOB.test(p)) return isDirectory(absolute) ? absolute : dirname(absolute);
    const parts = absolute.split(sep);
    return (
      parts
        .slice(
          0,
          parts.findIndex((s) => GLOB.test(s)),
        )
        .join(sep) || sep
    );
  });
  const files = await glob(
    patterns.map((p) => relative(workspace, p) || '.'),
    { cwd: workspace, absolute: true, dot: hidden, onlyFiles: true, ignore, expandDirectories: false },
  );
  if (files.length === 0) {
    const message = `No files were found with the provided path: ${lines.join(', ')}. No artifacts will be uploaded.`;
    if (ifNoFilesFound === 'error') core.setFailed(message);
    else if (ifNoFilesFound === 'warn') core.warning(message);
    else core.info(message);
  } else {
    const root = commonAncestor(roots);
    const client = new DefaultArtifactClient();
    const result = await client.uploadArtifact(
      name,
      files.sort(),
      root,
      retention ? { retentionDays: Number(retention) } : {},
    );
    core.info(
      `Artifact ${name} has been successfully uploaded! Final size is ${result.size} bytes. Artifact ID is ${result.id}`,
    );
    core.setOutput('artifact-id', String(result.id));
    core.setOutput('artifact-digest', result.digest ?? '');
    core.setOutput(
      'artifact-url',
      `${process.env.GITHUB_SERVER_URL}/${process.env.GITHUB_REPOSITORY}/actions/runs/${process.env.GITHUB_RUN_ID}/artifacts/${result.id}`,
    );
  }
} catch (error) {
  core.setFailed(error instanceof Error ? error.message : String(error));
}

function isDirectory(path) {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function commonAncestor(paths) {
  let common = paths[0];
  for (const path of paths.slice(1)) {
    while (common !== dirname(common) && relative(common, path).startsWith('..')) common = dirname(common);
  }
  return isAbsolute(common) ? common : resolve(common);
}
