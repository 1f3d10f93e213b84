import { availableParallelism } from 'node:os';

/**
 * The environment variables mlgate reads, all of them: each is read here, in readMlgateEnvironment, and nowhere
 * else; the code that uses one takes its resolved value. README.md ("Environment variables") documents them.
 */
export const ENVIRONMENT_VARIABLES = {
  /** Threads that read one file, decode Parquet row groups, score and rank; 1: everything on the main thread. */
  threads: 'MLGATE_THREADS',
  /** Set (to anything but empty): the CLI prints a bug's stack trace. */
  debug: 'MLGATE_DEBUG',
  /** For tests: the smallest delimited file read in parallel, in bytes. */
  parallelMinBytes: 'MLGATE_PARALLEL_MIN_BYTES',
  /** For tests: the least data, in bytes, that models are scored for on another thread. */
  scoreMinBytes: 'MLGATE_SCORE_MIN_BYTES',
  /** For tests: the fewest rows that are ranked on another thread. */
  rankMinRows: 'MLGATE_RANK_MIN_ROWS',
} as const;

/** mlgate's tunables, resolved from the environment: what each variable set, or its default. */
export interface MlgateEnvironment {
  /**
   * How many threads read one file (and decode a Parquet file's row groups); 1 also keeps scoring and ranking on the
   * main thread. @default one per core, up to 4. On 2 cores the two threads slow each other down (20% more CPU time
   * in all), but on the 1M-row validate-data bench of a 2-vCPU machine they still take 2.45 s against 3.1 s (median
   * of 5 alternating runs), for 137-144 MB of peak memory against 117-123 MB.
   */
  readonly threads: number;
  /** Whether the CLI shows a bug's stack trace. @default false */
  readonly debug: boolean;
  /** The smallest delimited file read in parallel: below it, threads cost more than they save. @default 48 MiB */
  readonly parallelMinBytes: number;
  /**
   * The least data (all files together) that models are scored for on another thread: below it, the thread's start
   * (a worker, then onnxruntime loaded and the models opened again) costs more than the overlap saves. @default 8 MiB
   */
  readonly scoreMinBytes: number;
  /**
   * The fewest rows ranked on another thread: below it, a new thread's start-up (about 40 ms) costs more than it saves.
   * @default 100,000
   */
  readonly rankMinRows: number;
}

/** The defaults of the variables that are not worked out from the machine. */
export const ENVIRONMENT_DEFAULTS = {
  debug: false,
  parallelMinBytes: 48 * 1024 * 1024,
  scoreMinBytes: 8 * 1024 * 1024,
  rankMinRows: 100_000,
} as const satisfies Omit<MlgateEnvironment, 'threads'>;

/** At most this many reading threads by default: more gained nothing on the benchmarks. */
const MAX_DEFAULT_THREADS = 4;

/**
 * Reads every MLGATE_* variable from `env` and resolves it: a value that is not a valid setting (not a positive
 * number, or not a whole one where a count is meant) is ignored, and the default applies, as an unset one's does.
 */
export function readMlgateEnvironment(env: NodeJS.ProcessEnv = process.env): MlgateEnvironment {
  const threads = Number(env[ENVIRONMENT_VARIABLES.threads]);
  const parallelMinBytes = Number(env[ENVIRONMENT_VARIABLES.parallelMinBytes]);
  const scoreMinBytes = Number(env[ENVIRONMENT_VARIABLES.scoreMinBytes]);
  const rankMinRows = Number(env[ENVIRONMENT_VARIABLES.rankMinRows]);
  return {
    threads: Number.isInteger(threads) && threads > 0 ? threads : Math.min(availableParallelism(), MAX_DEFAULT_THREADS),
    debug: Boolean(env[ENVIRONMENT_VARIABLES.debug]),
    parallelMinBytes:
      Number.isFinite(parallelMinBytes) && parallelMinBytes > 0
        ? parallelMinBytes
        : ENVIRONMENT_DEFAULTS.parallelMinBytes,
    scoreMinBytes:
      Number.isFinite(scoreMinBytes) && scoreMinBytes > 0 ? scoreMinBytes : ENVIRONMENT_DEFAULTS.scoreMinBytes,
    rankMinRows: Number.isInteger(rankMinRows) && rankMinRows > 0 ? rankMinRows : ENVIRONMENT_DEFAULTS.rankMinRows,
  };
}
