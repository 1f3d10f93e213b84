import type { Violation, ViolationExample } from '../documents.js';

/** Rows shown per violation. */
export const EXAMPLES_PER_VIOLATION = 5;

/** Rules that judge single values; `mostly` applies to these. */
export const VALUE_RULES = new Set(['type', 'not_null', 'min', 'max', 'allowed', 'pattern', 'unique']);

/** What a tracker holds, to carry from one part of a dataset (a thread, a shard) to the whole. */
export type TallyState = Tally;

interface Tally {
  column: string | null;
  rule: string;
  severity: 'error' | 'warning';
  message: string;
  count: number;
  examples: ViolationExample[];
}

/** Counts the rows that break each (column, rule) and keeps the first few, with file and line. */
export class ViolationTracker {
  private readonly tallies = new Map<string, Tally>();

  /** One row broke a rule. */
  add(
    column: string | null,
    rule: string,
    severity: 'error' | 'warning',
    message: string,
    file: string,
    line: number,
    value: unknown,
  ): void {
    const tally = this.tally(column, rule, severity, message);
    tally.count++;
    if (tally.examples.length < EXAMPLES_PER_VIOLATION) tally.examples.push({ file, line, value: value ?? null });
  }

  /** A rule on the whole column or dataset broke (no row to point at). */
  addAggregate(
    column: string | null,
    rule: string,
    severity: 'error' | 'warning',
    message: string,
    count: number,
    examples: ViolationExample[] = [],
  ): void {
    const tally = this.tally(column, rule, severity, message);
    tally.count += count;
    tally.examples.push(...examples.slice(0, EXAMPLES_PER_VIOLATION));
  }

  /** The tallies, to be absorbed by the tracker of the whole. */
  export(): TallyState[] {
    return [...this.tallies.values()];
  }

  /**
   * Adds the tallies of a later part of the data: counts add, and its examples follow this tracker's (so the
   * examples stay the first rows in file order). `lineOffset` turns the part's lines into file lines, for every
   * file alike or per file. With `fileOrder`, the parts may interleave files (shards that each read part of every
   * file): the examples are then sorted by file and line and the first kept, which are the whole's first rows, since
   * each part kept its own first ones.
   */
  absorb(
    tallies: readonly TallyState[],
    lineOffset: number | ((file: string) => number),
    fileOrder?: (file: string) => number,
  ): void {
    const offset = typeof lineOffset === 'number' ? () => lineOffset : lineOffset;
    for (const t of tallies) {
      const tally = this.tally(t.column, t.rule, t.severity, t.message);
      tally.count += t.count;
      const shifted = t.examples.map((example) =>
        example.line === undefined ? example : { ...example, line: example.line + offset(example.file) },
      );
      if (fileOrder) {
        tally.examples = [...tally.examples, ...shifted]
          .sort((a, b) => fileOrder(a.file) - fileOrder(b.file) || (a.line ?? 0) - (b.line ?? 0))
          .slice(0, EXAMPLES_PER_VIOLATION);
        continue;
      }
      for (const example of shifted) {
        if (tally.examples.length >= EXAMPLES_PER_VIOLATION) break;
        tally.examples.push(example);
      }
    }
  }

  /** The violations, after letting `mostly` excuse value rules whose failing share is small enough. */
  violations(checked: (column: string | null) => number, mostly: (column: string | null) => number): Violation[] {
    const result: Violation[] = [];
    for (const t of this.tallies.values()) {
      const rows = checked(t.column);
      const fraction = rows > 0 ? t.count / rows : undefined;
      if (VALUE_RULES.has(t.rule) && fraction !== undefined && fraction <= 1 - mostly(t.column) + 1e-12) continue;
      result.push({
        column: t.column,
        rule: t.rule,
        severity: t.severity,
        count: t.count,
        ...(fraction !== undefined && VALUE_RULES.has(t.rule) ? { fraction } : {}),
        message: t.message,
        examples: t.examples,
      });
    }
    return result;
  }

  private tally(column: string | null, rule: string, severity: 'error' | 'warning', message: string): Tally {
    const key = `${column ?? ''}\u0000${rule}`;
    let tally = this.tallies.get(key);
    if (!tally) {
      tally = { column, rule, severity, message, count: 0, examples: [] };
      this.tallies.set(key, tally);
    }
    return tally;
  }
}
