import type { DataContract } from '../../core/contract/contract.js';
import type { ShardedStep } from '../../core/documents.js';
import type { OutputKind } from '../../core/evaluate/model-output.js';
import type { DataFormat } from '../readers/dataset.js';
import type { Decimal, QuoteMode } from '../readers/read-settings.js';

/*
 * What every shard of one run must share, beside the data files, the shard count and the split key: a partial
 * report holds a hash of it (its fingerprint), and a merge refuses shards whose hashes differ. The hash is of the
 * JSON text of these objects, so their keys keep the order in which the steps write them: a partial written by an
 * earlier version must still merge with one written now.
 */

/** validate-data: the contract and how the files were read and sampled. */
export interface ValidateDataIdentity {
  contract: DataContract;
  sampleSize: number;
  delimiter: string | undefined;
  format: DataFormat | 'auto';
  decimal: Decimal | undefined;
  quote: QuoteMode | undefined;
}

/** evaluate: the models (by SHA-256), their features, the label, how outputs are read, and the slice columns. */
export interface EvaluateIdentity {
  candidate: string;
  baseline: string | null;
  features: string[];
  label: string;
  task: 'auto' | 'classification' | 'regression';
  classes: string[] | null;
  output: OutputKind;
  slices: string[];
}

/** drift-check: the types the current data is read with (the reference's). */
export interface DriftCheckIdentity {
  types: DataContract;
}

/** Each sharded step's identity, by step. */
export interface ShardIdentities {
  'validate-data': ValidateDataIdentity;
  evaluate: EvaluateIdentity;
  'drift-check': DriftCheckIdentity;
}

/** The identity of one step's shards. */
export type ShardIdentity<S extends ShardedStep = ShardedStep> = ShardIdentities[S];
