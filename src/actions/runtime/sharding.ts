import type { ShardedStep } from '../../core/documents.js';
import { ConfigurationError } from '../../core/errors.js';
import { parseShardSpec, type ShardSpec } from '../../core/shard/shard-spec.js';
import { defaultPartialPath } from '../../io/partial-documents.js';
import { parseList, type InputReader, type InputSpecs } from './inputs.js';

/**
 * The inputs that split a step over a matrix of jobs and merge it back, shared by validate-data, evaluate and
 * drift-check.
 */
export function shardInputs(step: ShardedStep) {
  return {
    shard: {
      description:
        "Run as shard i of n (e.g. 2/4, from a matrix): read only this shard's rows and write a partial report instead of the final one. Many files (at least four per shard) or .gz files are split by whole file; otherwise every file by position.",
      default: '',
    },
    'shard-key': {
      description:
        'With shard: split rows by a hash of this column instead of by position, so that rows sharing a key land in the same shard (its unique rule is then checked exactly); every shard then reads every file.',
      default: '',
    },
    partial: {
      description: `With shard: where to write the partial report (default mlgate-reports/${step}.shard-<i>-of-<n>.json).`,
      default: '',
    },
    merge: {
      description:
        'The partial reports of every shard (paths or globs): merge them into the final report, then decide and report as one run would. No data is read.',
      default: '',
    },
  } satisfies InputSpecs;
}

/** What a step does with shards: read one shard and write its partial, merge partials, or neither. */
export interface Sharding {
  shard?: ShardSpec;
  /** Split by a hash of this column's value. */
  key?: string;
  partial?: string;
  merge?: string[];
}

export function parseSharding(inputs: InputReader, step: ShardedStep): Sharding {
  const shard = parseShardSpec(inputs.get('shard'), inputs.label('shard'));
  const merge = parseList(inputs, 'merge');
  if (shard && merge.length > 0)
    throw new ConfigurationError(
      `${inputs.label('shard')} and ${inputs.label('merge')} are different jobs: the shards write partial reports, one later job merges them`,
    );
  const key = inputs.get('shard-key').trim();
  if (shard)
    return { shard, partial: inputs.get('partial').trim() || defaultPartialPath(step, shard), ...(key ? { key } : {}) };
  if (key)
    throw new ConfigurationError(
      `${inputs.label('shard-key')} chooses how shards split the rows: set ${inputs.label('shard')} too`,
    );
  if (inputs.get('partial').trim())
    throw new ConfigurationError(
      `${inputs.label('partial')} is where a shard writes its partial report: set ${inputs.label('shard')} too`,
    );
  return merge.length > 0 ? { merge } : {};
}
