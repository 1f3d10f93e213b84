import { resolve } from 'node:path';
import type { PartialDocument, ShardedStep } from '../../core/documents.js';
import type { ShardSpec } from '../../core/shard/shard-spec.js';
import {
  readPartials,
  writePartial,
  type LoadedPartial,
  type PartialPayload,
  type ShardOutcome,
} from '../../io/partial-documents.js';
import type { RunReports } from '../../io/run-reports.js';
import type { Host } from './host.js';
import type { InputReader } from './inputs.js';
import type { Sharding } from './sharding.js';

/**
 * How one step runs in shards, the part that differs between steps: how its state travels in a partial report, what
 * the shards must agree on beyond the fingerprint, and how the states of every shard merge into the whole's.
 * Scanning rows and finishing a result stay with the step (ShardedStepParts); runShardedStep does the rest alike for
 * every step.
 *
 * `State` is what one shard computed, `Merged` what the merge hands back to the step.
 */
export interface ShardedStepAdapter<S extends ShardedStep, State, Merged> {
  readonly step: S;
  /** The state as a partial report holds it. */
  encode(state: State): PartialPayload;
  /** The state of a partial report read back, checked (damage is a ConfigurationError naming `partial.source`). */
  decode(partial: LoadedPartial): State;
  /**
   * What the shards must share that only their results tell (the fingerprint covers the inputs): throws a
   * ConfigurationError naming the shard that differs. Runs before any state is decoded.
   */
  agree?(partials: readonly LoadedPartial[]): void;
  /** The states of every shard, in shard order, merged. */
  merge(shards: readonly MergingShard<State>[], context: MergeContext): Merged;
  /** The rows the merged result covers, for the log. */
  rows(merged: Merged): number;
}

/** One shard's partial report in a merge. */
export interface MergingShard<State> {
  /** The file it was read from, as named. */
  source: string;
  document: PartialDocument;
  /**
   * The shard's state, decoded on each call: call it once, where it is used, so that a merge that absorbs one
   * shard after another holds one decoded state at a time.
   */
  state(): State;
}

/** What a merge needs besides the states. */
export interface MergeContext {
  /** The time the merged documents are stamped with. */
  createdAt: string;
  /** Reports what the merge could not do exactly (one line, to the log as a warning). */
  warn(message: string): void;
}

/** What the shard skeleton needs of a step's environment (an ActionEnvironment has it). */
export interface ShardEnvironment {
  cwd: string;
  host: Pick<Host, 'info' | 'warning' | 'setOutput' | 'print'>;
  inputs: Pick<InputReader, 'label'>;
}

/**
 * What one shard of a step computed, for its partial report: what the partial records (see ShardOutcome), with the
 * step's state before its adapter encodes it.
 */
export type ShardResult<S extends ShardedStep, State> = Omit<ShardOutcome<S>, 'step' | 'payload'> & { state: State };

/**
 * Writes a shard's partial report to `partial` (relative to the working directory, as the input gave it) through
 * the run's claimed reports, and sets the `partial` output.
 */
export async function writeShardPartial<S extends ShardedStep, State>(
  env: ShardEnvironment,
  reports: Pick<RunReports, 'write'>,
  adapter: ShardedStepAdapter<S, State, unknown>,
  partial: string,
  result: ShardResult<S, State>,
): Promise<void> {
  const { createdAt, shard, key, pieces, files, identity } = result;
  await writePartial(
    resolve(env.cwd, partial),
    { step: adapter.step, createdAt, shard, key, pieces, files, identity, payload: adapter.encode(result.state) },
    (path, document, how) => reports.write(path, document, how),
  );
  env.host.setOutput('partial', partial);
}

/**
 * Reads the partial reports of every shard (paths or globs; see readPartials for what is checked), lets the step
 * check what they must agree on, merges their states in shard order, and logs how many rows the merge covers.
 */
export async function mergeShardPartials<S extends ShardedStep, State, Merged>(
  env: ShardEnvironment,
  adapter: ShardedStepAdapter<S, State, Merged>,
  patterns: readonly string[],
  createdAt: string,
): Promise<Merged> {
  const partials = await readPartials(patterns, env.cwd, adapter.step, env.inputs.label('merge'));
  adapter.agree?.(partials);
  const shards = partials.map(
    (partial): MergingShard<State> => ({
      source: partial.source,
      document: partial.document,
      state: () => adapter.decode(partial),
    }),
  );
  const merged = adapter.merge(shards, { createdAt, warn: (message) => env.host.warning(message) });
  env.host.info(`Merged ${partials.length} shards: ${adapter.rows(merged)} rows`);
  return merged;
}

/** A shard's result for its partial report, and the line that tells the user what the shard did. */
export interface ShardToWrite<S extends ShardedStep, State> {
  result: ShardResult<S, State>;
  /** e.g. `shard 2/4: 250000 rows checked; partial report …`, printed once the partial is written. */
  done: string;
}

/**
 * What a step does itself in a sharded run: read rows, and decide and publish a result. `Scanned` is what a read
 * leaves, the same type whether it read one shard's rows or every row.
 */
export interface ShardedStepParts<S extends ShardedStep, State, Merged, Scanned> {
  readonly adapter: ShardedStepAdapter<S, State, Merged>;
  /** Reads the rows: this shard's, or every row when `shard` is undefined. */
  scan(shard: ShardSpec | undefined): Promise<Scanned>;
  /** A shard's read as its partial report holds it. */
  shardToWrite(scanned: Scanned, shard: ShardSpec): ShardToWrite<S, State> | Promise<ShardToWrite<S, State>>;
  /** Decides and publishes (reports, outputs, summary, exit code): a read of every row, or every shard merged. */
  finish(result: { scanned: Scanned } | { merged: Merged }): Promise<void>;
}

/**
 * The one order every sharded step runs in. With `merge`: read the shards' partial reports, merge their states, and
 * finish as one run would. With `shard`: read this shard's rows and write its partial report, nothing else (the
 * merge decides). Otherwise: read every row and finish.
 */
export async function runShardedStep<S extends ShardedStep, State, Merged, Scanned>(
  env: ShardEnvironment,
  reports: Pick<RunReports, 'write'>,
  sharding: Sharding,
  parts: ShardedStepParts<S, State, Merged, Scanned>,
  createdAt: string,
): Promise<void> {
  if (sharding.merge)
    return parts.finish({ merged: await mergeShardPartials(env, parts.adapter, sharding.merge, createdAt) });
  const scanned = await parts.scan(sharding.shard);
  if (!sharding.shard) return parts.finish({ scanned });
  const { result, done } = await parts.shardToWrite(scanned, sharding.shard);
  // parseSharding gives every shard a partial path (the input's, or the default).
  await writeShardPartial(env, reports, parts.adapter, sharding.partial!, result);
  env.host.print(done);
}
