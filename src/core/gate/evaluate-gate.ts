import type { EvalReport, GateCheck, MetricComparison, SliceResult } from '../documents.js';
import { holm } from '../stats/holm.js';
import { normalSf } from '../stats/normal-sf.js';
import { computeDetectableEffect } from './detectable-effect.js';

/** A tolerated change: absolute (0.01) or relative to the baseline (2% is 0.02 of it). */
export interface Tolerance {
  value: number;
  relative: boolean;
}

/** The rules on one metric: value thresholds, and change thresholds against the baseline. */
export interface MetricRule {
  min?: number;
  max?: number;
  /** For metrics where higher is better: how far the candidate may fall below the baseline. */
  maxDrop?: Tolerance;
  /** For metrics where lower is better (loss, latency): how far the candidate may rise above the baseline. */
  maxRise?: Tolerance;
  /** How the change rule judges the interval of the change; the policy's `rule` when absent. */
  decision?: DecisionRule;
}

/**
 * How a change rule reads the interval of the change (see actions/evaluate/README.md for their measured error rates):
 * - `lenient`: fail when the change is significantly beyond the tolerance (the whole interval beyond it);
 * - `non-inferiority`: pass only when the change is significantly within the tolerance (the whole interval within
 *   it), so a holdout too small to tell fails;
 * - `point`: fail when the change is significantly harmful (the interval excludes no change) and its point value is
 *   beyond the tolerance.
 */
export type DecisionRule = 'lenient' | 'non-inferiority' | 'point';

/** The decision rules, in the order the documentation lists them. */
export const DECISION_RULES: readonly DecisionRule[] = ['lenient', 'non-inferiority', 'point'];

export interface GatePolicy {
  metrics: Record<string, MetricRule>;
  /** Rules every slice must meet (slices have no intervals: change rules compare point values). */
  slices?: Record<string, MetricRule>;
  /**
   * Judge change rules by the confidence interval of the difference (the decision rule); false: by the point change.
   */
  significantOnly: boolean;
  /** The decision rule of change rules that name none. @default 'lenient' */
  rule?: DecisionRule;
  /** What a change rule does when the holdout cannot detect its tolerance: warn, or fail the check. @default 'warn' */
  underpowered?: 'warn' | 'fail';
  /** The family-wise correction across the gated metrics' lenient and point rules. @default 'holm' */
  correction?: 'holm' | 'none';
}

export interface GateContext {
  /** Who applied the override label, when the pull request carries it. */
  override?: { label: string; applied_by?: string };
  /** The rows of the holdout, for the rows a holdout would need to detect each tolerance. */
  rows?: number;
}

/** The one-sided level of each decision: the upper tail of the 95% interval. */
const ALPHA = 0.025;

/**
 * Judges a candidate against the policy, TFMA's semantics made simple: value thresholds always apply; change
 * thresholds apply when there is a baseline (the first model has none, and the report says so). With
 * significant-only, a change rule reads the 95% interval of the change by its decision rule (lenient by default: it
 * fails only when the interval lies entirely beyond the tolerance, so noise does not fail a pull request), reports
 * the smallest change the holdout can detect and marks the check underpowered where the tolerance is out of its
 * reach; several gated metrics are corrected together (Holm). An override label turns a failure into a recorded pass.
 */
export function evaluateGate(
  comparisons: readonly MetricComparison[],
  policy: GatePolicy,
  context: GateContext = {},
  slices: readonly SliceResult[] = [],
): EvalReport['gate'] {
  const judged: JudgedCheck[] = [];
  const baselineMissing = comparisons.every((c) => c.baseline === null);
  for (const [metric, rule] of Object.entries(policy.metrics)) {
    const comparison = comparisons.find((c) => c.metric === metric && c.slice == null);
    if (!comparison || comparison.candidate === null) {
      judged.push({
        check: { metric, rule: 'present', passed: false, reason: `the policy names ${metric}, which was not measured` },
      });
      continue;
    }
    judged.push(...metricChecks(metric, rule, comparison, policy, context.rows));
  }
  const checks = correctFamily(judged, policy);
  for (const slice of slices) {
    const name = `${slice.column} = ${slice.value}`;
    for (const [metric, rule] of Object.entries(policy.slices ?? {})) {
      const candidate = slice.candidate[metric]?.value ?? null;
      const baseline = slice.baseline?.[metric]?.value ?? null;
      if (candidate === null) continue;
      const comparison: MetricComparison = {
        metric,
        slice: name,
        higher_is_better: rule.maxRise === undefined,
        baseline,
        candidate,
        difference: baseline === null ? null : candidate - baseline,
      };
      for (const { check } of metricChecks(metric, rule, comparison, { ...policy, significantOnly: false }))
        checks.push({ ...check, slice: name, reason: `slice ${name}: ${check.reason}` });
    }
  }
  const passed = checks.every((c) => c.passed);
  return {
    passed: passed || context.override !== undefined,
    baseline_missing: baselineMissing,
    override: !passed && context.override ? context.override : null,
    checks,
  };
}

/** The checks of one metric's rules: value thresholds, then change thresholds when there is a baseline. */
function metricChecks(
  metric: string,
  rule: MetricRule,
  comparison: MetricComparison,
  policy: GatePolicy,
  rows?: number,
): JudgedCheck[] {
  const checks: JudgedCheck[] = [];
  const value = comparison.candidate!;
  if (rule.min !== undefined)
    checks.push({
      check: {
        metric,
        rule: 'min',
        threshold: rule.min,
        observed: value,
        passed: value >= rule.min,
        reason: `${metric} is ${fmt(value)}, ${value >= rule.min ? 'at or above' : 'below'} the minimum ${fmt(rule.min)}`,
      },
    });
  if (rule.max !== undefined)
    checks.push({
      check: {
        metric,
        rule: 'max',
        threshold: rule.max,
        observed: value,
        passed: value <= rule.max,
        reason: `${metric} is ${fmt(value)}, ${value <= rule.max ? 'at or below' : 'above'} the maximum ${fmt(rule.max)}`,
      },
    });
  for (const [name, tolerance, sign] of [
    ['max-drop', rule.maxDrop, -1],
    ['max-rise', rule.maxRise, 1],
  ] as const) {
    if (!tolerance) continue;
    if (comparison.baseline === null || comparison.difference === null) {
      checks.push({
        check: { metric, rule: name, passed: true, reason: `no baseline: ${name} of ${metric} not checked` },
      });
      continue;
    }
    // A latency interval comes from timed rounds, not from the holdout's rows: no rows estimate applies to it.
    checks.push(
      changeCheck(
        metric,
        name,
        sign,
        tolerance,
        comparison,
        policy,
        rule.decision ?? policy.rule ?? 'lenient',
        metric.startsWith('latency_') ? undefined : rows,
      ),
    );
  }
  return checks;
}

/** A change check's decision by the interval: what the family-wise correction needs to redo it at another level. */
interface IntervalDecision {
  decision: DecisionRule;
  /** One-sided p-value of the harm the rule fails on (beyond the tolerance for lenient, any harm for point). */
  pValue: number;
  change: number;
  allowed: number;
  /** Whether the percentile interval alone passed the check. */
  intervalPassed: boolean;
}

/** A check, and for a change check judged by its interval what correctFamily needs (kept out of the report). */
interface JudgedCheck {
  check: GateCheck;
  interval?: IntervalDecision;
}

/** A change rule: the change (in the bad direction) must stay within the tolerance, as the decision rule reads it. */
function changeCheck(
  metric: string,
  rule: 'max-drop' | 'max-rise',
  sign: 1 | -1,
  tolerance: Tolerance,
  c: MetricComparison,
  policy: GatePolicy,
  decision: DecisionRule,
  rows?: number,
): JudgedCheck {
  const allowed = tolerance.relative ? tolerance.value * Math.abs(c.baseline!) : tolerance.value;
  // The change in the bad direction: a drop for max-drop, a rise for max-rise.
  const change = sign * c.difference!;
  const verb = rule === 'max-drop' ? 'fell' : 'rose';
  const tolerated = `${tolerance.relative ? `${fmt(tolerance.value * 100)}% (${fmt(allowed)})` : fmt(allowed)}`;
  if (!policy.significantOnly || c.ci_low == null || c.ci_high == null) {
    const passed = change <= allowed;
    const reason = passed
      ? change <= 0
        ? improvedBy(metric, change)
        : `${metric} ${verb} by ${fmt(change)}, within the allowed ${tolerated}`
      : `${metric} ${verb} by ${fmt(change)}, more than the allowed ${tolerated}`;
    return { check: { metric, rule, threshold: allowed, observed: change, passed, reason } };
  }
  // The interval of the change in the bad direction.
  const bestCase = sign === -1 ? -c.ci_high : c.ci_low;
  const worstCase = sign === -1 ? -c.ci_low : c.ci_high;
  const interval = `95% interval of the change ${fmt(bestCase)} to ${fmt(worstCase)}`;
  let passed: boolean;
  let reason: string;
  if (decision === 'non-inferiority') {
    passed = worstCase <= allowed;
    reason = passed
      ? `${change <= 0 ? improvedBy(metric, change) : `${metric} ${verb} by ${fmt(change)}`}; significantly within the allowed ${tolerated} (${interval})`
      : `${change <= 0 ? improvedBy(metric, change) : `${metric} ${verb} by ${fmt(change)}`}, not significantly within the allowed ${tolerated} (${interval})`;
  } else if (decision === 'point') {
    passed = !(bestCase > 0 && change > allowed);
    reason = passed
      ? change <= 0
        ? improvedBy(metric, change)
        : `${metric} ${verb} by ${fmt(change)}; ${change <= allowed ? `within the allowed ${tolerated}` : `not a significant change (${interval})`}`
      : `${metric} ${verb} by ${fmt(change)} (${interval}), a significant change beyond the allowed ${tolerated}`;
  } else {
    passed = bestCase <= allowed;
    reason = passed
      ? change <= 0
        ? improvedBy(metric, change)
        : `${metric} ${verb} by ${fmt(change)}; not significantly beyond the allowed ${tolerated}`
      : `${metric} ${verb} by ${fmt(change)} (${interval}), significantly more than the allowed ${tolerated}`;
  }
  const power = computeDetectableEffect(c.ci_low, c.ci_high, allowed, rows);
  const check: GateCheck = {
    metric,
    rule,
    threshold: allowed,
    observed: change,
    passed,
    reason,
    decision,
    detectable: power.detectable,
    ...(power.rowsNeeded !== undefined ? { rows_needed: power.rowsNeeded } : {}),
  };
  return {
    check: withPower(check, bestCase <= allowed && worstCase > allowed, verb, tolerated, policy),
    interval: {
      decision,
      pValue: harmPValue(decision, change, allowed, power.standardError),
      change,
      allowed,
      intervalPassed: passed,
    },
  };
}

/**
 * The status of a change check from what the holdout can detect: underpowered when its tolerance is out of reach and
 * the interval leaves the question open (it reaches both sides of the tolerance). A holdout that shows the change
 * within the tolerance, or beyond it, has seen enough, however small it is.
 */
function withPower(
  check: GateCheck,
  inconclusive: boolean,
  verb: string,
  tolerated: string,
  policy: GatePolicy,
): GateCheck {
  const underpowered = inconclusive && check.detectable! > check.threshold!;
  if (!underpowered) return { ...check, status: check.passed ? 'passed' : 'failed' };
  const drops = verb === 'fell' ? 'drops' : 'rises';
  const needed = check.rows_needed !== undefined ? `; about ${formatRows(check.rows_needed)} rows would be needed` : '';
  return {
    ...check,
    passed: check.passed && policy.underpowered !== 'fail',
    status: 'underpowered',
    reason: `${check.reason}; underpowered: this holdout can detect ${drops} of ${fmt(check.detectable!)} or more, the policy tolerates ${tolerated}${needed}`,
  };
}

/** One-sided p-value (normal approximation of the bootstrap) of the harm a rule fails on. */
function harmPValue(decision: DecisionRule, change: number, allowed: number, standardError: number): number {
  const margin = decision === 'point' ? change : change - allowed;
  if (standardError === 0) return margin > 0 ? 0 : 1;
  return normalSf(margin / standardError);
}

/**
 * Holm's correction across the gated metrics: each lenient or point change check on the whole data fails only when
 * its Holm-adjusted p-value (normal approximation of the bootstrap) is at most 2.5%, the one-sided level of the 95%
 * interval, so checking accuracy and macro F1 together does not double the false failures. With one such check the
 * interval decides, as without correction. Non-inferiority checks need no correction: each must pass on its own, and
 * requiring all of them to pass keeps the level (an intersection-union test).
 */
function correctFamily(judged: readonly JudgedCheck[], policy: GatePolicy): GateCheck[] {
  const checks = judged.map((j) => j.check);
  if ((policy.correction ?? 'holm') === 'none') return checks;
  const family = judged
    .map(({ check, interval }, index) => ({ check, index, found: interval }))
    .filter((f) => f.found && f.found.decision !== 'non-inferiority');
  if (family.length < 2) return checks;
  const adjusted = holm(family.map((f) => f.found!.pValue));
  family.forEach(({ check, index, found }, i) => {
    // A correction only ever lets a check pass that would fail alone: the normal approximation behind the p-value may
    // disagree with the bootstrap's interval, and a check the interval passes must not fail for that.
    const rejected =
      !found!.intervalPassed &&
      adjusted[i]! <= ALPHA &&
      (found!.decision !== 'point' || found!.change > found!.allowed);
    const passed = !rejected && !(check.status === 'underpowered' && policy.underpowered === 'fail');
    const note =
      rejected === !found!.intervalPassed
        ? ''
        : `; not significant after Holm's correction across ${family.length} gated metrics (adjusted p = ${fmt(adjusted[i]!)})`;
    checks[index] = {
      ...check,
      passed,
      p_adjusted: adjusted[i]!,
      status: check.status === 'underpowered' ? 'underpowered' : passed ? 'passed' : 'failed',
      reason: `${check.reason}${note}`,
    };
  });
  return checks;
}

/** A count of rows as a reviewer reads it: two significant figures, with thousands separators. */
function formatRows(rows: number): string {
  const digits = Math.max(0, Math.floor(Math.log10(rows)) - 1);
  const rounded = Math.ceil(rows / 10 ** digits) * 10 ** digits;
  return rounded.toLocaleString('en-US');
}

/** A tolerance from its text: `0.01` is absolute, `2%` relative to the baseline. */
export function parseTolerance(text: string | number): Tolerance | undefined {
  const value = String(text).trim();
  const match = /^(\d+(?:\.\d+)?)(%?)$/.exec(value);
  if (!match) return undefined;
  return match[2] ? { value: Number(match[1]) / 100, relative: true } : { value: Number(match[1]), relative: false };
}

/** A change that is not a harm: "improved by 0.01", or "is unchanged" when nothing changed (not "improved by 0"). */
function improvedBy(metric: string, change: number): string {
  return change === 0 ? `${metric} is unchanged` : `${metric} improved by ${fmt(-change)}`;
}

function fmt(value: number): string {
  return Number(value.toPrecision(4)).toString();
}
