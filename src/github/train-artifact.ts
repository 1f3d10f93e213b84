import { DefaultArtifactClient } from '@actions/artifact';
import { ConfigurationError } from '../core/errors.js';

/**
 * Uploads the training outputs as one artifact of this run. Transient failures of the results service and of the
 * blob store are retried by @actions/artifact (five attempts with backoff, and per block); a name already used
 * in this run is the user's to fix, and says how.
 */
export async function uploadTrainingArtifact(
  name: string,
  files: string[],
  root: string,
  retentionDays: number | undefined,
): Promise<{ id: number | undefined; size: number | undefined }> {
  try {
    const response = await new DefaultArtifactClient().uploadArtifact(
      name,
      files,
      root,
      retentionDays ? { retentionDays } : {},
    );
    return { id: response.id, size: response.size };
  } catch (error) {
    const message = (error as Error).message;
    if (/\(409\)|already exists/i.test(message)) {
      throw new ConfigurationError(
        `artifact-name ${name} is already used in this run; give each upload its own name (in a matrix: ${name}-\${{ matrix.name }})`,
      );
    }
    throw error;
  }
}
