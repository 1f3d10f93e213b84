import { INVALID, NULL, VALUE, type ColumnData, type RecordBatch } from '../data/batch.js';
import { parseDatetimeText } from '../data/cell-text.js';
import type { ColumnContract } from '../contract/contract.js';
import { compileContractPattern, type ContractPattern } from '../contract/contract-pattern.js';
import { createUniqueTracker, type UniqueNumbers, type UniqueTracker } from './unique-tracker.js';
import type { ViolationTracker } from './violations.js';

/** Per dictionary id: not yet judged, passes, fails. */
const UNKNOWN = 0;
const PASS = 1;
const FAIL = 2;

/**
 * Checks one column's value rules (type, not_null, min, max, allowed, pattern, unique) batch by batch, reporting
 * each failing row with its file and line. Rules on text are judged once per distinct value.
 */
export class ColumnValidator {
  private readonly severity: 'error' | 'warning';
  private readonly min: number | undefined;
  private readonly max: number | undefined;
  private readonly allowedNumbers: Set<number> | undefined;
  private readonly allowedTexts: Set<string> | undefined;
  private readonly pattern: ContractPattern | undefined;
  private readonly unique: UniqueTracker | undefined;
  private allowedById = new Uint8Array(64);
  private patternById = new Uint8Array(64);

  constructor(
    readonly name: string,
    private readonly contract: ColumnContract,
    private readonly tracker: ViolationTracker,
  ) {
    this.severity = contract.severity ?? 'error';
    this.min = limit(contract.min, contract.type);
    this.max = limit(contract.max, contract.type);
    if (contract.allowed) {
      if (contract.type === 'int' || contract.type === 'float')
        this.allowedNumbers = new Set(contract.allowed.map(Number));
      else if (contract.type === 'bool')
        this.allowedNumbers = new Set(contract.allowed.map((v) => (v === true || v === 'true' ? 1 : 0)));
      else this.allowedTexts = new Set(contract.allowed.map(String));
    }
    if (contract.pattern) {
      const { pattern, problem } = compileContractPattern(contract.pattern);
      // A contract is checked when it is read (contractProblems): a pattern refused here is a contract nobody checked.
      if (problem) throw new Error(`column ${name}: ${problem}`);
      this.pattern = pattern;
    }
    if (contract.unique)
      this.unique = createUniqueTracker(
        contract.type === 'int' && this.min !== undefined && this.max !== undefined
          ? { min: this.min, max: this.max }
          : undefined,
      );
  }

  /** The numbers the unique rule has seen, when this column has one. */
  uniqueNumbers(): UniqueNumbers | undefined {
    return this.unique?.exportNumbers();
  }

  /** Adds another part's unique numbers; returns how many were repeats of numbers seen here. */
  absorbUnique(numbers: UniqueNumbers): number {
    if (!this.unique) return 0;
    const repeats = this.unique.absorbNumbers(numbers);
    if (repeats > 0)
      this.tracker.addAggregate(
        this.name,
        'unique',
        this.severity,
        'repeated values in a column whose values must be unique',
        repeats,
      );
    return repeats;
  }

  check(column: ColumnData, batch: RecordBatch): void {
    if (column.ids) this.checkTexts(column, batch);
    else this.checkNumbers(column, batch);
  }

  /** A cell with no value in a column that must have one. */
  private missing(file: string, line: number): void {
    this.tracker.add(
      this.name,
      'not_null',
      this.severity,
      'missing values in a column that must not have any',
      file,
      line,
      null,
    );
  }

  private checkNumbers(column: ColumnData, batch: RecordBatch): void {
    const { status, invalidText } = column;
    const numbers = column.numbers!;
    const { file, lines, length } = batch;
    const { contract, tracker, severity, min, max, allowedNumbers, unique, name } = this;
    const nullable = contract.nullable !== false;
    const integral = contract.type === 'int';
    const shown = (v: number) =>
      contract.type === 'datetime' ? new Date(v).toISOString() : contract.type === 'bool' ? v === 1 : v;
    const invalid = (r: number) => {
      const text = invalidText.get(r) ?? null;
      tracker.add(name, 'type', severity, invalidNumberMessage(contract.type, text), file, lines[r]!, text);
    };
    // Most columns of a wide table have no rule on their values: only cells that are not values need a look.
    // ±Infinity (written inf or Infinity) is a float, which the range rules then judge; never an int.
    if (!integral && min === undefined && max === undefined && !allowedNumbers && !unique) {
      for (let r = 0; r < length; r++) {
        if (status[r] === VALUE) continue;
        if (status[r] === NULL) {
          if (!nullable) this.missing(file, lines[r]!);
        } else invalid(r);
      }
      return;
    }
    for (let r = 0; r < length; r++) {
      const s = status[r];
      if (s === NULL) {
        if (!nullable) this.missing(file, lines[r]!);
        continue;
      }
      if (s === INVALID) {
        invalid(r);
        continue;
      }
      const v = numbers[r]!;
      if (integral && (v !== Math.floor(v) || v - v !== 0))
        tracker.add(name, 'type', severity, 'values that are not an int', file, lines[r]!, v);
      if (min !== undefined && v < min)
        tracker.add(
          name,
          'min',
          severity,
          `values below the minimum ${String(contract.min)}`,
          file,
          lines[r]!,
          shown(v),
        );
      if (max !== undefined && v > max)
        tracker.add(
          name,
          'max',
          severity,
          `values above the maximum ${String(contract.max)}`,
          file,
          lines[r]!,
          shown(v),
        );
      if (allowedNumbers && !allowedNumbers.has(v))
        tracker.add(name, 'allowed', severity, 'values outside the allowed set', file, lines[r]!, shown(v));
      if (unique?.seenNumber(v))
        tracker.add(
          name,
          'unique',
          severity,
          'repeated values in a column whose values must be unique',
          file,
          lines[r]!,
          shown(v),
        );
    }
  }

  private checkTexts(column: ColumnData, batch: RecordBatch): void {
    const ids = column.ids!;
    const values = column.dictionary!.values;
    const { file, lines, length } = batch;
    const { contract, tracker, severity, unique, name } = this;
    const nullable = contract.nullable !== false;
    this.growCaches(values.length);
    const { allowedById, patternById } = this;
    for (let r = 0; r < length; r++) {
      const id = ids[r]!;
      if (id < 0) {
        if (!nullable) this.missing(file, lines[r]!);
        continue;
      }
      if (this.allowedTexts) {
        if (allowedById[id] === UNKNOWN) allowedById[id] = this.allowedTexts.has(values[id]!) ? PASS : FAIL;
        if (allowedById[id] === FAIL)
          tracker.add(name, 'allowed', severity, 'values outside the allowed set', file, lines[r]!, values[id]);
      }
      if (this.pattern) {
        if (patternById[id] === UNKNOWN) patternById[id] = this.pattern.matches(values[id]!) ? PASS : FAIL;
        if (patternById[id] === FAIL)
          tracker.add(
            name,
            'pattern',
            severity,
            `values that do not match the pattern ${contract.pattern}`,
            file,
            lines[r]!,
            values[id],
          );
      }
      if (unique?.seenText(id))
        tracker.add(
          name,
          'unique',
          severity,
          'repeated values in a column whose values must be unique',
          file,
          lines[r]!,
          values[id],
        );
    }
  }

  private growCaches(size: number): void {
    if (size <= this.allowedById.length) return;
    const grow = (a: Uint8Array) => {
      const b = new Uint8Array(Math.max(size, a.length * 2));
      b.set(a);
      return b;
    };
    this.allowedById = grow(this.allowedById);
    this.patternById = grow(this.patternById);
  }
}

/** A contract's min or max as a number: datetimes are ISO texts, compared as epoch milliseconds. */
function limit(value: number | string | undefined, type: string): number | undefined {
  if (value === undefined) return undefined;
  if (type === 'datetime' && typeof value === 'string') return parseDatetimeText(value);
  return Number(value);
}

/** A number literal too large for a double (1e400): the reader refuses it rather than read it as Infinity. */
const OVERFLOW_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
/** A number written with a decimal comma (13,52) where a point was expected. */
const DECIMAL_COMMA_TEXT = /^[+-]?\d+,\d+$/;

/** Why cells of a number column are not numbers, with the fix when the text shows it. */
function invalidNumberMessage(type: string, text: string | null): string {
  const base = `values that are not ${article(type)}`;
  if (text === null) return base;
  if (OVERFLOW_TEXT.test(text.trim())) return `${base}: beyond ±1.8e308, the range of a 64-bit float`;
  if (DECIMAL_COMMA_TEXT.test(text.trim()))
    return `${base}: they look like numbers with a decimal comma; set decimal: ',' (with a delimiter other than ',')`;
  return base;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
