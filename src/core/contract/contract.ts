import type { ColumnType, DecodeAs } from '../data/batch.js';
import { ownValue } from '../own-value.js';
import { compileContractPattern } from './contract-pattern.js';

/** Inclusive bounds; either side may be left open. */
export interface Bounds {
  min?: number;
  max?: number;
}

/** What one column must hold. Rules on values (type, nulls, range, allowed, pattern, unique) point at rows. */
export interface ColumnContract {
  type: ColumnType;
  /** False: no value may be missing. Default true. */
  nullable?: boolean;
  /** The largest share of missing values allowed. */
  max_null_fraction?: number;
  /** Smallest and largest value; for datetime columns, ISO 8601 texts. */
  min?: number | string;
  max?: number | string;
  allowed?: (string | number | boolean)[];
  /** A regular expression every text value must match (whole value), in RE2 syntax: matched in linear time. */
  pattern?: string;
  unique?: boolean;
  /** The share of rows that must pass each value rule, as in Great Expectations (default 1: all). */
  mostly?: number;
  mean?: Bounds;
  stddev?: Bounds;
  /** Bounds on quantiles, keyed by the quantile ("0.5"). */
  quantiles?: Record<string, Bounds>;
  /** Violations of this column's rules are errors (default) or warnings. */
  severity?: 'error' | 'warning';
}

export interface DatasetContract {
  row_count?: Bounds;
  /** Columns that must be present; default: every column the contract names. */
  required?: string[];
  /** Whether columns the contract does not name are allowed (default: allow). */
  extra_columns?: 'allow' | 'forbid';
  /** Whether the columns must come in the contract's order (default: any order). */
  order?: 'any' | 'strict';
  /** Texts read as missing values (default: pandas' list). */
  null_values?: string[];
  /** Delimiter of CSV files (default ',' and tab for .tsv); a delimiter input or flag wins. */
  delimiter?: string;
  /** The decimal separator of numbers in CSV and TSV files (default '.'); a decimal input or flag wins. */
  decimal?: '.' | ',';
  /** The format of the data files (default: from each file's name); a format input or flag wins. */
  format?: 'csv' | 'tsv' | 'jsonl' | 'parquet';
  /** strict (RFC 4180, the default) or lenient (a quote inside an unquoted field is text); a quote input wins. */
  quote?: 'strict' | 'lenient';
}

export interface DataContract {
  schema?: 'mlgate/contract@1';
  dataset?: DatasetContract;
  /** Columns by name, in the order they should appear. */
  columns: Record<string, ColumnContract>;
}

/** How to decode each column: as its contract type needs, else as `hints` say, else `auto` (numbers and text). */
export function columnDecoding(
  contract: DataContract | undefined,
  hints?: Readonly<Record<string, DecodeAs>>,
): (column: string) => DecodeAs {
  return (column) => {
    // Column names are data: a column named constructor must not find Object.prototype's.
    const type = ownValue(contract?.columns, column)?.type;
    return type ? decodingOf(type) : (ownValue(hints, column) ?? 'auto');
  };
}

/** The decoding a column's type needs. */
export function decodingOf(type: ColumnType): 'number' | 'bool' | 'datetime' | 'text' {
  switch (type) {
    case 'int':
    case 'float':
      return 'number';
    case 'bool':
      return 'bool';
    case 'datetime':
      return 'datetime';
    default:
      return 'text';
  }
}

/**
 * Problems a schema cannot see: a pattern that does not compile or needs backtracking, min above max, range rules on
 * text columns, a datetime bound that is not ISO 8601. Each is [JSON path, message].
 */
export function contractProblems(contract: DataContract): [string[], string][] {
  const problems: [string[], string][] = [];
  for (const [name, column] of Object.entries(contract.columns)) {
    const at = (...rest: string[]) => ['columns', name, ...rest];
    const ranged = column.type === 'int' || column.type === 'float' || column.type === 'datetime';
    for (const side of ['min', 'max'] as const) {
      const value = column[side];
      if (value === undefined) continue;
      if (!ranged)
        problems.push([
          at(side),
          `${side} applies to int, float and datetime columns, not ${column.type}; use allowed or pattern`,
        ]);
      else if (
        column.type === 'datetime'
          ? typeof value !== 'string' || Number.isNaN(Date.parse(value))
          : typeof value !== 'number'
      ) {
        problems.push([
          at(side),
          column.type === 'datetime'
            ? `${side} of a datetime column must be an ISO 8601 date such as 2024-01-31`
            : `${side} of a ${column.type} column must be a number`,
        ]);
      }
    }
    if (column.min !== undefined && column.max !== undefined && ranged && compare(column.min, column.max) > 0)
      problems.push([at('min'), `min ${column.min} is above max ${column.max}`]);
    if (column.pattern !== undefined) {
      if (column.type !== 'string' && column.type !== 'category')
        problems.push([at('pattern'), `pattern applies to string and category columns, not ${column.type}`]);
      const { problem } = compileContractPattern(column.pattern);
      if (problem) problems.push([at('pattern'), problem]);
    }
    if ((column.mean || column.stddev || column.quantiles) && !ranged)
      problems.push([
        at(column.mean ? 'mean' : column.stddev ? 'stddev' : 'quantiles'),
        'mean, stddev and quantiles apply to int, float and datetime columns',
      ]);
    if (
      column.allowed &&
      (column.type === 'int' || column.type === 'float') &&
      column.allowed.some((v) => typeof v !== 'number')
    )
      problems.push([at('allowed'), `allowed values of a ${column.type} column must be numbers`]);
  }
  for (const name of contract.dataset?.required ?? []) {
    if (!Object.hasOwn(contract.columns, name))
      problems.push([['dataset', 'required'], `required column "${name}" is not described under columns`]);
  }
  return problems;
}

function compare(a: number | string, b: number | string): number {
  return typeof a === 'string' && typeof b === 'string' ? Date.parse(a) - Date.parse(b) : Number(a) - Number(b);
}
