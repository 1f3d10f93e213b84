import { ConfigurationError } from '../core/errors.js';
import type { GitHubClient } from './client.js';
import { httpStatus } from './errors.js';

/** Where to read one file: a repository, a commit, and the file's path in that repository (forward slashes). */
export interface FileAtCommit {
  owner: string;
  repo: string;
  /** A full commit SHA (or any ref GitHub resolves). */
  ref: string;
  path: string;
}

/**
 * The text of a file as it was at a commit, or undefined when the commit has no such file (GitHub answers 404 for
 * the file, while the repository itself can be read).
 * Read through the contents API, which needs only `contents: read` (a fork's read-only GITHUB_TOKEN has it) and no
 * local history: actions/checkout fetches one commit by default, and the base commit of a pull request is not it.
 * The raw media type gives the bytes as they are, up to GitHub's 100 MB limit, in one request.
 */
export async function readFileAtCommit(client: GitHubClient, file: FileAtCommit): Promise<string | undefined> {
  // Each segment encoded on its own: the slashes between them stay path separators, as GitHub expects.
  const encoded = file.path.split('/').map(encodeURIComponent).join('/');
  try {
    const response = await client.request(`GET /repos/{owner}/{repo}/contents/${encoded}`, {
      owner: file.owner,
      repo: file.repo,
      ref: file.ref,
      mediaType: { format: 'raw' },
    });
    return decodeContents(response.data as unknown, file);
  } catch (error) {
    if (httpStatus(error) !== 404) throw error;
  }
  // GitHub also answers 404 when the token may not read the repository at all (a private one, without
  // contents: read): that must not pass for "the commit has no such file", which would apply the head's version.
  try {
    await client.rest.repos.get({ owner: file.owner, repo: file.repo });
  } catch (error) {
    if (httpStatus(error) === 404)
      throw new ConfigurationError(
        `${file.owner}/${file.repo} cannot be read with the token given (GitHub answers 404), so ${file.path} cannot be read at commit ${file.ref.slice(0, 7)}; give the job contents: read`,
      );
    throw error;
  }
  return undefined;
}

/** The raw answer is text or bytes, depending on the content type served; the JSON one holds base64. */
function decodeContents(data: unknown, file: FileAtCommit): string {
  if (typeof data === 'string') return data;
  if (Array.isArray(data))
    throw new ConfigurationError(`${file.path} is a folder at commit ${file.ref}, not a file`, { file: file.path });
  if (data instanceof ArrayBuffer) return new TextDecoder().decode(data);
  const json = data as { type?: unknown; encoding?: unknown; content?: unknown } | null;
  if (json && json.type === 'file' && json.encoding === 'base64' && typeof json.content === 'string')
    return Buffer.from(json.content, 'base64').toString('utf8');
  throw new Error(
    `the contents API answered with neither the file's text nor a base64 file (type ${String(json?.type)})`,
  );
}
