import { ConfigurationError } from '../core/errors.js';
import type { GitHubClient } from './client.js';

export interface RunArtifactRequest {
  owner: string;
  repo: string;
  runId: number;
  name: string;
  /** Larger artifacts are refused before download. */
  maxBytes: number;
}

/**
 * Downloads the zip of a named artifact of another workflow run through the REST API (GitHub answers with a
 * redirect to storage, which the client follows). The bytes are untrusted: the caller unpacks them with limits.
 */
export async function downloadRunArtifact(client: GitHubClient, request: RunArtifactRequest): Promise<Uint8Array> {
  const { owner, repo, runId, name } = request;
  const { data } = await client.rest.actions.listWorkflowRunArtifacts({ owner, repo, run_id: runId, name, per_page: 100 });
  const artifact = data.artifacts.find((a) => a.name === name && !a.expired);
  if (!artifact) {
    throw new ConfigurationError(
      `no artifact named "${name}" in workflow run ${runId}; upload the reports there with actions/upload-artifact under that name, or set artifact-name`,
    );
  }
  if (artifact.size_in_bytes > request.maxBytes) {
    throw new ConfigurationError(`artifact "${name}" of run ${runId} is ${artifact.size_in_bytes} bytes, over the ${request.maxBytes} bytes allowed for reports`);
  }
  const response = await client.rest.actions.downloadArtifact({ owner, repo, artifact_id: artifact.id, archive_format: 'zip' });
  const bytes = new Uint8Array(response.data as ArrayBuffer);
  if (bytes.byteLength > request.maxBytes) {
    throw new ConfigurationError(`artifact "${name}" of run ${runId} downloaded as ${bytes.byteLength} bytes, over the ${request.maxBytes} bytes allowed`);
  }
  return bytes;
}
