import type { RecordBatch } from '../data/batch.js';
import type { ValidationReport } from '../documents.js';
import type { Bounds, DataContract } from '../contract/contract.js';
import { ownValue } from '../own-value.js';
import { sampleNumbers, selectQuantiles, type Profile } from '../profile/profile.js';
import { ColumnValidator } from './column-validator.js';
import type { UniqueNumbers } from './unique-tracker.js';
import { ViolationTracker, type TallyState } from './violations.js';

/** The state of a validator over one part of a dataset, to be absorbed by the validator of the whole. */
export interface ValidatorPart {
  tallies: TallyState[];
  unique: Record<string, UniqueNumbers>;
}

/** The order violations are listed in, within a column. */
const RULE_ORDER = [
  'required_column',
  'extra_column',
  'type',
  'not_null',
  'min',
  'max',
  'allowed',
  'pattern',
  'unique',
  'max_null_fraction',
  'mean',
  'stddev',
  'quantile',
  'column_order',
  'row_count',
];

export interface ValidationOptions {
  failOn: 'error' | 'warning';
  contractPath?: string;
  inferred?: boolean;
  createdAt: string;
}

/**
 * Checks a dataset against a contract: the column policy on each file's header, the value rules row by row as
 * batches arrive, and at the end the rules on whole columns (null share, mean, stddev, quantiles) and the row count,
 * which are judged on the dataset's profile.
 */
export class DatasetValidator {
  private readonly tracker = new ViolationTracker();
  private readonly columns = new Map<string, ColumnValidator>();
  private readonly seenColumns = new Set<string>();

  constructor(private readonly contract: DataContract) {
    for (const [name, column] of Object.entries(contract.columns))
      this.columns.set(name, new ColumnValidator(name, column, this.tracker));
  }

  /** Checks a file's header against the column policy. */
  checkHeader(file: string, header: readonly string[]): void {
    const dataset = this.contract.dataset ?? {};
    const declared = Object.keys(this.contract.columns);
    const present = new Set(header);
    header.forEach((name) => this.seenColumns.add(name));
    for (const name of dataset.required ?? declared) {
      if (!present.has(name))
        this.tracker.addAggregate(name, 'required_column', 'error', `the column is missing from ${file}`, 1, [
          { file, line: 1 },
        ]);
    }
    if (dataset.extra_columns === 'forbid') {
      for (const name of header)
        if (!Object.hasOwn(this.contract.columns, name))
          this.tracker.addAggregate(
            name,
            'extra_column',
            'error',
            `${file} has a column the contract does not describe`,
            1,
            [{ file, line: 1 }],
          );
    }
    if (dataset.order === 'strict') {
      const expected = declared.filter((n) => present.has(n));
      const actual = header.filter((n) => Object.hasOwn(this.contract.columns, n));
      if (expected.join('\u0000') !== actual.join('\u0000')) {
        this.tracker.addAggregate(
          null,
          'column_order',
          'error',
          `the columns of ${file} are not in the contract's order (${expected.join(', ')})`,
          1,
          [{ file, line: 1 }],
        );
      }
    }
  }

  checkBatch(batch: RecordBatch): void {
    for (const column of batch.columns) this.columns.get(column.name)?.check(column, batch);
  }

  /** Whether parts of the data can be checked apart and absorbed: not when uniqueness of text must be checked. */
  get splittable(): boolean {
    return Object.values(this.contract.columns).every((c) => !c.unique || c.type === 'int' || c.type === 'float');
  }

  /** This validator's state, for a part checked in another thread or shard. */
  part(): ValidatorPart {
    // Own keys for every column name (assigning __proto__ would set the object's prototype instead).
    const unique: Record<string, UniqueNumbers> = Object.fromEntries(
      [...this.columns].flatMap(([name, column]): [string, UniqueNumbers][] => {
        const numbers = column.uniqueNumbers();
        return numbers ? [[name, numbers]] : [];
      }),
    );
    return { tallies: this.tracker.export(), unique };
  }

  /**
   * Adds a later part's violations (their lines shifted by `lineOffset`) and unique values. Returns how many of the
   * part's unique values this validator had seen: those repeats have no row to point at, so a caller that needs
   * them reported row by row reads the data again in one piece.
   */
  absorb(
    part: ValidatorPart,
    lineOffset: number | ((file: string) => number),
    fileOrder?: (file: string) => number,
  ): number {
    let repeats = 0;
    for (const [name, numbers] of Object.entries(part.unique))
      repeats += this.columns.get(name)?.absorbUnique(numbers) ?? 0;
    this.tracker.absorb(part.tallies, lineOffset, fileOrder);
    return repeats;
  }

  /**
   * How many unique values of `parts` repeat a value seen earlier (here, or in an earlier part), without changing
   * this validator: repeats across parts have no row to point at, so a caller reads such data in one piece.
   */
  repeatsAcross(parts: readonly ValidatorPart[]): number {
    const probe = new DatasetValidator(this.contract);
    probe.absorb({ tallies: [], unique: this.part().unique }, 0);
    return parts.reduce((repeats, part) => repeats + probe.absorb({ tallies: [], unique: part.unique }, 0), 0);
  }

  /** Marks the columns of a file's header as seen without checking the policy again (the part's header). */
  noteColumns(header: readonly string[]): void {
    header.forEach((name) => this.seenColumns.add(name));
  }

  /** The report, with the whole-column rules judged on the profile of the same data. */
  finish(profile: Profile, options: ValidationOptions): ValidationReport {
    const rows = profile.dataset.rows;
    const byName = new Map(profile.columns.map((c) => [c.name, c]));
    const bound = (
      column: string,
      rule: string,
      severity: 'error' | 'warning',
      what: string,
      value: number | null | undefined,
      bounds: Bounds | undefined,
    ) => {
      if (!bounds || value === null || value === undefined) return;
      if (bounds.min !== undefined && value < bounds.min)
        this.tracker.addAggregate(column, rule, severity, `${what} ${round(value)} is below ${bounds.min}`, 1);
      if (bounds.max !== undefined && value > bounds.max)
        this.tracker.addAggregate(column, rule, severity, `${what} ${round(value)} is above ${bounds.max}`, 1);
    };
    for (const [name, contract] of Object.entries(this.contract.columns)) {
      const column = byName.get(name);
      if (!column || !this.seenColumns.has(name)) continue;
      const severity = contract.severity ?? 'error';
      const nullShare = rows > 0 ? column.nulls / rows : 0;
      if (contract.max_null_fraction !== undefined && nullShare > contract.max_null_fraction) {
        this.tracker.addAggregate(
          name,
          'max_null_fraction',
          severity,
          `${round(nullShare * 100)}% of values are missing, more than the ${round(contract.max_null_fraction * 100)}% allowed`,
          column.nulls,
        );
      }
      bound(name, 'mean', severity, 'the mean', column.numeric?.mean, contract.mean);
      bound(
        name,
        'stddev',
        severity,
        'the standard deviation',
        column.numeric?.variance == null ? null : Math.sqrt(column.numeric.variance),
        contract.stddev,
      );
      if (contract.quantiles) {
        const qs = selectQuantiles(sampleNumbers(column.sample), Object.keys(contract.quantiles).map(Number));
        for (const [q, bounds] of Object.entries(contract.quantiles))
          bound(name, 'quantile', severity, `the ${Number(q) * 100}th percentile`, qs[String(Number(q))], bounds);
      }
    }
    bound('', 'row_count', 'error', 'the row count', rows, this.contract.dataset?.row_count);
    // Listed by column (the contract's order, then others as met, then the dataset's) and by rule: the same
    // order however the data was split or read.
    const columnOrder = [...Object.keys(this.contract.columns), ...this.seenColumns];
    const rank = (column: string | null | undefined) => (column ? columnOrder.indexOf(column) : columnOrder.length);
    const violations = this.tracker
      .violations(
        () => rows,
        (column) => (column ? (ownValue(this.contract.columns, column)?.mostly ?? 1) : 1),
      )
      .map((v) => (v.rule === 'row_count' ? { ...v, column: null } : v))
      .sort((a, b) => rank(a.column) - rank(b.column) || RULE_ORDER.indexOf(a.rule) - RULE_ORDER.indexOf(b.rule));
    const errors = violations.filter((v) => v.severity === 'error').length;
    const warnings = violations.length - errors;
    return {
      schema: 'mlgate/validation-report@1',
      created_at: options.createdAt,
      passed: options.failOn === 'warning' ? violations.length === 0 : errors === 0,
      fail_on: options.failOn,
      contract: {
        ...(options.contractPath ? { path: options.contractPath } : {}),
        inferred: options.inferred ?? false,
      },
      dataset: {
        files: profile.dataset.files.map((f) => ({ path: f.path, rows: f.rows })),
        rows,
        columns: profile.columns.length,
      },
      summary: { errors, warnings, rules_checked: countRules(this.contract) },
      violations,
    };
  }
}

function countRules(contract: DataContract): number {
  let rules = 0;
  for (const column of Object.values(contract.columns)) {
    rules += 1; // type
    for (const key of [
      'nullable',
      'max_null_fraction',
      'min',
      'max',
      'allowed',
      'pattern',
      'unique',
      'mean',
      'stddev',
    ] as const)
      if (column[key] !== undefined) rules++;
    rules += Object.keys(column.quantiles ?? {}).length;
  }
  const dataset = contract.dataset ?? {};
  return (
    rules +
    (dataset.row_count ? 1 : 0) +
    1 +
    (dataset.extra_columns === 'forbid' ? 1 : 0) +
    (dataset.order === 'strict' ? 1 : 0)
  );
}

function round(value: number): string {
  return Number(value.toPrecision(6)).toString();
}
