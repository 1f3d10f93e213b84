import type { RulesFile } from '../documents.js';
import { diffLines } from './line-diff.js';

/** The two versions of a rules file on a pull request, and their SHA-256 (hashed by the caller, which has I/O). */
export interface RulesVersions {
  path: string;
  baseSha: string;
  headSha: string | undefined;
  /** The base commit's text, or undefined when the base has no such file. */
  base: { text: string; sha256: string } | undefined;
  /** The checked-out (head) text, or undefined when the head deletes the file. */
  head: { text: string; sha256: string } | undefined;
}

/**
 * Which version of a rules file applies on a pull request, and the record of it for the report. The base
 * commit's version applies, so that a pull request cannot loosen the rules it is judged by; a file that the base
 * does not have is new in the pull request, and then the head's applies (there is nothing else to apply). When the
 * head's version differs, the record says so and carries a short diff from the base's to the head's.
 */
export function chooseRulesVersion(versions: RulesVersions): { text: string | undefined; record: RulesFile } {
  const { path, baseSha, headSha, base, head } = versions;
  const commits = { base_sha: baseSha, ...(headSha ? { head_sha: headSha } : {}) };
  if (!base) {
    return {
      text: head?.text,
      record: {
        path,
        ...(head ? { sha256: head.sha256 } : {}),
        applied: 'head',
        ...commits,
        new_in_pull_request: true,
        ...(head ? { head_sha256: head.sha256 } : {}),
      },
    };
  }
  const record: RulesFile = { path, sha256: base.sha256, applied: 'base', ...commits, base_sha256: base.sha256 };
  if (head?.sha256 !== base.sha256) {
    record.head_differs = true;
    if (head) record.head_sha256 = head.sha256;
    record.diff = diffLines(base.text, head?.text ?? '');
  }
  return { text: base.text, record };
}
