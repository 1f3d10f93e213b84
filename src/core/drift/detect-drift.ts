import { parseBoolText } from '../data/cell-text.js';
import type { DriftReport, FeatureDrift } from '../documents.js';
import { ConfigurationError } from '../errors.js';
import { ownValue } from '../own-value.js';
import {
  columnSample,
  forgetDecodedSamples,
  distinctSampleValues,
  sampleValueAt,
  sortedSampleNumbers,
  type ColumnProfile,
  type Profile,
} from '../profile/profile.js';
import { benjaminiHochberg } from '../stats/benjamini-hochberg.js';
import { chiSquareContingency } from '../stats/chi-square-contingency.js';
import { jensenShannonDistance } from '../stats/jensen-shannon.js';
import { ks2samp } from '../stats/ks-2samp.js';
import { twoProportionZTest } from '../stats/two-proportion-z-test.js';
import { normedWasserstein } from '../stats/wasserstein.js';
import { constantMovedPValue } from './constant-reference.js';
import { newCategoriesPValue } from './new-categories.js';
import {
  checkTestServes,
  checkThreshold,
  DEFAULT_THRESHOLDS,
  DRIFT_TEST_SPECS,
  isColumnKind,
  isDriftTest,
  type AutomaticTest,
  type ColumnKind,
  type DriftTest,
} from './drift-tests.js';
import { binCounts, psiOfCounts, quantileEdges } from './quantile-bins.js';

export { DEFAULT_THRESHOLDS, DRIFT_TESTS, type DriftTest } from './drift-tests.js';

export interface DriftOptions {
  /** Columns to check (default: every column of the reference). */
  columns?: readonly string[];
  /** A test per column, or per kind ('numeric', 'categorical', 'binary'), instead of the defaults. */
  tests?: Readonly<Record<string, DriftTest>>;
  /** A threshold per test or per column. */
  thresholds?: Readonly<Record<string, number>>;
  /** The dataset drifts when at least this share of the tested features drift, and at least one does (0: any one). */
  driftShare: number;
  /** When either side has at most this many rows, tests with p-values run; above it on both sides, distances. */
  smallSample: number;
  /** Fewer values than this on either side: insufficient data, not drift. */
  minValues: number;
  /** A change in the share of missing values larger than this is drift by itself. */
  nullShareChange: number;
  /** Benjamini-Hochberg adjustment of p-values across the features (the label's and predictions' stand apart). */
  correction: 'none' | 'bh';
  /** A value of a text column that the reference never had: drift by itself, or only named in the report. */
  newCategories: 'drift' | 'note';
  /** The label (target) column: tested and reported as label drift, not counted among the features. */
  label?: string;
  /** Columns the user names as identifiers (besides those unique per row): skipped. */
  ids?: readonly string[];
  /** Names an option the way its user sees it in errors (`input "tests"`, `option --tests`). */
  inputLabel?: (name: string) => string;
  createdAt: string;
}

/**
 * The defaults, chosen by measurement (test/unit/core/drift/false-alarms.test.ts): on 100 random half/half splits of
 * scikit-learn's datasets they flag dataset drift in at most 5 splits without drift and find a shift of half a
 * standard deviation in three features in at least 95.
 */
export const DEFAULT_DRIFT_OPTIONS: Omit<DriftOptions, 'createdAt'> = {
  driftShare: 0,
  smallSample: 1000,
  minValues: 20,
  nullShareChange: 0.1,
  correction: 'bh',
  newCategories: 'drift',
};

/** Distinct values a numeric column needs to be compared as numbers rather than as categories. */
const NUMERIC_MIN_DISTINCT = 6;
/** New categories of a text column are drift when this unlikely by chance (see new-categories.ts). */
const NEW_CATEGORIES_P = 0.05;
/** A constant reference column that moved is drift when the move is this unlikely (Fisher's exact p-value). */
const CONSTANT_MOVED_P = 0.05;
/** At most this many new categories are listed in the report (the most frequent). */
const MAX_NEW_CATEGORIES = 20;
/** At most this many new categories are named in a reason. */
const NAMED_CATEGORIES = 5;

type TestName = DriftTest | AutomaticTest;

/** One verdict on a column: a p-value below its threshold, or a distance at or above it. */
interface Judge {
  /** What the reason calls it: a test's name, "Fisher's exact", "new categories". */
  name: string;
  judgedBy: 'p_value' | 'distance';
  /** The p-value (adjusted in place under a correction) or the distance. */
  value: number;
  /** The p-value before any correction. */
  raw: number;
  threshold: number;
  /**
   * A distance drifts only when this test also finds the change significant: a distance between two samples of one
   * population is not 0, and with few rows or many categories its noise alone crosses the threshold.
   */
  confirm?: Judge;
  /** Said before the numbers (the new categories' names). */
  lead?: string;
  /** The value is a p-value adjusted across the features. */
  adjusted?: boolean;
}

/** One column's comparison before the dataset-wide correction: how its tests judge it, and reasons besides. */
interface Comparison {
  feature: FeatureDrift;
  /** The test's verdict first; then new categories, judged by chance. */
  judges: Judge[];
  /** Reasons for drift that no correction changes: missing values, new categories. */
  reasons: string[];
  /** Said of the column whatever its status (what was compared instead, values named). */
  notes: string[];
}

/**
 * Compares the current data with the reference, column by column, from their profiles: each test only where it is
 * valid (see drift-tests.ts), numeric columns by their samples (KS when either side is small, normed Wasserstein
 * otherwise; chi-square, PSI and Jensen-Shannon on the reference's quantile bins), categorical and binary columns by
 * their full category counts (chi-square or z-test when small, Jensen-Shannon otherwise). A jump in the share of
 * missing values, a new category of a text column and a constant reference column that moved are drift on their
 * own; every drifted feature says why. Too few values is insufficient data; identifiers are skipped; the label is
 * judged apart from the features. Nothing reported is ever NaN. Against a reference profile without a sample
 * (written with sample-size 0) only category counts are compared: the other columns are skipped, with the reason.
 */
export function detectDrift(reference: Profile, current: Profile, options: DriftOptions): DriftReport {
  try {
    return compareProfiles(reference, current, options);
  } finally {
    // The decoded samples of the last columns compared are of no use to a later comparison: their memory goes now.
    forgetDecodedSamples();
  }
}

function compareProfiles(reference: Profile, current: Profile, options: DriftOptions): DriftReport {
  checkNames(reference, options);
  const small = Math.min(reference.dataset.rows, current.dataset.rows) <= options.smallSample;
  // A profile written with sample-size 0 keeps no rows: only tests on category counts can run against it.
  const sampled = reference.sample.size > 0;
  const names = options.columns ?? reference.columns.map((c) => c.name);
  const comparisons: Comparison[] = names.map((name) => {
    const ref = reference.columns.find((c) => c.name === name)!;
    const cur = current.columns.find((c) => c.name === name);
    if (!cur)
      return {
        feature: { column: name, test: 'none', status: 'skipped', reason: 'missing from the current data' },
        judges: [],
        reasons: [],
        notes: [],
      };
    return compareColumn(ref, cur, reference.dataset.rows, current.dataset.rows, small, options, sampled);
  });
  const isFeature = (f: FeatureDrift) => f.role !== 'label' && f.kind !== 'prediction';
  if (options.correction === 'bh') {
    // The features form one family; the label is a question of its own, so its p-value stays as it is.
    const family = comparisons
      .filter((c) => isFeature(c.feature))
      .flatMap((c) =>
        c.judges.flatMap((j) => [j, ...(j.confirm ? [j.confirm] : [])]).filter((j) => j.judgedBy === 'p_value'),
      );
    benjaminiHochberg(family.map((j) => j.raw)).forEach((p, i) =>
      Object.assign(family[i]!, { value: p, adjusted: true }),
    );
    for (const c of comparisons) {
      const main = c.judges[0]?.confirm ?? c.judges[0];
      if (main?.judgedBy === 'p_value' && isFeature(c.feature)) c.feature.p_adjusted = finite(main.value);
    }
  }
  const features = comparisons.map(decide);
  const tested = features.filter((f) => isFeature(f) && (f.status === 'ok' || f.status === 'drift'));
  const drifted = tested.filter((f) => f.status === 'drift').length;
  const datasetDrift = drifted > 0 && drifted / tested.length >= options.driftShare;
  return {
    schema: 'mlgate/drift-report@1',
    created_at: options.createdAt,
    reference: { source: reference.dataset.files.map((f) => f.path).join(', '), rows: reference.dataset.rows },
    current: { source: current.dataset.files.map((f) => f.path).join(', '), rows: current.dataset.rows },
    dataset_drift: datasetDrift,
    verdict: tested.length === 0 ? 'not_tested' : datasetDrift ? 'drift' : 'no_drift',
    drift_share: options.driftShare,
    correction: options.correction,
    features,
  };
}

/**
 * Refuses names that match nothing: a column to check, a column given a test or a threshold, the label. Such a
 * name is a typo far more often than a wish, and checking nothing for it would pass silently.
 */
function checkNames(reference: Profile, options: DriftOptions): void {
  const label = options.inputLabel ?? ((name: string) => name);
  const known = new Set(reference.columns.map((c) => c.name));
  const available = `its columns: ${[...known].slice(0, 30).join(', ')}${known.size > 30 ? ', …' : ''}`;
  for (const name of options.columns ?? []) {
    if (!known.has(name))
      throw new ConfigurationError(`${label('columns')}: ${name} is not a column of the reference (${available})`);
  }
  for (const name of options.ids ?? []) {
    if (!known.has(name))
      throw new ConfigurationError(`${label('ids')}: ${name} is not a column of the reference (${available})`);
  }
  if (options.label !== undefined && !known.has(options.label))
    throw new ConfigurationError(`${label('label')}: ${options.label} is not a column of the reference (${available})`);
  for (const name of Object.keys(options.tests ?? {})) {
    if (!isColumnKind(name) && !known.has(name))
      throw new ConfigurationError(
        `${label('tests')}: ${name} is neither a kind (numeric, categorical, binary) nor a column of the reference (${available})`,
      );
  }
  for (const name of Object.keys(options.thresholds ?? {})) {
    if (!isDriftTest(name) && !known.has(name))
      throw new ConfigurationError(
        `${label('thresholds')}: ${name} is neither a test nor a column of the reference (${available})`,
      );
  }
}

function kindOf(column: ColumnProfile, sampled: boolean): ColumnKind {
  const numericType = column.type === 'int' || column.type === 'float' || column.type === 'datetime';
  // Without a sample, a column without category counts has no distinct count: its type decides.
  if (!sampled && !column.categories && column.type !== 'bool') return numericType ? 'numeric' : 'categorical';
  const distinct = column.categories?.distinct ?? distinctSampleValues(columnSample(column), 5);
  if (column.type === 'bool' || distinct === 2) return 'binary';
  if (numericType && distinct >= NUMERIC_MIN_DISTINCT) return 'numeric';
  return 'categorical';
}

/**
 * A column whose every value in the reference is different (ids, names, keys) says nothing about drift: each new
 * batch of rows brings new values. Only text and whole-number columns count; measurements in floats are distinct
 * by nature.
 */
function uniquePerRow(column: ColumnProfile, minValues: number): boolean {
  if (column.count < minValues) return false;
  if (column.type === 'string' || column.type === 'category')
    return column.categories !== undefined && column.categories.distinct === column.count;
  if (column.type !== 'int' && !(column.type === 'float' && column.numeric?.integral)) return false;
  const values = sortedSampleNumbers(columnSample(column));
  return values.length >= minValues && new Set(values).size === values.length;
}

function compareColumn(
  ref: ColumnProfile,
  cur: ColumnProfile,
  refRows: number,
  curRows: number,
  small: boolean,
  options: DriftOptions,
  sampled: boolean,
): Comparison {
  const label = options.inputLabel ?? ((name: string) => name);
  const role = ref.name === options.label ? ('label' as const) : undefined;
  const none = (feature: FeatureDrift): Comparison => ({ feature, judges: [], reasons: [], notes: [] });
  if (!role && options.ids?.includes(ref.name))
    return none({
      column: ref.name,
      test: 'none',
      status: 'skipped',
      role: 'id',
      reason: `identifier (named by ${label('ids')}): not compared`,
    });
  if (!role && uniquePerRow(ref, options.minValues)) {
    return none({
      column: ref.name,
      test: 'none',
      status: 'skipped',
      role: 'id',
      reason: `identifier: unique per row in the reference (${ref.count} distinct values), so every new row brings new values; not compared`,
    });
  }
  const kind = kindOf(ref, sampled);
  // Column names are data: a column named constructor must not find Object.prototype's.
  const asked = ownValue(options.tests, ref.name);
  if (asked) checkTestServes(asked, kind, ref.name, label('tests'));
  const chosen = asked ?? ownValue(options.tests, kind) ?? defaultTest(kind, small);
  const columnThreshold = ownValue(options.thresholds, ref.name);
  if (columnThreshold !== undefined)
    checkThreshold(chosen, columnThreshold, `${ref.name}=${columnThreshold}`, label('thresholds'));
  const threshold = columnThreshold ?? ownValue(options.thresholds, chosen) ?? DEFAULT_THRESHOLDS[chosen];
  const base: FeatureDrift = {
    column: ref.name,
    kind,
    test: chosen,
    threshold,
    status: 'ok',
    ...(role ? { role } : {}),
  };
  if (!sampled && ref.count > 0 && (kind === 'numeric' || !ref.categories || !cur.categories)) {
    return none({
      ...base,
      status: 'skipped',
      reason: `the reference profile holds no sample (written with sample-size 0), and ${chosen} on this column needs one; only category counts are compared without it: write the reference with a sample-size above 0, or give it as data files`,
    });
  }
  const values = [ref, cur].map((c) => (kind === 'numeric' ? sortedSampleNumbers(columnSample(c)).length : c.count));
  if (values[0]! < options.minValues || values[1]! < options.minValues) {
    return none({
      ...base,
      status: 'insufficient_data',
      reason: `${values[0]} reference and ${values[1]} current values; at least ${options.minValues} are needed on each side`,
    });
  }
  const comparison: Comparison = { feature: base, judges: [], reasons: [], notes: [] };
  const refShare = refRows > 0 ? ref.nulls / refRows : 0;
  const curShare = curRows > 0 ? cur.nulls / curRows : 0;
  if (Math.abs(curShare - refShare) > options.nullShareChange)
    comparison.reasons.push(
      `missing values went from ${(refShare * 100).toFixed(1)}% to ${(curShare * 100).toFixed(1)}%`,
    );

  const result =
    kind === 'numeric' ? runNumeric(chosen, ref, cur) : runOnCounts(chosen, kind, ref, cur, comparison, options);
  const test = result.test;
  const judgedBy = test === 'fisher' ? 'p_value' : DRIFT_TEST_SPECS[test].judgedBy;
  // A test that ran instead of the one chosen keeps a threshold of its own kind.
  const ranThreshold =
    test === chosen
      ? threshold
      : judgedBy === 'p_value'
        ? DRIFT_TEST_SPECS[chosen].judgedBy === 'p_value'
          ? threshold
          : CONSTANT_MOVED_P
        : DEFAULT_THRESHOLDS[test as DriftTest];
  comparison.feature = {
    ...base,
    test,
    threshold: ranThreshold,
    statistic: finite(result.statistic),
    p_value: result.p === undefined ? null : finite(result.p),
    effect_size: finite(result.effect),
    ...(result.edges ? { bin_edges: result.edges.map(round) } : {}),
  };
  if (result.newCategories && result.newCategories.length > 0)
    comparison.feature.new_categories = result.newCategories
      .slice(0, MAX_NEW_CATEGORIES)
      .map(([value, count]) => ({ value, count }));
  if (Number.isFinite(result.p ?? result.statistic)) {
    const value = result.p ?? result.statistic;
    const judge: Judge = {
      name: test === 'fisher' ? "Fisher's exact" : test,
      judgedBy,
      value,
      raw: value,
      threshold: ranThreshold,
    };
    if (judgedBy === 'distance') {
      // The significance test beside a distance: KS on a numeric column's samples, chi-square on counts.
      const check =
        kind === 'numeric'
          ? runNumeric('ks', ref, cur)
          : countTest('chi2', ...(alignedCounts(ref, cur).slice(0, 2) as [number[], number[]]));
      const p = check.p!;
      judge.confirm = {
        name: check.test,
        judgedBy: 'p_value',
        value: p,
        raw: p,
        threshold: ownValue(options.thresholds, check.test) ?? DEFAULT_THRESHOLDS[check.test as DriftTest],
      };
      comparison.feature.p_value = finite(p);
      comparison.feature.significance_test = check.test as 'ks' | 'chi2';
    }
    comparison.judges.push(judge);
  }
  if (result.newCategoryJudge) comparison.judges.push(result.newCategoryJudge);
  const chartLabel =
    ref.type === 'datetime' ? (v: number) => new Date(v).toISOString().slice(0, 10) : (v: number) => String(round(v));
  comparison.feature.distribution =
    kind === 'numeric'
      ? binnedShares(sortedSampleNumbers(columnSample(ref)), sortedSampleNumbers(columnSample(cur)), chartLabel)
      : categoryShares(ref, cur);
  return comparison;
}

/** The final status and reason of a column, once its p-values are adjusted (or not). */
function decide(comparison: Comparison): FeatureDrift {
  const { feature, judges, reasons, notes } = comparison;
  if (feature.status === 'skipped' || feature.status === 'insufficient_data') return feature;
  const found: string[] = [];
  const said: string[] = [];
  for (const judge of judges) {
    const over = isOver(judge);
    const confirmed = !judge.confirm || isOver(judge.confirm);
    const text = [judge.lead, describe(judge)].filter(Boolean).join(': ');
    const confirmation = judge.confirm
      ? `, ${confirmed ? 'confirmed by' : 'but not significant by'} ${describe(judge.confirm)}`
      : '';
    if (over && confirmed) found.push(text + confirmation);
    else if (judge.lead) said.push(`${judge.lead} (within chance: ${describe(judge)})`);
    else if (over) said.push(text + confirmation);
  }
  const all = [...found, ...reasons];
  feature.status = all.length > 0 ? 'drift' : 'ok';
  const text = [...all, ...said, ...notes];
  if (text.length > 0) feature.reason = text.join('; ');
  return feature;
}

function isOver(judge: Judge): boolean {
  return judge.judgedBy === 'p_value' ? judge.value < judge.threshold : judge.value >= judge.threshold;
}

/** A judge's numbers for a reason: `ks BH-adjusted p-value 0.003 < 0.05 (raw 0.0004)`, `psi 0.31 ≥ 0.2`. */
function describe(judge: Judge): string {
  const over = isOver(judge);
  if (judge.judgedBy === 'distance')
    return `${judge.name} ${formatValue(judge.value)} ${over ? '≥' : '<'} ${judge.threshold}`;
  const raw = judge.adjusted && judge.value !== judge.raw ? ` (raw ${formatValue(judge.raw)})` : '';
  return `${judge.name} ${judge.adjusted ? 'BH-adjusted p-value' : 'p-value'} ${formatValue(judge.value)} ${over ? '<' : '≥'} ${judge.threshold}${raw}`;
}

function defaultTest(kind: ColumnKind, small: boolean): DriftTest {
  if (kind === 'numeric') return small ? 'ks' : 'wasserstein';
  if (kind === 'binary') return small ? 'ztest' : 'jensenshannon';
  return small ? 'chi2' : 'jensenshannon';
}

interface TestResult {
  test: TestName;
  statistic: number;
  p?: number;
  effect: number;
  /** The inner edges of the quantile bins a numeric column was counted in. */
  edges?: number[];
  newCategories?: [string, number][];
  /** New categories of a text column, judged by how unlikely they are by chance. */
  newCategoryJudge?: Judge;
}

/** A numeric column: KS and Wasserstein on the samples; the count tests on the reference's quantile bins. */
function runNumeric(test: DriftTest, ref: ColumnProfile, cur: ColumnProfile): TestResult {
  const a = sortedSampleNumbers(columnSample(ref));
  const b = sortedSampleNumbers(columnSample(cur));
  if (test === 'ks') {
    const r = ks2samp(a, b);
    return { test, statistic: r.statistic, p: r.pValue, effect: r.statistic };
  }
  if (test === 'wasserstein') {
    const normed = normedWasserstein(a, b);
    return { test, statistic: normed, effect: normed };
  }
  const edges = quantileEdges(a);
  return { ...countTest(test, binCounts(a, edges), binCounts(b, edges)), edges };
}

/** chi2, psi, jensenshannon or ztest on two count vectors over the same bins or categories. */
function countTest(test: DriftTest, r: number[], c: number[]): TestResult {
  switch (test) {
    case 'psi': {
      const psi = psiOfCounts(r, c);
      return { test, statistic: psi, effect: psi };
    }
    case 'jensenshannon': {
      const d = jensenShannonDistance(r, c);
      return { test, statistic: d, effect: d };
    }
    case 'ztest': {
      const z = twoProportionZTest(r[0] ?? 0, sum(r), c[0] ?? 0, sum(c));
      return { test, statistic: z.statistic, p: z.pValue, effect: z.difference };
    }
    default: {
      const [pr, pc] = poolSparse(r, c);
      const chi = chiSquareContingency(pr, pc);
      return { test: 'chi2', statistic: chi.statistic, p: chi.pValue, effect: chi.cramersV };
    }
  }
}

/**
 * A categorical or binary column, on its category counts. Values the reference never had are named; in a text
 * column they are drift by themselves (unless newCategories is 'note'), in a number column only noted, since a
 * sample of numbers does not hold every value the column can take. A reference with one value only is judged by
 * Fisher's exact test of the current values that differ from it.
 */
function runOnCounts(
  test: DriftTest,
  kind: ColumnKind,
  ref: ColumnProfile,
  cur: ColumnProfile,
  comparison: Comparison,
  options: DriftOptions,
): TestResult {
  const [r, c, keys] = alignedCounts(ref, cur);
  const fresh = keys.map((k, i) => [k, c[i]!, r[i]!] as const).filter(([, count, before]) => before === 0 && count > 0);
  const newCategories = fresh.map(([k, count]) => [k, count] as [string, number]).sort((x, y) => y[1] - x[1]);
  let newCategoryJudge: Judge | undefined;
  if (newCategories.length > 0) {
    const named =
      newCategories
        .slice(0, NAMED_CATEGORIES)
        .map(([k, n]) => `"${k.length > 60 ? `${k.slice(0, 59)}…` : k}" (${n} ${n === 1 ? 'row' : 'rows'})`)
        .join(', ') +
      (newCategories.length > NAMED_CATEGORIES ? ` and ${newCategories.length - NAMED_CATEGORIES} more` : '');
    const what =
      kind === 'binary'
        ? `new value${newCategories.length > 1 ? 's' : ''} ${named} in a column of two values`
        : `new categor${newCategories.length > 1 ? 'ies' : 'y'} ${named}`;
    const text = ref.type === 'string' || ref.type === 'category' || ref.type === 'bool';
    if (text && options.newCategories === 'drift') {
      const p = newCategoriesPValue(
        r.map((n, i) => n + c[i]!),
        newCategories.length,
        sum(r),
        sum(c),
      );
      newCategoryJudge = {
        name: 'new-category',
        lead: what,
        judgedBy: 'p_value',
        value: p,
        raw: p,
        threshold: NEW_CATEGORIES_P,
      };
    } else
      comparison.notes.push(
        `${what}${text ? ' (named only: new-categories is note)' : ' (a number column: judged by its test)'}`,
      );
  }
  const present = r.filter((n) => n > 0).length;
  if (present === 1) {
    // A constant reference: the share of current values that moved off its one value, and how unlikely that is.
    const n = sum(r);
    const m = sum(c);
    const at = r.findIndex((x) => x > 0);
    const differing = m - c[at]!;
    const p = constantMovedPValue(n, m, differing);
    if (differing > 0)
      comparison.notes.unshift(`the reference is constant (${keys[at]}); ${differing} of ${m} current values differ`);
    return { test: 'fisher', statistic: differing / m, p, effect: differing / m, newCategories, newCategoryJudge };
  }
  if (test === 'ztest' && keys.length > 2) {
    comparison.notes.push(`chi-square ran instead of the z-test, which compares two values only`);
    return { ...countTest('chi2', r, c), newCategories, newCategoryJudge };
  }
  return { ...countTest(test, r, c), newCategories, newCategoryJudge };
}

/** Chi-square is valid when each cell expects at least this many rows. */
const CHI2_MIN_EXPECTED = 5;

/**
 * Categories (or bins) whose expected count on the smaller side is under 5 are pooled into one cell before
 * chi-square, its usual validity condition: without it, hundreds of rare categories give p-values far too small
 * (on random halves of 20,000 flights, chi-square on the origin airport flagged drift that was not there).
 */
function poolSparse(r: readonly number[], c: readonly number[]): [number[], number[]] {
  const n = sum(r);
  const m = sum(c);
  const share = Math.min(n, m) / (n + m || 1);
  const pr: number[] = [];
  const pc: number[] = [];
  let rareR = 0;
  let rareC = 0;
  for (let i = 0; i < r.length; i++) {
    if ((r[i]! + c[i]!) * share >= CHI2_MIN_EXPECTED) {
      pr.push(r[i]!);
      pc.push(c[i]!);
    } else {
      rareR += r[i]!;
      rareC += c[i]!;
    }
  }
  if (rareR + rareC > 0) {
    pr.push(rareR);
    pc.push(rareC);
  }
  return [pr, pc];
}

function countsOf(column: ColumnProfile): Map<string, number> {
  if (column.categories) return new Map(column.categories.counts);
  const counts = new Map<string, number>();
  const sample = columnSample(column);
  for (let i = 0; i < sample.length; i++) {
    const v = sampleValueAt(sample, i);
    if (v !== null) counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
  }
  return counts;
}

/**
 * The current side of a bool reference column is read as text, so that a value that is no bool spelling (a third
 * value) keeps its name instead of being counted as invalid: its bool spellings count as true and false here.
 */
function asBoolCounts(counts: Map<string, number>): Map<string, number> {
  const mapped = new Map<string, number>();
  for (const [text, n] of counts) {
    const bool = parseBoolText(text);
    const key = bool === 1 ? 'true' : bool === 0 ? 'false' : text;
    mapped.set(key, (mapped.get(key) ?? 0) + n);
  }
  return mapped;
}

/** Category counts of both sides over the union of their categories (from the profile, or its sample). */
function alignedCounts(ref: ColumnProfile, cur: ColumnProfile): [number[], number[], string[]] {
  const a = countsOf(ref);
  const b = ref.type === 'bool' && cur.type !== 'bool' ? asBoolCounts(countsOf(cur)) : countsOf(cur);
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
  return [keys.map((k) => a.get(k) ?? 0), keys.map((k) => b.get(k) ?? 0), keys];
}

const CHART_BINS = 10;
const CHART_CATEGORIES = 8;

/** Shares of both sorted samples over 10 equal bins spanning both, labelled by their lower edges. O(log n) a bin. */
function binnedShares(
  a: Float64Array,
  b: Float64Array,
  label: (value: number) => string,
): FeatureDrift['distribution'] {
  const min = Math.min(a[0] ?? Number.POSITIVE_INFINITY, b[0] ?? Number.POSITIVE_INFINITY);
  const max = Math.max(a.at(-1) ?? Number.NEGATIVE_INFINITY, b.at(-1) ?? Number.NEGATIVE_INFINITY);
  if (!(max > min)) return { labels: [label(min)], reference: [1], current: [1] };
  const width = (max - min) / CHART_BINS;
  const binOf = (v: number) => Math.min(CHART_BINS - 1, Math.floor((v - min) / width));
  const shares = (values: Float64Array) => {
    // binOf never decreases along sorted values: each bin's first index is found by bisection.
    const starts = Array.from({ length: CHART_BINS + 1 }, (_, bin) => firstIndexWhere(values, (v) => binOf(v) >= bin));
    return Array.from({ length: CHART_BINS }, (_, bin) => round((starts[bin + 1]! - starts[bin]!) / values.length));
  };
  return {
    labels: Array.from({ length: CHART_BINS }, (_, i) => label(min + i * width)),
    reference: shares(a),
    current: shares(b),
  };
}

/** The first index of the sorted values at which a predicate that never turns false again holds (length if none). */
function firstIndexWhere(sorted: Float64Array, holds: (value: number) => boolean): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (holds(sorted[middle]!)) high = middle;
    else low = middle + 1;
  }
  return low;
}

/** Shares of the most frequent categories (of both sides together). */
function categoryShares(ref: ColumnProfile, cur: ColumnProfile): FeatureDrift['distribution'] {
  const [r, c, keys] = alignedCounts(ref, cur);
  const total = [sum(r), sum(c)];
  const order = keys
    .map((_, i) => i)
    .sort((x, y) => r[y]! + c[y]! - (r[x]! + c[x]!))
    .slice(0, CHART_CATEGORIES);
  return {
    labels: order.map((i) => keys[i]!),
    reference: order.map((i) => round(r[i]! / (total[0] || 1))),
    current: order.map((i) => round(c[i]! / (total[1] || 1))),
  };
}

function round(value: number): number {
  return Number(value.toPrecision(4));
}

/** A statistic in a reason: four significant digits, small p-values in exponent form. */
function formatValue(value: number): string {
  return Math.abs(value) < 1e-3 && value !== 0 ? value.toExponential(2) : String(round(value));
}

function sum(values: readonly number[]): number {
  return values.reduce((x, y) => x + y, 0);
}

/** Reports never carry NaN or infinities: those become null. */
function finite(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
