import { ConfigurationError } from '../errors.js';

/** What a column is compared as: by its values (numeric), or by the counts of its categories. */
export type ColumnKind = 'numeric' | 'categorical' | 'binary';
export const COLUMN_KINDS: readonly ColumnKind[] = ['numeric', 'categorical', 'binary'];

/** The tests a user may ask for, by name. */
export const DRIFT_TESTS = ['ks', 'chi2', 'ztest', 'psi', 'jensenshannon', 'wasserstein'] as const;
export type DriftTest = (typeof DRIFT_TESTS)[number];

/**
 * A test that runs without being asked for: Fisher's exact test of a reference column that holds one value only,
 * since no other test says how surprising a few moved values are when the reference has no spread.
 */
export type AutomaticTest = 'fisher';

export interface DriftTestSpec {
  /**
   * The column kinds the test can serve (numeric columns are binned on the reference's quantiles for the count tests).
   */
  kinds: readonly ColumnKind[];
  /** p_value: drift below the threshold, which lies in (0, 1); distance: drift at or above it, 0 or more. */
  judgedBy: 'p_value' | 'distance';
  threshold: number;
}

export const DRIFT_TEST_SPECS: Readonly<Record<DriftTest, DriftTestSpec>> = {
  ks: { kinds: ['numeric'], judgedBy: 'p_value', threshold: 0.05 },
  wasserstein: { kinds: ['numeric'], judgedBy: 'distance', threshold: 0.1 },
  chi2: { kinds: ['numeric', 'categorical', 'binary'], judgedBy: 'p_value', threshold: 0.05 },
  ztest: { kinds: ['binary'], judgedBy: 'p_value', threshold: 0.05 },
  psi: { kinds: ['numeric', 'categorical', 'binary'], judgedBy: 'distance', threshold: 0.2 },
  jensenshannon: { kinds: ['numeric', 'categorical', 'binary'], judgedBy: 'distance', threshold: 0.1 },
};

export const DEFAULT_THRESHOLDS: Readonly<Record<DriftTest, number>> = Object.fromEntries(
  DRIFT_TESTS.map((t) => [t, DRIFT_TEST_SPECS[t].threshold]),
) as Record<DriftTest, number>;

export function isDriftTest(name: string): name is DriftTest {
  return (DRIFT_TESTS as readonly string[]).includes(name);
}

export function isColumnKind(name: string): name is ColumnKind {
  return (COLUMN_KINDS as readonly string[]).includes(name);
}

/** The tests that can serve a kind of column, in the order the README lists them. */
export function testsFor(kind: ColumnKind): DriftTest[] {
  const order: DriftTest[] = ['ks', 'wasserstein', 'ztest', 'chi2', 'psi', 'jensenshannon'];
  return order.filter((t) => DRIFT_TEST_SPECS[t].kinds.includes(kind));
}

/**
 * Refuses a test asked for on a kind of column it cannot serve (KS on categories, a z-test on more than two values),
 * naming the tests that can. `where` names the input, `target` the column or kind it was asked for.
 */
export function checkTestServes(test: DriftTest, kind: ColumnKind, target: string, where: string): void {
  if (DRIFT_TEST_SPECS[test].kinds.includes(kind)) return;
  const valid = testsFor(kind);
  throw new ConfigurationError(
    `${where}: ${test} cannot test ${kind} columns (${target}); for ${kind} columns use ${valid.slice(0, -1).join(', ')} or ${valid.at(-1)}`,
  );
}

/** Refuses a threshold outside its test's range: a p-value threshold in (0, 1), a distance threshold 0 or more. */
export function checkThreshold(test: DriftTest, value: number, given: string, where: string): void {
  if (DRIFT_TEST_SPECS[test].judgedBy === 'p_value') {
    if (!(value > 0 && value < 1))
      throw new ConfigurationError(
        `${where}: ${given} is out of range: ${test} is judged by a p-value, so its threshold must lie between 0 and 1 (e.g. 0.05)`,
      );
  } else if (!(value >= 0) || !Number.isFinite(value)) {
    throw new ConfigurationError(
      `${where}: ${given} is out of range: ${test} is a distance, so its threshold must be 0 or more (default ${DRIFT_TEST_SPECS[test].threshold})`,
    );
  }
}
