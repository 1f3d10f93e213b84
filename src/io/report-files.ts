import { isAbsolute, join } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import type { Logger } from '../core/logger.js';
import { DocumentError, readDocument, type LoadedDocument } from './documents.js';

export interface ReportFile {
  path: string;
  /** Named literally (not matched by a glob): a missing or foreign file is an error, not something to skip. */
  explicit: boolean;
}

/**
 * The files named by a list of paths and globs, relative to `cwd`, in the order given and without repeats.
 * Globs never descend into node_modules or .git.
 */
export async function resolveReportFiles(
  patterns: readonly string[],
  cwd: string,
): Promise<{ files: ReportFile[]; unmatched: string[] }> {
  const files: ReportFile[] = [];
  const unmatched: string[] = [];
  const seen = new Set<string>();
  for (const pattern of patterns) {
    if (!isDynamicPattern(pattern)) {
      if (!seen.has(pattern)) files.push({ path: pattern, explicit: true });
      seen.add(pattern);
      continue;
    }
    const matches = (
      await glob(pattern, {
        cwd,
        ignore: ['**/node_modules/**', '**/.git/**'],
        onlyFiles: true,
        expandDirectories: false,
      })
    ).sort();
    if (matches.length === 0) unmatched.push(pattern);
    for (const path of matches) {
      if (!seen.has(path)) files.push({ path, explicit: false });
      seen.add(path);
    }
  }
  return { files, unmatched };
}

/**
 * Loads every report the patterns name. A file named literally must be a valid mlgate report; a file a glob
 * matched that is not an mlgate document at all (some other JSON) is skipped, but a broken mlgate document is
 * an error either way.
 */
export async function loadReports(
  patterns: readonly string[],
  cwd: string,
  logger: Logger,
  displayRoot = '',
): Promise<LoadedDocument[]> {
  const { files, unmatched } = await resolveReportFiles(patterns, cwd);
  for (const pattern of unmatched) logger.info(`No file matches ${pattern}`);
  const documents: LoadedDocument[] = [];
  for (const file of files) {
    const shown = displayRoot ? `${displayRoot}/${file.path}` : file.path;
    try {
      documents.push(await readDocument(isAbsolute(file.path) ? file.path : join(cwd, file.path), shown));
    } catch (error) {
      if (error instanceof DocumentError && error.notMlgate && !file.explicit) {
        logger.debug(`Skipping ${shown}: not an mlgate document`);
        continue;
      }
      throw error;
    }
  }
  return documents;
}
