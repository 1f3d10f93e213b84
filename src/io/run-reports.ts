import { rm } from 'node:fs/promises';
import { writeDocument } from './documents.js';

/**
 * The reports one run of a step writes (validation report, profile, eval report, drift report, training report,
 * partial reports), and the one way they are written. Claiming them removes the copies a previous run left, so that
 * a run that fails part way never leaves a stale report behind (a `passed: true` from last time read as this run's);
 * each is written atomically (a temporary file in the same folder, then a rename: a reader never sees half a
 * document); and a run that fails after writing some removes those too.
 */
export class RunReports {
  private readonly claimed: ReadonlySet<string>;

  private constructor(paths: Iterable<string>) {
    this.claimed = new Set(paths);
  }

  /** Claims the reports at these absolute paths (undefined ones are skipped), removing any previous run's copies. */
  static async claim(paths: readonly (string | undefined)[]): Promise<RunReports> {
    const reports = new RunReports(paths.filter((p): p is string => p !== undefined && p !== ''));
    await reports.discard();
    return reports;
  }

  /** Writes one claimed report atomically; writing a path that was not claimed is a bug. */
  async write(
    path: string,
    document: { schema: string },
    options: Parameters<typeof writeDocument>[2] = {},
  ): Promise<void> {
    if (!this.claimed.has(path)) throw new Error(`${path}: a report written without being claimed first`);
    await writeDocument(path, document, options);
  }

  /** Runs the step's work; when it throws, removes every claimed report before passing the error on. */
  async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      await this.discard().catch(() => undefined);
      throw error;
    }
  }

  private async discard(): Promise<void> {
    await Promise.all([...this.claimed].map((path) => rm(path, { force: true })));
  }
}
